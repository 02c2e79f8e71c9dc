// An order's answer is encoded once per version of the order and kept: every change the client
// can see (the clock's timers, an update, a reset that hands out the same SID again, another
// host) must reach the next fetch.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
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
