// `hnemu serve` as a person watching it sees it: a line per request (text or JSON), and with a
// manual clock, one hint per order whose next change waits on the clock.
#include <httplib.h>
#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "testing/binary.h"
#include "testing/requests.h"

using namespace hnemu;
using nlohmann::json;

#ifdef HNEMU_BINARY
namespace {

std::string readAll(const std::string& path) {
  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  return text.str();
}

// Runs a server with `flags`, creates a Twilio order and reads it twice, stops the server, and
// returns what it printed on standard error.
std::string logOf(const std::vector<std::string>& flags, const std::string& name) {
  const std::string log = (std::filesystem::temp_directory_path() /
                           ("hnemu-" + name + "-" + std::to_string(::getpid())))
                              .string();
  std::filesystem::remove(log);
  std::vector<std::string> args{"serve", "--port", "0"};
  args.insert(args.end(), flags.begin(), flags.end());
  const testing::Served served = testing::serveBinary(args, log);
  REQUIRE(served.port > 0);
  httplib::Client client("127.0.0.1", served.port);
  client.set_basic_auth(std::string(twilio::kDefaultAccountSid).c_str(),
                        std::string(twilio::kDefaultAuthToken).c_str());
  const auto created =
      client.Post("/v2/HostedNumber/Orders", testing::twilioOrderBody("+14153608311"),
                  "application/x-www-form-urlencoded");
  REQUIRE(created->status == 201);
  const std::string sid = json::parse(created->body)["sid"];
  for (int i = 0; i < 2; ++i) {
    REQUIRE(client.Get("/v2/HostedNumber/Orders/" + sid)->status == 200);
  }
  ::kill(served.pid, SIGTERM);
  testing::waitExit(served.pid);
  std::string text = readAll(log);
  std::filesystem::remove(log);
  return text;
}

size_t count(const std::string& text, const std::string& what) {
  size_t found = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++found;
  }
  return found;
}

}  // namespace

TEST_CASE("serve --log requests: a line per request, as text or JSON", "[serve][http]") {
  const std::string text = logOf({"--log", "requests"}, "log-text");
  CHECK(text.find("2026-01-05T09:00:00.000Z POST /v2/HostedNumber/Orders 201 twilio ") !=
        std::string::npos);
  CHECK(count(text, " GET /v2/HostedNumber/Orders/HR") == 2);

  const std::string lines = logOf({"--log", "requests", "--log-format", "json"}, "log-json");
  std::istringstream stream(lines);
  size_t requests = 0;
  for (std::string line; std::getline(stream, line);) {
    const json entry = json::parse(line, nullptr, false);
    if (entry.is_object() && entry.contains("status")) {
      ++requests;
      CHECK(entry["provider"] == "twilio");
      CHECK(entry["time"] == "2026-01-05T09:00:00.000Z");
    }
  }
  CHECK(requests == 3);
}

TEST_CASE("serve with a manual clock hints once at an order waiting on it", "[serve][http]") {
  const std::string quiet = logOf({}, "hint");
  CHECK(count(quiet, "hnemu: hint: HR") == 1);
  CHECK(quiet.find("waits on the clock (twilio: eligibility check") != std::string::npos);
  CHECK(quiet.find("{\"advance\": \"30s\"}") != std::string::npos);
  CHECK(quiet.find(" GET ") == std::string::npos);  // no request lines unless asked for
  // With the auto clock, nothing waits for a person: no hint.
  CHECK(logOf({"--clock", "auto"}, "no-hint").find("hint") == std::string::npos);
}
#endif
