#include "providers/twilio/routes.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/crypto.h"
#include "core/json_text.h"
#include "core/time.h"
#include "providers/twilio/errors.h"
#include "providers/twilio/signature.h"
#include "providers/twilio/wire.h"

namespace hnemu::twilio {
namespace {

using nlohmann::json;

constexpr std::string_view kV2Orders = "/v2/HostedNumber/Orders";
constexpr std::string_view kV2Documents = "/v2/HostedNumber/AuthorizationDocuments";
constexpr std::string_view kPreviewOrders = "/HostedNumbers/HostedNumberOrders";
constexpr std::string_view kPreviewDocuments = "/HostedNumbers/AuthorizationDocuments";

HttpResponse jsonResponse(int status, const json& body) {
  return HttpResponse::json(status, jsonText(body));
}

// Query filters in the order Twilio echoes them into page URLs.
QueryParams echoFilters(const HttpRequest& request, std::initializer_list<const char*> names) {
  QueryParams out;
  for (const char* name : names) {
    if (const auto value = request.queryValue(name)) {
      out.emplace_back(name, *value);
    }
  }
  return out;
}

// A PhoneNumber filter, read as Twilio reads phone-number parameters.
std::optional<std::string> phoneFilter(const HttpRequest& request) {
  const auto text = request.queryValue("PhoneNumber");
  return text ? std::optional<std::string>(wire::normalizePhoneNumber(*text)) : std::nullopt;
}

template <class T, class Encode>
json pageItems(const std::vector<T>& all, const wire::PageRequest& page, Encode encode) {
  json items = json::array();
  for (size_t i = page.offset; i < all.size() && i < page.offset + page.page_size; ++i) {
    items.push_back(encode(all[i]));
  }
  return items;
}

}  // namespace

TwilioProvider::TwilioProvider(ProviderContext context)
    : context_(context),
      model_(context.clock, context.ids, ChangeScope(context.changes, std::string(kind().name()))) {
  model_.setWatch(&context.watch);
  model_.setOrderListener(
      [this](const Order& order, const Account& account) { sendStatusCallback(order, account); });
}

void TwilioProvider::reset() {
  model_.reset();
  encoded_orders_.clear();
}

HttpResponse TwilioProvider::errorForStatus(int status, const HttpRequest& request) const {
  switch (status) {
    case 400:
      if (request.malformed_query) {
        return wire::errorResponse(
            errors::invalidParameter("query", "has an escape that is not %XX or is not UTF-8"));
      }
      break;
    case 401:
      return wire::errorResponse(errors::authenticate());
    case 404:
      return wire::errorResponse(errors::notFound(request.path));
    case 405:
      return wire::errorResponse(errors::methodNotAllowed(request.method));
    case 413:
      return wire::errorResponse(errors::bodyTooLarge(context_.max_body_bytes));
    case 429:
      return wire::errorResponse(
          makeError(ErrorCode::ResourceExhausted, "Too Many Requests", "20429"));
    case 503:
      return wire::errorResponse(makeError(ErrorCode::Internal, "Service Unavailable", "20503"));
    default:
      break;
  }
  const int code = status >= 500 ? 20500 : 20001;
  return jsonResponse(status,
                      json{{"code", code},
                           {"message", status >= 500 ? "Internal Server Error" : "Bad Request"},
                           {"more_info", std::string(errors::kMoreInfoBase) + std::to_string(code)},
                           {"status", status}});
}

// Twilio takes no uploads: every body is a form.
size_t TwilioProvider::bodyLimit(const HttpRequest&) const { return context_.max_body_bytes; }

HttpResponse TwilioProvider::pipeline(HttpRequest& request, const Operation& operation) const {
  const auto credentials = request.basicCredentials();
  const Account* account =
      credentials ? model_.authenticate(credentials->first, credentials->second) : nullptr;
  if (account == nullptr) {
    HttpResponse response = wire::errorResponse(errors::authenticate());
    response.headers.emplace("WWW-Authenticate", "Basic realm=\"Twilio API\"");
    return response;
  }
  request.account = account->sid;
  if (request.body.size() > context_.max_body_bytes) {
    return wire::errorResponse(errors::bodyTooLarge(context_.max_body_bytes));
  }
  wire::FormPairs form;
  const std::string content_type = request.header("Content-Type").value_or("");
  // Twilio reads parameters from form bodies only; a JSON body carries none.
  if (!request.body.empty() &&
      (content_type.empty() ||
       content_type.find("application/x-www-form-urlencoded") != std::string::npos)) {
    auto parsed = hnemu::wire::parseForm(request.body);
    if (!parsed.ok()) {
      return wire::errorResponse(errors::malformedBody(parsed.error().message));
    }
    form = std::move(parsed).value();
  }
  return operation(*account, request, form);
}

void TwilioProvider::sendStatusCallback(const Order& order, const Account& account) {
  if (!order.status_callback_url || order.status_callback_url->empty()) {
    return;
  }
  const wire::FormPairs params = wire::statusCallbackParams(order);
  Webhook hook;
  hook.provider = "twilio";
  hook.account = account.sid;
  hook.event = "hosted_number_order." + std::string(orderStatusName(order.status));
  hook.resource_id = order.sid;
  hook.status = std::string(orderStatusName(order.status));
  hook.method = order.status_callback_method;
  hook.url = *order.status_callback_url;
  std::string signature;
  if (hook.method == "GET") {
    hook.url +=
        (hook.url.find('?') == std::string::npos ? "?" : "&") + hnemu::wire::encodeForm(params);
    signature = computeSignature(account.auth_token, hook.url, {});
  } else {
    hook.content_type = "application/x-www-form-urlencoded";
    hook.body = hnemu::wire::encodeForm(params);
    signature = computeSignature(account.auth_token, hook.url, params);
  }
  hook.sign = [signature](const std::string&, const std::string&, int) {
    Headers headers;
    headers.emplace("X-Twilio-Signature", signature);
    headers.emplace("User-Agent", "TwilioProxy/1.1");
    return headers;
  };
  // Twilio's default connection overrides: one retry, on connection failure only.
  hook.policy.max_attempts = 2;
  hook.policy.retry_on = RetryOn::ConnectionFailure;
  hook.policy.connect_timeout = Millis(5000);
  hook.policy.read_timeout = Millis(15000);
  context_.webhooks.enqueue(std::move(hook));
}

// An order in an answer to the client: it has seen the order's status.
json TwilioProvider::shown(const Order& order, const std::string& base) const {
  context_.watch.read(order.sid);
  return wire::encodeOrder(order, base);
}

// An answer of one order, encoded once per version of the order (and base URL): a client
// polling an order that has not changed skips the encoder.
HttpResponse TwilioProvider::orderAnswer(int status, const Order& order,
                                         const std::string& base) const {
  context_.watch.read(order.sid);
  return HttpResponse::json(
      status, encoded_orders_.keptOr(order.sid + ' ' + base, order.version,
                                     [&] { return jsonText(wire::encodeOrder(order, base)); }));
}

HttpResponse TwilioProvider::createOrder(const Account& account, HttpRequest& request,
                                         const wire::FormPairs& form, Flavor flavor) {
  auto input = wire::decodeCreateOrder(form, flavor);
  if (!input.ok()) {
    return wire::errorResponse(input.error());
  }
  auto order = model_.createOrder(account, input.value());
  if (!order.ok()) {
    return wire::errorResponse(order.error());
  }
  return orderAnswer(201, order.value(), request.baseUrl());
}

HttpResponse TwilioProvider::listOrders(const Account& account, HttpRequest& request,
                                        Flavor flavor) const {
  auto page = wire::decodePage(request);
  if (!page.ok()) {
    return wire::errorResponse(page.error());
  }
  OrderFilter filter;
  if (const auto status = request.queryValue("Status")) {
    filter.status = parseOrderStatus(*status);
    if (!filter.status) {
      return wire::errorResponse(errors::invalidOrderStatus(
          "Attempting to filter a list of Hosted Number Orders on a status that does not exist"));
    }
  }
  if (const auto sms = request.queryValue("SmsCapability")) {
    auto value = wire::decodeBool("SmsCapability", *sms);
    if (!value.ok()) {
      return wire::errorResponse(value.error());
    }
    filter.sms_capability = value.value();
  }
  filter.phone_number = phoneFilter(request);
  filter.incoming_phone_number_sid = request.queryValue("IncomingPhoneNumberSid");
  filter.friendly_name = request.queryValue("FriendlyName");
  filter.unique_name = request.queryValue("UniqueName");
  const Model::OrderPage orders =
      model_.pageOfOrders(account, flavor, filter, page.value().offset, page.value().page_size);
  const std::string base = request.baseUrl();
  json items = json::array();
  for (const Order* order : orders.orders) {
    items.push_back(shown(*order, base));
  }
  const QueryParams filters =
      echoFilters(request, {"Status", "SmsCapability", "PhoneNumber", "IncomingPhoneNumberSid",
                            "FriendlyName", "UniqueName"});
  // The envelope needs only whether a next page exists: one more match than this page shows.
  const size_t known_matches = page.value().offset + orders.orders.size() + (orders.more ? 1 : 0);
  return jsonResponse(200, wire::pageEnvelope(base, request.path, filters, page.value(),
                                              known_matches, std::move(items)));
}

HttpResponse TwilioProvider::createDocument(const Account& account, HttpRequest& request,
                                            const wire::FormPairs& form, Flavor flavor) {
  auto input = wire::decodeCreateDocument(form, flavor);
  if (!input.ok()) {
    return wire::errorResponse(input.error());
  }
  auto doc = model_.createDocument(account, input.value());
  if (!doc.ok()) {
    return wire::errorResponse(doc.error());
  }
  return jsonResponse(201, wire::encodeDocument(doc.value(), request.baseUrl()));
}

HttpResponse TwilioProvider::listDocuments(const Account& account, HttpRequest& request,
                                           Flavor flavor) const {
  auto page = wire::decodePage(request);
  if (!page.ok()) {
    return wire::errorResponse(page.error());
  }
  std::optional<DocumentStatus> status;
  if (const auto text = request.queryValue("Status")) {
    status = parseDocumentStatus(*text);
    if (!status) {
      return wire::errorResponse(errors::invalidDocumentStatus(*text));
    }
  }
  const auto docs = model_.pageOfDocuments(account, flavor, request.queryValue("Email"), status,
                                           page.value().offset, page.value().page_size);
  const std::string base = request.baseUrl();
  json items = json::array();
  for (const AuthorizationDocument* doc : docs.items) {
    items.push_back(wire::encodeDocument(*doc, base));
  }
  // The envelope needs only whether a next page exists: one more match than this page shows.
  const size_t known_matches = page.value().offset + docs.items.size() + (docs.more ? 1 : 0);
  return jsonResponse(
      200, wire::pageEnvelope(base, request.path, echoFilters(request, {"Email", "Status"}),
                              page.value(), known_matches, std::move(items)));
}

HttpResponse TwilioProvider::listDependents(const Account& account, HttpRequest& request,
                                            Flavor flavor) const {
  const std::string& doc_sid = request.path_params.at("Sid");
  if (!model_.fetchDocument(account, doc_sid).ok()) {
    return wire::errorResponse(errors::notFound(request.path));
  }
  auto page = wire::decodePage(request);
  if (!page.ok()) {
    return wire::errorResponse(page.error());
  }
  OrderFilter filter;
  filter.signing_document_sid = doc_sid;
  if (const auto status = request.queryValue("Status")) {
    filter.status = parseOrderStatus(*status);
    if (!filter.status) {
      return wire::errorResponse(errors::invalidOrderStatus(
          "Attempting to filter a list of Hosted Number Orders on a status that does not exist"));
    }
  }
  filter.phone_number = phoneFilter(request);
  filter.incoming_phone_number_sid = request.queryValue("IncomingPhoneNumberSid");
  filter.friendly_name = request.queryValue("FriendlyName");
  filter.unique_name = request.queryValue("UniqueName");
  // Dependent orders belong to the document, whichever API generation created each order.
  std::vector<Order> orders = model_.listOrders(account, Flavor::V2, filter);
  for (Order& order : model_.listOrders(account, Flavor::Preview, filter)) {
    orders.push_back(std::move(order));
  }
  json items = pageItems(orders, page.value(), [&](const Order& order) {
    return wire::encodeDependentOrder(order, flavor);
  });
  const QueryParams filters = echoFilters(
      request, {"Status", "PhoneNumber", "IncomingPhoneNumberSid", "FriendlyName", "UniqueName"});
  return jsonResponse(200, wire::pageEnvelope(request.baseUrl(), request.path, filters,
                                              page.value(), orders.size(), std::move(items)));
}

HttpResponse TwilioProvider::listNumbers(const Account& account, HttpRequest& request) const {
  auto page = wire::decodePage(request);
  if (!page.ok()) {
    return wire::errorResponse(page.error());
  }
  const std::optional<std::string> origin = request.queryValue("Origin");
  if (origin && *origin != "hosted" && *origin != "twilio") {
    return wire::errorResponse(errors::invalidParameter("Origin", "must be twilio or hosted"));
  }
  const auto numbers =
      model_.pageOfNumbers(account, phoneFilter(request), request.queryValue("FriendlyName"),
                           origin, page.value().offset, page.value().page_size);
  json items = json::array();
  for (const IncomingNumber* number : numbers.items) {
    items.push_back(wire::encodeNumber(*number));
  }
  const size_t known_matches = page.value().offset + numbers.items.size() + (numbers.more ? 1 : 0);
  const QueryParams filters = echoFilters(request, {"PhoneNumber", "FriendlyName", "Origin"});
  return jsonResponse(200, wire::flatEnvelope(request.path, filters, page.value(), known_matches,
                                              std::move(items), "incoming_phone_numbers"));
}

HttpResponse TwilioProvider::createOrderV3(const Account& account, HttpRequest& request,
                                           const wire::FormPairs& form) {
  auto input = wire::decodeCreateOrderV3(form);
  if (!input.ok()) {
    return wire::errorResponse(input.error());
  }
  auto order = model_.createOrder(account, input.value());
  if (!order.ok()) {
    return wire::errorResponse(order.error());
  }
  context_.watch.read(order.value().sid);
  return jsonResponse(201, wire::encodeOrderV3(order.value(), request.baseUrl()));
}

HttpResponse TwilioProvider::checkEligibility(const Account& account, HttpRequest& request) {
  auto input = wire::decodeEligibilityRequest(request.body, context_.max_numbers_per_order);
  if (!input.ok()) {
    return wire::errorResponse(input.error());
  }
  auto results = model_.checkEligibility(account, input.value().queries);
  if (!results.ok()) {
    return wire::errorResponse(results.error());
  }
  json encoded = json::array();
  for (const EligibilityResult& result : results.value()) {
    encoded.push_back(wire::encodeEligibilityResult(result));
  }
  return jsonResponse(200, json{{"results", std::move(encoded)}});
}

HttpResponse TwilioProvider::createBulkEligibility(const Account& account, HttpRequest& request) {
  auto input = wire::decodeEligibilityRequest(request.body, context_.max_numbers_per_order);
  if (!input.ok()) {
    return wire::errorResponse(input.error());
  }
  wire::EligibilityRequest decoded = std::move(input).value();
  auto check = model_.createBulkEligibility(account, std::move(decoded.friendly_name),
                                            std::move(decoded.queries));
  if (!check.ok()) {
    return wire::errorResponse(check.error());
  }
  return jsonResponse(202, wire::encodeBulkEligibility(check.value(), request.baseUrl()));
}

HttpResponse TwilioProvider::createBulkRequest(const Account& account, HttpRequest& request) {
  auto input = wire::decodeBulkRequest(request.body, context_.max_numbers_per_order);
  if (!input.ok()) {
    return wire::errorResponse(input.error());
  }
  wire::BulkRequestInput decoded = std::move(input).value();
  auto created =
      model_.createBulkRequest(account, std::move(decoded.friendly_name),
                               std::move(decoded.notification_email), std::move(decoded.lines));
  if (!created.ok()) {
    return wire::errorResponse(created.error());
  }
  return jsonResponse(202, wire::encodeBulkRequest(created.value(), model_.orders(),
                                                   request.baseUrl(), std::nullopt));
}

HttpResponse TwilioProvider::fetchBulkRequest(const Account& account, HttpRequest& request) const {
  auto found = model_.fetchBulkRequest(account, request.path_params.at("BulkHostingSid"));
  if (!found.ok()) {
    return wire::errorResponse(errors::notFound(request.path));
  }
  std::optional<OrderStatus> order_status;
  if (auto text = request.queryValue("OrderStatus")) {
    std::replace(text->begin(), text->end(), '_', '-');
    order_status = parseOrderStatus(*text);
    if (!order_status) {
      return wire::errorResponse(errors::invalidOrderStatus(
          "Attempting to filter a Bulk Hosting Request on a status that does not exist"));
    }
  }
  // Every order shown in the results has been seen with its status.
  for (const BulkOrderLine& line : found.value().lines) {
    const auto order =
        line.order_sid ? model_.orders().find(*line.order_sid) : model_.orders().end();
    if (order != model_.orders().end() &&
        (!order_status || order->second.status == *order_status)) {
      context_.watch.read(order->first);
    }
  }
  return jsonResponse(200, wire::encodeBulkRequest(found.value(), model_.orders(),
                                                   request.baseUrl(), order_status));
}

void TwilioProvider::registerRoutes(Router& router) {
  auto route = [&](const char* method, std::string path, Operation operation) {
    router.add(method, path, "twilio",
               [this, operation](HttpRequest& request) { return pipeline(request, operation); });
  };
  auto not_found = [](HttpRequest& request) {
    return wire::errorResponse(errors::notFound(request.path));
  };
  // Fetch-style operations on one resource: unknown or another account's SIDs are a 404.
  auto or_not_found = [](const HttpRequest& request, const Error& error) {
    return error.code == ErrorCode::NotFound ? wire::errorResponse(errors::notFound(request.path))
                                             : wire::errorResponse(error);
  };

  // Before the v2 orders' {Sid} routes, which would read "Bulk" as an order SID.
  route("POST", std::string(kV2Orders) + "/Bulk",
        [this](const Account& a, HttpRequest& r, const wire::FormPairs&) {
          return createBulkRequest(a, r);
        });
  route("GET", std::string(kV2Orders) + "/Bulk/{BulkHostingSid}",
        [this](const Account& a, HttpRequest& r, const wire::FormPairs&) {
          return fetchBulkRequest(a, r);
        });
  route("POST", "/v3/HostedNumbers/HostedNumberOrders",
        [this](const Account& a, HttpRequest& r, const wire::FormPairs& f) {
          return createOrderV3(a, r, f);
        });
  route("POST", "/v1/HostedNumber/Eligibility",
        [this](const Account& a, HttpRequest& r, const wire::FormPairs&) {
          return checkEligibility(a, r);
        });
  route("POST", "/v1/HostedNumber/Eligibility/Bulk",
        [this](const Account& a, HttpRequest& r, const wire::FormPairs&) {
          return createBulkEligibility(a, r);
        });
  route("GET", "/v1/HostedNumber/Eligibility/Bulk/{RequestId}",
        [this, or_not_found](const Account& a, HttpRequest& r, const wire::FormPairs&) {
          auto check = model_.fetchBulkEligibility(a, r.path_params.at("RequestId"));
          return check.ok()
                     ? jsonResponse(200, wire::encodeBulkEligibility(check.value(), r.baseUrl()))
                     : or_not_found(r, check.error());
        });

  for (const Flavor flavor : {Flavor::V2, Flavor::Preview}) {
    const std::string orders(flavor == Flavor::V2 ? kV2Orders : kPreviewOrders);
    const std::string documents(flavor == Flavor::V2 ? kV2Documents : kPreviewDocuments);

    route("POST", orders,
          [this, flavor](const Account& a, HttpRequest& r, const wire::FormPairs& f) {
            return createOrder(a, r, f, flavor);
          });
    route("GET", orders, [this, flavor](const Account& a, HttpRequest& r, const wire::FormPairs&) {
      return listOrders(a, r, flavor);
    });
    route("GET", orders + "/{Sid}",
          [this, or_not_found](const Account& a, HttpRequest& r, const wire::FormPairs&) {
            auto order = model_.fetchOrder(a, r.path_params.at("Sid"));
            return order.ok() ? orderAnswer(200, order.value(), r.baseUrl())
                              : or_not_found(r, order.error());
          });
    route("POST", orders + "/{Sid}",
          [this, flavor, or_not_found](const Account& a, HttpRequest& r, const wire::FormPairs& f) {
            auto input = wire::decodeUpdateOrder(f, flavor);
            if (!input.ok()) {
              return wire::errorResponse(input.error());
            }
            auto order = model_.updateOrder(a, r.path_params.at("Sid"), input.value());
            return order.ok() ? orderAnswer(200, order.value(), r.baseUrl())
                              : or_not_found(r, order.error());
          });
    route("DELETE", orders + "/{Sid}",
          [this, or_not_found](const Account& a, HttpRequest& r, const wire::FormPairs&) {
            const Status status = model_.deleteOrder(a, r.path_params.at("Sid"));
            return status.ok() ? HttpResponse::empty(204) : or_not_found(r, status.error());
          });
    route("POST", documents,
          [this, flavor](const Account& a, HttpRequest& r, const wire::FormPairs& f) {
            return createDocument(a, r, f, flavor);
          });
    route("GET", documents,
          [this, flavor](const Account& a, HttpRequest& r, const wire::FormPairs&) {
            return listDocuments(a, r, flavor);
          });
    route("GET", documents + "/{Sid}",
          [this, or_not_found](const Account& a, HttpRequest& r, const wire::FormPairs&) {
            auto doc = model_.fetchDocument(a, r.path_params.at("Sid"));
            return doc.ok() ? jsonResponse(200, wire::encodeDocument(doc.value(), r.baseUrl()))
                            : or_not_found(r, doc.error());
          });
    route("DELETE", documents + "/{Sid}",
          [this, or_not_found](const Account& a, HttpRequest& r, const wire::FormPairs&) {
            const Status status = model_.cancelDocument(a, r.path_params.at("Sid"));
            return status.ok() ? HttpResponse::empty(204) : or_not_found(r, status.error());
          });
    route("GET", documents + "/{Sid}/DependentHostedNumberOrders",
          [this, flavor](const Account& a, HttpRequest& r, const wire::FormPairs&) {
            return listDependents(a, r, flavor);
          });
  }
  // Only preview documents can be edited; numbers v2 has no update.
  route("POST", std::string(kPreviewDocuments) + "/{Sid}",
        [this, or_not_found](const Account& a, HttpRequest& r, const wire::FormPairs& f) {
          auto input = wire::decodeUpdateDocument(f);
          if (!input.ok()) {
            return wire::errorResponse(input.error());
          }
          auto doc = model_.updateDocument(a, r.path_params.at("Sid"), input.value());
          return doc.ok() ? jsonResponse(200, wire::encodeDocument(doc.value(), r.baseUrl()))
                          : or_not_found(r, doc.error());
        });

  // Api v2010: the account in the path is the caller or one of its subaccounts; another
  // account's path is a resource that is not there.
  auto in_path_account = [this](Operation operation) {
    return [this, operation](const Account& caller, HttpRequest& r, const wire::FormPairs& f) {
      const Account* account = model_.accountActedFor(caller, r.path_params.at("AccountSid"));
      return account != nullptr ? operation(*account, r, f)
                                : wire::errorResponse(errors::notFound(r.path));
    };
  };
  const std::string numbers = "/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers";
  route("GET", numbers + ".json",
        in_path_account([this](const Account& a, HttpRequest& r, const wire::FormPairs&) {
          return listNumbers(a, r);
        }));
  route("GET", numbers + "/{Sid}.json",
        in_path_account(
            [this, or_not_found](const Account& a, HttpRequest& r, const wire::FormPairs&) {
              auto number = model_.fetchNumber(a, r.path_params.at("Sid"));
              return number.ok() ? jsonResponse(200, wire::encodeNumber(number.value()))
                                 : or_not_found(r, number.error());
            }));
  route("POST", numbers + "/{Sid}.json",
        in_path_account(
            [this, or_not_found](const Account& a, HttpRequest& r, const wire::FormPairs& f) {
              auto number =
                  model_.updateNumber(a, r.path_params.at("Sid"), wire::decodeUpdateNumber(f));
              return number.ok() ? jsonResponse(200, wire::encodeNumber(number.value()))
                                 : or_not_found(r, number.error());
            }));
  route("DELETE", numbers + "/{Sid}.json",
        in_path_account(
            [this, or_not_found](const Account& a, HttpRequest& r, const wire::FormPairs&) {
              const Status status = model_.releaseNumber(a, r.path_params.at("Sid"));
              return status.ok() ? HttpResponse::empty(204) : or_not_found(r, status.error());
            }));
  route("POST", "/2010-04-01/Accounts/{AccountSid}/Messages.json",
        in_path_account([this](const Account& a, HttpRequest&, const wire::FormPairs& f) {
          auto message = model_.sendMessage(a, wire::decodeSendMessage(f));
          return message.ok() ? jsonResponse(201, wire::encodeMessage(message.value()))
                              : wire::errorResponse(message.error());
        }));

  const auto fallback = [this, not_found](HttpRequest& request) {
    return pipeline(request, [not_found](const Account&, HttpRequest& r, const wire::FormPairs&) {
      return not_found(r);
    });
  };
  for (const char* prefix : {"/v2/HostedNumber", "/HostedNumbers", "/2010-04-01",
                             "/v1/HostedNumber", "/v3/HostedNumbers"}) {
    router.addFallback(prefix, "twilio", fallback);
  }
  // Any other path, with Twilio's credentials: Twilio's 404 (its 401 for an AC or SK user it
  // does not know). /v2/... is Telnyx's too, so the credentials choose the envelope.
  router.addCredentialFallback(
      "twilio",
      [this](const HttpRequest& request) {
        const auto credentials = request.basicCredentials();
        if (!credentials) {
          return CredentialClaim::None;
        }
        if (model_.authenticate(credentials->first, credentials->second) != nullptr) {
          return CredentialClaim::Known;
        }
        const std::string_view user = credentials->first;
        return user.rfind("AC", 0) == 0 || user.rfind("SK", 0) == 0 ? CredentialClaim::Shaped
                                                                    : CredentialClaim::None;
      },
      fallback);
}

}  // namespace hnemu::twilio
