// Bandwidth's routes in process, as a client sees them: headers, status codes and bodies.
#include <catch2/catch.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "emulator.h"
#include "providers/bandwidth/kind.h"
#include "testing/requests.h"
#include "testing/webhook_recorder.h"

using namespace hnemu;
using namespace hnemu::bandwidth;
using nlohmann::json;

namespace {

const std::string kAccount(kDefaultAccountId);
const std::string kBase = "/api/accounts/" + kAccount;

struct Client {
  std::shared_ptr<testing::WebhookRecorder> receiver = std::make_shared<testing::WebhookRecorder>();
  Emulator emulator{options(receiver)};

  static EmulatorOptions options(std::shared_ptr<testing::WebhookRecorder> receiver) {
    EmulatorOptions out;
    out.webhook_transport = std::move(receiver);
    return out;
  }

  HttpResponse send(const std::string& method, const std::string& target,
                    const std::string& body = "", const std::string& content_type = "") {
    return testing::send(emulator, method, target, body,
                         content_type.empty() && !body.empty() ? "application/xml" : content_type,
                         basicAuthorization(kDefaultUsername, kDefaultPassword));
  }
  HttpResponse control(const std::string& method, const std::string& path,
                       const std::string& body = "") {
    return testing::send(emulator, method, "/__hnemu" + path, body);
  }
  void advance(const std::string& by) {
    REQUIRE(control("POST", "/clock", json{{"advance", by}}.dump()).status == 200);
  }

  std::string createOrder(const std::vector<std::string>& tns, const std::string& site = "222",
                          const std::string& collection = "importTnOrders") {
    std::string listed;
    for (const std::string& tn : tns) {
      listed += "<TelephoneNumber>" + tn + "</TelephoneNumber>";
    }
    const HttpResponse created =
        send("POST", kBase + "/" + collection,
             "<ImportTnOrder><SiteId>" + site +
                 "</SiteId><Subscriber><Name>Owner</Name><ServiceAddress><HouseNumber>1</"
                 "HouseNumber><StreetName>Main</StreetName><City>Raleigh</City><StateCode>NC</"
                 "StateCode><Zip>27601</Zip></ServiceAddress></Subscriber><LoaAuthorizingPerson>"
                 "The Owner</LoaAuthorizingPerson><TelephoneNumbers>" +
                 listed + "</TelephoneNumbers></ImportTnOrder>");
    REQUIRE(created.status == 201);
    return text(created.body, "//OrderId");
  }

  static std::string text(const std::string& xml, const char* xpath) {
    pugi::xml_document doc;
    REQUIRE(doc.load_string(xml.c_str()));
    return doc.select_node(xpath).node().text().get();
  }
  static size_t count(const std::string& xml, const char* xpath) {
    pugi::xml_document doc;
    REQUIRE(doc.load_string(xml.c_str()));
    return doc.select_nodes(xpath).size();
  }
};

std::string header(const HttpResponse& response, const std::string& name) {
  const auto it = response.headers.find(name);
  return it == response.headers.end() ? "" : it->second;
}

}  // namespace

TEST_CASE("bandwidth http: every answer is application/xml, Location is canonical",
          "[bandwidth][http]") {
  Client c;
  const HttpResponse subscribed =
      c.send("POST", "/api/accounts/" + kAccount + "/SUBSCRIPTIONS",
             "<Subscription><OrderType>importtnorders</OrderType><CallbackSubscription><URL>"
             "http://127.0.0.1:1/cb</URL></CallbackSubscription></Subscription>");
  REQUIRE(subscribed.status == 201);
  REQUIRE(subscribed.body.empty());
  REQUIRE(header(subscribed, "Content-Type") == "application/xml");
  REQUIRE(header(subscribed, "Location")
              .rfind("http://127.0.0.1:1/api/accounts/" + kAccount + "/subscriptions/", 0) == 0);

  const HttpResponse created = c.send(
      "POST", "/api/v1.0/accounts/" + kAccount + "/importtnorders",
      "<ImportTnOrder><SiteId>222</SiteId><Subscriber><Name>O</Name><ServiceAddress><HouseNumber>1"
      "</HouseNumber><StreetName>M</StreetName><City>R</City><StateCode>NC</StateCode><Zip>27601"
      "</Zip></ServiceAddress></Subscriber><LoaAuthorizingPerson>O</LoaAuthorizingPerson>"
      "<TelephoneNumbers><TelephoneNumber>9199918388</TelephoneNumber></TelephoneNumbers>"
      "</ImportTnOrder>");
  REQUIRE(created.status == 201);
  REQUIRE(created.body.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>", 0) ==
          0);
  const std::string id = Client::text(created.body, "//OrderId");
  REQUIRE(header(created, "Location") ==
          "http://127.0.0.1:1/api/v1.0/accounts/" + kAccount + "/importTnOrders/" + id);

  const HttpResponse unauthorised =
      testing::send(c.emulator, "GET", kBase + "/importTnOrders", "", "", "");
  REQUIRE(unauthorised.status == 401);
  REQUIRE(header(unauthorised, "Content-Type") == "application/xml");
}

TEST_CASE("bandwidth http: LOA files list as fileNames, metadata deletes, replace has Location",
          "[bandwidth][http]") {
  Client c;
  const std::string order = c.createOrder({"9199918388"});
  const std::string loas = kBase + "/importTnOrders/" + order + "/loas";
  const HttpResponse uploaded = c.send("POST", loas, "%PDF-1.4", "application/pdf");
  REQUIRE(uploaded.status == 201);
  const std::string file = Client::text(uploaded.body, "//filename");
  REQUIRE(header(uploaded, "Location") == "http://127.0.0.1:1" + loas + "/" + file);

  for (const std::string query : {"", "?metadata=false"}) {
    const HttpResponse listed = c.send("GET", loas + query);
    REQUIRE(listed.status == 200);
    REQUIRE(Client::text(listed.body, "/fileListResponse/fileNames") == file);
    REQUIRE(Client::count(listed.body, "//fileData") == 0);
  }
  const HttpResponse with_metadata = c.send("GET", loas + "?metadata=true");
  REQUIRE(Client::text(with_metadata.body, "//fileData/FileName") == file);
  REQUIRE(Client::count(with_metadata.body, "//DocumentName") == 0);

  const std::string metadata = loas + "/" + file + "/metadata";
  REQUIRE(Client::count(c.send("GET", metadata).body, "//DocumentName") == 0);
  const HttpResponse named =
      c.send("PUT", metadata,
             "<FileMetaData><DocumentName>loa</DocumentName><DocumentType>CSR</DocumentType>"
             "</FileMetaData>");
  REQUIRE(named.status == 200);
  REQUIRE(header(named, "Content-Type") == "application/xml");
  REQUIRE(Client::text(c.send("GET", metadata).body, "//DocumentName") == "loa");
  const HttpResponse too_long = c.send("PUT", metadata,
                                       "<FileMetaData><DocumentName>" + std::string(51, 'n') +
                                           "</DocumentName>" + "</FileMetaData>");
  REQUIRE(too_long.status == 400);
  REQUIRE(Client::text(too_long.body, "//ErrorCode") == "7800");
  const HttpResponse deleted = c.send("DELETE", metadata);
  REQUIRE(deleted.status == 200);
  REQUIRE(deleted.body.empty());
  REQUIRE(header(deleted, "Content-Type") == "application/xml");
  const HttpResponse after = c.send("GET", metadata);
  REQUIRE(Client::count(after.body, "//DocumentName") == 0);
  REQUIRE(Client::text(after.body, "//DocumentType") == "LOA");

  const HttpResponse replaced = c.send("PUT", loas + "/" + file, "%PDF-1.5", "application/pdf");
  REQUIRE(replaced.status == 200);
  REQUIRE(header(replaced, "Location") == "http://127.0.0.1:1" + loas + "/" + file);
  REQUIRE(Client::text(replaced.body, "//resultMessage") ==
          "LOA file uploaded successfully for order " + order);
  REQUIRE(c.send("DELETE", loas + "/" + file + "/metadata/").status == 200);
  REQUIRE(c.send("DELETE", loas + "/nope.pdf/metadata").status == 404);
}

TEST_CASE("bandwidth http: the checker on an account without IMPORT_TNS is a 400 with 19007",
          "[bandwidth][http]") {
  Client c;
  REQUIRE(c.control("POST", "/bandwidth/accounts",
                    R"({"account_id":"9900009","username":"closed","password":"pw",)"
                    R"("import_enabled":false})")
              .status == 201);
  const HttpResponse checked = testing::send(
      c.emulator, "POST", "/api/accounts/9900009/importTnChecker",
      "<ImportTnCheckerPayload><TelephoneNumbers><TelephoneNumber>9199918388</TelephoneNumber>"
      "</TelephoneNumbers></ImportTnCheckerPayload>",
      "application/xml", basicAuthorization("closed", "pw"));
  REQUIRE(checked.status == 400);
  REQUIRE(Client::text(checked.body, "/ImportTnCheckerResponse/Errors/Code") == "19007");
  REQUIRE(Client::text(checked.body, "/ImportTnCheckerResponse/Errors/Description") ==
          "Account is not contracted for importing external numbers.");
}

TEST_CASE("bandwidth http: an unknown SiteId fails the order with 5016, history received-failed",
          "[bandwidth][http]") {
  Client c;
  const std::string order = c.createOrder({"9199918388", "9199918389"}, "12345");
  c.advance("2s");
  const HttpResponse fetched = c.send("GET", kBase + "/importTnOrders/" + order);
  REQUIRE(Client::text(fetched.body, "//ProcessingStatus") == "FAILED");
  REQUIRE(Client::text(fetched.body, "//Errors/Error/Code") == "5016");
  REQUIRE(Client::count(fetched.body, "//Errors/Error/TelephoneNumbers/TelephoneNumber") == 2);
  REQUIRE(Client::count(fetched.body, "//SipPeerId") == 0);
  const HttpResponse history = c.send("GET", kBase + "/importTnOrders/" + order + "/history");
  REQUIRE(Client::count(history.body, "//OrderHistory") == 2);
  REQUIRE(Client::text(history.body, "//OrderHistory[2]/Status") == "failed");
  REQUIRE(Client::text(history.body, "//OrderHistory[2]/OrderDate") ==
          Client::text(fetched.body, "//LastModifiedDate"));
  // The trail expectations read still passes through PROCESSING.
  const json state = c.emulator.state()["bandwidth"]["import_tn_orders"][0]["history"];
  REQUIRE(state.size() == 3);
}

TEST_CASE("bandwidth http: in-service numbers list, page, filter, /tns/{tn}", "[bandwidth][http]") {
  Client c;
  REQUIRE(c.send("GET", kBase + "/inserviceNumbers").status == 204);
  const std::string order = c.createOrder({"9199918388", "9199918389", "4158714245"});
  c.advance("2s");
  const HttpResponse all = c.send("GET", kBase + "/inserviceNumbers");
  REQUIRE(all.status == 200);
  REQUIRE(Client::text(all.body, "/TNs/TotalCount") == "3");
  REQUIRE(Client::text(all.body, "/TNs/TelephoneNumbers/Count") == "3");
  REQUIRE(Client::text(all.body, "/TNs/TelephoneNumbers/TelephoneNumber[1]") == "4158714245");

  const HttpResponse first = c.send("GET", kBase + "/inserviceNumbers?areacode=919&size=1");
  REQUIRE(Client::text(first.body, "/TNs/TotalCount") == "2");
  REQUIRE(Client::text(first.body, "/TNs/TelephoneNumbers/Count") == "1");
  REQUIRE(Client::text(first.body, "/TNs/Links/next") ==
          "Link=<http://127.0.0.1:1" + kBase +
              "/inserviceNumbers?areacode=919&page=2&size=1>;rel=\"next\";");
  const HttpResponse second = c.send("GET", kBase + "/inserviceNumbers?areacode=919&size=1&page=2");
  REQUIRE(Client::text(second.body, "//TelephoneNumber") == "9199918389");
  REQUIRE(Client::count(second.body, "/TNs/Links/next") == 0);
  REQUIRE(Client::count(second.body, "/TNs/Links/previous") == 1);
  const HttpResponse invalid = c.send("GET", kBase + "/inserviceNumbers?ratecenter=RALEIGH");
  REQUIRE(invalid.status == 404);
  REQUIRE(Client::text(invalid.body, "//Description") ==
          "The search parameters are invalid and prevent finding any content");
  REQUIRE(c.send("GET", kBase + "/inserviceNumbers?areacode=abc").status == 404);
  REQUIRE(c.send("GET", kBase + "/inserviceNumbers?npanxx=212555").status == 204);
  REQUIRE(Client::text(c.send("GET", kBase + "/inserviceNumbers/totals").body, "//Count") == "3");

  const HttpResponse one = c.send("GET", kBase + "/inserviceNumbers/9199918388");
  REQUIRE(one.status == 200);
  REQUIRE(one.body.empty());
  REQUIRE(c.send("GET", kBase + "/inserviceNumbers/+19199918388").status == 200);
  const HttpResponse absent = c.send("GET", kBase + "/inserviceNumbers/9199910000");
  REQUIRE(absent.status == 404);
  REQUIRE(Client::text(absent.body, "//Description") ==
          "The telephone number is not currently in service.");

  const HttpResponse tn = c.send("GET", "/api/tns/9199918388");
  REQUIRE(tn.status == 200);
  REQUIRE(Client::text(tn.body, "//Status") == "Inservice");
  REQUIRE(Client::text(tn.body, "//OrderId") == order);
  REQUIRE(Client::text(tn.body, "//OrderType") == "IMPORT_TN_ORDER");
  REQUIRE(Client::text(tn.body, "//SiteId") == "222");
  REQUIRE(Client::text(tn.body, "//AccountId") == kAccount);
  const HttpResponse unknown = c.send("GET", "/api/tns/9199910000");
  REQUIRE(unknown.status == 404);
  REQUIRE(Client::text(unknown.body, "//ErrorList/Error/Description") ==
          "Telephone Numbers cannot be found on accounts");
  REQUIRE(testing::send(c.emulator, "GET", "/api/tns/9199918388").status == 401);

  const std::string removal =
      "<RemoveImportedTnOrder><TelephoneNumbers><TelephoneNumber>4158714245</TelephoneNumber>"
      "</TelephoneNumbers></RemoveImportedTnOrder>";
  REQUIRE(c.send("POST", kBase + "/removeImportedTnOrders", removal).status == 201);
  c.advance("2s");
  REQUIRE(Client::text(c.send("GET", kBase + "/inserviceNumbers").body, "/TNs/TotalCount") == "2");
}

TEST_CASE("bandwidth http: MESSAGING_LOST notifies event subscribers, Status keeps the answer",
          "[bandwidth][http]") {
  Client c;
  c.receiver->answer(200, "thanks,\n  noted");
  const HttpResponse subscribed =
      c.send("POST", kBase + "/subscriptions",
             "<Subscription><EventType>MESSAGING_LOST</EventType><CallbackSubscription><URL>"
             "http://127.0.0.1:1/lost</URL><CallbackCredentials><BasicAuthentication><Username>u"
             "</Username><Password>p</Password></BasicAuthentication></CallbackCredentials>"
             "</CallbackSubscription></Subscription>");
  REQUIRE(subscribed.status == 201);
  REQUIRE(c.send("POST", kBase + "/subscriptions",
                 "<Subscription><OrderType>importtnorders</OrderType><CallbackSubscription><URL>"
                 "http://127.0.0.1:1/orders</URL></CallbackSubscription></Subscription>")
              .status == 201);
  c.createOrder({"9199918388"});
  c.advance("2s");
  REQUIRE(c.emulator.waitForWebhooks(Millis(5000)));
  const size_t before = c.receiver->sent().size();
  REQUIRE(c.control("POST", "/bandwidth/numbers/9199918388/messaging-lost").status == 200);
  REQUIRE(c.emulator.waitForWebhooks(Millis(5000)));
  const auto sent = c.receiver->sent();
  REQUIRE(sent.size() == before + 1);
  const OutgoingRequest& lost = sent.back();
  REQUIRE(lost.url == "http://127.0.0.1:1/lost");
  REQUIRE(Client::text(lost.body, "/Notification/EventType") == "MESSAGING_LOST");
  REQUIRE(Client::text(lost.body, "//ImpactedTelephoneNumbers/TelephoneNumber") == "9199918388");
  REQUIRE(lost.headers.find("Authorization")->second == basicAuthorization("u", "p"));
  REQUIRE(c.send("GET", kBase + "/inserviceNumbers/9199918388").status == 404);
  REQUIRE(c.control("POST", "/bandwidth/numbers/9199918388/messaging-lost").status == 404);

  // The same, as a number profile says: two hours after the TN went in service.
  REQUIRE(c.control("PUT", "/bandwidth/numbers/9199918390", R"({"messaging_lost":{"after":"2h"}})")
              .status == 200);
  c.createOrder({"9199918390"});
  c.advance("2s");
  REQUIRE(c.send("GET", kBase + "/inserviceNumbers/9199918390").status == 200);
  c.advance("2h");
  REQUIRE(c.send("GET", kBase + "/inserviceNumbers/9199918390").status == 404);

  const std::string id =
      header(subscribed, "Location").substr(header(subscribed, "Location").rfind('/') + 1);
  const HttpResponse status = c.send("GET", kBase + "/subscriptions/" + id);
  REQUIRE(Client::text(status.body, "//Status") == "200 OK: thanks, noted");
}

TEST_CASE("bandwidth http: an expired subscription is gone", "[bandwidth][http]") {
  Client c;
  const HttpResponse subscribed =
      c.send("POST", kBase + "/subscriptions",
             "<Subscription><OrderType>importtnorders</OrderType><CallbackSubscription><URL>"
             "http://127.0.0.1:1/cb</URL><Expiry>60</Expiry></CallbackSubscription>"
             "</Subscription>");
  const std::string location = header(subscribed, "Location");
  const std::string id = location.substr(location.rfind('/') + 1);
  REQUIRE(c.send("GET", kBase + "/subscriptions/" + id).status == 200);
  c.advance("61s");
  REQUIRE(c.send("GET", kBase + "/subscriptions/" + id).status == 404);
  const HttpResponse listed = c.send("GET", kBase + "/subscriptions");
  REQUIRE(Client::count(listed.body, "/SubscriptionsResponse/Subscriptions") == 1);
  REQUIRE(Client::count(listed.body, "//Subscription") == 0);
  REQUIRE(c.send("DELETE", kBase + "/subscriptions/" + id).status == 404);
}
