#include "emulator.h"

#include <httplib.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <thread>

#include "providers/twilio/kind.h"

using namespace hnemu;
using nlohmann::json;

namespace {

HttpResponse call(Emulator& emulator, const std::string& method, const std::string& target,
                  const std::string& body = "",
                  const std::string& auth = basicAuthorization(twilio::kDefaultAccountSid,
                                                               twilio::kDefaultAuthToken)) {
  auto made = requestFor(method, target, body);
  REQUIRE(made.ok());
  HttpRequest& request = made.value();
  request.host = "127.0.0.1:1";
  request.headers.emplace("Host", "127.0.0.1:1");
  if (!body.empty()) {
    const bool control = target.rfind("/__hnemu/", 0) == 0;
    request.headers.emplace("Content-Type",
                            control ? "application/json" : "application/x-www-form-urlencoded");
  }
  if (!auth.empty()) {
    request.headers.emplace("Authorization", auth);
  }
  return emulator.handle(request);
}

const std::string kCreate =
    "PhoneNumber=%2B14153608311&ContactPhoneNumber=%2B12344444444&AddressSid="
    "AD11111111111111111111111111111111&Email=test%40twilio.com";

}  // namespace

TEST_CASE("in-process: the same seed gives byte-identical responses", "[emulator]") {
  std::string first;
  for (int run = 0; run < 2; ++run) {
    Emulator emulator;
    const HttpResponse created = call(emulator, "POST", "/v2/HostedNumber/Orders", kCreate);
    REQUIRE(created.status == 201);
    if (run == 0) {
      first = created.body;
    } else {
      REQUIRE(created.body == first);
    }
  }
  EmulatorOptions other;
  other.seed = 2;
  Emulator reseeded(other);
  REQUIRE(call(reseeded, "POST", "/v2/HostedNumber/Orders", kCreate).body != first);
}

TEST_CASE("in-process: auth, 404s and bad input get Twilio's shape", "[emulator]") {
  Emulator emulator;
  auto code_of = [](const HttpResponse& response) { return json::parse(response.body)["code"]; };

  const HttpResponse no_auth = call(emulator, "GET", "/v2/HostedNumber/Orders", "", "");
  REQUIRE(no_auth.status == 401);
  REQUIRE(code_of(no_auth) == 20003);
  REQUIRE(call(emulator, "GET", "/v2/HostedNumber/Orders", "",
               basicAuthorization(twilio::kDefaultAccountSid, "wrong"))
              .status == 401);

  const HttpResponse unknown =
      call(emulator, "GET", "/v2/HostedNumber/Orders/HR00000000000000000000000000000000");
  REQUIRE(unknown.status == 404);
  REQUIRE(json::parse(unknown.body)["message"] ==
          "The requested resource /v2/HostedNumber/Orders/HR00000000000000000000000000000000 was "
          "not found");
  REQUIRE(code_of(call(emulator, "GET", "/v2/HostedNumber/Nothing")) == 20404);

  const HttpResponse missing = call(emulator, "POST", "/v2/HostedNumber/Orders", "Email=a%40b.c");
  REQUIRE(missing.status == 400);
  REQUIRE(json::parse(missing.body)["message"] ==
          "Missing required parameter PhoneNumber in the post body");
  REQUIRE(code_of(call(emulator, "POST", "/v2/HostedNumber/Orders",
                       "PhoneNumber=555&ContactPhoneNumber=%2B12344444444&AddressSid="
                       "AD11111111111111111111111111111111&Email=a%40b.c")) == 21421);
  REQUIRE(call(emulator, "POST", "/v2/HostedNumber/Orders", "PhoneNumber=%ZZ").status == 400);
  const HttpResponse huge =
      call(emulator, "POST", "/v2/HostedNumber/Orders", std::string(10 * 1024 * 1024, 'a'));
  REQUIRE(huge.status == 413);
  REQUIRE(code_of(huge) == 20001);
  REQUIRE(call(emulator, "GET", "/v2/HostedNumber/Orders?PageSize=0").status == 400);
  REQUIRE(code_of(call(emulator, "GET", "/v2/HostedNumber/Orders?Status=bogus")) == 22111);
  REQUIRE(call(emulator, "PUT", "/v2/HostedNumber/Orders").status == 405);
  // Nothing stored was lost on the way.
  REQUIRE(json::parse(call(emulator, "GET", "/v2/HostedNumber/Orders").body)["items"].empty());
}

TEST_CASE("in-process: journal records client requests, not control calls", "[emulator]") {
  Emulator emulator;
  call(emulator, "POST", "/v2/HostedNumber/Orders", kCreate);
  call(emulator, "GET", "/__hnemu/state");
  const auto entries = emulator.journal().entries();
  REQUIRE(entries.size() == 1);
  REQUIRE(entries[0].status == 201);
  REQUIRE(entries[0].account == twilio::kDefaultAccountSid);
  REQUIRE(entries[0].route == "/v2/HostedNumber/Orders");
  REQUIRE(entries[0].provider == "twilio");
}

TEST_CASE("in-process: control API moves the clock and resets", "[emulator]") {
  Emulator emulator;
  const json created = json::parse(call(emulator, "POST", "/v2/HostedNumber/Orders", kCreate).body);
  REQUIRE(created["status"] == "twilio-processing");
  const HttpResponse advanced = call(emulator, "POST", "/__hnemu/clock", R"({"advance":"1m"})");
  REQUIRE(advanced.status == 200);
  REQUIRE(json::parse(advanced.body)["timers_fired"] == 1);
  const json fetched = json::parse(
      call(emulator, "GET", "/v2/HostedNumber/Orders/" + created["sid"].get<std::string>()).body);
  REQUIRE(fetched["status"] == "received");

  REQUIRE(call(emulator, "POST", "/__hnemu/clock", R"({"advance":"soon"})").status == 400);
  REQUIRE(call(emulator, "POST", "/__hnemu/clock", R"({"to":"2000-01-01T00:00:00Z"})").status ==
          400);
  REQUIRE(call(emulator, "POST", "/__hnemu/clock", R"({"typo":1})").status == 400);
  REQUIRE(call(emulator, "POST", "/__hnemu/reset", "").status == 200);
  REQUIRE(
      json::parse(call(emulator, "GET", "/__hnemu/state").body)["twilio"]["hosted_number_orders"]
          .empty());
  REQUIRE(call(emulator, "GET", "/__hnemu/nothing").status == 404);
}

TEST_CASE("auto clock mode runs the flow to its end between requests", "[emulator]") {
  EmulatorOptions options;
  options.clock_mode = ClockMode::Auto;
  options.auto_quiet = Millis(0);
  Emulator emulator(options);
  const json created = json::parse(call(emulator, "POST", "/v2/HostedNumber/Orders", kCreate).body);
  const std::string path = "/v2/HostedNumber/Orders/" + created["sid"].get<std::string>();
  // The eligibility timer fires as soon as nothing is in flight.
  json order;
  for (int i = 0; i < 500; ++i) {
    order = json::parse(call(emulator, "GET", path).body);
    if (order["status"] == "received") {
      break;
    }
    REQUIRE(emulator.waitForWebhooks(Millis(10)));
  }
  REQUIRE(order["status"] == "received");
}

TEST_CASE("auto clock mode holds still while a client polls without pause", "[emulator]") {
  EmulatorOptions options;
  options.clock_mode = ClockMode::Auto;
  options.auto_quiet = Millis(200);
  Emulator emulator(options);
  const json created = json::parse(call(emulator, "POST", "/v2/HostedNumber/Orders", kCreate).body);
  const std::string path = "/v2/HostedNumber/Orders/" + created["sid"].get<std::string>();
  const TimePoint start = emulator.now();
  for (int i = 0; i < 50; ++i) {
    REQUIRE(json::parse(call(emulator, "GET", path).body)["status"] == "twilio-processing");
  }
  REQUIRE(emulator.now() == start);
  // Once the client pauses for longer than auto_quiet, the clock moves on its own.
  for (int i = 0; i < 100 && emulator.now() == start; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the client thinking
  }
  REQUIRE(emulator.now() > start);
}

TEST_CASE("over HTTP: ephemeral port, keep-alive, oversized body", "[emulator][http]") {
  Emulator emulator;
  const auto port = emulator.start();
  REQUIRE(port.ok());
  REQUIRE(port.value() > 0);
  httplib::Client client("127.0.0.1", port.value());
  client.set_basic_auth(std::string(twilio::kDefaultAccountSid).c_str(),
                        std::string(twilio::kDefaultAuthToken).c_str());
  client.set_keep_alive(true);
  for (int i = 0; i < 3; ++i) {
    const auto health = client.Get("/__hnemu/health");
    REQUIRE(health);
    REQUIRE(health->status == 200);
  }
  const auto created =
      client.Post("/v2/HostedNumber/Orders", kCreate, "application/x-www-form-urlencoded");
  REQUIRE(created);
  REQUIRE(created->status == 201);
  REQUIRE(json::parse(created->body)["url"].get<std::string>().rfind(
              "http://127.0.0.1:" + std::to_string(port.value()) + "/v2/", 0) == 0);
  const auto huge = client.Post("/v2/HostedNumber/Orders", std::string(10 * 1024 * 1024, 'x'),
                                "application/x-www-form-urlencoded");
  REQUIRE(huge);
  REQUIRE(huge->status == 413);
  REQUIRE(json::parse(huge->body)["code"] == 20001);
  // An idle keep-alive connection does not hold stop() for the 5 s keep-alive timeout.
  REQUIRE(client.Get("/__hnemu/health"));
  const auto stopping = std::chrono::steady_clock::now();
  emulator.stop();
  REQUIRE(std::chrono::steady_clock::now() - stopping < std::chrono::seconds(2));
}

TEST_CASE("in-process: PUT /__hnemu/scenario loads a world and resets", "[emulator]") {
  Emulator emulator;
  call(emulator, "POST", "/v2/HostedNumber/Orders", kCreate);
  const HttpResponse loaded = call(emulator, "PUT", "/__hnemu/scenario", R"(
seed: 9
twilio:
  numbers:
    "+14153608311": {kind: voip}
)");
  REQUIRE(loaded.status == 200);
  REQUIRE(emulator.seed() == 9);
  // The earlier order is gone, the default account stays, and the number is now VoIP.
  const HttpResponse refused = call(emulator, "POST", "/v2/HostedNumber/Orders", kCreate);
  REQUIRE(refused.status == 400);
  REQUIRE(json::parse(refused.body)["code"] == 22110);
  const HttpResponse bad = call(emulator, "PUT", "/__hnemu/scenario", "twilio:\n  numbrs: {}\n");
  REQUIRE(bad.status == 400);
  REQUIRE(json::parse(bad.body)["error"]["message"].get<std::string>().rfind(
              "request body:2:3: twilio.numbrs: unknown key", 0) == 0);
}
