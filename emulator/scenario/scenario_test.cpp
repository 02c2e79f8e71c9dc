#include "scenario/scenario.h"

#include <catch2/catch.hpp>

#include "providers/bandwidth/world.h"
#include "providers/twilio/world.h"

using namespace hnemu;

TEST_CASE("a world file sets seed, clock, accounts, rules and number profiles", "[world]") {
  const auto world = parseScenario(R"(
seed: 42
clock: auto
start: 2026-03-02T12:00:00Z
twilio:
  accounts:
    - sid: ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
      auth_token: secret
  rules:
    max_verification_attempts: 2
    action_required_timeout: 3d
  numbers:
    "+14155550100":
      callee: enter-wrong-code
      carrier: {decision: reject, after: 2d}
    "+18005550100": {}
)",
                                   "w.yaml");
  REQUIRE(world.ok());
  REQUIRE(world.value().world.seed == 42u);
  REQUIRE(world.value().world.clock == ClockMode::Auto);
  REQUIRE(formatIso8601(*world.value().world.start) == "2026-03-02T12:00:00Z");
  const auto& section =
      static_cast<const twilio::Section&>(*world.value().world.sections.at("twilio"));
  const twilio::World& tw = section.world;
  REQUIRE(section.accounts_given);
  REQUIRE(tw.accounts.at(0).auth_token == "secret");
  REQUIRE(tw.rules.max_verification_attempts == 2);
  REQUIRE(tw.rules.action_required_timeout == std::chrono::hours(72));
  REQUIRE(tw.numbers.at("+14155550100").callee == twilio::CalleeAction::EnterWrongCode);
  REQUIRE(tw.numbers.at("+14155550100").carrier == twilio::Decision::Reject);
  REQUIRE(tw.numbers.at("+14155550100").carrier_after == std::chrono::hours(48));
  REQUIRE(tw.numbers.count("+18005550100") == 1);
}

TEST_CASE("world file errors say file, line, column and what was expected", "[world]") {
  auto error_of = [](const char* text) { return parseScenario(text, "w.yaml").error().message; };
  REQUIRE(
      error_of("seed: 1\nclok: auto\n") ==
      "w.yaml:2:1: clok: unknown key; expected name, description, provider, client, expect, seed, "
      "clock, start, auto_quiet, auto_observe, faults, tamper_webhooks, duplicate_webhooks, "
      "delay_webhooks, twilio, telnyx or bandwidth");
  REQUIRE(error_of("twilio:\n  numbers:\n    \"+14155550100\":\n      callee: hang-up\n")
              .rfind("w.yaml:4:7: twilio.numbers.+14155550100: callee must be", 0) == 0);
  REQUIRE(error_of("twilio:\n  numbers:\n    \"+14155550100\":\n      calee: no-answer\n")
              .find("unknown key 'calee'") != std::string::npos);
  REQUIRE(error_of("twilio:\n  numbers:\n    '555':\n").rfind("w.yaml:3:5:", 0) == 0);
  REQUIRE(error_of("seed: [1\n").rfind("w.yaml:", 0) == 0);
  REQUIRE(error_of("clock: fast\n").rfind("w.yaml:1:8: clock:", 0) == 0);
  REQUIRE(error_of("twilio:\n  rules:\n    action_required_timeout: soon\n")
              .rfind("w.yaml:3:5: twilio.rules:", 0) == 0);
  REQUIRE(parseScenario("", "empty.yaml").ok());
}

TEST_CASE("a world file's Twilio subaccounts name their owner among its accounts", "[world]") {
  const auto world = parseScenario(R"(
twilio:
  accounts:
    - {sid: ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, auth_token: main}
    - {sid: ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb, auth_token: sub, owner_account_sid: ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}
)",
                                   "w.yaml");
  REQUIRE(world.ok());
  const auto& section =
      static_cast<const twilio::Section&>(*world.value().world.sections.at("twilio"));
  REQUIRE_FALSE(section.world.accounts.at(0).owner_account_sid);
  REQUIRE(section.world.accounts.at(1).owner_account_sid == "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");

  auto error_of = [](const char* text) { return parseScenario(text, "w.yaml").error().message; };
  CHECK(error_of(R"(twilio:
  accounts:
    - {sid: ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb, auth_token: sub, owner_account_sid: ACcccccccccccccccccccccccccccccccc}
)") == "w.yaml:3:66: twilio.accounts[0].owner_account_sid: owner_account_sid "
       "ACcccccccccccccccccccccccccccccccc is not another account");
  CHECK(error_of(R"(twilio:
  accounts:
    - {sid: ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, auth_token: a}
    - {sid: ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb, auth_token: b, owner_account_sid: ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}
    - {sid: ACcccccccccccccccccccccccccccccccc, auth_token: c, owner_account_sid: ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb}
)")
            .find("twilio.accounts[1].owner_account_sid: ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb owns "
                  "subaccounts (ACcccccccccccccccccccccccccccccccc), so it cannot be one") !=
        std::string::npos);
}

TEST_CASE("a scenario adds name, provider, client, faults and expectations", "[scenario]") {
  const auto scenario = parseScenario(R"(
name: carrier_rejected
description: the carrier says no
provider: telnyx
clock: auto
tamper_webhooks: 1
faults:
  - {provider: telnyx, method: POST, path: /v2/messaging_hosted_number_orders, status: 503, times: 2, retry_after: 1}
  - {path: /v2/messaging_hosted_number_orders, latency: 2h}
client:
  env: {HOSTED_NUMBER: "+13125550103"}
  timeout: 20s
telnyx:
  numbers:
    "+13125550103": {carrier: {decision: reject, after: 2d}}
expect:
  orders:
    - {number: "+13125550103", status: carrier_rejected, visited: [pending, provisioning]}
  numbers:
    - {number: "+13125550103", status: failed_carrier_rejected}
  webhooks:
    - {statuses: [pending, loa_file_successful, provisioning, carrier_rejected], forged_rejected: true}
  requests:
    - {method: GET, path: "/v2/messaging_hosted_number_orders/*", at_most: 10, per: 1h}
)",
                                      "s.yaml");
  REQUIRE(scenario.ok());
  const Scenario& s = scenario.value();
  CHECK(s.name == "carrier_rejected");
  CHECK(s.provider == "telnyx");
  CHECK(s.client.env.at("HOSTED_NUMBER") == "+13125550103");
  CHECK(s.client.timeout == std::chrono::seconds(20));
  REQUIRE(s.world.faults.size() == 2);
  CHECK(s.world.faults[0].status == 503);
  CHECK(s.world.faults[0].times == 2);
  CHECK(s.world.faults[1].status == 0);
  CHECK(s.world.faults[1].latency == std::chrono::hours(2));
  CHECK(s.world.tamper_webhooks == 1);
  REQUIRE(s.expect.orders.size() == 1);
  CHECK(s.expect.orders[0].where == "s.yaml:18:7");
  CHECK(s.expect.webhooks[0].statuses->size() == 4);
  CHECK(s.expect.requests[0].at_most == 10u);
}

TEST_CASE("scenario errors: typos, unknown numbers and statuses, before anything runs",
          "[scenario]") {
  auto error_of = [](const std::string& text) {
    const auto parsed = parseScenario(text, "s.yaml");
    return parsed.ok() ? std::string("(ok)") : parsed.error().message;
  };
  const std::string world = "provider: twilio\ntwilio:\n  numbers:\n    \"+14155550104\": {}\n";
  CHECK(
      error_of(world + "expect:\n  orders:\n    - {number: \"+14155550104\", statuss: failed}\n") ==
      "s.yaml:7:32: expect.orders[0].statuss: unknown key; expected one of: number, exists, "
      "status, visited, not_visited, reason_contains, count");
  CHECK(error_of(world + "expect:\n  orders:\n    - {number: \"+14155550999\"}\n") ==
        "s.yaml:7:16: expect.orders[0].number: '+14155550999' is not one of the scenario's twilio "
        "numbers; list it under twilio.numbers");
  CHECK(error_of(world + "expect:\n  orders:\n    - {number: \"+14155550104\", status: rejected}\n")
            .rfind("s.yaml:7:40: expect.orders[0].status: 'rejected' is not a twilio order "
                   "status; expected one of: twilio-processing, received,",
                   0) == 0);
  CHECK(
      error_of(world + "expect:\n  numbers:\n    - {number: \"+14155550104\", status: failed}\n") ==
      "s.yaml:7:7: expect.numbers[0]: Twilio numbers carry no status of their own; expect their "
      "order's");
  CHECK(error_of("twilio: {}\nexpect:\n  requests:\n    - {path: /x, count: 1}\n") ==
        "s.yaml:1:1: provider: a scenario with expectations names its provider (twilio, telnyx or "
        "bandwidth)");
  CHECK(error_of("provider: twillio\n") ==
        "s.yaml:1:11: provider: expected twilio, telnyx or bandwidth, got 'twillio'");
  CHECK(error_of(world + "expect:\n  requests:\n    - {path: v2, count: 1}\n")
            .rfind("s.yaml:7:14: expect.requests[0].path:", 0) == 0);
  CHECK(error_of(world + "expect:\n  requests:\n    - {path: /v2, count: {least: 1}}\n")
            .rfind("s.yaml:7:26: expect.requests[0].count: expected a count", 0) == 0);
  CHECK(error_of(world + "faults:\n  - {path: /v2}\n") ==
        "s.yaml:6:5: faults[0]: a fault needs 'status' (400-599), 'latency' or 'drop: true'");
  CHECK(
      error_of(world + "client: {env: {lower: x}}\n").rfind("s.yaml:5:16: client.env.lower:", 0) ==
      0);
}

TEST_CASE("path patterns: '*' is one segment, a trailing '**' any rest", "[scenario]") {
  CHECK(pathMatches("/v2/HostedNumber/Orders/*", "/v2/HostedNumber/Orders/HR1"));
  CHECK_FALSE(pathMatches("/v2/HostedNumber/Orders/*", "/v2/HostedNumber/Orders"));
  CHECK_FALSE(pathMatches("/v2/HostedNumber/Orders/*", "/v2/HostedNumber/Orders/HR1/x"));
  CHECK(pathMatches("/v2/**", "/v2/HostedNumber/Orders/HR1/x"));
  CHECK(pathMatches("/v2/HostedNumber/Orders", "/v2/HostedNumber/Orders"));
  CHECK_FALSE(pathMatches("/v2/HostedNumber/Orders", "/v2/HostedNumber/Order"));
  CHECK_FALSE(pathMatches("/v2", "/v2/x"));
  CHECK(pathMatches("/api/accounts/*/importTnOrders", "/api/accounts/1/importtnorders"));
}

TEST_CASE("Bandwidth numbers take the shared carrier vocabulary", "[scenario]") {
  const auto scenario = parseScenario(R"(
bandwidth:
  numbers:
    "9195550102": {carrier: {decision: reject}}
    "9195550103": {carrier: {decision: never}}
)",
                                      "s.yaml");
  REQUIRE(scenario.ok());
  const auto& numbers =
      static_cast<const bandwidth::Section&>(*scenario.value().world.sections.at("bandwidth"))
          .world.numbers;
  CHECK(numbers.at("9195550102").import == bandwidth::ImportOutcome::Error);
  CHECK(numbers.at("9195550102").import_error_code == 19010);
  CHECK(numbers.at("9195550103").import == bandwidth::ImportOutcome::Never);
  CHECK_FALSE(
      parseScenario("bandwidth:\n  numbers:\n    \"9195550102\": {carrier: {decision: later}}\n",
                    "s.yaml")
          .ok());
}

TEST_CASE("a scenario repeats and delays webhooks, and judges the client's conduct", "[scenario]") {
  const auto scenario = parseScenario(R"(
provider: telnyx
duplicate_webhooks: 1
delay_webhooks: {count: 2, by: 30m}
telnyx:
  numbers:
    "+13125550103": {}
expect:
  conduct:
    number: "+13125550103"
    reports_status: true
    after_final: 1
    polls: {at_most: 60}
    avoidable_4xx: 0
    refusals: [{method: POST, status: 422, times: 2}, {path: "/v2/*", status: 404}]
)",
                                      "s.yaml");
  REQUIRE(scenario.ok());
  const Scenario& s = scenario.value();
  CHECK(s.world.duplicate_webhooks == 1);
  CHECK(s.world.delay_webhooks == 2);
  CHECK(s.world.delay_webhooks_by == std::chrono::minutes(30));
  REQUIRE(s.expect.conduct);
  const ConductExpectation& conduct = *s.expect.conduct;
  CHECK(conduct.number == "+13125550103");
  CHECK(conduct.where == "s.yaml:10:5");
  CHECK(conduct.reports_status);
  CHECK(conduct.after_final == 1u);
  CHECK(conduct.polls_at_most == 60u);
  CHECK(conduct.polls_per == std::chrono::hours(1));
  CHECK(conduct.avoidable_4xx == 0u);
  REQUIRE(conduct.refusals.size() == 2);
  CHECK(conduct.refusals[0].method == "POST");
  CHECK(conduct.refusals[0].times == 2);
  CHECK(conduct.refusals[1].path == "/v2/*");
  CHECK(conduct.refusals[1].times == 1);
  CHECK(s.expect.judgedFromState() == 1);

  auto error_of = [](const std::string& text) {
    const auto parsed = parseScenario(text, "s.yaml");
    return parsed.ok() ? std::string("(ok)") : parsed.error().message;
  };
  const std::string world = "provider: twilio\ntwilio:\n  numbers:\n    \"+14155550104\": {}\n";
  CHECK(error_of(world + "expect:\n  conduct: {number: \"+14155550104\", after_finall: 1}\n") ==
        "s.yaml:6:37: expect.conduct.after_finall: unknown key; expected one of: number, "
        "reports_status, after_final, polls, avoidable_4xx, refusals");
  CHECK(error_of(world + "expect:\n  conduct: {number: \"+14155550199\"}\n") ==
        "s.yaml:6:21: expect.conduct.number: '+14155550199' is not one of the scenario's twilio "
        "numbers; list it under twilio.numbers");
  CHECK(error_of(world + "expect:\n  conduct: {number: \"+14155550104\", refusals: [{status: "
                         "500}]}\n")
            .rfind("s.yaml:6:57: expect.conduct.refusals[0].status: expected the 4xx status", 0) ==
        0);
  CHECK(error_of(world + "delay_webhooks: {count: 1}\n") ==
        "s.yaml:5:17: delay_webhooks.by: expected how long they are held back, such as 30m");
  CHECK(error_of(world + "duplicate_webhooks: -1\n") ==
        "s.yaml:5:21: duplicate_webhooks: expected a count from 0 to 1000");
}
