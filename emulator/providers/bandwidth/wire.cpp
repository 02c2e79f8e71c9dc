#include "providers/bandwidth/wire.h"

#include <cctype>
#include <pugixml.hpp>
#include <sstream>

#include "core/time.h"
#include "providers/bandwidth/errors.h"

namespace hnemu::bandwidth::wire {
namespace {

constexpr unsigned kParseOptions = pugi::parse_default;  // no DOCTYPE, no entity expansion

// Notifications are documented with a bare declaration; API answers carry JAXB's header, as
// every captured answer does.
std::string serialize(pugi::xml_document& doc, bool api_answer = true) {
  if (api_answer) {
    pugi::xml_node declaration = doc.prepend_child(pugi::node_declaration);
    declaration.append_attribute("version") = "1.0";
    declaration.append_attribute("encoding") = "UTF-8";
    declaration.append_attribute("standalone") = "yes";
  }
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

pugi::xml_node child(pugi::xml_node parent, const char* name, const std::string& value) {
  pugi::xml_node node = parent.append_child(name);
  node.text().set(value.c_str());
  return node;
}

void optionalChild(pugi::xml_node parent, const char* name,
                   const std::optional<std::string>& value) {
  if (value) {
    child(parent, name, *value);
  }
}

std::string text(pugi::xml_node node, const char* name) {
  return node.child(name).text().as_string();
}

std::optional<std::string> optionalText(pugi::xml_node node, const char* name) {
  const pugi::xml_node found = node.child(name);
  return found ? std::optional<std::string>(found.text().as_string()) : std::nullopt;
}

std::string iso(TimePoint t) { return formatIso8601Millis(t); }

// /tns/{tn}'s LastModifiedDate: "2014-03-25 12:55:11.0" (tenths of a second), as documented.
std::string formatBandwidthModified(TimePoint t) {
  const std::string text = formatIso8601Millis(t);  // 2014-03-25T12:55:11.810Z
  return text.substr(0, 10) + " " + text.substr(11, 8) + "." + text.substr(20, 1);
}

Result<pugi::xml_node> parseRoot(pugi::xml_document& doc, const std::string& body,
                                 const char* expected_root) {
  const pugi::xml_parse_result parsed = doc.load_buffer(body.data(), body.size(), kParseOptions);
  if (!parsed) {
    return errors::malformedXml(std::string(parsed.description()) + " at offset " +
                                std::to_string(parsed.offset));
  }
  pugi::xml_node root = doc.document_element();
  if (std::string(root.name()) != expected_root) {
    return errors::wrongRoot(expected_root, root.name());
  }
  return root;
}

std::vector<std::string> telephoneNumbers(pugi::xml_node parent) {
  std::vector<std::string> out;
  for (pugi::xml_node tn : parent.child("TelephoneNumbers").children("TelephoneNumber")) {
    out.emplace_back(tn.text().as_string());
  }
  return out;
}

void appendTns(pugi::xml_node parent, const std::vector<std::string>& tns) {
  pugi::xml_node list = parent.append_child("TelephoneNumbers");
  for (const std::string& tn : tns) {
    child(list, "TelephoneNumber", tn);
  }
}

// Per-TN failures of an order: <Errors><Error><Code/><Description/><TelephoneNumbers/></Error>.
void appendOrderErrors(pugi::xml_node parent, const std::vector<TnError>& errors) {
  pugi::xml_node list = parent.append_child("Errors");
  for (const TnError& error : errors) {
    pugi::xml_node item = list.append_child("Error");
    child(item, "Code", std::to_string(error.code));
    child(item, "Description", error.description);
    appendTns(item, error.tns);
  }
}

void appendHistory(pugi::xml_node root, const std::vector<HistoryEntry>& history) {
  for (const HistoryEntry& entry : history) {
    pugi::xml_node item = root.append_child("OrderHistory");
    child(item, "OrderDate", iso(entry.time));
    child(item, "Note", entry.note);
    child(item, "Author", entry.author);
    child(item, "Status", entry.status);
  }
}

const char* reasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    default:
      return "";
  }
}

// The elements import and remove orders open with.
template <class Order>
void appendOrderHeader(pugi::xml_node node, const Order& order) {
  optionalChild(node, "CustomerOrderId", order.customer_order_id);
  child(node, "OrderCreateDate", iso(order.created));
  child(node, "AccountId", order.account_id);
  child(node, "CreatedByUser", order.created_by);
  child(node, "OrderId", order.id);
  child(node, "LastModifiedDate", iso(order.modified));
}

// The list answer, with the odd element casing of Bandwidth's captures.
template <class Order>
std::string encodeSummaries(const std::vector<Order>& orders, const char* root_name,
                            const char* item_name, const char* order_type) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child(root_name);
  child(root, "TotalCount", std::to_string(orders.size()));
  for (const Order& order : orders) {
    pugi::xml_node item = root.append_child(item_name);
    child(item, "accountId", order.account_id);
    child(item, "CountOfTNs", std::to_string(order.tns.size()));
    optionalChild(item, "CustomerOrderId", order.customer_order_id);
    child(item, "userId", order.created_by);
    child(item, "lastModifiedDate", iso(order.modified));
    child(item, "OrderDate", iso(order.created));
    child(item, "OrderType", order_type);
    child(item, "OrderStatus", std::string(orderStatusName(order.status)));
    child(item, "OrderId", order.id);
  }
  return serialize(doc);
}

}  // namespace

int httpStatusFor(const Error& error) {
  switch (error.code) {
    case ErrorCode::NotFound:
      return 404;
    case ErrorCode::Unauthenticated:
      return 401;
    case ErrorCode::PermissionDenied:
      return 403;
    case ErrorCode::AlreadyExists:
      return 409;
    case ErrorCode::PayloadTooLarge:
      return 413;
    case ErrorCode::ResourceExhausted:
      return 429;
    case ErrorCode::Internal:
      return 500;
    case ErrorCode::InvalidArgument:
    case ErrorCode::FailedPrecondition:
      return 400;
  }
  return 500;
}

HttpResponse xmlResponse(int status, const std::string& xml) {
  return HttpResponse::text(status, "application/xml", xml);
}

HttpResponse emptyXml(int status) { return HttpResponse::text(status, "application/xml", ""); }

HttpResponse errorResponse(const std::string& root, const Error& error) {
  const int status = httpStatusFor(error);
  if (status == 401) {
    return emptyXml(401);
  }
  pugi::xml_document doc;
  pugi::xml_node response = doc.append_child(root.c_str()).append_child("ResponseStatus");
  if (!error.provider_code.empty()) {
    child(response, "ErrorCode", error.provider_code);
  }
  child(response, "Description", error.message);
  return xmlResponse(status, serialize(doc));
}

HttpResponse validationErrors(const std::string& root, const std::vector<TnError>& errors,
                              bool processing_status) {
  pugi::xml_document doc;
  pugi::xml_node node = doc.append_child(root.c_str());
  if (processing_status) {
    child(node, "ProcessingStatus", "FAILED");
  }
  for (const TnError& error : errors) {
    pugi::xml_node item = node.append_child("Errors");
    child(item, "Code", std::to_string(error.code));
    child(item, "Description", error.description);
  }
  return xmlResponse(400, serialize(doc));
}

Result<std::vector<std::string>> decodeCheckerTns(const std::string& body) {
  pugi::xml_document doc;
  HNEMU_ASSIGN_OR_RETURN(const pugi::xml_node root, parseRoot(doc, body, "ImportTnCheckerPayload"));
  return telephoneNumbers(root);
}

Result<NewImportOrder> decodeImportOrder(const std::string& body) {
  pugi::xml_document doc;
  HNEMU_ASSIGN_OR_RETURN(const pugi::xml_node root, parseRoot(doc, body, "ImportTnOrder"));
  NewImportOrder order;
  order.customer_order_id = optionalText(root, "CustomerOrderId");
  order.site_id = text(root, "SiteId");
  order.sip_peer_id = optionalText(root, "SipPeerId");
  const pugi::xml_node subscriber = root.child("Subscriber");
  order.subscriber_name = text(subscriber, "Name");
  const pugi::xml_node address = subscriber.child("ServiceAddress");
  order.address = ServiceAddress{text(address, "HouseNumber"), text(address, "StreetName"),
                                 text(address, "City"),        text(address, "StateCode"),
                                 text(address, "Zip"),         text(address, "County")};
  order.loa_authorizing_person = text(root, "LoaAuthorizingPerson");
  order.loa_type = optionalText(root, "LoaType");
  order.tns = telephoneNumbers(root);
  return order;
}

Result<std::pair<std::optional<std::string>, std::vector<std::string>>> decodeRemoveOrder(
    const std::string& body) {
  pugi::xml_document doc;
  HNEMU_ASSIGN_OR_RETURN(const pugi::xml_node root, parseRoot(doc, body, "RemoveImportedTnOrder"));
  return std::make_pair(optionalText(root, "CustomerOrderId"), telephoneNumbers(root));
}

Result<Subscription> decodeSubscription(const std::string& body) {
  pugi::xml_document doc;
  HNEMU_ASSIGN_OR_RETURN(const pugi::xml_node root, parseRoot(doc, body, "Subscription"));
  Subscription subscription;
  subscription.order_type = optionalText(root, "OrderType");
  subscription.event_type = optionalText(root, "EventType");
  subscription.order_id = optionalText(root, "OrderId");
  if (!subscription.order_type && !subscription.event_type) {
    return makeError(ErrorCode::InvalidArgument, "OrderType or EventType is required", "14508");
  }
  if (subscription.order_type) {
    static const char* const kOrderTypes[] = {"portins",
                                              "orders",
                                              "portouts",
                                              "disconnects",
                                              "dldas",
                                              "lsrorders",
                                              "e911s",
                                              "tnoptions",
                                              "externalTns",
                                              "lidb",
                                              "bulkPortins",
                                              "importtnorders",
                                              "removeImportedTnOrders",
                                              "csrs",
                                              "emergencyNotificationGroup",
                                              "emergencyEndpointGroup",
                                              "tollfreePortingValidations",
                                              "importVoiceTnOrders",
                                              "removeImportedVoiceTnOrders"};
    bool known = false;
    for (const char* type : kOrderTypes) {
      known = known || iequals(type, *subscription.order_type);
    }
    if (!known) {
      return makeError(ErrorCode::InvalidArgument,
                       "OrderType '" + *subscription.order_type + "' is not valid", "14500");
    }
  }
  if (subscription.event_type && *subscription.event_type != "MESSAGING_LOST") {
    return makeError(ErrorCode::InvalidArgument, "EventType must be MESSAGING_LOST", "14507");
  }
  const pugi::xml_node callback = root.child("CallbackSubscription");
  subscription.url = text(callback, "URL");
  if (subscription.url.empty()) {
    return makeError(ErrorCode::NotFound, "Callback URL is required", "14503");
  }
  if (subscription.url.rfind("http://", 0) != 0 && subscription.url.rfind("https://", 0) != 0) {
    return makeError(ErrorCode::NotFound, "Callback URL '" + subscription.url + "' is invalid",
                     "14506");
  }
  if (const auto expiry = optionalText(callback, "Expiry")) {
    try {
      subscription.expiry_seconds = std::stoll(*expiry);
    } catch (const std::exception&) {
      subscription.expiry_seconds = -1;
    }
    if (subscription.expiry_seconds <= 0) {
      return makeError(ErrorCode::NotFound, "Expiry '" + *expiry + "' is invalid", "14502");
    }
  }
  const pugi::xml_node credentials = callback.child("CallbackCredentials");
  if (const pugi::xml_node basic = credentials.child("BasicAuthentication")) {
    subscription.username = text(basic, "Username");
    subscription.password = text(basic, "Password");
    if (subscription.username.empty() || subscription.password.empty() ||
        subscription.username.size() > 100) {
      return makeError(ErrorCode::InvalidArgument,
                       "BasicAuthentication needs a Username (at most 100 characters) and a "
                       "Password",
                       "14505");
    }
  }
  subscription.public_key = text(credentials, "PublicKey");
  if (const auto format = optionalText(callback, "NumberFormat")) {
    subscription.number_format = *format;
  }
  return subscription;
}

Result<std::pair<std::optional<std::string>, std::optional<std::string>>> decodeFileMetadata(
    const std::string& body) {
  pugi::xml_document doc;
  HNEMU_ASSIGN_OR_RETURN(const pugi::xml_node root, parseRoot(doc, body, "FileMetaData"));
  return std::make_pair(optionalText(root, "DocumentName"), optionalText(root, "DocumentType"));
}

std::string encodeChecker(const CheckerResult& result) {
  pugi::xml_document doc;
  pugi::xml_node payload =
      doc.append_child("ImportTnCheckerResponse").append_child("ImportTnCheckerPayload");
  appendTns(payload, result.importable);
  pugi::xml_node errors = payload.append_child("ImportTnErrors");
  for (const TnError& error : result.errors) {
    pugi::xml_node item = errors.append_child("ImportTnError");
    child(item, "Code", std::to_string(error.code));
    child(item, "Description", error.description);
    appendTns(item, error.tns);
  }
  return serialize(doc);
}

std::string encodeImportOrder(const ImportOrder& order, bool wrapped) {
  pugi::xml_document doc;
  pugi::xml_node node =
      wrapped ? doc.append_child("ImportTnOrdersResponse").append_child("ImportTnOrder")
              : doc.append_child("ImportTnOrder");
  appendOrderHeader(node, order);
  child(node, "SiteId", order.site_id);
  pugi::xml_node subscriber = node.append_child("Subscriber");
  child(subscriber, "Name", order.subscriber_name);
  pugi::xml_node address = subscriber.append_child("ServiceAddress");
  child(address, "HouseNumber", order.address.house_number);
  child(address, "StreetName", order.address.street_name);
  child(address, "City", order.address.city);
  child(address, "StateCode", order.address.state_code);
  child(address, "Zip", order.address.zip);
  if (!order.address.county.empty()) {
    child(address, "County", order.address.county);
  }
  child(address, "Country", "United States");
  child(address, "AddressType", "Service");
  child(node, "LoaAuthorizingPerson", order.loa_authorizing_person);
  optionalChild(node, "LoaType", order.loa_type);
  appendTns(node, order.tns);
  child(node, "ProcessingStatus", std::string(orderStatusName(order.status)));
  appendOrderErrors(node, order.errors);
  optionalChild(node, "SipPeerId", order.sip_peer_id);
  return serialize(doc);
}

std::string encodeImportOrderList(const std::vector<ImportOrder>& orders) {
  return encodeSummaries(orders, "ImportTnOrders", "ImportTnOrderSummary", "import_tn_orders");
}

std::string encodeRemoveOrder(const RemoveOrder& order, bool wrapped) {
  pugi::xml_document doc;
  pugi::xml_node node =
      wrapped
          ? doc.append_child("RemoveImportedTnOrdersResponse").append_child("RemoveImportedTnOrder")
          : doc.append_child("RemoveImportedTnOrder");
  appendOrderHeader(node, order);
  appendTns(node, order.tns);
  child(node, "ProcessingStatus", std::string(orderStatusName(order.status)));
  appendOrderErrors(node, order.errors);
  return serialize(doc);
}

std::string encodeRemoveOrderList(const std::vector<RemoveOrder>& orders) {
  return encodeSummaries(orders, "RemoveImportedTnOrders", "RemoveImportedTnOrderSummary",
                         "remove_imported_tn_orders");
}

std::string encodeHistory(const std::vector<HistoryEntry>& history) {
  pugi::xml_document doc;
  appendHistory(doc.append_child("OrderHistoryWrapper"), history);
  return serialize(doc);
}

// The same answer for an upload and a replacement (Bandwidth's spec example for PUT).
std::string encodeFileUpload(const LoaFile& file, const std::string& order_id) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("fileUploadResponse");
  child(root, "filename", file.id);
  child(root, "resultCode", "0");
  child(root, "resultMessage", "LOA file uploaded successfully for order " + order_id);
  return serialize(doc);
}

void appendFileMetadata(pugi::xml_node parent, const LoaFile& file) {
  optionalChild(parent, "DocumentName", file.document_name);
  child(parent, "DocumentType", file.document_type);
}

std::string encodeFileList(const std::vector<LoaFile>& files, bool metadata) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("fileListResponse");
  child(root, "fileCount", std::to_string(files.size()));
  for (const LoaFile& file : files) {
    if (metadata) {
      pugi::xml_node item = root.append_child("fileData");
      child(item, "FileName", file.id);
      appendFileMetadata(item.append_child("FileMetaData"), file);
    } else {
      child(root, "fileNames", file.id);
    }
  }
  child(root, "resultCode", "0");
  child(root, "resultMessage",
        files.empty() ? "No LOA files found for order" : "LOA file list successfully returned");
  return serialize(doc);
}

std::string encodeFileMetadata(const LoaFile& file) {
  pugi::xml_document doc;
  appendFileMetadata(doc.append_child("FileMetaData"), file);
  return serialize(doc);
}

std::string encodeSubscriptions(const std::vector<Subscription>& subscriptions, TimePoint now,
                                const std::vector<std::string>& statuses) {
  pugi::xml_document doc;
  pugi::xml_node list = doc.append_child("SubscriptionsResponse").append_child("Subscriptions");
  for (size_t i = 0; i < subscriptions.size(); ++i) {
    const Subscription& subscription = subscriptions[i];
    pugi::xml_node item = list.append_child("Subscription");
    child(item, "SubscriptionId", subscription.id);
    optionalChild(item, "OrderType", subscription.order_type);
    optionalChild(item, "EventType", subscription.event_type);
    optionalChild(item, "OrderId", subscription.order_id);
    pugi::xml_node callback = item.append_child("CallbackSubscription");
    child(callback, "URL", subscription.url);
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::seconds>(now - subscription.created);
    child(callback, "Expiry",
          std::to_string(std::max<int64_t>(0, subscription.expiry_seconds - elapsed.count())));
    child(callback, "Status", statuses.at(i));
    if (!subscription.username.empty()) {
      // The password is never returned.
      child(callback.append_child("CallbackCredentials").append_child("BasicAuthentication"),
            "Username", subscription.username);
    }
  }
  return serialize(doc);
}

std::string encodeNotification(const OrderNotice& notice, const std::string& subscription_id) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("Notification");
  child(root, "SubscriptionId", subscription_id);
  child(root, "OrderType", notice.order_type);
  child(root, "OrderId", notice.order_id);
  optionalChild(root, "CustomerOrderId", notice.customer_order_id);
  child(root, "Status", notice.status);
  child(root, "Message", notice.message);
  child(root, "LastModifiedDate", iso(notice.modified));
  return serialize(doc, false);
}

std::string encodeEventNotification(const EventNotice& notice, const Subscription& subscription) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("Notification");
  child(root, "SubscriptionId", subscription.id);
  child(root, "EventType", notice.event_type);
  pugi::xml_node impacted = root.append_child("ImpactedTelephoneNumbers");
  const bool e164 = iequals(subscription.number_format, "E164");
  for (const std::string& tn : notice.tns) {
    child(impacted, "TelephoneNumber", e164 ? "+1" + tn : tn);
  }
  return serialize(doc, false);
}

std::string deliveryStatus(int status, const std::string& response_body) {
  constexpr size_t kMaxMessage = 1000;
  const std::string phrase = reasonPhrase(status);
  std::string out = std::to_string(status) + (phrase.empty() ? "" : " " + phrase);
  // The receiver's message, on one line.
  std::string message;
  bool space = false;
  for (const char c : response_body) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !message.empty();
      continue;
    }
    if (space) {
      message += ' ';
      space = false;
    }
    message += c;
    if (message.size() >= kMaxMessage) {
      break;
    }
  }
  return message.empty() ? out : out + ": " + message;
}

std::string encodeInServiceNumbers(const InServicePage& page, const InServiceLinks& links) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("TNs");
  child(root, "TotalCount", std::to_string(page.total));
  pugi::xml_node list = root.append_child("Links");
  // Bandwidth's link text: Link=<URL>;rel="first";
  auto link = [&](const char* rel, const std::optional<std::string>& url) {
    if (url) {
      child(list, rel, "Link=<" + *url + ">;rel=\"" + rel + "\";");
    }
  };
  link("first", links.first);
  link("previous", links.previous);
  link("next", links.next);
  pugi::xml_node numbers = root.append_child("TelephoneNumbers");
  child(numbers, "Count", std::to_string(page.tns.size()));
  for (const std::string& tn : page.tns) {
    child(numbers, "TelephoneNumber", tn);
  }
  return serialize(doc);
}

std::string encodeInServiceTotals(size_t count) {
  pugi::xml_document doc;
  child(doc.append_child("Quantity"), "Count", std::to_string(count));
  return serialize(doc);
}

std::string encodeTelephoneNumber(const InServiceNumber& number) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("TelephoneNumberResponse");
  child(root, "TelephoneNumber", number.tn);
  child(root, "Status", "Inservice");
  child(root, "LastModifiedDate", formatBandwidthModified(number.in_service_at));
  child(root, "OrderCreateDate", iso(number.order_created));
  child(root, "OrderId", number.order_id);
  child(root, "OrderType", "IMPORT_TN_ORDER");
  child(root, "InServiceDate", iso(number.in_service_at));
  child(root, "SiteId", number.site_id);
  child(root, "AccountId", number.account_id);
  return serialize(doc);
}

std::string encodeTelephoneNumberNotFound() {
  pugi::xml_document doc;
  pugi::xml_node error =
      doc.append_child("TelephoneNumberResponse").append_child("ErrorList").append_child("Error");
  child(error, "Description", "Telephone Numbers cannot be found on accounts");
  return serialize(doc);
}

}  // namespace hnemu::bandwidth::wire
