#include "control/control_api.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "emulator.h"
#include "testing/requests.h"

using namespace hnemu;
using nlohmann::json;

namespace {

std::string header(const HttpResponse& response, const std::string& name) {
  const auto it = response.headers.find(name);
  return it == response.headers.end() ? "" : it->second;
}

// A scenarios folder of its own, removed when the test ends.
struct ScenarioFolder {
  std::filesystem::path root =
      std::filesystem::temp_directory_path() / ("hnemu-scenarios-" + std::to_string(::getpid()));
  ScenarioFolder() {
    std::filesystem::create_directories(root / "twilio");
    std::ofstream(root / "twilio" / "happy.yaml") << "name: happy\nprovider: twilio\nseed: 5\n"
                                                     "expect:\n  orders:\n"
                                                     "    - {number: \"+14153608311\", status: "
                                                     "completed}\ntwilio:\n  numbers:\n"
                                                     "    \"+14153608311\": {}\n";
    std::ofstream(root / "broken.yaml") << "seed: [\n";
    std::ofstream(root / "notes.txt") << "not a scenario\n";
  }
  ~ScenarioFolder() { std::filesystem::remove_all(root); }
};

}  // namespace

TEST_CASE("console: the page and its files are served with a strict policy", "[control]") {
  Emulator emulator;
  const HttpResponse page = testing::send(emulator, "GET", "/__hnemu/ui");
  REQUIRE(page.status == 200);
  REQUIRE(header(page, "Content-Type") == "text/html; charset=utf-8");
  REQUIRE(header(page, "Content-Security-Policy").find("default-src 'self'") != std::string::npos);
  REQUIRE(header(page, "X-Content-Type-Options") == "nosniff");
  REQUIRE(page.body.find("/__hnemu/ui/console.js") != std::string::npos);
  for (const auto& [file, type] : {std::pair{"console.js", "text/javascript; charset=utf-8"},
                                   std::pair{"console.css", "text/css; charset=utf-8"},
                                   std::pair{"favicon.svg", "image/svg+xml"}}) {
    const HttpResponse asset = testing::send(emulator, "GET", std::string("/__hnemu/ui/") + file);
    REQUIRE(asset.status == 200);
    REQUIRE(header(asset, "Content-Type") == type);
    REQUIRE(!asset.body.empty());
  }
  const HttpResponse missing = testing::send(emulator, "GET", "/__hnemu/ui/..%2Femulator.h");
  REQUIRE(missing.status == 404);
  REQUIRE(json::parse(missing.body)["error"]["status"] == 404);
}

TEST_CASE("control: the journal gives its newest entries and tells a reset apart", "[control]") {
  Emulator emulator;
  for (const char* number : {"+14153608311", "+14153608312", "+14153608313"}) {
    REQUIRE(testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/Orders",
                                testing::twilioOrderBody(number))
                .status == 201);
  }
  const json newest = json::parse(testing::send(emulator, "GET", "/__hnemu/journal?last=2").body);
  REQUIRE(newest["size"] == 3);
  REQUIRE(newest["entries"].size() == 2);
  REQUIRE(newest["entries"][0]["sequence"] == 2);
  REQUIRE(newest["entries"][1]["sequence"] == 3);
  const json after =
      json::parse(testing::send(emulator, "GET", "/__hnemu/journal?after=1&limit=1").body);
  REQUIRE(after["entries"].size() == 1);
  REQUIRE(after["entries"][0]["sequence"] == 2);

  const uint64_t generation = newest["generation"];
  REQUIRE(testing::send(emulator, "POST", "/__hnemu/reset").status == 200);
  const json cleared = json::parse(testing::send(emulator, "GET", "/__hnemu/journal").body);
  REQUIRE(cleared["generation"] == generation + 1);
  REQUIRE(cleared["size"] == 0);

  for (const char* bad : {"last=-1", "after=x", "limit=", "last=99999999999999999999"}) {
    const HttpResponse refused =
        testing::send(emulator, "GET", std::string("/__hnemu/journal?") + bad);
    REQUIRE(refused.status == 400);
  }
  REQUIRE(testing::send(emulator, "GET", "/__hnemu/webhooks?last=z").status == 400);
  REQUIRE(json::parse(testing::send(emulator, "GET", "/__hnemu/webhooks?last=0").body)["deliveries"]
              .empty());
}

TEST_CASE("control: scenarios load from the folder, and only from it", "[control]") {
  ScenarioFolder folder;
  EmulatorOptions options;
  options.scenarios_dir = folder.root.string();
  Emulator emulator(options);
  REQUIRE(
      json::parse(testing::send(emulator, "GET", "/__hnemu/scenario").body)["scenario"].is_null());

  const json listed = json::parse(testing::send(emulator, "GET", "/__hnemu/scenarios").body);
  REQUIRE(listed["scenarios"].size() == 2);
  REQUIRE(listed["scenarios"][0]["file"] == "broken.yaml");
  REQUIRE(listed["scenarios"][0].contains("error"));
  REQUIRE(listed["scenarios"][1]["file"] == "twilio/happy.yaml");
  REQUIRE(listed["scenarios"][1]["name"] == "happy");
  REQUIRE(listed["scenarios"][1]["expectations"] == 1);

  for (const char* outside :
       {R"({"file":"../happy.yaml"})", R"({"file":"/etc/passwd"})", R"({"file":"notes.txt"})"}) {
    REQUIRE(testing::send(emulator, "POST", "/__hnemu/scenarios/load", outside).status == 404);
  }
  REQUIRE(testing::send(emulator, "POST", "/__hnemu/scenarios/load", R"({"file":7})").status ==
          400);
  REQUIRE(testing::send(emulator, "POST", "/__hnemu/scenarios/load", R"({"file":"broken.yaml"})")
              .status == 400);

  REQUIRE(testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/Orders",
                              testing::twilioOrderBody("+14153608311"))
              .status == 201);
  const HttpResponse loaded =
      testing::send(emulator, "POST", "/__hnemu/scenarios/load", R"({"file":"twilio/happy.yaml"})");
  REQUIRE(loaded.status == 200);
  REQUIRE(emulator.seed() == 5);
  REQUIRE(json::parse(testing::send(emulator, "GET", "/__hnemu/state?provider=twilio")
                          .body)["hosted_number_orders"]
              .empty());
  REQUIRE(
      json::parse(testing::send(emulator, "GET", "/__hnemu/scenario").body)["scenario"]["name"] ==
      "happy");
  const json verdict = json::parse(testing::send(emulator, "GET", "/__hnemu/expectations").body);
  REQUIRE(verdict["passed"] == false);
}

TEST_CASE("control: no scenarios folder lists nothing", "[control]") {
  Emulator emulator;
  const json listed = json::parse(testing::send(emulator, "GET", "/__hnemu/scenarios").body);
  REQUIRE(listed["scenarios"].empty());
  REQUIRE(testing::send(emulator, "POST", "/__hnemu/scenarios/load", R"({"file":"default.yaml"})")
              .status == 404);
}

TEST_CASE("control: an admin token guards every control endpoint but health and the console",
          "[control]") {
  EmulatorOptions options;
  options.admin_token = "s3cret-token";
  Emulator emulator(options);

  HttpResponse refused = testing::send(emulator, "POST", "/__hnemu/reset");
  CHECK(refused.status == 401);
  CHECK(header(refused, "WWW-Authenticate") == "Bearer realm=\"hnemu\"");
  CHECK(json::parse(refused.body)["error"]["status"] == 401);
  CHECK(testing::send(emulator, "GET", "/__hnemu/state").status == 401);
  CHECK(testing::send(emulator, "GET", "/__hnemu/health").status == 200);
  CHECK(testing::send(emulator, "GET", "/__hnemu/ui").status == 200);
  CHECK(testing::send(emulator, "GET", "/__hnemu/ui/console.js").status == 200);

  auto withHeader = [&](const std::string& name, const std::string& value) {
    auto request = requestFor("GET", "/__hnemu/state", "");
    REQUIRE(request.ok());
    request.value().headers.emplace("Host", "localhost:4010");
    request.value().headers.emplace(name, value);
    return emulator.handle(request.value()).status;
  };
  CHECK(withHeader("Authorization", "Bearer s3cret-token") == 200);
  CHECK(withHeader("Authorization", "bearer s3cret-token") == 200);  // schemes ignore case
  CHECK(withHeader("X-Hnemu-Admin-Token", "s3cret-token") == 200);
  CHECK(withHeader("Authorization", "Bearer s3cret-tokeN") == 401);
  CHECK(withHeader("Authorization", "Bearer s3cret-token-and-more") == 401);
  CHECK(withHeader("Authorization", "Bearer ") == 401);
  CHECK(withHeader("Authorization", "Basic czNjcmV0LXRva2Vu") == 401);

  // The providers' own APIs keep their own credentials, token or not.
  CHECK(testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/Orders",
                            testing::twilioOrderBody("+14153608311"))
            .status == 201);
}

TEST_CASE("server: a non-loopback address needs allow_remote", "[control]") {
  EmulatorOptions options;
  options.host = "0.0.0.0";
  Emulator refused(options);
  const auto port = refused.start();
  REQUIRE_FALSE(port.ok());
  CHECK(port.error().message.find("--allow-remote") != std::string::npos);

  CHECK(isLoopbackHost("127.0.0.1"));
  CHECK(isLoopbackHost("127.3.2.1"));
  CHECK(isLoopbackHost("::1"));
  CHECK(isLoopbackHost("localhost"));
  CHECK_FALSE(isLoopbackHost("0.0.0.0"));
  CHECK_FALSE(isLoopbackHost("::"));
  CHECK_FALSE(isLoopbackHost("10.0.0.5"));
  // The resolved address counts, not the spelling.
  CHECK_FALSE(isLoopbackHost("127.evil.test"));
  CHECK_FALSE(isLoopbackHost("127.0.0.1.evil.test"));
  CHECK_FALSE(isLoopbackHost(""));
}

TEST_CASE("control: the state is read a page of changes at a time from a cursor", "[control]") {
  Emulator emulator;
  auto changes = [&](const std::string& query) {
    const HttpResponse response = testing::send(emulator, "GET", "/__hnemu/state?" + query);
    REQUIRE(response.status == 200);
    return json::parse(response.body);
  };
  // From zero: everything there is (here, the default accounts).
  const json first = changes("since=0");
  CHECK(first["more"] == false);
  const uint64_t cursor = first["cursor"];
  const uint64_t generation = first["generation"];
  for (const json& change : first["changes"]) {
    CHECK(change["collection"] == "accounts");
    CHECK(change["item"].is_object());
  }

  for (const char* number : {"+14153608311", "+14153608312", "+14153608313"}) {
    REQUIRE(testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/Orders",
                                testing::twilioOrderBody(number))
                .status == 201);
  }
  // After the cursor: the three orders and their numbers, and nothing older.
  const json page = changes("since=" + std::to_string(cursor) + "&limit=4&provider=twilio");
  CHECK(page["changes"].size() == 4);
  CHECK(page["more"] == true);
  const json rest = changes("since=" + page["cursor"].dump() + "&provider=twilio");
  CHECK(rest["changes"].size() == 2);
  CHECK(rest["more"] == false);
  std::set<std::string> orders;
  for (const json& each : {page, rest}) {
    for (const json& change : each["changes"]) {
      CHECK(change["provider"] == "twilio");
      if (change["collection"] == "hosted_number_orders") {
        orders.insert(change["item"]["phone_number"].get<std::string>());
      }
    }
  }
  CHECK(orders.size() == 3);
  CHECK(changes("since=" + rest["cursor"].dump())["changes"].empty());

  // A reset is a new generation: a reader starts again from zero.
  REQUIRE(testing::send(emulator, "POST", "/__hnemu/reset", "{}").status == 200);
  CHECK(changes("since=0")["generation"] != generation);

  for (const char* bad : {"since=-1", "limit=0", "limit=10001", "since=x"}) {
    CHECK(testing::send(emulator, "GET", std::string("/__hnemu/state?") + bad).status == 400);
  }
  CHECK(testing::send(emulator, "GET", "/__hnemu/state?since=0&provider=nobody").status == 404);
}

TEST_CASE("control: coverage follows the changes since it was last read, and a reset",
          "[control]") {
  Emulator emulator;
  auto transitions = [&] {
    const json body =
        json::parse(testing::send(emulator, "GET", "/__hnemu/coverage?provider=twilio").body);
    return body["coverage"][0]["transitions_seen"].get<int>();
  };
  CHECK(transitions() == 0);
  REQUIRE(testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/Orders",
                              testing::twilioOrderBody("+14153608311"))
              .status == 201);
  emulator.advance(std::chrono::hours(1));  // the eligibility check passes: processing -> received
  CHECK(transitions() == 1);
  CHECK(transitions() == 1);  // read again, nothing new
  REQUIRE(testing::send(emulator, "POST", "/__hnemu/reset", "{}").status == 200);
  CHECK(transitions() == 0);
}

TEST_CASE("control: a Twilio subaccount names its owner, one level deep", "[control]") {
  Emulator emulator;
  const std::string sub = "ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  const HttpResponse added =
      testing::send(emulator, "POST", "/__hnemu/twilio/accounts",
                    json{{"sid", sub},
                         {"auth_token", "t"},
                         {"owner_account_sid", "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}
                        .dump());
  REQUIRE(added.status == 201);
  const json accounts =
      json::parse(testing::send(emulator, "GET", "/__hnemu/twilio/accounts").body);
  REQUIRE(accounts.size() == 2);
  CHECK(accounts[1]["owner_account_sid"] == "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  CHECK(accounts[0]["owner_account_sid"].is_null());
  const HttpResponse nested = testing::send(emulator, "POST", "/__hnemu/twilio/accounts",
                                            json{{"sid", "ACcccccccccccccccccccccccccccccccc"},
                                                 {"auth_token", "t"},
                                                 {"owner_account_sid", sub}}
                                                .dump());
  CHECK(nested.status == 400);
  CHECK(nested.body.find("is itself a subaccount") != std::string::npos);
  const HttpResponse unknown =
      testing::send(emulator, "POST", "/__hnemu/twilio/accounts",
                    json{{"sid", "ACcccccccccccccccccccccccccccccccc"},
                         {"auth_token", "t"},
                         {"owner_account_sid", "ACdddddddddddddddddddddddddddddddd"}}
                        .dump());
  CHECK(unknown.status == 400);
  // The state dump says it too.
  CHECK(emulator.state()["twilio"]["accounts"][1]["owner_account_sid"] ==
        "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
}
