// The onboarding code against hnemu in process: each test gets a fresh emulator (hnemu's Catch2
// fixture), loads one of hnemu's named scenarios, runs the client with the virtual clock as its
// wait, then checks how the client says it ended and, once the world has run to its end (as
// `hnemu conform` lets it after a client exits), the scenario's expectations. Run from the folder
// that holds scenarios/.
#define CATCH_CONFIG_MAIN
#include "onboarding/onboarding.h"

#include <hnemu/catch2.h>

#include <string>

#include "onboarding/receiver.h"

namespace {

// Each provider's documented test credentials, which hnemu serves by default.
constexpr const char* kTwilioSid = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
constexpr const char* kTwilioToken = "your_auth_token";
constexpr const char* kTelnyxKey = "KEYhnemu0000000000000000000000000_default";
// What Bandwidth's notifications carry: the credentials the service subscribed with.
constexpr const char* kHookUser = "onboarding";
constexpr const char* kHookPassword = "hook-secret";
constexpr const char* kHookAuthorization = "Basic b25ib2FyZGluZzpob29rLXNlY3JldA==";

// The service around the onboarding code: its webhook endpoint, and waits that move the
// emulator's virtual clock instead of sleeping.
struct Service : hnemu::catch2::Fixture {
  onboarding::Receiver receiver{kHookAuthorization};
  onboarding::Wait wait = [this](std::chrono::seconds duration) { emulator.advance(duration); };

  onboarding::TwilioHosting twilio() {
    return {{emulator.url(), kTwilioSid, kTwilioToken, receiver.url("/twilio")}, wait};
  }
  // The owner reads the SMS code off the phone: here, from the emulator's inbox.
  onboarding::TelnyxHosting telnyx() {
    // The messaging profile and its webhook URL are set in Telnyx's portal: here, through
    // hnemu's control API.
    emulator.control(
        "POST", "/telnyx/messaging-profiles",
        R"({"id": "onboarding", "webhook_url": ")" + receiver.url("/telnyx") + R"("})");
    return {{emulator.url(), kTelnyxKey, "onboarding"}, wait, [this](const std::string& number) {
              const std::vector<hnemu::InboxMessage> messages = emulator.inbox(number);
              return messages.empty() ? std::string() : messages.back().code;
            }};
  }
  onboarding::BandwidthHosting bandwidth() {
    return {{emulator.url() + "/api", "9900000", "hnemu", "hnemu-password", "222", "333",
             receiver.url("/bandwidth"), kHookUser, kHookPassword},
            wait};
  }

  // Every webhook hnemu sent reached the service's endpoint, which took it.
  void requireEveryWebhookTaken() {
    REQUIRE(emulator.waitForWebhooks());
    const std::vector<hnemu::WebhookDelivery> sent = emulator.webhooks();
    CHECK_FALSE(sent.empty());
    CHECK(receiver.received().size() == sent.size());
  }

  // The world runs to its end, then every expectation of the scenario must hold.
  void requireExpectationsHold() {
    emulator.runUntilIdle();
    const hnemu::Verdict verdict = emulator.expectations();
    INFO(verdict.failures());
    REQUIRE(verdict.passed);
  }
};

}  // namespace

TEST_CASE_METHOD(Service, "Twilio: three wrong codes end in action-required, with no fourth call",
                 "[twilio]") {
  emulator.loadScenarioFile("scenarios/twilio/action_required.yaml");
  REQUIRE(twilio().host("+14155550101") == "action-required");
  const std::vector<hnemu::Call> calls = emulator.calls("+14155550101");
  REQUIRE(calls.size() == 3);
  CHECK(calls.back().outcome == "wrong-code");
  requireExpectationsHold();
}

TEST_CASE_METHOD(Service, "Twilio: an order left in action-required fails 7 days later",
                 "[twilio]") {
  emulator.loadScenarioFile("scenarios/twilio/seven_day_failure.yaml");
  REQUIRE(twilio().host("+14155550101", {}, /*wait_in_action_required=*/true) == "failed");
  requireEveryWebhookTaken();
  requireExpectationsHold();
}

TEST_CASE_METHOD(Service, "Twilio: the losing carrier rejects the number", "[twilio]") {
  emulator.loadScenarioFile("scenarios/twilio/carrier_rejected.yaml");
  REQUIRE(twilio().host("+14155550104") == "failed");
  requireEveryWebhookTaken();
  requireExpectationsHold();
}

TEST_CASE_METHOD(Service, "Telnyx: the losing carrier rejects the number", "[telnyx]") {
  emulator.loadScenarioFile("scenarios/telnyx/carrier_rejected.yaml");
  REQUIRE(telnyx().host("+13125550103") == "carrier_rejected");
  requireEveryWebhookTaken();
  requireExpectationsHold();
}

TEST_CASE_METHOD(Service, "Bandwidth: the losing carrier rejects the import", "[bandwidth]") {
  emulator.loadScenarioFile("scenarios/bandwidth/carrier_rejected.yaml");
  REQUIRE(bandwidth().host("9195550102") == "FAILED-19010");
  requireEveryWebhookTaken();
  requireExpectationsHold();
}

// hnemu's README shows this one.
TEST_CASE_METHOD(hnemu::catch2::Fixture, "a silent carrier: the Telnyx order fails after 5 days") {
  emulator.loadScenarioFile("scenarios/telnyx/failed_timeout.yaml");
  onboarding::TelnyxHosting telnyx(
      {emulator.url(), "KEYhnemu0000000000000000000000000_default"},
      [&](std::chrono::seconds wait) { emulator.advance(wait); },  // virtual time passes
      [&](const std::string& number) { return emulator.inbox(number).at(0).code; });
  REQUIRE(telnyx.host("+13125550104") == "failed");
  REQUIRE(emulator.expectations().passed);
}
