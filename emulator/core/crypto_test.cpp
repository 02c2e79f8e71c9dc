#include "core/crypto.h"

#include <catch2/catch.hpp>

using namespace hnemu::crypto;

TEST_CASE("Ed25519 signs Telnyx's webhook test vector", "[crypto]") {
  // Telnyx's webhook signature test vector (RFC 8032 test 1 seed).
  const Ed25519Key key(
      hexDecode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  REQUIRE(base64Encode(key.publicKey()) == "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
  const std::string body =
      R"({"data":{"event_type":"messaging_hosted_numbers_orders.updated","id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777f0","occurred_at":"2023-11-14T22:13:20.000Z","payload":{"approval_deadline":null,"decision":"pending","numbers":[{"status":"successful","value":"+13125550001"}],"order_id":"86f58db9-0fe3-4adc-9d1f-46e66e6e9323","order_status":"successful","profile_id":"dc8f39ac-953d-4520-b93b-786ae87db0da","user_id":"b448f9cc-a842-4784-98e9-03c1a5872950"},"record_type":"event"},"meta":{"attempt":1,"delivered_to":"https://example.com/webhooks"}})";
  REQUIRE(
      base64Encode(key.sign("1700000000|" + body)) ==
      "A18ogn6tULwY8KM+8cX5eAbyDT/e0gW/PNmAESLz6ABNbHY38la6SfAgVlwzSrSazu4A8FCmcGyyW+kFyKCkBQ==");
}

TEST_CASE("base64 and hex round trips", "[crypto]") {
  REQUIRE(base64Decode(base64Encode("any bytes\x01\xff")).value() == "any bytes\x01\xff");
  REQUIRE(base64Decode("YWI=").value() == "ab");
  REQUIRE(base64Decode("YWI").value() == "ab");
  REQUIRE_FALSE(base64Decode("Y*I=").has_value());
  REQUIRE_FALSE(base64Decode("YW=I").has_value());
  REQUIRE(hexDecode("00ff").size() == 2);
  REQUIRE(hexDecode("0g").empty());
  REQUIRE(secureEquals("abc", "abc"));
  REQUIRE_FALSE(secureEquals("abc", "abd"));
}
