#include "control/world.h"

#include <catch2/catch.hpp>

using namespace hnemu;

TEST_CASE("a world file sets seed, clock, accounts, rules and number profiles", "[world]") {
  const auto world = parseWorldFile(R"(
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
  REQUIRE(world.value().seed == 42u);
  REQUIRE(world.value().clock == ClockMode::Auto);
  REQUIRE(formatIso8601(*world.value().start) == "2026-03-02T12:00:00Z");
  const twilio::World& tw = *world.value().twilio;
  REQUIRE(world.value().twilio_accounts_given);
  REQUIRE(tw.accounts.at(0).auth_token == "secret");
  REQUIRE(tw.rules.max_verification_attempts == 2);
  REQUIRE(tw.rules.action_required_timeout == std::chrono::hours(72));
  REQUIRE(tw.numbers.at("+14155550100").callee == twilio::CalleeAction::EnterWrongCode);
  REQUIRE(tw.numbers.at("+14155550100").carrier == twilio::Decision::Reject);
  REQUIRE(tw.numbers.at("+14155550100").carrier_after == std::chrono::hours(48));
  REQUIRE(tw.numbers.count("+18005550100") == 1);
}

TEST_CASE("world file errors say file, line, column and what was expected", "[world]") {
  auto error_of = [](const char* text) { return parseWorldFile(text, "w.yaml").error().message; };
  REQUIRE(
      error_of("seed: 1\nclok: auto\n") ==
      "w.yaml:2:1: clok: unknown key; expected seed, clock, start, twilio, telnyx or bandwidth");
  REQUIRE(error_of("twilio:\n  numbers:\n    \"+14155550100\":\n      callee: hang-up\n")
              .rfind("w.yaml:4:7: twilio.numbers.+14155550100: callee must be", 0) == 0);
  REQUIRE(error_of("twilio:\n  numbers:\n    \"+14155550100\":\n      calee: no-answer\n")
              .find("unknown key 'calee'") != std::string::npos);
  REQUIRE(error_of("twilio:\n  numbers:\n    '555':\n").rfind("w.yaml:3:5:", 0) == 0);
  REQUIRE(error_of("seed: [1\n").rfind("w.yaml:", 0) == 0);
  REQUIRE(error_of("clock: fast\n").rfind("w.yaml:1:8: clock:", 0) == 0);
  REQUIRE(error_of("twilio:\n  rules:\n    action_required_timeout: soon\n")
              .rfind("w.yaml:3:5: twilio.rules:", 0) == 0);
  REQUIRE(parseWorldFile("", "empty.yaml").ok());
}
