// Telnyx's routes in process, as a client sees them: status codes, headers and bodies.
#include <catch2/catch.hpp>
#include <memory>
#include <nlohmann/json.hpp>

#include "emulator.h"
#include "providers/telnyx/kind.h"
#include "providers/twilio/kind.h"
#include "testing/requests.h"
#include "testing/webhook_recorder.h"

using namespace hnemu;
using namespace hnemu::telnyx;
using nlohmann::json;

namespace {

constexpr const char* kOtherKey = "KEYhnemu0000000000000000000000000_other";
constexpr const char* kOtherUser = "6a09e667-f3bc-4c90-8000-000000000002";

struct Client {
  std::shared_ptr<testing::WebhookRecorder> receiver = std::make_shared<testing::WebhookRecorder>();
  Emulator emulator{options(receiver)};

  static EmulatorOptions options(std::shared_ptr<testing::WebhookRecorder> receiver) {
    EmulatorOptions out;
    out.webhook_transport = std::move(receiver);
    return out;
  }

  Client() {
    REQUIRE(control("POST", "/telnyx/accounts",
                    json{{"api_key", kOtherKey}, {"user_id", kOtherUser}}.dump())
                .status == 201);
  }

  HttpResponse send(const std::string& method, const std::string& target, const json& body = {},
                    const std::string& key = std::string(kDefaultApiKey)) {
    return testing::send(emulator, method, target, body.is_null() ? "" : body.dump(),
                         "application/json", key.empty() ? "" : "Bearer " + key);
  }
  HttpResponse control(const std::string& method, const std::string& path,
                       const std::string& body = "") {
    return testing::send(emulator, method, "/__hnemu" + path, body);
  }
  void advance(const std::string& by) {
    REQUIRE(control("POST", "/clock", json{{"advance", by}}.dump()).status == 200);
  }

  // An order for `number` taken to successful: codes, documents, review and carrier.
  std::string activate(const std::string& number, const std::string& profile_id,
                       const std::string& key = std::string(kDefaultApiKey)) {
    const HttpResponse created =
        send("POST", "/v2/messaging_hosted_number_orders",
             json{{"phone_numbers", {number}}, {"messaging_profile_id", profile_id}}, key);
    REQUIRE(created.status == 200);
    const std::string id = json::parse(created.body)["data"]["id"];
    verifyAndFinish(id, number, key);
    return id;
  }

  void verifyAndFinish(const std::string& id, const std::string& number, const std::string& key) {
    const std::string orders = "/v2/messaging_hosted_number_orders/" + id;
    REQUIRE(send("POST", orders + "/verification_codes",
                 json{{"phone_numbers", {number}}, {"verification_method", "sms"}}, key)
                .status == 200);
    advance("10s");
    const json inbox = json::parse(control("GET", "/inbox?number=%2B" + number.substr(1)).body);
    const std::string code = inbox["messages"].back()["code"];
    REQUIRE(send("POST", orders + "/validation_codes",
                 json{{"verification_codes", {{{"phone_number", number}, {"code", code}}}}}, key)
                .status == 200);
    const std::string upload =
        "--b\r\nContent-Disposition: form-data; name=\"loa\"; filename=\"l.pdf\"\r\n\r\n%PDF\r\n"
        "--b\r\nContent-Disposition: form-data; name=\"bill\"; filename=\"b.pdf\"\r\n\r\n%PDF\r\n"
        "--b--\r\n";
    REQUIRE(testing::send(emulator, "POST", orders + "/actions/file_upload", upload,
                          "multipart/form-data; boundary=b", "Bearer " + key)
                .status == 200);
    advance("6d");
    REQUIRE(json::parse(send("GET", orders, {}, key).body)["data"]["status"] == "successful");
  }

  std::string createProfile(const std::string& name, const std::string& webhook_url) {
    const HttpResponse created = send(
        "POST", "/v2/messaging_profiles",
        json{{"name", name}, {"whitelisted_destinations", {"US"}}, {"webhook_url", webhook_url}});
    REQUIRE(created.status == 200);
    return json::parse(created.body)["data"]["id"];
  }
};

json errorOf(const HttpResponse& response) { return json::parse(response.body)["errors"][0]; }

}  // namespace

TEST_CASE("telnyx http: messaging profiles are created, listed, read, changed and deleted",
          "[telnyx][http]") {
  Client c;
  const HttpResponse missing =
      c.send("POST", "/v2/messaging_profiles", json{{"whitelisted_destinations", {"US"}}});
  REQUIRE(missing.status == 422);
  REQUIRE(errorOf(missing)["code"] == "10004");
  REQUIRE(errorOf(missing)["source"]["pointer"] == "/name");

  const HttpResponse created = c.send(
      "POST", "/v2/messaging_profiles",
      json{{"name", "Profile for Messages"},
           {"whitelisted_destinations", {"US"}},
           {"webhook_url", "https://www.example.com/hooks"},
           {"number_pool_settings",
            {{"long_code_weight", 2}, {"toll_free_weight", 10}, {"skip_unhealthy", false}}}});
  REQUIRE(created.status == 200);
  const json profile = json::parse(created.body)["data"];
  REQUIRE(profile["record_type"] == "messaging_profile");
  REQUIRE(profile["webhook_failover_url"].is_null());
  REQUIRE(profile["number_pool_settings"]["sticky_sender"] == false);
  const std::string id = profile["id"];

  const json listed =
      json::parse(c.send("GET", "/messaging_profiles?filter[name][contains]=Messages").body);
  REQUIRE(listed["data"].size() == 1);
  REQUIRE(listed["meta"]["total_results"] == 1);
  REQUIRE(
      json::parse(c.send("GET", "/v2/messaging_profiles?filter[name]=nope").body)["data"].empty());
  REQUIRE(c.send("GET", "/v2/messaging_profiles/" + id).status == 200);
  REQUIRE(c.send("GET", "/v2/messaging_profiles/" + id, {}, kOtherKey).status == 404);

  const HttpResponse patched = c.send("PATCH", "/v2/messaging_profiles/" + id,
                                      json{{"name", "Renamed"}, {"number_pool_settings", nullptr}});
  REQUIRE(patched.status == 200);
  const json changed = json::parse(patched.body)["data"];
  REQUIRE(changed["name"] == "Renamed");
  REQUIRE(changed["number_pool_settings"].is_null());
  REQUIRE(changed["webhook_url"] == "https://www.example.com/hooks");
  REQUIRE(errorOf(c.send("PATCH", "/v2/messaging_profiles/" + id,
                         json{{"webhook_url", "not a url"}}))["code"] == "10003");

  const HttpResponse deleted = c.send("DELETE", "/v2/messaging_profiles/" + id);
  REQUIRE(deleted.status == 200);
  REQUIRE(json::parse(deleted.body)["data"]["name"] == "Renamed");
  REQUIRE(c.send("GET", "/v2/messaging_profiles/" + id).status == 404);
}

TEST_CASE("telnyx http: a profile made through the API carries the order's webhooks",
          "[telnyx][http]") {
  Client c;
  const std::string profile = c.createProfile("hooks", "http://127.0.0.1:1/hooks");
  const HttpResponse unknown =
      c.send("POST", "/v2/messaging_hosted_number_orders",
             json{{"phone_numbers", {"+13125550001"}}, {"messaging_profile_id", "nope"}});
  REQUIRE(unknown.status == 422);
  REQUIRE(errorOf(unknown)["code"] == "10017");
  REQUIRE(c.send("POST", "/v2/messaging_hosted_number_orders",
                 json{{"phone_numbers", {"+13125550001"}}, {"messaging_profile_id", profile}})
              .status == 200);
  REQUIRE(c.emulator.waitForWebhooks(Millis(5000)));
  const auto sent = c.receiver->sent();
  REQUIRE(sent.size() == 1);
  REQUIRE(json::parse(sent[0].body)["data"]["event_type"] ==
          "messaging_hosted_numbers_orders.created");
}

TEST_CASE("telnyx http: an order with no numbers, paging errors, eligibility of NANP numbers",
          "[telnyx][http]") {
  Client c;
  for (const json& body :
       {json::object(), json{{"phone_numbers", nullptr}}, json{{"phone_numbers", json::array()}}}) {
    const HttpResponse empty = c.send("POST", "/v2/messaging_hosted_number_orders", body);
    REQUIRE(empty.status == 422);
    REQUIRE(json::parse(empty.body) ==
            json::parse(R"({"errors":[{"code":"10015","detail":"You must provide at least 1 )"
                        R"(phone number.","meta":{"url":"https://developers.telnyx.com/docs/)"
                        R"(overview/errors/10015"},"source":{"pointer":"/phone_numbers"},)"
                        R"("title":"Bad Request"}]})"));
  }
  const HttpResponse paging = c.send("GET", "/v2/messaging_hosted_number_orders?page[number]=0");
  REQUIRE(paging.status == 422);
  REQUIRE(errorOf(paging)["title"] == "Invalid pagination");
  REQUIRE(errorOf(paging)["source"]["pointer"] == "page/number");

  const json checked =
      json::parse(c.send("POST", "/v2/messaging_hosted_number_orders/eligibility_numbers_check",
                         json{{"phone_numbers", {"+14165550100", "+1312555010", "+13125550001"}}})
                      .body);
  REQUIRE(checked["phone_numbers"][0]["eligible_status"] == "NUMBER_IS_NOT_A_US_NUMBER");
  REQUIRE(checked["phone_numbers"][1]["eligible_status"] == "NUMBER_IS_NOT_IN_E164_FORMAT");
  REQUIRE(checked["phone_numbers"][2]["eligible"] == true);
  REQUIRE(errorOf(c.send("POST", "/v2/messaging_hosted_number_orders",
                         json{{"phone_numbers", {"+12115550100"}}}))["code"] == "10016");
}

TEST_CASE("telnyx http: 429 carries Telnyx's rate-limit headers", "[telnyx][http]") {
  Client c;
  REQUIRE(c.control("POST", "/faults",
                    R"({"provider":"telnyx","path":"/v2/messaging_hosted_numbers","status":429,)"
                    R"("retry_after":2.5,"times":2})")
              .status == 201);
  const HttpResponse limited = c.send("GET", "/v2/messaging_hosted_numbers");
  REQUIRE(limited.status == 429);
  REQUIRE(errorOf(limited)["code"] == "10011");
  REQUIRE(limited.headers.find("x-ratelimit-limit")->second == "100");
  REQUIRE(limited.headers.find("x-ratelimit-remaining")->second == "0");
  REQUIRE(limited.headers.find("x-ratelimit-reset")->second == "3");
  REQUIRE(c.control("PUT", "/telnyx/rules", R"({"rate_limit":20})").status == 200);
  REQUIRE(c.send("GET", "/v2/messaging_hosted_numbers").headers.find("x-ratelimit-limit")->second ==
          "20");
}

TEST_CASE("telnyx http: any unknown path with Telnyx credentials answers in Telnyx's shape",
          "[telnyx][http]") {
  Client c;
  for (const std::string path : {"/_stainless_unknown_path", "/v2/nothing/here", "/v1/x"}) {
    const HttpResponse known = c.send("GET", path);
    REQUIRE(known.status == 404);
    REQUIRE(errorOf(known)["code"] == "10005");
    const HttpResponse unknown = c.send("GET", path, {}, "KEYnot-a-real-key");
    REQUIRE(unknown.status == 401);
    REQUIRE(errorOf(unknown)["code"] == "10009");
  }
  // Twilio's credentials on a path Telnyx shares get Twilio's answer.
  const HttpResponse twilio =
      testing::send(c.emulator, "GET", "/v2/nothing/here", "", "",
                    basicAuthorization(twilio::kDefaultAccountSid, twilio::kDefaultAuthToken));
  REQUIRE(twilio.status == 404);
  REQUIRE(json::parse(twilio.body)["code"] == 20404);
}

TEST_CASE("telnyx http: hosted numbers carry health, messages go only from active numbers",
          "[telnyx][http]") {
  Client c;
  const std::string profile = c.createProfile("sender", "");
  const json too_early =
      json{{"from", "+13125550001"}, {"to", "+13125559999"}, {"text", "Hello, World!"}};
  const HttpResponse refused = c.send("POST", "/v2/messages", too_early);
  REQUIRE(refused.status == 400);
  REQUIRE(errorOf(refused) ==
          json::parse(R"({"code":"40305","title":"Invalid 'from' address","detail":"The 'from' )"
                      R"(address should be string containing a valid number associated with the )"
                      R"(sending messaging profile.","meta":{"url":"https://developers.telnyx.com/)"
                      R"(docs/overview/errors/40305"}})"));
  c.activate("+13125550001", profile);
  REQUIRE(errorOf(c.send("POST", "/v2/messages",
                         json{{"from", "+13125550001"}}))["source"]["pointer"] == "/to");
  REQUIRE(errorOf(c.send("POST", "/v2/messages",
                         json{{"from", "+13125550001"}, {"to", "5551"}}))["code"] == "10016");
  const HttpResponse sent = c.send("POST", "/v2/messages", too_early);
  REQUIRE(sent.status == 200);
  const json message = json::parse(sent.body)["data"];
  REQUIRE(message["direction"] == "outbound");
  REQUIRE(message["to"][0]["status"] == "queued");
  REQUIRE(message["messaging_profile_id"] == profile);
  REQUIRE(message["encoding"] == "GSM-7");
  REQUIRE(c.send("GET", "/v2/messages/" + message["id"].get<std::string>()).status == 200);

  const json numbers = json::parse(c.send("GET", "/v2/messaging_hosted_numbers").body)["data"];
  REQUIRE(numbers[0]["health"] == json::parse(R"({"message_count":1,"inbound_outbound_ratio":0.0,)"
                                              R"("success_ratio":0.0,"spam_ratio":0.0})"));
}

TEST_CASE("telnyx http: an internal transfer between accounts, approved by its owner",
          "[telnyx][http]") {
  Client c;
  const std::string number = "+13125550001";
  c.activate(number, c.createProfile("owner", ""));
  REQUIRE(c.control("POST", "/telnyx/messaging-profiles",
                    json{{"id", "receiver-profile"},
                         {"user_id", kOtherUser},
                         {"webhook_url", "http://127.0.0.1:1/receiver"}}
                        .dump())
              .status == 201);
  const HttpResponse created = c.send(
      "POST", "/v2/messaging_hosted_number_orders",
      json{{"phone_numbers", {number}}, {"messaging_profile_id", "receiver-profile"}}, kOtherKey);
  REQUIRE(created.status == 200);
  const std::string id = json::parse(created.body)["data"]["id"];
  REQUIRE(json::parse(created.body)["data"]["phone_numbers"][0]["status"] == "pending");
  REQUIRE(c.emulator.waitForWebhooks(Millis(5000)));
  std::vector<std::string> events;
  for (const OutgoingRequest& hook : c.receiver->sent()) {
    events.push_back(json::parse(hook.body)["data"]["event_type"]);
  }
  REQUIRE(events == std::vector<std::string>{
                        "messaging_hosted_numbers_orders.created",
                        "messaging_hosted_numbers_orders.internal_transfer_detected",
                        "messaging_hosted_numbers_orders.internal_transfer_approval_requested"});
  const json requested = json::parse(c.receiver->sent().back().body)["data"]["payload"];
  REQUIRE(requested["approval_deadline"].is_number_integer());

  const json transfer =
      json::parse(c.control("GET", "/telnyx/orders/" + id + "/internal-transfer").body);
  const std::string token = transfer["approval_token"];
  const std::string approve = "/v2/messaging_hosted_number_orders/" + id + "/approve?token=";
  REQUIRE(c.send("POST", approve + token, {}, kOtherKey).status == 403);
  REQUIRE(c.send("POST", approve + "wrong").status == 422);
  const HttpResponse approved = c.send("POST", approve + token);
  REQUIRE(approved.status == 200);
  REQUIRE(json::parse(approved.body)["data"] == json{{"order_id", id}, {"decision", "approved"}});
  c.verifyAndFinish(id, number, kOtherKey);
  REQUIRE(c.send("GET", "/v2/messaging_hosted_numbers/+13125550001", {}, kOtherKey).status == 200);
  REQUIRE(c.send("GET", "/v2/messaging_hosted_numbers/+13125550001").status == 404);
}
