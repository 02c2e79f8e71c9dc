#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "emulator.h"
#include "providers/twilio/kind.h"
#include "testing/requests.h"

using namespace hnemu;
using nlohmann::json;

namespace {

// Keeps every input as a --state file would, and saves it at once.
class RecordingLog : public InputLog {
 public:
  uint64_t append(const RecordedInput& input) override {
    inputs.push_back(input);
    return inputs.size();
  }
  bool waitSaved(uint64_t) override { return true; }
  std::vector<RecordedInput> inputs;
};

const std::string kCallback = "&StatusCallbackUrl=http%3A%2F%2F127.0.0.1%3A9%2Fhook";
const std::string kTelnyxKey = testing::telnyxAuthorization();
const std::string kBandwidthAuth = testing::bandwidthAuthorization();

void control(Emulator& emulator, const std::string& method, const std::string& path,
             const std::string& body) {
  const HttpResponse answer = testing::send(emulator, method, path, body, "application/json");
  INFO(method << " " << path << ": " << answer.body);
  REQUIRE(answer.status == 200);
}

void advance(Emulator& emulator, const std::string& by) {
  REQUIRE(testing::send(emulator, "POST", "/__hnemu/clock", json{{"advance", by}}.dump()).status ==
          200);
}

std::string twilioOrder(Emulator& emulator, const std::string& number) {
  const HttpResponse created = testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/Orders",
                                                   testing::twilioOrderBody(number, kCallback));
  REQUIRE(created.status == 201);
  return json::parse(created.body)["sid"];
}

// A run through every kind of provider timer, with timers pending at most inputs: Twilio's
// verification calls (a manual callee, a wrong code to action-required), a signed document, the
// carrier, testing and a release; Telnyx's codes, review and carrier; Bandwidth's imports, a
// removal and a lost number; bulk requests, faults, a world change and a scenario's rules.
void driveEveryTimer(Emulator& emulator) {
  control(emulator, "PUT", "/__hnemu/twilio/numbers/+14153608320", R"({"callee":"manual"})");
  control(emulator, "PUT", "/__hnemu/twilio/numbers/+14153608321",
          R"({"callee":"enter-wrong-code"})");
  control(emulator, "PUT", "/__hnemu/bandwidth/numbers/9195551235",
          R"({"messaging_lost":{"after":"2h"}})");
  control(emulator, "PUT", "/__hnemu/twilio/rules", R"({"testing":"3h"})");
  const std::string verified = twilioOrder(emulator, "+14153608311");
  const std::string manual = twilioOrder(emulator, "+14153608320");
  const std::string wrong = twilioOrder(emulator, "+14153608321");
  const HttpResponse telnyx_created =
      testing::send(emulator, "POST", "/v2/messaging_hosted_number_orders",
                    R"({"phone_numbers":["+13125550001"]})", "application/json", kTelnyxKey);
  REQUIRE(telnyx_created.status == 200);
  const std::string telnyx_order = json::parse(telnyx_created.body)["data"]["id"];
  REQUIRE(testing::send(emulator, "POST", "/api/accounts/9900000/importTnOrders",
                        testing::bandwidthImportOrderBody("9195551234"), "application/xml",
                        kBandwidthAuth)
              .status == 201);
  REQUIRE(testing::send(emulator, "POST", "/api/accounts/9900000/importTnOrders",
                        testing::bandwidthImportOrderBody("9195551235"), "application/xml",
                        kBandwidthAuth)
              .status == 201);
  advance(emulator, "500ms");  // Bandwidth's imports processing
  advance(emulator, "1m");
  for (const std::string& sid : {verified, manual, wrong}) {
    REQUIRE(testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/Orders/" + sid,
                                "Status=pending-verification")
                .status == 200);
  }
  REQUIRE(testing::send(emulator, "POST", "/__hnemu/faults",
                        R"({"provider":"twilio","method":"GET","status":503,"times":1})")
              .status == 201);
  REQUIRE(testing::sendTwilio(emulator, "GET", "/v2/HostedNumber/Orders").status == 503);
  advance(emulator, "15s");
  for (int attempt = 0; attempt < 2; ++attempt) {
    REQUIRE(testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/Orders/" + wrong,
                                "Status=pending-verification")
                .status == 200);
    advance(emulator, "15s");
  }
  const HttpResponse document =
      testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/AuthorizationDocuments",
                          "AddressSid=AD11111111111111111111111111111111&Email=owner%40example.com"
                          "&ContactPhoneNumber=%2B12344444444&HostedNumberOrderSids=" +
                              verified);
  INFO(document.body);
  REQUIRE(document.status == 201);
  // Telnyx: a code, on its way to the owner's inbox.
  const std::string orders = "/v2/messaging_hosted_number_orders/" + telnyx_order;
  REQUIRE(testing::send(emulator, "POST", orders + "/verification_codes",
                        R"({"phone_numbers":["+13125550001"],"verification_method":"sms"})",
                        "application/json", kTelnyxKey)
              .status == 200);
  advance(emulator, "10s");
  const HttpResponse inbox_answer =
      testing::send(emulator, "GET", "/__hnemu/inbox?number=%2B13125550001");
  INFO(inbox_answer.body);
  json inbox = json::parse(inbox_answer.body);
  REQUIRE_FALSE(inbox["messages"].empty());
  const std::string code = inbox["messages"].back()["code"];
  REQUIRE(
      testing::send(
          emulator, "POST", orders + "/validation_codes",
          json{{"verification_codes", {{{"phone_number", "+13125550001"}, {"code", code}}}}}.dump(),
          "application/json", kTelnyxKey)
          .status == 200);
  REQUIRE(testing::send(emulator, "POST", orders + "/actions/file_upload",
                        testing::telnyxDocumentsBody("%PDF\xff"), "multipart/form-data; boundary=b",
                        kTelnyxKey)
              .status == 200);
  // Bulk requests.
  REQUIRE(testing::sendTwilio(emulator, "POST", "/v1/HostedNumber/Eligibility/Bulk",
                              R"({"phone_numbers":[{"phone_number":"+14153608399"}]})")
              .status == 202);
  advance(emulator, "2h");  // signed, the carrier deciding; Bandwidth's TN loses messaging
  REQUIRE(testing::send(emulator, "POST", "/api/accounts/9900000/removeImportedTnOrders",
                        "<RemoveImportedTnOrder><TelephoneNumbers><TelephoneNumber>9195551234"
                        "</TelephoneNumber></TelephoneNumbers></RemoveImportedTnOrder>",
                        "application/xml", kBandwidthAuth)
              .status == 201);
  advance(emulator, "24h");  // the carrier accepted: testing
  advance(emulator, "1d");   // Twilio completed; Telnyx reviewed, its carrier deciding
  advance(emulator, "2d");
  const HttpResponse listed =
      testing::sendTwilio(emulator, "GET",
                          "/2010-04-01/Accounts/" + std::string(twilio::kDefaultAccountSid) +
                              "/IncomingPhoneNumbers.json");
  INFO(listed.body);
  json numbers = json::parse(listed.body);
  REQUIRE_FALSE(numbers["incoming_phone_numbers"].empty());
  const std::string number_sid = numbers["incoming_phone_numbers"][0]["sid"];
  REQUIRE(testing::sendTwilio(emulator, "DELETE",
                              "/2010-04-01/Accounts/" + std::string(twilio::kDefaultAccountSid) +
                                  "/IncomingPhoneNumbers/" + number_sid + ".json")
              .status == 204);
  advance(emulator, "1d");  // the released number waits to retire
  (void)twilioOrder(emulator, "+14153608312");
}

json comparable(Emulator& emulator) {
  json state = emulator.state();
  state["pending_timers"] = json::array();
  for (const PendingTimer& timer : emulator.clock().pendingTimers()) {
    state["pending_timers"].push_back({formatIso8601Millis(timer.due), timer.label});
  }
  state["inbox"] = emulator.inbox(std::nullopt);
  state["calls"] = emulator.calls();
  state["faults"] = json::array();
  for (const FaultRule& rule : emulator.faults().rules()) {
    state["faults"].push_back(faultJson(rule));
  }
  return state;
}

}  // namespace

TEST_CASE(
    "saved state: restored at any input, then given the inputs after it, an emulator ends as "
    "one that replayed them all",
    "[state]") {
  RecordingLog log;
  {
    Emulator recorded(testing::quietOptions());
    recorded.setInputLog(&log);
    driveEveryTimer(recorded);
    recorded.setInputLog(nullptr);
  }
  const std::vector<RecordedInput>& inputs = log.inputs;
  REQUIRE(inputs.size() > 30);
  std::set<std::string> timer_kinds_saved;
  for (size_t cut = 0; cut <= inputs.size(); ++cut) {
    INFO("restored after input " << cut << " of " << inputs.size());
    Emulator replayed(testing::quietOptions());
    for (size_t i = 0; i < cut; ++i) {
      replayed.replay(inputs[i]);
    }
    const std::optional<SavedState> saved = replayed.saveState(cut);
    REQUIRE(saved.has_value());
    CHECK(saved->checkpoint.inputs_applied == cut);
    const json saved_state = json::from_cbor(saved->cbor);
    for (const json& timer : saved_state.at("timers")) {
      timer_kinds_saved.insert(timer["provider"].get<std::string>() + " " +
                               timer["kind"].get<std::string>());
    }

    Emulator restored(testing::quietOptions());
    REQUIRE(restored.restoreState(saved->cbor, cut).ok());
    CHECK(restored.stateDigest() == saved->checkpoint.state_digest);
    restored.webhooks().restoreLog(saved->checkpoint.webhooks, saved->checkpoint.next_webhook_id);
    for (size_t i = cut; i < inputs.size(); ++i) {
      replayed.replay(inputs[i]);
      restored.replay(inputs[i]);
    }
    replayed.finishReplay({}, 1);
    restored.finishReplay({}, 1);
    REQUIRE(comparable(restored) == comparable(replayed));
    CHECK(restored.stateDigest() == replayed.stateDigest());
    CHECK(restored.webhooks().nextId() == replayed.webhooks().nextId());

    // What happens next is the same too: timers, ids.
    replayed.advance(std::chrono::hours(24 * 30));
    restored.advance(std::chrono::hours(24 * 30));
    CHECK(twilioOrder(restored, "+14153608313") == twilioOrder(replayed, "+14153608313"));
    CHECK(comparable(restored) == comparable(replayed));
  }
  // Every kind of timer the run schedules was saved at some cut.
  for (const char* kind :
       {"twilio eligibility", "twilio answer call", "twilio call timeout",
        "twilio action-required timeout", "twilio signer", "twilio carrier", "twilio testing",
        "twilio retire", "twilio bulk eligibility", "telnyx deliver code", "telnyx review",
        "telnyx carrier", "bandwidth import processing", "bandwidth import done",
        "bandwidth remove processing", "bandwidth messaging lost"}) {
    INFO(kind);
    CHECK(timer_kinds_saved.count(kind) == 1);
  }
}

TEST_CASE("saved state: a snapshot that does not decode is refused, not half-trusted", "[state]") {
  Emulator source(testing::quietOptions());
  (void)twilioOrder(source, "+14153608311");
  const std::optional<SavedState> saved = source.saveState(0);
  REQUIRE(saved.has_value());
  json state = json::from_cbor(saved->cbor);
  state["timers"][0]["kind"] = "no such kind";
  std::vector<uint8_t> altered = json::to_cbor(state);
  {
    Emulator restored(testing::quietOptions());
    const Status status = restored.restoreState(std::string(altered.begin(), altered.end()), 0);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().message.find("no such kind") != std::string::npos);
  }
  state = json::from_cbor(saved->cbor);
  state["providers"]["twilio"]["call_positions"] = {{"CA00000000000000000000000000000000", 5}};
  altered = json::to_cbor(state);
  {
    Emulator restored(testing::quietOptions());
    const Status status = restored.restoreState(std::string(altered.begin(), altered.end()), 0);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().message.find("is not where it is said to be") != std::string::npos);
  }
  state = json::from_cbor(saved->cbor);
  state["providers"].erase("telnyx");
  altered = json::to_cbor(state);
  {
    Emulator restored(testing::quietOptions());
    CHECK_FALSE(restored.restoreState(std::string(altered.begin(), altered.end()), 0).ok());
  }
  // Not CBOR, cut short, trailing bytes, or nested deep enough to exhaust a recursive reader.
  const std::string whole(saved->cbor);
  for (const std::string& bad :
       {std::string("not cbor"), whole.substr(0, whole.size() / 2), whole + std::string(1, '\0'),
        std::string(200'000, '\x81') + '\x00', std::string(200'000, '\x9f'),
        std::string(200'000, '\xc6') + '\x00'}) {
    Emulator restored(testing::quietOptions());
    const Status status = restored.restoreState(bad, 0);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().message.find("does not decode") != std::string::npos);
  }
  Emulator restored(testing::quietOptions());
  CHECK(restored.restoreState(whole, 0).ok());
}
