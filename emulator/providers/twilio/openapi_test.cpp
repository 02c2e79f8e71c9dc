// Every answer of every Twilio operation hnemu serves, over HTTP, against Twilio's published
// OpenAPI documents (fixtures/openapi/twilio/): successes against the operation's declared
// response, errors against the error shape Twilio's SDKs read (Twilio declares none). Each
// published operation is answered with a success at least once, and each served route is a
// published operation (or a documented exception).
#include "testing/openapi.h"

#include <httplib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "core/wire/form.h"
#include "emulator.h"
#include "providers/twilio/kind.h"

using namespace hnemu;
using hnemu::testing::OpenApi;
using nlohmann::json;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

const std::string kSpecs = std::string(HNEMU_FIXTURES_DIR) + "/openapi/twilio/";
const std::string kMain(twilio::kDefaultAccountSid);
const std::string kSub = "ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const std::string kAddress = "AD11111111111111111111111111111111";
// Served, but in no published document: twilio-node 6.2.0 calls it (fixtures/openapi/README.md).
const std::string kUnpublishedMethod = "DELETE";
const std::string kUnpublishedPath = "/HostedNumbers/AuthorizationDocuments/{Sid}";

// "/v2/HostedNumber/AuthorizationDocuments/{SigningDocumentSid}/..." and hnemu's "{Sid}" are
// the same path.
std::string shape(const std::string& path) {
  return std::regex_replace(path, std::regex("\\{[^}]*\\}"), "{}");
}

class CheckedTwilio {
 public:
  CheckedTwilio() : errors_(json{{"openapi", "3.0.1"}}) {
    for (const char* file :
         {"numbers_v1_hosted_eligibility", "numbers_v2_hosted_numbers", "numbers_v3_hosted_numbers",
          "preview_hosted_numbers", "api_v2010_incoming_phone_numbers_messages"}) {
      documents_.push_back(OpenApi::fromFile(kSpecs + file + ".openapi.json"));
    }
    std::ifstream in(kSpecs + "hnemu_error.schema.json");
    error_schema_ = json::parse(in, nullptr, false);
    REQUIRE(error_schema_.is_object());
    const auto port = emulator_.start();
    REQUIRE(port.ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port.value());
  }

  struct Answer {
    int status = 0;
    json body;
  };

  Answer call(const std::string& method, const std::string& path, const std::string& body = "",
              const std::string& content_type = "application/x-www-form-urlencoded",
              const std::string& sid = kMain, const std::string& token = "your_auth_token") {
    httplib::Headers headers;
    client_->set_basic_auth(sid, token);
    httplib::Result result = method == "GET"    ? client_->Get(path, headers)
                             : method == "POST" ? client_->Post(path, headers, body, content_type)
                                                : client_->Delete(path, headers);
    REQUIRE(result);
    Answer answer{result->status, json::parse(result->body, nullptr, false)};
    const std::string route = method + " " + path.substr(0, path.find('?'));
    INFO(route << " -> " << result->status << " " << result->body.substr(0, 400));
    std::optional<OpenApi::Operation> operation;
    const OpenApi* document = nullptr;
    for (const OpenApi& each : documents_) {
      if ((operation = each.operation(method, path.substr(0, path.find('?'))))) {
        document = &each;
        break;
      }
    }
    if (result->status >= 400) {
      CHECK(errors_.check(error_schema_, answer.body).empty());
      CHECK(answer.body.value("status", 0) == result->status);
    } else if (operation) {
      CHECK(document->checkResponse(*operation, result->status, result->body).empty());
      answered_.insert(operation->method + " " + operation->path);
    } else {
      // Only the documented exception succeeds without a published operation: a 204, no body.
      std::map<std::string, std::string> params;
      CHECK(method == kUnpublishedMethod);
      CHECK(PathTemplate::compile(kUnpublishedPath).match(path, params));
      CHECK(result->status == 204);
      CHECK(result->body.empty());
    }
    return answer;
  }

  Answer form(const std::string& path, const std::string& body, const std::string& sid = kMain,
              const std::string& token = "your_auth_token") {
    return call("POST", path, body, "application/x-www-form-urlencoded", sid, token);
  }
  Answer jsonPost(const std::string& path, const json& body) {
    return call("POST", path, body.dump(), "application/json");
  }

  void control(const std::string& method, const std::string& path, const json& body) {
    const auto result = method == "PUT" ? client_->Put(path, body.dump(), "application/json")
                                        : client_->Post(path, body.dump(), "application/json");
    REQUIRE(result);
    INFO(path << " -> " << result->body);
    REQUIRE(result->status < 300);
  }
  void advance(Millis by) { emulator_.advance(by); }

  // Every published operation answered with a success, every served route published.
  void checkCoverage() {
    for (const OpenApi& document : documents_) {
      for (const OpenApi::Operation& operation : document.operations()) {
        INFO(operation.method << " " << operation.path);
        CHECK(answered_.count(operation.method + " " + operation.path) == 1);
      }
    }
    size_t served = 0;
    for (const RouteInfo& route : emulator_.routes()) {
      if (route.provider != "twilio") {
        continue;
      }
      ++served;
      bool published = false;
      for (const OpenApi& document : documents_) {
        for (const OpenApi::Operation& operation : document.operations()) {
          published = published || (operation.method == route.method &&
                                    shape(operation.path) == shape(route.path_template));
        }
      }
      INFO(route.method << " " << route.path_template);
      CHECK((published || (route.method == kUnpublishedMethod &&
                           shape(route.path_template) == shape(kUnpublishedPath))));
    }
    CHECK(served == answered_.size() + 1);  // the published operations and the exception
  }

 private:
  Emulator emulator_;
  std::unique_ptr<httplib::Client> client_;
  std::vector<OpenApi> documents_;
  OpenApi errors_;     // no paths: only for checking error bodies against error_schema_
  json error_schema_;  // hnemu-authored (fixtures/openapi/twilio/hnemu_error.schema.json)
  std::set<std::string> answered_;
};

std::string v2Order(const std::string& number, const std::string& extra = "") {
  return "PhoneNumber=" + wire::percentEncode(number) +
         "&ContactPhoneNumber=%2B12344444444&AddressSid=" + kAddress +
         "&Email=owner%40example.com" + extra;
}

}  // namespace

TEST_CASE("openapi: every Twilio answer matches Twilio's published schemas", "[twilio][openapi]") {
  CheckedTwilio twilio;
  twilio.control("POST", "/__hnemu/twilio/accounts",
                 {{"sid", kSub}, {"auth_token", "sub_token"}, {"owner_account_sid", kMain}});
  twilio.control("PUT", "/__hnemu/twilio/numbers/%2B14155550129", {{"kind", "mobile"}});

  // numbers v2 orders, one in a subaccount, and the errors around them.
  const auto main = twilio.form("/v2/HostedNumber/Orders", v2Order("+14155550120"));
  REQUIRE(main.status == 201);
  const auto sub =
      twilio.form("/v2/HostedNumber/Orders", v2Order("+14155550121", "&AccountSid=" + kSub));
  REQUIRE(sub.status == 201);
  CHECK(sub.body["account_sid"] == kSub);
  const auto canceled = twilio.form("/v2/HostedNumber/Orders", v2Order("+14155550122"));
  REQUIRE(canceled.status == 201);
  CHECK(twilio
            .form("/v2/HostedNumber/Orders",
                  v2Order("+14155550123", "&AccountSid=ACcccccccccccccccccccccccccccccccc"))
            .status == 401);
  CHECK(twilio.form("/v2/HostedNumber/Orders", v2Order("+14155550123", "&AccountSid=AC1")).status ==
        400);
  CHECK(twilio.form("/v2/HostedNumber/Orders", v2Order("+14155550129")).status == 400);
  CHECK(twilio.form("/v2/HostedNumber/Orders", v2Order("+14155550123"), kMain, "wrong").status ==
        401);
  twilio.advance(minutes(1));
  const std::string main_sid = main.body["sid"];
  CHECK(twilio.call("GET", "/v2/HostedNumber/Orders?PageSize=1")
            .body["meta"]["next_page_url"]
            .is_string());
  CHECK(twilio.call("GET", "/v2/HostedNumber/Orders/" + main_sid).body["status"] == "received");
  CHECK(
      twilio.call("GET", "/v2/HostedNumber/Orders/" + sub.body["sid"].get<std::string>()).status ==
      404);
  const std::string canceled_path =
      "/v2/HostedNumber/Orders/" + canceled.body["sid"].get<std::string>();
  CHECK(twilio.call("DELETE", canceled_path).status == 204);
  CHECK(twilio.call("DELETE", canceled_path).status == 404);
  CHECK(twilio.form("/v2/HostedNumber/Orders/" + main_sid, "Status=pending-verification").status ==
        200);
  twilio.advance(minutes(1));

  // numbers v2 authorization documents: canceled once, then signed.
  const std::string document_body = "AddressSid=" + kAddress +
                                    "&Email=owner%40example.com&ContactPhoneNumber=%2B12344444444"
                                    "&HostedNumberOrderSids=" +
                                    main_sid;
  const auto first = twilio.form("/v2/HostedNumber/AuthorizationDocuments", document_body);
  REQUIRE(first.status == 201);
  const std::string first_path =
      "/v2/HostedNumber/AuthorizationDocuments/" + first.body["sid"].get<std::string>();
  CHECK(twilio.call("GET", first_path).status == 200);
  CHECK(twilio.call("GET", "/v2/HostedNumber/AuthorizationDocuments?Status=signing").status == 200);
  CHECK(twilio.call("GET", first_path + "/DependentHostedNumberOrders").body["items"].size() == 1);
  CHECK(twilio.call("DELETE", first_path).status == 204);
  REQUIRE(twilio.form("/v2/HostedNumber/AuthorizationDocuments", document_body).status == 201);
  CHECK(twilio.form(first_path, "Email=x%40example.com").status == 405);
  twilio.advance(hours(1));
  twilio.advance(hours(24));
  twilio.advance(hours(1));
  CHECK(twilio.call("GET", "/v2/HostedNumber/Orders/" + main_sid).body["status"] == "completed");

  // Api v2010: numbers (the subaccount's through its owner), then a message from each.
  const std::string numbers = "/2010-04-01/Accounts/" + kMain + "/IncomingPhoneNumbers";
  const std::string main_number = main.body["incoming_phone_number_sid"];
  CHECK(twilio.call("GET", numbers + ".json?PhoneNumber=+14155550120")
            .body["incoming_phone_numbers"]
            .size() == 1);
  CHECK(twilio.call("GET", numbers + "/" + main_number + ".json").status == 200);
  CHECK(twilio.form(numbers + "/" + main_number + ".json", "FriendlyName=desk").status == 200);
  const std::string sub_numbers = "/2010-04-01/Accounts/" + kSub + "/IncomingPhoneNumbers";
  CHECK(twilio.call("GET", sub_numbers + ".json").body["incoming_phone_numbers"].size() == 1);
  CHECK(twilio.call("GET", sub_numbers + ".json", "", "", kSub, "sub_token").status == 200);
  CHECK(twilio.call("GET", numbers + ".json", "", "", kSub, "sub_token").status == 404);
  const std::string message = "To=+14155550199&Body=Hello+from+a+hosted+number&From=";
  CHECK(twilio.form("/2010-04-01/Accounts/" + kSub + "/Messages.json", message + "%2B14155550121")
            .body["code"] == 21606);
  const auto sent =
      twilio.form("/2010-04-01/Accounts/" + kMain + "/Messages.json", message + "%2B14155550120");
  CHECK(sent.status == 201);
  CHECK(sent.body["to"] == "+14155550199");
  CHECK(twilio.form("/2010-04-01/Accounts/" + kMain + "/Messages.json", "From=%2B14155550120")
            .body["code"] == 21604);
  CHECK(twilio
            .call("DELETE", sub_numbers + "/" +
                                sub.body["incoming_phone_number_sid"].get<std::string>() + ".json")
            .status == 204);

  // Preview: the quickstart's unencoded '+', an order canceled, a document opened, edited, sent
  // again and deleted.
  const auto preview = twilio.form("/HostedNumbers/HostedNumberOrders",
                                   "PhoneNumber=+18444905863&SmsCapability=true"
                                   "&FriendlyName=MyHostedNumberSmsOrder");
  REQUIRE(preview.status == 201);
  CHECK(preview.body["phone_number"] == "+18444905863");
  const auto preview_canceled = twilio.form("/HostedNumbers/HostedNumberOrders",
                                            "PhoneNumber=%2B14155550123&SmsCapability=true");
  REQUIRE(preview_canceled.status == 201);
  twilio.advance(minutes(1));
  const std::string preview_path =
      "/HostedNumbers/HostedNumberOrders/" + preview.body["sid"].get<std::string>();
  CHECK(twilio.call("GET", "/HostedNumbers/HostedNumberOrders?Status=received").status == 200);
  CHECK(twilio.call("GET", preview_path).status == 200);
  CHECK(twilio
            .call("DELETE", "/HostedNumbers/HostedNumberOrders/" +
                                preview_canceled.body["sid"].get<std::string>())
            .status == 204);
  CHECK(
      twilio.form(preview_path, "Status=pending-verification&VerificationType=phone-call").status ==
      200);
  twilio.advance(minutes(1));
  const auto preview_document = twilio.form(
      "/HostedNumbers/AuthorizationDocuments",
      "AddressSid=" + kAddress +
          "&Email=owner%40example.com&ContactTitle=Owner&ContactPhoneNumber=+12344444444"
          "&HostedNumberOrderSids=" +
          preview.body["sid"].get<std::string>());
  REQUIRE(preview_document.status == 201);
  const std::string preview_document_path =
      "/HostedNumbers/AuthorizationDocuments/" + preview_document.body["sid"].get<std::string>();
  CHECK(twilio.form(preview_document_path, "CcEmails=cc%40example.com").body["code"] == 22107);
  CHECK(twilio.form(preview_document_path, "Status=opened").body["status"] == "opened");
  CHECK(twilio.form(preview_document_path, "CcEmails=cc%40example.com").status == 200);
  CHECK(twilio.form(preview_document_path, "Status=signing").body["status"] == "signing");
  CHECK(twilio.call("GET", "/HostedNumbers/AuthorizationDocuments").status == 200);
  CHECK(twilio.call("GET", preview_document_path).status == 200);
  CHECK(twilio.call("GET", preview_document_path + "/DependentHostedNumberOrders").status == 200);
  CHECK(twilio.call("DELETE", preview_document_path).status == 204);

  // numbers v3 create.
  const auto v3 = twilio.form("/v3/HostedNumbers/HostedNumberOrders",
                              "phoneNumber=%2B14155550124&smsCapability=true");
  CHECK(v3.status == 201);
  CHECK(v3.body["phoneNumber"] == "+14155550124");
  CHECK(twilio.form("/v3/HostedNumbers/HostedNumberOrders", "phoneNumber=%2B14155550128").status ==
        400);

  // numbers v1 eligibility, single and bulk.
  const json eligibility = {{"friendly_name", "check"},
                            {"phone_numbers",
                             {{{"phone_number", "+14155550127"}, {"hosting_account_sid", kSub}},
                              {{"phone_number", "4565433456"}},
                              {{"phone_number", "+14155550129"}},
                              {{"phone_number", "+14155550120"}}}}};
  const auto checked = twilio.jsonPost("/v1/HostedNumber/Eligibility", eligibility);
  REQUIRE(checked.status == 200);
  CHECK(checked.body["results"][0]["eligibility_status"] == "ELIGIBLE");
  CHECK(checked.body["results"][1]["eligibility_sub_status"] == "NUMBER_FORMAT_INELIGIBLE");
  CHECK(twilio.jsonPost("/v1/HostedNumber/Eligibility", json::object()).status == 400);
  const auto bulk_check = twilio.jsonPost("/v1/HostedNumber/Eligibility/Bulk", eligibility);
  REQUIRE(bulk_check.status == 202);
  const std::string bulk_check_path =
      "/v1/HostedNumber/Eligibility/Bulk/" + bulk_check.body["request_id"].get<std::string>();
  CHECK(twilio.call("GET", bulk_check_path).body["status"] == "QUEUED");
  twilio.advance(seconds(2));
  CHECK(twilio.call("GET", bulk_check_path).body["results"].size() == 4);
  CHECK(twilio.call("GET", "/v1/HostedNumber/Eligibility/Bulk/ECaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
            .status == 404);

  // numbers v2 bulk hosting: queued, in progress, processed.
  const json bulk = {{"FriendlyName", "bulk"},
                     {"NotificationEmail", "owner@example.com"},
                     {"Orders",
                      {{{"PhoneNumber", "+14155550125"},
                        {"ContactPhoneNumber", "+12344444444"},
                        {"AddressSid", kAddress},
                        {"Email", "owner@example.com"}},
                       {{"PhoneNumber", "12345"},
                        {"ContactPhoneNumber", "+12344444444"},
                        {"AddressSid", kAddress},
                        {"Email", "owner@example.com"}}}}};
  const auto requested = twilio.jsonPost("/v2/HostedNumber/Orders/Bulk", bulk);
  REQUIRE(requested.status == 202);
  const std::string bulk_path =
      "/v2/HostedNumber/Orders/Bulk/" + requested.body["bulk_hosting_sid"].get<std::string>();
  CHECK(twilio.call("GET", bulk_path).body["request_status"] == "QUEUED");
  twilio.advance(minutes(1));
  CHECK(twilio.call("GET", bulk_path).body["request_status"] == "IN_PROGRESS");
  twilio.advance(minutes(1));
  const auto processed = twilio.call("GET", bulk_path + "?OrderStatus=failed");
  CHECK(processed.body["request_status"] == "PROCESSED");
  CHECK(processed.body["results"][0]["count"] == "1");
  CHECK(twilio.call("GET", "/v2/HostedNumber/Orders/Bulk/BHaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
            .status == 404);
  CHECK(twilio.jsonPost("/v2/HostedNumber/Orders/Bulk", json{{"Orders", json::array()}}).status ==
        400);

  twilio.checkCoverage();
}
