#include "providers/telnyx/wire.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "providers/telnyx/errors.h"

using namespace hnemu;
using namespace hnemu::telnyx;
using nlohmann::json;

TEST_CASE("Telnyx errors: string codes, title, detail, pointer, meta.url", "[telnyx][wire]") {
  const HttpResponse response = wire::errorResponse(errors::notE164("555", "/phone_numbers/0"));
  REQUIRE(response.status == 422);
  REQUIRE(
      json::parse(response.body) ==
      json{{"errors",
            {{{"code", "10016"},
              {"title", "Phone number must be in +E.164 format"},
              {"detail", "'555' must be in +E.164 format."},
              {"source", {{"pointer", "/phone_numbers/0"}}},
              {"meta", {{"url", "https://developers.telnyx.com/docs/overview/errors/10016"}}}}}}});
  REQUIRE(wire::errorResponse(errors::authenticationFailed()).status == 401);
  REQUIRE(wire::errorResponse(errors::notFound()).status == 404);
  REQUIRE(wire::errorResponse(errors::malformedJson("x")).status == 400);
  REQUIRE(wire::errorResponse(errors::bodyTooLarge(1)).status == 413);
  REQUIRE(wire::errorResponse(errors::unsupportedMediaType("x")).status == 415);
}

TEST_CASE("Telnyx list meta has all four integer fields", "[telnyx][wire]") {
  REQUIRE(wire::pageMeta({2, 25}, 55) ==
          json{{"page_number", 2}, {"page_size", 25}, {"total_pages", 3}, {"total_results", 55}});
  REQUIRE(wire::pageMeta({1, 20}, 0)["total_pages"] == 1);
}

TEST_CASE("page[number] and page[size] are decoded and bounded", "[telnyx][wire]") {
  HttpRequest request;
  request.query = {{"page[number]", "2"}, {"page[size]", "5"}};
  const auto page = wire::decodePage(request);
  REQUIRE(page.value().number == 2);
  REQUIRE(page.value().size == 5);
  request.query = {{"page[size]", "251"}};
  const auto too_big = wire::decodePage(request);
  REQUIRE(too_big.error().provider_code == "10015");
  // Telnyx's own example of this error: pointer page/size, title "Invalid pagination".
  const json error = json::parse(wire::errorResponse(too_big.error()).body)["errors"][0];
  REQUIRE(error["source"]["pointer"] == "page/size");
  REQUIRE(error["title"] == "Invalid pagination");
  REQUIRE(error["detail"] ==
          "The provided 'page' parameter is invalid. It must be an object with 'size' and/or "
          "'number' with numeric values.");
  request.query = {{"page[number]", "0"}};
  REQUIRE(json::parse(wire::errorResponse(wire::decodePage(request).error())
                          .body)["errors"][0]["source"]["pointer"] == "page/number");
}

TEST_CASE("eligibility is a bare phone_numbers list, upper-case statuses", "[telnyx][wire]") {
  const json body = wire::encodeEligibility(
      {{"+13125550001", Eligibility::Eligible}, {"3125550002", Eligibility::NotE164}});
  REQUIRE_FALSE(body.contains("data"));
  REQUIRE(body["phone_numbers"][0]["eligible"] == true);
  REQUIRE(body["phone_numbers"][1]["eligible_status"] == "NUMBER_IS_NOT_IN_E164_FORMAT");
  REQUIRE(body["phone_numbers"][1]["eligible"] == false);
}

TEST_CASE("webhook payload uses the event names, not the REST names", "[telnyx][wire]") {
  Order order;
  order.id = "o1";
  order.user_id = "u1";
  order.messaging_profile_id = "p1";
  order.status = OrderStatus::LoaFileSuccessful;
  HostedNumber number;
  number.phone_number = "+13125550001";
  number.status = NumberStatus::OwnershipSuccessful;
  const json event =
      wire::webhookEvent("updated", "e1", TimePoint(Millis(1'700'000'000'000)), order, {number});
  REQUIRE(event["event_type"] == "messaging_hosted_numbers_orders.updated");
  REQUIRE(event["occurred_at"] == "2023-11-14T22:13:20.000Z");
  REQUIRE(event["record_type"] == "event");
  REQUIRE(event["payload"]["order_status"] == "loa_file_successful");
  REQUIRE(event["payload"]["numbers"][0] ==
          json{{"value", "+13125550001"}, {"status", "ownership_successful"}});
  REQUIRE(event["payload"]["profile_id"] == "p1");
  REQUIRE(event["payload"]["user_id"] == "u1");
}

TEST_CASE("messaging profiles: required fields, patterns, nulls clear, defaults",
          "[telnyx][wire]") {
  MessagingProfile profile;
  auto apply = [&](const char* body, bool creating) {
    return wire::applyProfileFields(json::parse(body), profile, creating);
  };
  REQUIRE(apply(R"({"whitelisted_destinations":["US"]})", true).error().provider_code == "10004");
  REQUIRE(apply(R"({"name":"p","whitelisted_destinations":["usa"]})", true).error().message ==
          "'0' must be an ISO 3166-1 alpha-2 country code.\n/whitelisted_destinations/0");
  REQUIRE(apply(R"({"name":"p","whitelisted_destinations":["US"],"webhook_url":"ftp://x"})", true)
              .error()
              .provider_code == "10003");
  REQUIRE(apply(R"({"name":"p","whitelisted_destinations":["US"],"webhook_api_version":"3"})", true)
              .error()
              .provider_code == "10015");
  REQUIRE(apply(R"({"number_pool_settings":{"toll_free_weight":1,"skip_unhealthy":true}})", false)
              .error()
              .message.find("/number_pool_settings/long_code_weight") != std::string::npos);
  REQUIRE(apply(R"({"alpha_sender":"way too long sender"})", false).error().provider_code ==
          "10015");
  REQUIRE(apply(R"({"daily_spend_limit":"1.2.3"})", false).error().provider_code == "10015");
  REQUIRE(apply(R"({"name":"Profile","whitelisted_destinations":["US","CA"],)"
                R"("webhook_url":"https://example.com/hooks","number_pool_settings":)"
                R"({"long_code_weight":2,"toll_free_weight":10,"skip_unhealthy":false}})",
                true)
              .ok());
  REQUIRE(profile.whitelisted_destinations == std::vector<std::string>{"US", "CA"});
  REQUIRE(profile.number_pool_settings->toll_free_weight == 10);
  REQUIRE(apply(R"({"number_pool_settings":null,"webhook_url":null})", false).ok());
  REQUIRE_FALSE(profile.number_pool_settings);
  const json encoded = wire::encodeProfile(profile);
  REQUIRE(encoded["record_type"] == "messaging_profile");
  REQUIRE(encoded["webhook_url"].is_null());
  REQUIRE(encoded["webhook_api_version"] == "2");
  REQUIRE(encoded["enabled"] == true);
}

TEST_CASE("hosted numbers carry a health object, internal transfers their decision",
          "[telnyx][wire]") {
  HostedNumber number;
  number.phone_number = "+13125550001";
  const json settings = wire::encodeNumberSettings(number, NumberHealth{3, 0, 0, 0});
  REQUIRE(settings["health"]["message_count"] == 3);
  REQUIRE(settings["health"].contains("spam_ratio"));
  Order order;
  order.internal_transfer = InternalTransfer{
      "u", "t", TimePoint(std::chrono::seconds(1'714'521'600)), TransferDecision::Pending};
  const json requested =
      wire::webhookEvent("internal_transfer_approval_requested", "e", TimePoint(), order, {});
  REQUIRE(requested["payload"]["approval_deadline"] == 1'714'521'600);
  REQUIRE(requested["payload"]["decision"] == "pending");
  REQUIRE(wire::webhookEvent("internal_transfer_detected", "e", TimePoint(), order,
                             {})["payload"]["approval_deadline"]
              .is_null());
  order.internal_transfer->decision = TransferDecision::Approved;
  REQUIRE(wire::webhookEvent("internal_transfer_approved", "e", TimePoint(), order,
                             {})["payload"]["decision"] == "approved");
}
