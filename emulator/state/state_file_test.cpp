#include "state/state_file.h"

#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "providers/telnyx/routes.h"
#include "testing/requests.h"

using namespace hnemu;
using nlohmann::json;

namespace {

class SilentTransport : public WebhookTransport {
 public:
  TransportResult send(const OutgoingRequest&, Millis, Millis) override {
    return {true, 204, "", ""};
  }
};

EmulatorOptions quietOptions() {
  EmulatorOptions options;
  options.webhook_transport = std::make_shared<SilentTransport>();
  return options;
}

// A folder of its own for each test, removed afterwards.
struct TempFolder {
  std::filesystem::path root;
  explicit TempFolder(const std::string& name)
      : root(std::filesystem::temp_directory_path() /
             ("hnemu-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(root);
    std::filesystem::create_directories(root);
  }
  ~TempFolder() { std::filesystem::remove_all(root); }
  std::string file(const std::string& name) const { return (root / name).string(); }
};

// Every order's status callback goes to a port nothing listens on.
const std::string kCallback = "&StatusCallbackUrl=http%3A%2F%2F127.0.0.1%3A9%2Fhook";

const json kBase = {{"seed", 1}, {"test", "state_file_test"}};

// A run that touches every kind of input: provider requests of all three providers, control
// actions, a clock move, an injected fault answered on a read.
void driveARun(Emulator& emulator) {
  REQUIRE(testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/Orders",
                              testing::twilioOrderBody("+14153608311", kCallback))
              .status == 201);
  REQUIRE(testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/Orders",
                              testing::twilioOrderBody("+14153608312", kCallback))
              .status == 201);
  REQUIRE(testing::send(emulator, "POST", "/__hnemu/clock", R"({"advance":"26h"})").status == 200);
  REQUIRE(testing::send(emulator, "POST", "/v2/messaging_hosted_number_orders",
                        R"({"phone_numbers":["+13125550001"]})", "application/json",
                        "Bearer " + std::string(telnyx::kDefaultApiKey))
              .status == 200);
  REQUIRE(testing::send(emulator, "POST", "/__hnemu/faults",
                        R"({"provider":"twilio","method":"GET","status":503,"times":1})")
              .status == 201);
  REQUIRE(testing::sendTwilio(emulator, "GET", "/v2/HostedNumber/Orders").status == 503);
  REQUIRE(testing::sendTwilio(emulator, "GET", "/v2/HostedNumber/Orders").status == 200);
  REQUIRE(testing::send(emulator, "POST", "/__hnemu/clock", R"({"advance":"3h"})").status == 200);
  // Leaves a timer pending: the import order's processing.
  REQUIRE(testing::send(
              emulator, "POST", "/api/accounts/9900000/importTnOrders",
              "<ImportTnOrder><SiteId>222</SiteId><Subscriber><Name>Owner</Name><ServiceAddress>"
              "<HouseNumber>1</HouseNumber><StreetName>Main</StreetName><City>Raleigh</City>"
              "<StateCode>NC</StateCode><Zip>27601</Zip><County>Wake</County></ServiceAddress>"
              "</Subscriber><LoaAuthorizingPerson>The Owner</LoaAuthorizingPerson>"
              "<TelephoneNumbers><TelephoneNumber>9195551234</TelephoneNumber>"
              "</TelephoneNumbers></ImportTnOrder>",
              "application/xml", basicAuthorization("hnemu", "hnemu-password"))
              .status == 201);
}

json comparable(Emulator& emulator) {
  json state = emulator.state();
  state["pending_timers"] = json::array();
  for (const PendingTimer& timer : emulator.clock().pendingTimers()) {
    state["pending_timers"].push_back({formatIso8601Millis(timer.due), timer.label});
  }
  return state;
}

}  // namespace

TEST_CASE("state file: a restart restores state, clock and pending timers exactly", "[state]") {
  TempFolder folder("state");
  const std::string path = folder.file("state.json");
  Emulator first(quietOptions());
  json saved;
  {
    RestoreReport report;
    auto file = StateFile::open(path, first, kBase, &report);
    REQUIRE(file.ok());
    CHECK_FALSE(report.restored);
    driveARun(first);
    saved = comparable(first);
    REQUIRE_FALSE(saved["pending_timers"].empty());
  }
  REQUIRE(std::filesystem::exists(path));
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));

  Emulator second(quietOptions());
  RestoreReport report;
  auto file = StateFile::open(path, second, kBase, &report);
  REQUIRE(file.ok());
  CHECK(report.restored);
  CHECK_FALSE(report.diverged);
  CHECK(report.inputs >= 7);
  CHECK(comparable(second) == saved);
  // The fault was used up before the restart, and stays used up.
  CHECK(testing::sendTwilio(second, "GET", "/v2/HostedNumber/Orders").status == 200);

  // The restored timers behave as the originals would have.
  first.advance(std::chrono::hours(24 * 30));
  second.advance(std::chrono::hours(24 * 30));
  CHECK(comparable(second) == comparable(first));

  // And what happens after the restart is saved on top.
  REQUIRE(testing::sendTwilio(second, "POST", "/v2/HostedNumber/Orders",
                              testing::twilioOrderBody("+14153608313", kCallback))
              .status == 201);
  const json after = comparable(second);
  file.value().reset();
  Emulator third(quietOptions());
  auto again = StateFile::open(path, third, kBase, &report);
  REQUIRE(again.ok());
  CHECK_FALSE(report.diverged);
  CHECK(comparable(third) == after);
}

TEST_CASE("state file: a restore after a reset and a scenario load replays them too", "[state]") {
  TempFolder folder("state-reset");
  const std::string path = folder.file("state.json");
  Emulator first(quietOptions());
  json saved;
  {
    auto file = StateFile::open(path, first, kBase, nullptr);
    REQUIRE(file.ok());
    driveARun(first);
    REQUIRE(testing::send(first, "PUT", "/__hnemu/scenario",
                          "seed: 7\nclock: auto\ntwilio:\n  numbers:\n    \"+14155550100\": {}\n")
                .status == 200);
    REQUIRE(testing::send(first, "POST", "/__hnemu/clock", R"({"mode":"manual"})").status == 200);
    REQUIRE(testing::sendTwilio(first, "POST", "/v2/HostedNumber/Orders",
                                testing::twilioOrderBody("+14155550100", kCallback))
                .status == 201);
    saved = comparable(first);
  }
  Emulator second(quietOptions());
  RestoreReport report;
  auto file = StateFile::open(path, second, kBase, &report);
  REQUIRE(file.ok());
  CHECK_FALSE(report.diverged);
  CHECK(comparable(second) == saved);
  CHECK(second.seed() == 7);
}

TEST_CASE("state file: a corrupt or foreign file gets a clear error and changes nothing",
          "[state]") {
  TempFolder folder("state-corrupt");
  const std::string path = folder.file("state.json");
  {
    Emulator emulator(quietOptions());
    auto file = StateFile::open(path, emulator, kBase, nullptr);
    REQUIRE(file.ok());
    driveARun(emulator);
  }
  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  const std::string good = text.str();

  auto expectRefused = [&](const std::string& content, const json& base, const std::string& says) {
    std::ofstream(path, std::ios::trunc | std::ios::binary) << content;
    Emulator emulator(quietOptions());
    const json before = emulator.state();
    auto file = StateFile::open(path, emulator, base, nullptr);
    REQUIRE_FALSE(file.ok());
    INFO(file.error().message);
    CHECK(file.error().message.find(path) != std::string::npos);
    CHECK(file.error().message.find(says) != std::string::npos);
    CHECK(emulator.state() == before);
  };
  expectRefused("\x00\x01garbage", kBase, "not valid JSON");
  expectRefused(good.substr(0, good.size() / 2), kBase, "not valid JSON");
  expectRefused("{}", kBase, "format");
  expectRefused(R"({"format":5})", kBase, "format");
  expectRefused(R"({"format":"hnemu-state","version":"one"})", kBase, "version \"one\"");
  expectRefused(R"({"format":"hnemu-state","version":99})", kBase, "version 99");
  expectRefused(good, json{{"seed", 2}}, "another start");
  json broken = json::parse(good);
  broken["inputs"][1]["kind"] = "teleport";
  expectRefused(broken.dump(), kBase, "input #2");
  broken = json::parse(good);
  broken["inputs"][0]["body_base64"] = "!!!";
  expectRefused(broken.dump(), kBase, "input #1");
  broken = json::parse(good);
  broken["clock"]["now"] = "yesterday";
  expectRefused(broken.dump(), kBase, "clock");
}

#ifdef HNEMU_BINARY
namespace {

struct Served {
  pid_t pid = -1;
  int port = 0;
};

// Starts `hnemu serve --state path` and reads the port it prints.
Served serve(const std::string& state_path, const std::string& log_path) {
  int out[2];
  REQUIRE(::pipe(out) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(log, STDERR_FILENO);
    ::close(out[0]);
    ::execl(HNEMU_BINARY, HNEMU_BINARY, "serve", "--port", "0", "--state", state_path.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(out[1]);
  std::string printed;
  char buffer[512];
  while (printed.find("listening on") == std::string::npos ||
         printed.find('\n', printed.find("listening on")) == std::string::npos) {
    const ssize_t n = ::read(out[0], buffer, sizeof buffer);
    if (n <= 0) {
      break;
    }
    printed.append(buffer, static_cast<size_t>(n));
  }
  ::close(out[0]);
  const size_t at = printed.find("http://127.0.0.1:");
  Served served{pid, 0};
  if (at != std::string::npos) {
    served.port = std::stoi(printed.substr(at + 17));
  }
  return served;
}

int waitExit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

}  // namespace

TEST_CASE(
    "state file: kill -9 during heavy writes never leaves a file that cannot be loaded, "
    "and every acknowledged order survives",
    "[state][http]") {
  TempFolder folder("state-kill");
  const std::string path = folder.file("state.json");
  const std::string log = folder.file("hnemu.log");
  std::set<std::string> acknowledged;
  std::mutex acknowledged_mutex;
  int number = 0;
  for (int round = 0; round < 3; ++round) {
    const Served served = serve(path, log);
    INFO("round " << round << "; stderr in " << log);
    REQUIRE(served.port > 0);
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
      const int first_number = number + w * 10000;
      writers.emplace_back([&, first_number] {
        httplib::Client client("127.0.0.1", served.port);
        client.set_basic_auth(std::string(kDefaultTwilioAccountSid).c_str(),
                              std::string(kDefaultTwilioAuthToken).c_str());
        client.set_connection_timeout(std::chrono::seconds(2));
        client.set_read_timeout(std::chrono::seconds(5));
        for (int i = first_number; !stop; ++i) {
          const std::string phone = "+1415" + std::to_string(3000000 + i % 7000000);
          const auto created =
              client.Post("/v2/HostedNumber/Orders", testing::twilioOrderBody(phone, kCallback),
                          "application/x-www-form-urlencoded");
          if (!created) {
            return;  // killed
          }
          if (created->status == 201) {
            std::lock_guard lock(acknowledged_mutex);
            acknowledged.insert(json::parse(created->body)["sid"].get<std::string>());
          }
          if (i % 25 == 0) {
            client.Post("/__hnemu/clock", R"({"advance":"1h"})", "application/json");
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(400 + 150 * round));
    REQUIRE(::kill(served.pid, SIGKILL) == 0);
    stop = true;
    for (std::thread& writer : writers) {
      writer.join();
    }
    const int status = waitExit(served.pid);
    CHECK(WIFSIGNALED(status));
    number += 40000;
  }
  REQUIRE(acknowledged.size() > 20);
  INFO(acknowledged.size() << " orders acknowledged across the rounds");

  // The last restart loads what every round acknowledged.
  const Served served = serve(path, log);
  REQUIRE(served.port > 0);
  httplib::Client client("127.0.0.1", served.port);
  const auto state = client.Get("/__hnemu/state");
  REQUIRE(state);
  std::set<std::string> stored;
  const json restored = json::parse(state->body);
  for (const json& order : restored["twilio"]["hosted_number_orders"]) {
    stored.insert(order["sid"].get<std::string>());
  }
  size_t missing = 0;
  for (const std::string& sid : acknowledged) {
    missing += stored.count(sid) == 0;
  }
  INFO(stored.size() << " orders stored after the restart");
  CHECK(missing == 0);
  std::stringstream warnings;
  warnings << std::ifstream(log).rdbuf();
  CHECK(warnings.str().find("differs from the saved one") == std::string::npos);
  ::kill(served.pid, SIGTERM);
  CHECK(WIFEXITED(waitExit(served.pid)));

  // A corrupt file: a clear message and exit status 2, no crash.
  std::ofstream(path, std::ios::trunc) << "{\"format\": \"hnemu-state\", \"inputs\": [";
  const Served refused = serve(path, log);
  CHECK(refused.port == 0);
  const int status = waitExit(refused.pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 2);
  std::stringstream errors;
  errors << std::ifstream(log).rdbuf();
  CHECK(errors.str().find("is not a state file hnemu can load") != std::string::npos);
}
#endif
