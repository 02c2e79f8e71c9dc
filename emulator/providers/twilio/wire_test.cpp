#include "providers/twilio/wire.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "providers/twilio/errors.h"
#include "providers/twilio/signature.h"

using namespace hnemu;
using namespace hnemu::twilio;
using nlohmann::json;

TEST_CASE("X-Twilio-Signature matches Twilio's published vectors", "[twilio][signature]") {
  const std::vector<std::pair<std::string, std::string>> docs_params = {
      {"CallSid", "CA1234567890ABCDE"},
      {"Caller", "+12349013030"},
      {"Digits", "1234"},
      {"From", "+12349013030"},
      {"To", "+18005551212"}};
  REQUIRE(computeSignature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", docs_params) ==
          "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
  const std::vector<std::pair<std::string, std::string>> node_params = {
      {"CallSid", "CA1234567890ABCDE"},
      {"Caller", "+14158675309"},
      {"Digits", "1234"},
      {"From", "+14158675309"},
      {"To", "+18005551212"}};
  REQUIRE(computeSignature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", node_params) ==
          "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  REQUIRE(computeSignature("12345", "https://mycompany.com:443/myapp.php?foo=1&bar=2",
                           node_params) == "kvajT1Ptam85bY51eRf/AJRuM3w=");
  REQUIRE(computeSignature("your_auth_token", "http://127.0.0.1:18081/hno-callback",
                           {{"Status", "pending-loa"},
                            {"PhoneNumber", "+14153608311"},
                            {"HostedNumberOrderSid", "HR" + std::string(32, 'a')},
                            {"AccountSid", "AC" + std::string(32, 'a')}}) ==
          "5ma0qyPJ7joYbBjskvbRKMmgAeo=");
}

TEST_CASE("error envelope is exactly code, message, more_info, status", "[twilio][wire]") {
  const HttpResponse response =
      twilio::wire::errorResponse(errors::notFound("/v2/HostedNumber/Orders/HR0"));
  REQUIRE(response.status == 404);
  const json body = json::parse(response.body);
  REQUIRE(body ==
          json{{"code", 20404},
               {"message", "The requested resource /v2/HostedNumber/Orders/HR0 was not found"},
               {"more_info", "https://www.twilio.com/docs/errors/20404"},
               {"status", 404}});
  REQUIRE(twilio::wire::errorResponse(errors::authenticate()).status == 401);
  REQUIRE(twilio::wire::errorResponse(errors::maxVerificationAttempts()).status == 400);
  REQUIRE(twilio::wire::errorResponse(errors::bodyTooLarge(10)).status == 413);
}

TEST_CASE("order encoding has every field of the v2 and preview schemas", "[twilio][wire]") {
  Order order;
  order.sid = "HR" + std::string(32, 'a');
  order.account_sid = "AC" + std::string(32, 'a');
  order.phone_number = "+14153608311";
  order.incoming_phone_number_sid = "PN" + std::string(32, '1');
  order.status = OrderStatus::Received;
  order.date_created = order.date_updated = TimePoint(Millis(1'490'731'599'000));
  const json v2 = twilio::wire::encodeOrder(order, "http://127.0.0.1:9");
  for (const char* key : {"account_sid",
                          "address_sid",
                          "capabilities",
                          "cc_emails",
                          "date_created",
                          "date_updated",
                          "email",
                          "failure_reason",
                          "friendly_name",
                          "incoming_phone_number_sid",
                          "phone_number",
                          "bulk_hosting_request_sid",
                          "next_step",
                          "sid",
                          "signing_document_sid",
                          "status",
                          "url",
                          "contact_title",
                          "contact_phone_number",
                          "verification_attempts",
                          "verification_call_sids",
                          "verification_code",
                          "verification_type",
                          "verification_call_delay",
                          "verification_call_extension"}) {
    INFO(key);
    REQUIRE(v2.contains(key));
  }
  REQUIRE(v2["url"] == "http://127.0.0.1:9/v2/HostedNumber/Orders/" + order.sid);
  REQUIRE(v2["date_created"] == "2017-03-28T20:06:39Z");
  REQUIRE(v2["failure_reason"] == "");
  REQUIRE(v2["cc_emails"] == json::array());
  REQUIRE(v2["friendly_name"].is_null());

  order.flavor = Flavor::Preview;
  const json preview = twilio::wire::encodeOrder(order, "http://h");
  for (const char* key : {"unique_name", "verification_document_sid", "extension", "call_delay"}) {
    REQUIRE(preview.contains(key));
  }
  REQUIRE(preview["url"] == "http://h/HostedNumbers/HostedNumberOrders/" + order.sid);
}

TEST_CASE("page envelope: absolute next_page_url with filters echoed", "[twilio][wire]") {
  twilio::wire::PageRequest page;
  page.page_size = 2;
  const json envelope =
      twilio::wire::pageEnvelope("http://127.0.0.1:9", "/v2/HostedNumber/Orders",
                                 {{"Status", "received"}}, page, 3, json::array());
  REQUIRE(envelope["meta"]["key"] == "items");
  REQUIRE(
      envelope["meta"]["next_page_url"] ==
      "http://127.0.0.1:9/v2/HostedNumber/Orders?Status=received&PageSize=2&Page=1&PageToken=PT2");
  REQUIRE(envelope["meta"]["previous_page_url"].is_null());
  page.page = 1;
  page.offset = 2;
  const json last = twilio::wire::pageEnvelope("http://h", "/p", {}, page, 3, json::array());
  REQUIRE(last["meta"]["next_page_url"].is_null());
}

TEST_CASE("decoding inputs", "[twilio][wire]") {
  const auto form = hnemu::wire::parseForm("PhoneNumber=%2B14153608311&SmsCapability=maybe");
  REQUIRE(twilio::wire::decodeCreateOrder(form.value(), Flavor::Preview).error().provider_code ==
          "20001");
  const auto update = hnemu::wire::parseForm("Status=pending-verification&VerificationCallDelay=x");
  REQUIRE_FALSE(twilio::wire::decodeUpdateOrder(update.value(), Flavor::V2).ok());
  const auto preview = hnemu::wire::parseForm("CallDelay=15&Extension=1234");
  const auto decoded = twilio::wire::decodeUpdateOrder(preview.value(), Flavor::Preview);
  REQUIRE(decoded.value().verification_call_delay == 15);
  REQUIRE(decoded.value().verification_call_extension == "1234");
}

TEST_CASE("phone numbers are read as Twilio reads them", "[twilio][wire]") {
  // curl -d "PhoneNumber=+18444905863" sends the '+' unencoded: it arrives as a space.
  CHECK(twilio::wire::normalizePhoneNumber(" 18444905863") == "+18444905863");
  CHECK(twilio::wire::normalizePhoneNumber("+18444905863") == "+18444905863");
  CHECK(twilio::wire::normalizePhoneNumber("+1 (844) 490-5863") == "+18444905863");
  CHECK(twilio::wire::normalizePhoneNumber("844.490.5863") == "+18444905863");
  CHECK(twilio::wire::normalizePhoneNumber("+442071838750") == "+442071838750");
  // Without a '+', only NANP lengths are read as numbers; the rest is refused as it was sent.
  CHECK(twilio::wire::normalizePhoneNumber(" 524155550100") == "524155550100");
  CHECK(twilio::wire::normalizePhoneNumber("415360831") == "415360831");
  CHECK(twilio::wire::normalizePhoneNumber("not a number") == "not a number");
  CHECK(twilio::wire::normalizePhoneNumber("  ") == "");
  const auto preview =
      twilio::wire::decodeCreateOrder({{"PhoneNumber", " 18444905863"}}, Flavor::Preview);
  REQUIRE(preview.ok());
  CHECK(preview.value().phone_number == "+18444905863");
  const auto v3 = twilio::wire::decodeCreateOrderV3(
      {{"phoneNumber", "+18444905863"}, {"smsCapability", "yes"}});
  REQUIRE_FALSE(v3.ok());
  CHECK(v3.error().message == "Invalid parameter smsCapability: must be true or false");
}

TEST_CASE("JSON bodies of eligibility checks and bulk hosting requests", "[twilio][wire]") {
  CHECK(twilio::wire::decodeEligibilityRequest("[]", 10).error().provider_code == "20001");
  CHECK(twilio::wire::decodeEligibilityRequest("{}", 10).error().message ==
        "Missing required parameter phone_numbers in the post body");
  CHECK(twilio::wire::decodeEligibilityRequest(R"({"phone_numbers":[{}]})", 10).error().message ==
        "Missing required parameter phone_numbers[0].phone_number in the post body");
  CHECK(twilio::wire::decodeEligibilityRequest(R"({"phone_numbers":[1,2]})", 1).error().message ==
        "Invalid parameter phone_numbers: must list at most 1");
  const auto check = twilio::wire::decodeEligibilityRequest(
      R"({"friendly_name":"f","phone_numbers":[{"phone_number":" +14155550100 ","hosting_account_sid":"AC1"}]})",
      10);
  REQUIRE(check.ok());
  CHECK(check.value().queries[0].phone_number == "+14155550100");
  CHECK(check.value().queries[0].hosting_account_sid == "AC1");

  CHECK(twilio::wire::decodeBulkRequest(R"({"Orders":[]})", 10).error().message ==
        "Invalid parameter Orders: must be a non-empty list");
  CHECK(twilio::wire::decodeBulkRequest(R"({"Orders":[{"PhoneNumber":1}]})", 10).error().message ==
        "Invalid parameter Orders[0].PhoneNumber: must be a string, a boolean or a list of "
        "strings");
  const auto bulk = twilio::wire::decodeBulkRequest(
      R"({"FriendlyName":"b","Orders":[{"PhoneNumber":"+14155550100","CcEmails":["a@b.c"],)"
      R"("SmsCapability":true},{"PhoneNumber":"+14155550101","SmsCapability":"maybe"}]})",
      10);
  REQUIRE(bulk.ok());
  CHECK(bulk.value().friendly_name == "b");
  CHECK(bulk.value().lines[0].input.cc_emails == std::vector<std::string>{"a@b.c"});
  CHECK(bulk.value().lines[0].input.sms_capability == true);
  CHECK_FALSE(bulk.value().lines[0].failure_reason);
  CHECK(bulk.value().lines[1].failure_reason ==
        "Invalid parameter SmsCapability: must be true or false");
  CHECK(bulk.value().lines[1].input.phone_number == "+14155550101");
}
