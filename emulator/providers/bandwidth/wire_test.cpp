#include "providers/bandwidth/wire.h"

#include <catch2/catch.hpp>
#include <pugixml.hpp>

#include "providers/bandwidth/errors.h"

using namespace hnemu;
using namespace hnemu::bandwidth;

namespace {
pugi::xml_document parse(const std::string& xml) {
  pugi::xml_document doc;
  REQUIRE(doc.load_string(xml.c_str()));
  return doc;
}
}  // namespace

TEST_CASE("the Node client's create body decodes in any element order", "[bandwidth][wire]") {
  const auto order =
      wire::decodeImportOrder(R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<ImportTnOrder>
  <CustomerOrderId>my-order-1</CustomerOrderId>
  <SiteId>222</SiteId>
  <SipPeerId>333</SipPeerId>
  <LoaAuthorizingPerson>The Authguy</LoaAuthorizingPerson>
  <Subscriber>
    <Name>ABC Inc.</Name>
    <ServiceAddress><HouseNumber>11235</HouseNumber><StreetName>Back</StreetName><City>Denver</City>
      <StateCode>CO</StateCode><Zip>27541</Zip><County>Canyon</County></ServiceAddress>
  </Subscriber>
  <TelephoneNumbers><TelephoneNumber>9199918388</TelephoneNumber></TelephoneNumbers>
</ImportTnOrder>)");
  REQUIRE(order.ok());
  REQUIRE(order.value().customer_order_id == "my-order-1");
  REQUIRE(order.value().address.county == "Canyon");
  REQUIRE(order.value().tns == std::vector<std::string>{"9199918388"});
}

TEST_CASE("malformed XML and wrong roots are errors", "[bandwidth][wire]") {
  REQUIRE(wire::decodeImportOrder("<ImportTnOrder>").error().provider_code == "1003");
  REQUIRE(wire::decodeImportOrder("<Other/>").error().message ==
          "Expected the root element <ImportTnOrder>, got <Other>");
  REQUIRE_FALSE(wire::decodeImportOrder("").ok());
  // No DTD processing: an entity bomb is not expanded.
  const auto order = wire::decodeImportOrder(
      "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><ImportTnOrder><SiteId>&a;</SiteId></ImportTnOrder>");
  REQUIRE(order.ok());
  REQUIRE(order.value().site_id != "aaaa");
}

TEST_CASE("create answers wrap the order, GET answers are bare", "[bandwidth][wire]") {
  ImportOrder order;
  order.id = "b05de7e6-0cab-4c83-81bb-9379cba8efd0";
  order.tns = {"9199918388"};
  const auto wrapped = parse(wire::encodeImportOrder(order, true));
  REQUIRE(std::string(wrapped.document_element().name()) == "ImportTnOrdersResponse");
  REQUIRE(wrapped.document_element().child("ImportTnOrder").child("OrderId"));
  const auto bare = parse(wire::encodeImportOrder(order, false));
  REQUIRE(std::string(bare.document_element().name()) == "ImportTnOrder");
  // A complete order's <Errors/> is empty, so the Node client raises nothing.
  REQUIRE(bare.document_element().child("Errors").first_child().empty());
  REQUIRE(std::string(bare.document_element().child_value("ProcessingStatus")) == "RECEIVED");
}

TEST_CASE("subscriptions always come wrapped, without the password", "[bandwidth][wire]") {
  Subscription subscription;
  subscription.id = "s1";
  subscription.order_type = "importtnorders";
  subscription.url = "http://x/cb";
  subscription.username = "u";
  subscription.password = "secret";
  const auto doc = parse(wire::encodeSubscriptions({subscription}, TimePoint(), {"READY"}));
  const auto item = doc.child("SubscriptionsResponse").child("Subscriptions").child("Subscription");
  REQUIRE(std::string(item.child_value("SubscriptionId")) == "s1");
  REQUIRE(std::string(item.child("CallbackSubscription").child_value("Status")) == "READY");
  REQUIRE(wire::encodeSubscriptions({subscription}, TimePoint(), {"READY"}).find("secret") ==
          std::string::npos);
  const auto empty = parse(wire::encodeSubscriptions({}, TimePoint(), {}));
  REQUIRE(empty.child("SubscriptionsResponse").child("Subscriptions"));
}

TEST_CASE("subscription validation codes", "[bandwidth][wire]") {
  auto code = [](const std::string& body) {
    return wire::decodeSubscription(body).error().provider_code;
  };
  REQUIRE(code("<Subscription><CallbackSubscription><URL>http://x</URL></CallbackSubscription></"
               "Subscription>") == "14508");
  REQUIRE(code("<Subscription><OrderType>nope</OrderType></Subscription>") == "14500");
  REQUIRE(code("<Subscription><OrderType>importtnorders</OrderType></Subscription>") == "14503");
  REQUIRE(code("<Subscription><OrderType>importtnorders</OrderType><CallbackSubscription><URL>x</"
               "URL></CallbackSubscription></Subscription>") == "14506");
  REQUIRE(wire::decodeSubscription(
              "<Subscription><OrderType>IMPORTTNORDERS</OrderType><CallbackSubscription><URL>http:/"
              "/x</URL></CallbackSubscription></Subscription>")
              .value()
              .expiry_seconds == 86400);
}

TEST_CASE("errors: ResponseStatus, repeated Errors, empty 401", "[bandwidth][wire]") {
  const HttpResponse denied = wire::errorResponse("ImportTnOrderResponse", errors::accessDenied());
  REQUIRE(denied.status == 403);
  REQUIRE(denied.body.find("<ErrorCode>1001</ErrorCode>") != std::string::npos);
  REQUIRE(wire::errorResponse("X", makeError(ErrorCode::Unauthenticated, "")).body.empty());
  const HttpResponse invalid =
      wire::validationErrors("ImportTnCheckerResponse", {{7201, "a", {}}, {7201, "b", {}}}, false);
  REQUIRE(invalid.status == 400);
  const auto doc = parse(invalid.body);
  REQUIRE(std::distance(doc.document_element().children("Errors").begin(),
                        doc.document_element().children("Errors").end()) == 2);
}

TEST_CASE("API answers carry JAXB's declaration, notifications the bare one", "[bandwidth][wire]") {
  ImportOrder order;
  order.id = "b05de7e6-0cab-4c83-81bb-9379cba8efd0";
  REQUIRE(wire::encodeImportOrder(order, false)
              .rfind("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>", 0) == 0);
  const OrderNotice notice{"9900000", "importtnorders", order.id, std::nullopt, "COMPLETE",
                           "ok",      TimePoint()};
  REQUIRE(wire::encodeNotification(notice, "s1").rfind("<?xml version=\"1.0\"?>", 0) == 0);
  const HttpResponse empty = wire::emptyXml(201);
  REQUIRE(empty.headers.find("Content-Type")->second == "application/xml");
  REQUIRE(empty.body.empty());
}

TEST_CASE("LOA lists: repeated fileNames without metadata, fileData with it", "[bandwidth][wire]") {
  LoaFile named;
  named.id = "o-1.pdf";
  named.document_name = "loa";
  LoaFile unnamed;
  unnamed.id = "o-2.pdf";
  const auto names = parse(wire::encodeFileList({named, unnamed}, false));
  const auto root = names.document_element();
  REQUIRE(std::distance(root.children("fileNames").begin(), root.children("fileNames").end()) == 2);
  REQUIRE(std::string(root.child_value("fileNames")) == "o-1.pdf");
  REQUIRE_FALSE(root.child("fileData"));
  const auto data_doc = parse(wire::encodeFileList({named, unnamed}, true));
  const auto data = data_doc.document_element();
  const auto second = data.child("fileData").next_sibling("fileData");
  REQUIRE(std::string(second.child_value("FileName")) == "o-2.pdf");
  REQUIRE_FALSE(second.child("FileMetaData").child("DocumentName"));
  REQUIRE(std::string(data.child("fileData").child("FileMetaData").child_value("DocumentName")) ==
          "loa");
  REQUIRE_FALSE(parse(wire::encodeFileMetadata(unnamed)).document_element().child("DocumentName"));
}

TEST_CASE("MESSAGING_LOST notifications list the TNs in the subscription's format",
          "[bandwidth][wire]") {
  Subscription subscription;
  subscription.id = "s1";
  subscription.number_format = "E164";
  const std::string body = wire::encodeEventNotification(
      EventNotice{"9900000", "MESSAGING_LOST", {"9199918388"}}, subscription);
  const auto doc = parse(body);
  const auto root = doc.child("Notification");
  REQUIRE(std::string(root.child_value("EventType")) == "MESSAGING_LOST");
  REQUIRE(std::string(root.child("ImpactedTelephoneNumbers").child_value("TelephoneNumber")) ==
          "+19199918388");
  subscription.number_format = "LEGACY";
  REQUIRE(wire::encodeEventNotification(EventNotice{"9900000", "MESSAGING_LOST", {"9199918388"}},
                                        subscription)
              .find("<TelephoneNumber>9199918388</TelephoneNumber>") != std::string::npos);
}

TEST_CASE("a subscription's Status keeps the receiver's message", "[bandwidth][wire]") {
  REQUIRE(wire::deliveryStatus(200, "") == "200 OK");
  REQUIRE(wire::deliveryStatus(500, "  database\n  down ") ==
          "500 Internal Server Error: database down");
  REQUIRE(wire::deliveryStatus(200, std::string(5000, 'x')).size() < 1100);
}

TEST_CASE("in-service lists: TotalCount, Bandwidth's Link text, this page's Count",
          "[bandwidth][wire]") {
  InServicePage page;
  page.total = 3;
  page.tns = {"9199918388", "9199918389"};
  wire::InServiceLinks links;
  links.first = "http://h/api/accounts/1/inserviceNumbers?page=1&size=2";
  links.next = "http://h/api/accounts/1/inserviceNumbers?page=2&size=2";
  const auto doc = parse(wire::encodeInServiceNumbers(page, links));
  const auto root = doc.child("TNs");
  REQUIRE(std::string(root.child_value("TotalCount")) == "3");
  REQUIRE(std::string(root.child("Links").child_value("first")) ==
          "Link=<http://h/api/accounts/1/inserviceNumbers?page=1&size=2>;rel=\"first\";");
  REQUIRE_FALSE(root.child("Links").child("previous"));
  REQUIRE(std::string(root.child("TelephoneNumbers").child_value("Count")) == "2");
  InServiceNumber number{"9199918388",
                         "9900000",
                         "o1",
                         "222",
                         TimePoint(Millis(1'395'752'111'810)),
                         TimePoint(Millis(1'395'752'111'810))};
  const auto tn_doc = parse(wire::encodeTelephoneNumber(number));
  const auto tn = tn_doc.child("TelephoneNumberResponse");
  REQUIRE(std::string(tn.child_value("Status")) == "Inservice");
  REQUIRE(std::string(tn.child_value("LastModifiedDate")) == "2014-03-25 12:55:11.8");
  REQUIRE(std::string(tn.child_value("InServiceDate")) == "2014-03-25T12:55:11.810Z");
}
