// An order's answer is encoded once per version of the order and kept: every change the client
// can see (the clock's timers, an update, a reset that hands out the same SID again, another
// host) must reach the next fetch.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "emulator.h"
#include "testing/requests.h"

using namespace hnemu;
using nlohmann::json;

namespace {

json fetchOrder(Emulator& emulator, const std::string& sid, const std::string& host = "") {
  auto request = testing::twilioRequest("GET", "/v2/HostedNumber/Orders/" + sid);
  REQUIRE(request.ok());
  if (!host.empty()) {
    request.value().host = host;
    request.value().headers.erase("Host");
    request.value().headers.emplace("Host", host);
  }
  const HttpResponse fetched = emulator.handle(request.value());
  REQUIRE(fetched.status == 200);
  return json::parse(fetched.body);
}

// The order as the state dump encodes it afresh, without the fields only the dump has.
json freshlyEncoded(Emulator& emulator, const std::string& sid) {
  json order = emulator.stateChanges(0, 1000, "twilio");
  for (const json& change : order["changes"]) {
    if (change["collection"] == "hosted_number_orders" && change["id"] == sid) {
      json item = change["item"];
      for (const char* only_dumped : {"api", "history", "sequence", "url"}) {
        item.erase(only_dumped);
      }
      return item;
    }
  }
  FAIL("no such order in the change feed: " << sid);
  return {};
}

json withoutUrl(json order) {
  order.erase("url");
  return order;
}

const std::string kTelnyxKey = testing::telnyxAuthorization();
const std::string kBandwidthAuth = testing::bandwidthAuthorization();

// A Telnyx order and a Bandwidth import order, fetched as a client polls them.
struct Polled {
  std::string telnyx;
  std::string bandwidth;
  bool operator==(const Polled& other) const {
    return telnyx == other.telnyx && bandwidth == other.bandwidth;
  }
};

Polled poll(Emulator& emulator, const std::string& telnyx_id, const std::string& bandwidth_id) {
  const HttpResponse telnyx = testing::send(
      emulator, "GET", "/v2/messaging_hosted_number_orders/" + telnyx_id, "", "", kTelnyxKey);
  REQUIRE(telnyx.status == 200);
  const HttpResponse bandwidth =
      testing::send(emulator, "GET", "/api/accounts/9900000/importTnOrders/" + bandwidth_id, "", "",
                    kBandwidthAuth);
  REQUIRE(bandwidth.status == 200);
  return {telnyx.body, bandwidth.body};
}

// The same fetches from an emulator that has never answered them: the state saved and restored
// into a fresh one, whose answers are all encoded afresh.
Polled pollCold(Emulator& emulator, const std::string& telnyx_id, const std::string& bandwidth_id) {
  const std::optional<SavedState> saved = emulator.saveState(0);
  REQUIRE(saved.has_value());
  Emulator cold(testing::quietOptions());
  REQUIRE(cold.restoreState(saved->cbor, 0).ok());
  return poll(cold, telnyx_id, bandwidth_id);
}

}  // namespace

TEST_CASE("a fetched order follows every change to it, though its answer is kept",
          "[twilio][engine]") {
  Emulator emulator;
  const HttpResponse created = testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/Orders",
                                                   testing::twilioOrderBody("+14155551000"));
  REQUIRE(created.status == 201);
  const std::string sid = json::parse(created.body)["sid"].get<std::string>();
  const json first = fetchOrder(emulator, sid);
  CHECK(first == json::parse(created.body));
  CHECK(fetchOrder(emulator, sid) == first);  // the kept answer

  // Timers move the order on: each fetch between steps shows the order as it is now.
  const auto runTimers = [&] {
    for (int step = 0; step < 20 && emulator.fireNextTimer() > 0; ++step) {
      CHECK(withoutUrl(fetchOrder(emulator, sid)) == freshlyEncoded(emulator, sid));
    }
  };
  runTimers();
  CHECK(fetchOrder(emulator, sid)["status"] == "received");

  // An update through the API.
  const HttpResponse updated =
      testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/Orders/" + sid,
                          "Status=pending-verification&VerificationCallDelay=30");
  REQUIRE(updated.status == 200);
  CHECK(fetchOrder(emulator, sid)["verification_call_delay"] == 30);
  CHECK(withoutUrl(fetchOrder(emulator, sid)) == freshlyEncoded(emulator, sid));
  // A verification call, answered by the number's owner.
  runTimers();
  CHECK(fetchOrder(emulator, sid)["status"] == "verified");

  // Another host: the order's url is the one the client called.
  CHECK(fetchOrder(emulator, sid, "hnemu.test:9")["url"] ==
        "http://hnemu.test:9/v2/HostedNumber/Orders/" + sid);
  CHECK(fetchOrder(emulator, sid)["url"] == first["url"]);

  // After a reset the same seed hands out the same SID, to an order for another number.
  emulator.reset();
  const HttpResponse again = testing::sendTwilio(emulator, "POST", "/v2/HostedNumber/Orders",
                                                 testing::twilioOrderBody("+14155552000"));
  REQUIRE(again.status == 201);
  REQUIRE(json::parse(again.body)["sid"] == sid);
  CHECK(fetchOrder(emulator, sid)["phone_number"] == "+14155552000");
  CHECK(fetchOrder(emulator, sid) == json::parse(again.body));
}

TEST_CASE(
    "a fetched Telnyx or Bandwidth order follows every change to it, though its answer is "
    "kept",
    "[telnyx][bandwidth][engine]") {
  Emulator emulator(testing::quietOptions());
  const auto createBoth = [&](const std::string& telnyx_number, const std::string& tn) {
    const HttpResponse telnyx =
        testing::send(emulator, "POST", "/v2/messaging_hosted_number_orders",
                      json{{"phone_numbers", {telnyx_number, "+13125550099"}}}.dump(),
                      "application/json", kTelnyxKey);
    REQUIRE(telnyx.status == 200);
    const HttpResponse bandwidth =
        testing::send(emulator, "POST", "/api/accounts/9900000/importTnOrders",
                      testing::bandwidthImportOrderBody(tn), "application/xml", kBandwidthAuth);
    REQUIRE(bandwidth.status == 201);
    const size_t at = bandwidth.body.find("<OrderId>");
    REQUIRE(at != std::string::npos);
    return std::make_pair(json::parse(telnyx.body)["data"]["id"].get<std::string>(),
                          bandwidth.body.substr(at + 9, bandwidth.body.find('<', at + 9) - at - 9));
  };
  const auto [telnyx_id, bandwidth_id] = createBoth("+13125550001", "9195551234");
  std::set<std::string> seen;
  const auto check = [&, telnyx_id = telnyx_id, bandwidth_id = bandwidth_id] {
    const Polled warm = poll(emulator, telnyx_id, bandwidth_id);
    CHECK(poll(emulator, telnyx_id, bandwidth_id) == warm);  // the kept answers
    CHECK(warm == pollCold(emulator, telnyx_id, bandwidth_id));
    seen.insert(warm.telnyx + warm.bandwidth);
  };
  check();
  const auto runTimers = [&] {
    for (int step = 0; step < 20 && emulator.fireNextTimer() > 0; ++step) {
      check();
    }
  };
  runTimers();  // Bandwidth's import completes

  // Through the API: Telnyx's codes for both numbers, then its documents; the order under
  // review, then its carrier; a number deleted.
  const std::string order = "/v2/messaging_hosted_number_orders/" + telnyx_id;
  const json numbers = {"+13125550001", "+13125550099"};
  REQUIRE(testing::send(emulator, "POST", order + "/verification_codes",
                        json{{"phone_numbers", numbers}, {"verification_method", "sms"}}.dump(),
                        "application/json", kTelnyxKey)
              .status == 200);
  check();
  runTimers();
  for (const json& number : numbers) {
    const json inbox = json::parse(
        testing::send(emulator, "GET",
                      "/__hnemu/inbox?number=" + wire::percentEncode(number.get<std::string>()))
            .body);
    REQUIRE_FALSE(inbox["messages"].empty());
    REQUIRE(testing::send(
                emulator, "POST", order + "/validation_codes",
                json{{"verification_codes",
                      {{{"phone_number", number}, {"code", inbox["messages"].back()["code"]}}}}}
                    .dump(),
                "application/json", kTelnyxKey)
                .status == 200);
    check();
  }
  REQUIRE(testing::send(emulator, "POST", order + "/actions/file_upload",
                        testing::telnyxDocumentsBody(), "multipart/form-data; boundary=b",
                        kTelnyxKey)
              .status == 200);
  check();
  runTimers();  // review, the carrier
  const json fetched = json::parse(poll(emulator, telnyx_id, bandwidth_id).telnyx);
  const std::string second_number = fetched["data"]["phone_numbers"][1]["id"];
  REQUIRE(testing::send(emulator, "DELETE", "/v2/messaging_hosted_numbers/" + second_number, "", "",
                        kTelnyxKey)
              .status == 200);
  check();
  CHECK(json::parse(
            poll(emulator, telnyx_id, bandwidth_id).telnyx)["data"]["phone_numbers"][1]["status"] ==
        "deleted");
  // Each step that changed an order was seen by the next fetch: many different answers.
  CHECK(seen.size() >= 6);

  // After a reset the same seed hands out the same ids, to orders for other numbers.
  emulator.reset();
  const auto [telnyx_again, bandwidth_again] = createBoth("+13125550002", "9195551236");
  REQUIRE(telnyx_again == telnyx_id);
  REQUIRE(bandwidth_again == bandwidth_id);
  check();
  const Polled after_reset = poll(emulator, telnyx_id, bandwidth_id);
  CHECK(after_reset.telnyx.find("+13125550002") != std::string::npos);
  CHECK(after_reset.bandwidth.find("9195551236") != std::string::npos);
}
