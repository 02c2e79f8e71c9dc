#include "scenario/expectations.h"

#include <catch2/catch.hpp>

#include "emulator.h"
#include "scenario/coverage.h"
#include "testing/requests.h"

using namespace hnemu;
using nlohmann::json;

namespace {

// A Twilio carrier_rejected world, driven by hand through the in-process emulator.
constexpr const char* kScenario = R"(
name: carrier rejects
provider: twilio
twilio:
  numbers:
    "+14155550104": {carrier: {decision: reject, after: 2d}}
    "+14155550199": {}
expect:
  client: {reported: carrier-rejected}
  orders:
    - number: "+14155550104"
      status: failed
      visited: [received, carrier-processing]
      not_visited: [testing]
      reason_contains: carrier rejected
      count: 1
    - {number: "+14155550199", exists: false}
  requests:
    - {method: POST, path: /v2/HostedNumber/Orders, count: 1}
    - {method: GET, path: "/v2/HostedNumber/Orders/*", at_most: 2, per: 1h}
    - {method: DELETE, path: "/v2/**", count: 0}
)";

std::vector<std::string> failed(const std::vector<ExpectationResult>& results) {
  std::vector<std::string> out;
  for (const ExpectationResult& result : results) {
    if (!result.passed) {
      out.push_back(result.what + " | " + result.actual);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("expectations hold for a run that follows the scenario", "[scenario]") {
  const auto scenario = parseScenario(kScenario, "s.yaml");
  REQUIRE(scenario.ok());
  Emulator emulator;
  emulator.loadWorld(scenario.value().world);
  const json order = json::parse(
      testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/Orders",
                          "PhoneNumber=%2B14155550104&ContactPhoneNumber=%2B12344444444&AddressSid="
                          "AD11111111111111111111111111111111&Email=a%40b.c")
          .body);
  const std::string path = "/v2/HostedNumber/Orders/" + order["sid"].get<std::string>();
  emulator.advance(Millis(60'000));
  REQUIRE(testing::sendTwilio(emulator, "POST", path, "Status=pending-verification").status == 200);
  emulator.advance(Millis(60'000));
  REQUIRE(testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/AuthorizationDocuments",
                              "AddressSid=AD11111111111111111111111111111111&Email=a%40b.c&"
                              "ContactPhoneNumber=%2B12344444444&HostedNumberOrderSids=" +
                                  order["sid"].get<std::string>())
              .status == 201);
  emulator.advance(Millis(3'600'000));
  REQUIRE(testing::sendTwilio(emulator, "GET", path).status == 200);
  emulator.advance(Millis(2 * 86'400'000));
  REQUIRE(testing::sendTwilio(emulator, "GET", path).status == 200);

  ClientOutcome client;
  client.started = true;
  client.exit_code = 0;
  client.reported = "carrier-rejected";
  const auto results = evaluate(scenario.value(), recordOf(emulator), client);
  CHECK(failed(results) == std::vector<std::string>{});
  REQUIRE(results.size() == 11);

  SECTION("and fail, saying what happened, when the run does not") {
    for (int i = 0; i < 3; ++i) {
      REQUIRE(testing::sendTwilio(emulator, "GET", path).status == 200);
    }
    client.exit_code = 1;
    client.reported = "completed";
    const auto misses = failed(evaluate(scenario.value(), recordOf(emulator), client));
    REQUIRE(misses.size() == 3);
    CHECK(misses[0] == "the client finishes within 1m and exits with 0 | exited with 1");
    CHECK(misses[1] == "the client reports the outcome carrier-rejected | reported completed");
    INFO(misses[2]);
    CHECK(misses[2].rfind("GET /v2/HostedNumber/Orders/*: at most 2 per 1h of virtual time | 4 in "
                          "the 1h from",
                          0) == 0);
  }

  SECTION("coverage counts the transitions the run made") {
    const auto coverage = measureCoverage(emulator.stateMachines(), emulator.state(), "twilio");
    REQUIRE(coverage.size() == 1);
    CHECK(coverage[0].states_seen.size() == 7);
    CHECK(coverage[0].transitions_seen.size() == 6);
    CHECK(coverage[0].undocumented.empty());
    CHECK(coverageLine(coverage[0]) == "twilio hosted_number_order: states 7/10, transitions 6/19");
  }
}

TEST_CASE("a client that times out or never starts fails the client expectation", "[scenario]") {
  const auto scenario = parseScenario("provider: twilio\nclient: {timeout: 5s}\n", "s.yaml");
  REQUIRE(scenario.ok());
  Emulator emulator;
  ClientOutcome client;
  client.started = true;
  client.timed_out = true;
  const auto results = evaluate(scenario.value(), recordOf(emulator), client);
  REQUIRE(results.size() == 1);
  CHECK_FALSE(results[0].passed);
  CHECK(results[0].actual == "was still running after 5s and was killed");
}

TEST_CASE("the control API judges the loaded scenario and measures coverage", "[scenario]") {
  Emulator emulator;
  auto control = [&](const std::string& method, const std::string& path,
                     const std::string& body = "") {
    return testing::send(emulator, method, path, body);
  };
  REQUIRE(control("GET", "/__hnemu/expectations").status == 404);
  REQUIRE(control("PUT", "/__hnemu/scenario", kScenario).status == 200);
  testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/Orders",
                      "PhoneNumber=%2B14155550104&ContactPhoneNumber=%2B12344444444&AddressSid="
                      "AD11111111111111111111111111111111&Email=a%40b.c");
  const HttpResponse judged = control("GET", "/__hnemu/expectations");
  INFO(judged.body);
  REQUIRE(judged.status == 200);
  const json verdict = json::parse(judged.body);
  CHECK(verdict["scenario"] == "carrier rejects");
  CHECK(verdict["passed"] == false);
  CHECK(verdict["expectations"][1]["what"] == "order for +14155550104 is failed");
  CHECK(verdict["expectations"][1]["actual"] == "twilio-processing (history [twilio-processing])");
  const HttpResponse measured = control("GET", "/__hnemu/coverage?provider=twilio");
  REQUIRE(measured.status == 200);
  const json coverage = json::parse(measured.body);
  CHECK(coverage["coverage"][0]["states_seen"] == 1);
}

namespace {

constexpr const char* kConduct = R"(
provider: twilio
twilio:
  numbers:
    "+14155550104": {carrier: {decision: reject, after: 2d}}
    "+14155550107": {kind: mobile}
expect:
  conduct:
    number: "+14155550104"
    reports_status: true
    after_final: 1
    polls: {at_most: 3, per: 1h}
    avoidable_4xx: 0
)";

const char* const kCreate =
    "ContactPhoneNumber=%2B12344444444&AddressSid=AD11111111111111111111111111111111&Email=a%40b.c"
    "&PhoneNumber=";

// The carrier-rejected flow, driven by hand: the order is failed, and the client has seen it.
std::string carrierRejects(Emulator& emulator) {
  const json order = json::parse(testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/Orders",
                                                     std::string(kCreate) + "%2B14155550104")
                                     .body);
  const std::string sid = order["sid"].get<std::string>();
  const std::string path = "/v2/HostedNumber/Orders/" + sid;
  emulator.advance(Millis(60'000));
  REQUIRE(testing::sendTwilio(emulator, "POST", path, "Status=pending-verification").status == 200);
  emulator.advance(Millis(60'000));
  REQUIRE(testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/AuthorizationDocuments",
                              "AddressSid=AD11111111111111111111111111111111&Email=a%40b.c&"
                              "ContactPhoneNumber=%2B12344444444&HostedNumberOrderSids=" +
                                  sid)
              .status == 201);
  emulator.advance(Millis(3'600'000));
  REQUIRE(testing::sendTwilio(emulator, "GET", path).status == 200);
  emulator.advance(Millis(2 * 86'400'000));
  REQUIRE(json::parse(testing::sendTwilio(emulator, "GET", path).body)["status"] == "failed");
  return path;
}

}  // namespace

TEST_CASE("conduct: a client that reports, stops and polls gently passes", "[scenario]") {
  const auto scenario = parseScenario(kConduct, "s.yaml");
  REQUIRE(scenario.ok());
  Emulator emulator;
  emulator.loadWorld(scenario.value().world);
  const std::string path = carrierRejects(emulator);
  ClientOutcome client;
  client.started = true;
  client.exit_code = 0;
  client.reported = "failed";
  const auto results = evaluate(scenario.value(), recordOf(emulator), client);
  CHECK(failed(results) == std::vector<std::string>{});
  CHECK(results.size() == 5);

  SECTION("a report naming its code after the status passes too") {
    client.reported = "FAILED-19010";
    CHECK(failed(evaluate(scenario.value(), recordOf(emulator), client)).empty());
  }

  SECTION("one that reports another status, keeps asking and asks for what it cannot have fails") {
    for (int i = 0; i < 3; ++i) {
      REQUIRE(testing::sendTwilio(emulator, "GET", path).status == 200);
    }
    REQUIRE(testing::sendTwilio(emulator, "POST", path, "Status=pending-verification").status ==
            400);
    client.reported = "completed";
    const auto misses = failed(evaluate(scenario.value(), recordOf(emulator), client));
    REQUIRE(misses.size() == 4);
    CHECK(misses[0] ==
          "the client with +14155550104: its report names the status it last saw its order in | "
          "reported completed");
    INFO(misses[1]);
    CHECK(misses[1].rfind("the client with +14155550104: at most 1 request(s) about its order once "
                          "it is final | 5 once it was failed (2026-01-07T10:02:00.000Z), the "
                          "last POST /v2/HostedNumber/Orders/",
                          0) == 0);
    CHECK(misses[2].rfind("the client with +14155550104: it reads its order at most 3 times per 1h "
                          "of virtual time | 4 in the 1h from",
                          0) == 0);
    INFO(misses[3]);
    CHECK(misses[3].rfind("the client with +14155550104: at most 0 4xx answer(s) that no injected "
                          "fault nor the world's refusal explains | 1: POST "
                          "/v2/HostedNumber/Orders/",
                          0) == 0);
  }

  SECTION("no report is a failure once the order is final") {
    client.reported.reset();
    const auto misses = failed(evaluate(scenario.value(), recordOf(emulator), client));
    REQUIRE(misses.size() == 1);
    CHECK(misses[0].find("| no report") != std::string::npos);
  }
}

TEST_CASE("conduct: before its order is final, a client may report in its own words",
          "[scenario]") {
  const auto scenario = parseScenario(kConduct, "s.yaml");
  REQUIRE(scenario.ok());
  Emulator emulator;
  emulator.loadWorld(scenario.value().world);
  REQUIRE(testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/Orders",
                              std::string(kCreate) + "%2B14155550104")
              .status == 201);
  ClientOutcome client;
  client.started = true;
  client.exit_code = 0;
  client.reported = "gave-up-waiting";
  CHECK(failed(evaluate(scenario.value(), recordOf(emulator), client)).empty());
  client.reported = "twilio-processing";
  CHECK(failed(evaluate(scenario.value(), recordOf(emulator), client)).empty());
  client.reported = "completed";  // a status, and not the one it saw
  CHECK(failed(evaluate(scenario.value(), recordOf(emulator), client)).size() == 1);
}

TEST_CASE("conduct: the world's refusal explains its 4xx, once", "[scenario]") {
  auto scenario = parseScenario(std::string(kConduct) +
                                    "    refusals: [{method: POST, path: /v2/HostedNumber/Orders, "
                                    "status: 400}]\n",
                                "s.yaml");
  REQUIRE(scenario.ok());
  Emulator emulator;
  emulator.loadWorld(scenario.value().world);
  const std::string mobile = std::string(kCreate) + "%2B14155550107";
  REQUIRE(testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/Orders", mobile).status == 400);
  ClientOutcome client;
  client.started = true;
  client.exit_code = 0;
  CHECK(failed(evaluate(scenario.value(), recordOf(emulator), client)).empty());
  REQUIRE(testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/Orders", mobile).status == 400);
  const auto misses = failed(evaluate(scenario.value(), recordOf(emulator), client));
  REQUIRE(misses.size() == 1);
  CHECK(misses[0].find("| 1: POST /v2/HostedNumber/Orders 400") != std::string::npos);
}

TEST_CASE("forged_rejected says whether any webhook went out at all", "[scenario]") {
  const auto scenario = parseScenario(
      "provider: twilio\ntamper_webhooks: 1\ntwilio: {numbers: {\"+14155550104\": {}}}\n"
      "expect:\n  webhooks:\n    - {number: \"+14155550104\", forged_rejected: true}\n",
      "s.yaml");
  REQUIRE(scenario.ok());
  Emulator emulator;
  emulator.loadWorld(scenario.value().world);
  ClientOutcome client;
  client.started = true;
  client.exit_code = 0;
  // A client that never got as far as an order (so asked for no status callback).
  CHECK(failed(evaluate(scenario.value(), recordOf(emulator), client)) ==
        std::vector<std::string>{
            "webhooks about +14155550104: forged signatures are rejected | none was sent (the "
            "client asked for none, or got no further)"});
}
