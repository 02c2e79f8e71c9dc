// The bad-input matrix: every provider endpoint, with malformed, missing, oversized, wrongly
// typed and hostile input, answers in that provider's error shape and never with a 5xx; what was
// stored before is still there afterwards. And tenant isolation: one account never sees, changes
// or hears about another's resources.
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <set>

#include "emulator.h"
#include "providers/bandwidth/model.h"
#include "providers/bandwidth/routes.h"
#include "providers/telnyx/model.h"
#include "providers/telnyx/routes.h"
#include "providers/twilio/model.h"
#include "providers/twilio/routes.h"
#include "testing/requests.h"

using namespace hnemu;
using nlohmann::json;

namespace {

constexpr const char* kOtherTwilioSid = "ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
constexpr const char* kOtherTwilioToken = "other_token";
constexpr const char* kOtherTelnyxKey = "KEYhnemu0000000000000000000000000_other";
constexpr const char* kOtherTelnyxUser = "6a09e667-f3bc-4c90-8000-000000000002";
constexpr const char* kOtherBandwidthAccount = "9900001";

// A webhook receiver that is never there: deliveries are recorded, not sent.
class RecordingTransport : public WebhookTransport {
 public:
  TransportResult send(const OutgoingRequest&, Millis, Millis) override {
    return {true, 200, "", ""};
  }
};

struct Sent {
  int status = 0;
  std::string body;
  std::string content_type;
  double millis = 0;
};

// One provider's side of the matrix: how to authenticate, what a body looks like, and how to
// tell its error shape.
struct ProviderProfile {
  std::string name;
  std::string content_type;
  std::string authorization;
  std::string other_tenant_authorization;
  std::vector<std::string> bodies;  // hostile ones, in the provider's own format
  std::function<bool(const Sent&)> has_error_shape;
};

std::string repeat(const std::string& part, size_t times) {
  std::string out;
  out.reserve(part.size() * times);
  for (size_t i = 0; i < times; ++i) {
    out += part;
  }
  return out;
}

bool twilioShape(const Sent& sent) {
  const json body = json::parse(sent.body, nullptr, false);
  return body.is_object() && body.contains("code") && body["code"].is_number_integer() &&
         body.contains("message") && body["message"].is_string() && body.contains("status") &&
         body["status"] == sent.status;
}

bool telnyxShape(const Sent& sent) {
  const json body = json::parse(sent.body, nullptr, false);
  if (!body.is_object() || !body.contains("errors") || !body["errors"].is_array() ||
      body["errors"].empty()) {
    return false;
  }
  for (const json& error : body["errors"]) {
    if (!error.contains("code") || !error["code"].is_string() || !error.contains("title")) {
      return false;
    }
  }
  return true;
}

// Bandwidth answers 401/403 with no body and everything else with an XML document.
bool bandwidthShape(const Sent& sent) {
  if (sent.body.empty()) {
    return sent.status == 401 || sent.status == 403 || sent.status == 404;
  }
  pugi::xml_document doc;
  return doc.load_buffer(sent.body.data(), sent.body.size()) && doc.document_element();
}

// NUL bytes inside, and invalid UTF-8.
constexpr char kBinaryGarbage[] = "\xff\xfe\x00\x01garbage\xc3\x28";

std::vector<std::string> commonHostileBodies(size_t max_body) {
  return {
      "",
      std::string(kBinaryGarbage, sizeof kBinaryGarbage - 1),
      std::string(max_body + 1, 'a'),
      std::string(1, '\0'),
  };
}

class Matrix {
 public:
  Matrix() : emulator_(options()) {
    emulator_.withProvider<twilio::TwilioProvider>([](twilio::TwilioProvider& provider) {
      REQUIRE(provider.model()
                  .addAccount({kOtherTwilioSid, kOtherTwilioToken, "other", {}, std::nullopt})
                  .ok());
    });
    REQUIRE(testing::send(
                emulator_, "POST", "/__hnemu/telnyx/accounts",
                nlohmann::json{
                    {"api_key", kOtherTelnyxKey}, {"user_id", kOtherTelnyxUser}, {"name", "other"}}
                    .dump())
                .status == 201);
    REQUIRE(testing::send(emulator_, "POST", "/__hnemu/bandwidth/accounts",
                          nlohmann::json{{"account_id", kOtherBandwidthAccount},
                                         {"username", "other"},
                                         {"password", "other-password"}}
                              .dump())
                .status == 201);
  }

  static EmulatorOptions options() {
    EmulatorOptions options;
    options.webhook_transport = std::make_shared<RecordingTransport>();
    options.max_body_bytes = 64 * 1024;
    return options;
  }

  Sent send(const std::string& method, const std::string& target, const std::string& body,
            const std::string& content_type, const std::string& authorization) {
    const auto started = std::chrono::steady_clock::now();
    HttpResponse response =
        testing::send(emulator_, method, target, body, content_type, authorization);
    Sent sent{response.status, response.body, "", 0};
    if (const auto it = response.headers.find("Content-Type"); it != response.headers.end()) {
      sent.content_type = it->second;
    }
    sent.millis =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    ++requests_;
    return sent;
  }

  Emulator& emulator() { return emulator_; }
  size_t requests() const { return requests_; }

 private:
  Emulator emulator_;
  size_t requests_ = 0;
};

// Fills a route's {Params}: with `ids` where given, else with `fallback`.
std::string fill(const std::string& path_template, const std::map<std::string, std::string>& ids,
                 const std::string& fallback) {
  std::string out;
  size_t at = 0;
  while (at < path_template.size()) {
    const size_t open = path_template.find('{', at);
    if (open == std::string::npos) {
      out += path_template.substr(at);
      break;
    }
    const size_t close = path_template.find('}', open);
    out += path_template.substr(at, open - at);
    const std::string name = path_template.substr(open + 1, close - open - 1);
    const auto known = ids.find(name);
    out += fallback.empty() && known != ids.end() ? known->second : fallback;
    at = close + 1;
  }
  return out;
}

// A failure names the request, so a red run says which endpoint and input broke the rule.
void checkAnswer(const ProviderProfile& profile, const std::string& method,
                 const std::string& target, const std::string& what, const Sent& sent) {
  INFO(profile.name << " " << method << " " << target.substr(0, 160) << " with " << what << " -> "
                    << sent.status << " " << sent.body.substr(0, 300));
  CHECK(sent.status >= 200);
  CHECK(sent.status < 500);
  CHECK(sent.millis < 5000);
  if (sent.status >= 400) {
    CHECK(profile.has_error_shape(sent));
  }
}

std::set<std::string> storedIds(Emulator& emulator) {
  std::set<std::string> ids;
  const json state = emulator.state();
  std::function<void(const json&)> walk = [&](const json& node) {
    if (node.is_object()) {
      for (const auto& [key, value] : node.items()) {
        if ((key == "sid" || key == "id") && value.is_string()) {
          ids.insert(value.get<std::string>());
        }
        walk(value);
      }
    } else if (node.is_array()) {
      for (const json& each : node) {
        walk(each);
      }
    }
  };
  walk(state);
  return ids;
}

const std::string kTwilioCreate = testing::twilioOrderBody("+14153608311");

std::string bandwidthImportOrder(const std::vector<std::string>& tns) {
  std::string listed;
  for (const std::string& tn : tns) {
    listed += "<TelephoneNumber>" + tn + "</TelephoneNumber>";
  }
  return "<ImportTnOrder><CustomerOrderId>matrix</CustomerOrderId><SiteId>222</SiteId>"
         "<Subscriber><Name>Owner</Name><ServiceAddress><HouseNumber>1</HouseNumber>"
         "<StreetName>Main</StreetName><City>Raleigh</City><StateCode>NC</StateCode>"
         "<Zip>27601</Zip><County>Wake</County></ServiceAddress></Subscriber>"
         "<LoaAuthorizingPerson>The Owner</LoaAuthorizingPerson><TelephoneNumbers>" +
         listed + "</TelephoneNumbers></ImportTnOrder>";
}

void runMatrix(Matrix& matrix, const ProviderProfile& profile,
               const std::map<std::string, std::string>& ids, const std::string& route_prefix,
               const std::vector<std::string>& queries) {
  const std::set<std::string> before = storedIds(matrix.emulator());
  size_t routes = 0;
  for (const RouteInfo& route : matrix.emulator().routes()) {
    if (route.provider != profile.name || route.path_template.rfind(route_prefix, 0) != 0) {
      continue;
    }
    ++routes;
    const std::string target = fill(route.path_template, ids, "");
    auto send = [&](const std::string& path, const std::string& body,
                    const std::string& content_type, const std::string& authorization,
                    const std::string& what) {
      const Sent sent = matrix.send(route.method, path, body, content_type, authorization);
      checkAnswer(profile, route.method, path, what, sent);
    };
    for (size_t i = 0; i < profile.bodies.size(); ++i) {
      send(target, profile.bodies[i], profile.content_type, profile.authorization,
           "hostile body #" + std::to_string(i));
    }
    for (const char* content_type :
         {"", "text/plain", "application/json", "application/xml", "multipart/form-data",
          "multipart/form-data; boundary=", "multipart/form-data; boundary=x",
          "application/x-www-form-urlencoded; charset=ebcdic"}) {
      send(target, "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x",
           content_type, profile.authorization, std::string("content type '") + content_type + "'");
    }
    for (const std::string& segment :
         {std::string("does-not-exist"), std::string("%00"), std::string("%FF%FE"),
          std::string("%2e%2e%2F%2e%2e"), std::string(4000, 'A'), std::string("%7B%7D")}) {
      const std::string hostile_path = fill(route.path_template, ids, segment);
      if (hostile_path != target) {
        send(hostile_path, "", profile.content_type, profile.authorization,
             "path segment " + segment.substr(0, 20));
      }
    }
    for (const std::string& query : queries) {
      send(target + "?" + query, "", profile.content_type, profile.authorization,
           "query " + query.substr(0, 40));
    }
    send(target, "", profile.content_type, "", "no credentials");
    send(target, "", profile.content_type, "Basic !!!not-base64", "broken credentials");
    send(target, "", profile.content_type, "Bearer " + std::string(10000, 'k'), "huge credentials");
    send(target, "", profile.content_type, profile.other_tenant_authorization,
         "another tenant's credentials");
  }
  CHECK(routes >= 6);
  const std::set<std::string> after = storedIds(matrix.emulator());
  for (const std::string& id : before) {
    INFO(profile.name << ": " << id << " was stored before the matrix");
    CHECK(after.count(id) == 1);
  }
}

std::vector<std::string> hostileQueries() {
  return {"PageSize=abc",
          "PageSize=100000000000000000000000000000",
          "PageSize=-1",
          "Page=99999999999999999999",
          "PageToken=%FF%00",
          "page[size]=abc",
          "page[size]=1e400",
          "page[number]=-5",
          "filter[status]=%00%FF",
          "status=" + std::string(5000, 'x'),
          "CreatedDateFrom=not-a-date&modifiedDateTo=9999-99-99",
          "tn=%2B1%2B1&customerOrderId[]=1",
          repeat("a=1&", 5000),
          "%%%=&&&=%ZZ"};
}

}  // namespace

TEST_CASE("bad input: every Twilio endpoint answers in Twilio's shape, never 5xx", "[bad-input]") {
  Matrix matrix;
  const Sent created = matrix.send(
      "POST", "/v2/HostedNumber/Orders", kTwilioCreate, "application/x-www-form-urlencoded",
      basicAuthorization(twilio::kDefaultAccountSid, twilio::kDefaultAuthToken));
  REQUIRE(created.status == 201);
  const std::string sid = json::parse(created.body)["sid"];

  ProviderProfile profile{"twilio",
                          "application/x-www-form-urlencoded",
                          basicAuthorization(twilio::kDefaultAccountSid, twilio::kDefaultAuthToken),
                          basicAuthorization(kOtherTwilioSid, kOtherTwilioToken),
                          commonHostileBodies(matrix.emulator().options().max_body_bytes),
                          twilioShape};
  for (std::string body : {
           std::string("PhoneNumber=%ZZ&&==&"),
           "PhoneNumber=" + std::string(20000, '9'),
           std::string("PhoneNumber=%2B1415%FF%FE&Email=%C3%28"),
           std::string("PhoneNumber[]=1&PhoneNumber=2&PhoneNumber=3"),
           repeat("CcEmails=a%40b.c&", 3000),
           std::string("Status=%00&FriendlyName=%00&VerificationType=9999999999999999999999"),
           std::string("PageSize=1e400&ContactPhoneNumber=%2B1%2B1%2B1"),
           kTwilioCreate + "&HostedNumberOrderSids=" + std::string(3000, 'H'),
           std::string("Email=") + std::string(64 * 1024 - 10, 'e'),
       }) {
    profile.bodies.push_back(std::move(body));
  }
  runMatrix(matrix, profile,
            {{"AccountSid", std::string(twilio::kDefaultAccountSid)}, {"Sid", sid}}, "/",
            hostileQueries());
  INFO(matrix.requests() << " requests");
  CHECK(matrix.requests() > 300);
}

TEST_CASE("bad input: every Telnyx endpoint answers in Telnyx's shape, never 5xx", "[bad-input]") {
  Matrix matrix;
  const std::string bearer = "Bearer " + std::string(telnyx::kDefaultApiKey);
  const Sent created =
      matrix.send("POST", "/v2/messaging_hosted_number_orders",
                  R"({"phone_numbers":["+13125550001"]})", "application/json", bearer);
  REQUIRE(created.status == 200);
  const std::string id = json::parse(created.body)["data"]["id"];

  ProviderProfile profile{"telnyx",
                          "application/json",
                          bearer,
                          "Bearer " + std::string(kOtherTelnyxKey),
                          commonHostileBodies(matrix.emulator().options().max_body_bytes),
                          telnyxShape};
  for (std::string body : {
           std::string("{"),
           std::string("[]"),
           std::string("null"),
           std::string("\"just a string\""),
           std::string(R"({"phone_numbers": 5})"),
           std::string(R"({"phone_numbers": [1e400]})"),
           std::string(R"({"phone_numbers": [123456789012345678901234567890]})"),
           std::string(R"({"phone_numbers": ["+13125550002"], "messaging_profile_id": {}})"),
           std::string(R"({"phone_numbers": ["\ud800"], "verification_method": 7})"),
           std::string("{\"phone_numbers\": [\"\xff\xfe\"]}"),
           std::string(R"({"phone_numbers": ["+13125550003", "+13125550003"]})"),
           std::string(R"({"verification_codes": [{"phone_number": null, "code": []}]})"),
           std::string(R"({"messaging_profile_id": "", "phone_numbers": [null]})"),
           repeat("[", 100000),
           repeat("{\"a\":", 50000),
           "{\"phone_numbers\": [" + repeat("\"+13125550004\",", 6000) + "\"+13125550005\"]}",
       }) {
    profile.bodies.push_back(std::move(body));
  }
  runMatrix(matrix, profile, {{"id", id}}, "/v2/", hostileQueries());
  INFO(matrix.requests() << " requests");
  CHECK(matrix.requests() > 300);
}

TEST_CASE("bad input: every Bandwidth endpoint answers in Bandwidth's shape, never 5xx",
          "[bad-input]") {
  Matrix matrix;
  const std::string basic =
      basicAuthorization(bandwidth::kDefaultUsername, bandwidth::kDefaultPassword);
  const Sent created = matrix.send(
      "POST", "/api/accounts/" + std::string(bandwidth::kDefaultAccountId) + "/importTnOrders",
      bandwidthImportOrder({"9195551234"}), "application/xml", basic);
  REQUIRE(created.status == 201);
  pugi::xml_document doc;
  REQUIRE(doc.load_string(created.body.c_str()));
  const std::string order_id = doc.select_node("//OrderId").node().text().get();
  REQUIRE_FALSE(order_id.empty());

  ProviderProfile profile{"bandwidth",
                          "application/xml",
                          basic,
                          basicAuthorization("other", "other-password"),
                          commonHostileBodies(matrix.emulator().options().max_body_bytes),
                          bandwidthShape};
  const std::string laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
      "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
      "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
      "<ImportTnOrder><SiteId>&lol3;</SiteId></ImportTnOrder>";
  for (std::string body : {
           std::string("<"),
           std::string("<ImportTnOrder>"),
           std::string("<ImportTnOrder></ImportTnOrders>"),
           laughs,
           std::string("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                       "<ImportTnOrder><SiteId>&e;</SiteId></ImportTnOrder>"),
           repeat("<a>", 100000),
           std::string("<ImportTnOrder><SiteId>\xff\xfe</SiteId></ImportTnOrder>"),
           std::string("<ImportTnOrder><SiteId>99999999999999999999999999999</SiteId>"
                       "<TelephoneNumbers><TelephoneNumber>1e400</TelephoneNumber>"
                       "</TelephoneNumbers></ImportTnOrder>"),
           std::string("<WrongRoot/>"),
           std::string("{\"json\": true}"),
           "<ImportTnCheckerPayload><TelephoneNumbers>" +
               repeat("<TelephoneNumber>9195551234</TelephoneNumber>", 5001) +
               "</TelephoneNumbers></ImportTnCheckerPayload>",
           std::string("<Subscription><OrderType>importtnorders</OrderType><CallbackSubscription>"
                       "<URL>not a url</URL><Expiry>-99999999999999999999</Expiry>"
                       "</CallbackSubscription></Subscription>"),
           std::string("<FileMetaData><DocumentType>\x01\x02</DocumentType></FileMetaData>"),
       }) {
    profile.bodies.push_back(std::move(body));
  }
  runMatrix(matrix, profile,
            {{"AccountId", std::string(bandwidth::kDefaultAccountId)},
             {"OrderId", order_id},
             {"FileId", order_id + "-1.pdf"},
             {"SubscriptionId", "8f1d2a62-0000-4000-8000-000000000000"}},
            "/api/accounts/", hostileQueries());
  INFO(matrix.requests() << " requests");
  CHECK(matrix.requests() > 300);
}

TEST_CASE("limits: numbers per order answer in each provider's shape", "[bad-input]") {
  EmulatorOptions options = Matrix::options();
  options.max_numbers_per_order = 3;
  Emulator emulator(options);
  auto send = [&](const std::string& target, const std::string& body, const std::string& type,
                  const std::string& auth) {
    return testing::send(emulator, "POST", target, body, type, auth);
  };
  const HttpResponse telnyx =
      send("/v2/messaging_hosted_number_orders",
           R"({"phone_numbers":["+13125550001","+13125550002","+13125550003","+13125550004"]})",
           "application/json", "Bearer " + std::string(telnyx::kDefaultApiKey));
  CHECK(telnyx.status == 422);
  const json errors = json::parse(telnyx.body)["errors"];
  CHECK(errors[0]["code"] == "10015");
  CHECK(errors[0]["source"]["pointer"] == "/phone_numbers");
  CHECK(errors[0]["detail"].get<std::string>().find("At most 3") != std::string::npos);

  const HttpResponse bandwidth =
      send("/api/accounts/" + std::string(bandwidth::kDefaultAccountId) + "/importTnOrders",
           bandwidthImportOrder({"9195551231", "9195551232", "9195551233", "9195551234"}),
           "application/xml",
           basicAuthorization(bandwidth::kDefaultUsername, bandwidth::kDefaultPassword));
  CHECK(bandwidth.status == 400);
  CHECK(bandwidth.body.find("<Code>7203</Code>") != std::string::npos);
  CHECK(emulator.state()["bandwidth"]["import_orders"].empty());
  CHECK(emulator.state()["telnyx"]["orders"].empty());
}

TEST_CASE("isolation: one tenant never sees, changes or hears about another's resources",
          "[bad-input]") {
  Matrix matrix;
  const std::string twilio_a =
      basicAuthorization(twilio::kDefaultAccountSid, twilio::kDefaultAuthToken);
  const std::string twilio_b = basicAuthorization(kOtherTwilioSid, kOtherTwilioToken);
  const Sent order = matrix.send("POST", "/v2/HostedNumber/Orders", kTwilioCreate,
                                 "application/x-www-form-urlencoded", twilio_a);
  REQUIRE(order.status == 201);
  const std::string sid = json::parse(order.body)["sid"];
  const std::string path = "/v2/HostedNumber/Orders/" + sid;
  CHECK(matrix.send("GET", path, "", "", twilio_b).status == 404);
  CHECK(matrix
            .send("POST", path, "Status=pending-verification", "application/x-www-form-urlencoded",
                  twilio_b)
            .status == 404);
  CHECK(matrix.send("DELETE", path, "", "", twilio_b).status == 404);
  CHECK(json::parse(matrix.send("GET", "/v2/HostedNumber/Orders", "", "", twilio_b).body)["items"]
            .empty());
  CHECK(matrix.send("GET", path, "", "", twilio_a).status == 200);
  // Account B's SID with account A's token is not account B.
  CHECK(
      matrix
          .send("GET", path, "", "", basicAuthorization(kOtherTwilioSid, twilio::kDefaultAuthToken))
          .status == 401);

  const std::string telnyx_a = "Bearer " + std::string(telnyx::kDefaultApiKey);
  const std::string telnyx_b = "Bearer " + std::string(kOtherTelnyxKey);
  const Sent telnyx_order =
      matrix.send("POST", "/v2/messaging_hosted_number_orders",
                  R"({"phone_numbers":["+13125550001"]})", "application/json", telnyx_a);
  REQUIRE(telnyx_order.status == 200);
  const std::string telnyx_id = json::parse(telnyx_order.body)["data"]["id"];
  const std::string telnyx_path = "/v2/messaging_hosted_number_orders/" + telnyx_id;
  CHECK(matrix.send("GET", telnyx_path, "", "", telnyx_b).status == 404);
  CHECK(matrix.send("DELETE", telnyx_path, "", "", telnyx_b).status == 404);
  CHECK(matrix.send("GET", "/v2/messaging_hosted_number_orders", "", "", telnyx_b)
            .body.find(telnyx_id) == std::string::npos);
  CHECK(matrix.send("GET", telnyx_path, "", "", telnyx_a).status == 200);

  // Bandwidth: account B subscribes to import-order notifications; account A's order never
  // notifies it, and B's credentials do not open A's account.
  const std::string bandwidth_a =
      basicAuthorization(bandwidth::kDefaultUsername, bandwidth::kDefaultPassword);
  const std::string bandwidth_b = basicAuthorization("other", "other-password");
  const std::string account_a = "/api/accounts/" + std::string(bandwidth::kDefaultAccountId);
  const std::string account_b = "/api/accounts/" + std::string(kOtherBandwidthAccount);
  const Sent subscribed = matrix.send(
      "POST", account_b + "/subscriptions",
      "<Subscription><OrderType>importtnorders</OrderType><CallbackSubscription>"
      "<URL>http://127.0.0.1:9/b</URL><Expiry>3153600000</Expiry></CallbackSubscription>"
      "</Subscription>",
      "application/xml", bandwidth_b);
  REQUIRE(subscribed.status == 201);
  const Sent imported =
      matrix.send("POST", account_a + "/importTnOrders", bandwidthImportOrder({"9195551234"}),
                  "application/xml", bandwidth_a);
  REQUIRE(imported.status == 201);
  CHECK(matrix.send("GET", account_a + "/importTnOrders", "", "", bandwidth_b).status == 403);
  CHECK(matrix.send("GET", account_b + "/importTnOrders", "", "", bandwidth_b)
            .body.find("9195551234") == std::string::npos);

  matrix.emulator().advance(std::chrono::hours(24 * 14));
  REQUIRE(matrix.emulator().waitForWebhooks(Millis(5000)));
  size_t seen_by_b = 0;
  for (const Delivery& delivery : matrix.emulator().webhooks().log()) {
    seen_by_b += delivery.account == kOtherBandwidthAccount ||
                 delivery.account == kOtherTwilioSid || delivery.account == kOtherTelnyxUser;
  }
  CHECK(seen_by_b == 0);
}

TEST_CASE("bad input: a malformed query is a 400 in the provider's shape, not a guess",
          "[bad-input]") {
  Matrix matrix;
  const Sent twilio =
      matrix.send("GET", "/v2/HostedNumber/Orders?PageSize=%ZZ", "", "",
                  basicAuthorization(twilio::kDefaultAccountSid, twilio::kDefaultAuthToken));
  CHECK(twilio.status == 400);
  CHECK(twilioShape(twilio));
  const Sent telnyx = matrix.send("GET", "/v2/messaging_hosted_number_orders?page[size]=%FF", "",
                                  "", "Bearer " + std::string(telnyx::kDefaultApiKey));
  CHECK(telnyx.status == 400);
  CHECK(telnyxShape(telnyx));
  const Sent bandwidth = matrix.send(
      "GET", "/api/accounts/" + std::string(bandwidth::kDefaultAccountId) + "/importTnOrders?tn=%",
      "", "", basicAuthorization(bandwidth::kDefaultUsername, bandwidth::kDefaultPassword));
  CHECK(bandwidth.status == 400);
  CHECK(bandwidth.body.find("<ErrorCode>1003</ErrorCode>") != std::string::npos);
}
