#include "providers/bandwidth/routes.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "core/crypto.h"
#include "core/time.h"
#include "core/wire/form.h"
#include "providers/bandwidth/errors.h"
#include "providers/bandwidth/wire.h"
#include "providers/bandwidth/world.h"

namespace hnemu::bandwidth {
namespace {

std::string tooManyTns(size_t limit) {
  return "At most " + std::to_string(limit) + " telephone numbers can be sent at once.";
}

using nlohmann::json;

// The media types Bandwidth accepts for LOA files, and the extension it names them with.
constexpr std::pair<std::string_view, std::string_view> kFileTypes[] = {
    {"application/pdf", "pdf"},
    {"text/plain", "txt"},
    {"image/jpeg", "jpg"},
    {"image/png", "png"},
    {"image/tiff", "tiff"},
    {"text/csv", "csv"},
    {"application/vnd.ms-excel", "xls"},
    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"},
    {"application/msword", "doc"},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"},
};

std::optional<std::string> extensionFor(const std::string& content_type) {
  const std::string media = content_type.substr(0, content_type.find(';'));
  for (const auto& [type, extension] : kFileTypes) {
    if (iequals(media, type)) {
      return std::string(extension);
    }
  }
  return std::nullopt;
}

OrderFilter decodeFilter(const HttpRequest& request, std::optional<Error>& error) {
  OrderFilter filter;
  for (const auto& [key, value] : request.query) {
    if (key == "status") {
      const auto status = parseOrderStatus(value);
      if (!status) {
        error =
            makeError(ErrorCode::InvalidArgument, "'" + value + "' is not a valid status", "12002");
        return filter;
      }
      filter.statuses.push_back(*status);
    }
  }
  filter.tn = request.queryValue("tn");
  filter.customer_order_id = request.queryValue("customerOrderId");
  filter.created_from = request.queryValue("createdDateFrom");
  filter.created_to = request.queryValue("createdDateTo");
  filter.modified_from = request.queryValue("modifiedDateFrom");
  filter.modified_to = request.queryValue("modifiedDateTo");
  filter.loa_type = request.queryValue("loaType");
  for (const auto* date :
       {&filter.created_from, &filter.created_to, &filter.modified_from, &filter.modified_to}) {
    if (*date && !parseIso8601(**date + "T00:00:00Z").ok()) {
      error = makeError(ErrorCode::InvalidArgument,
                        "'" + **date + "' is not a date of the form yyyy-MM-dd", "12003");
    }
  }
  if (filter.loa_type && *filter.loa_type != "SUBSCRIBER" && *filter.loa_type != "CARRIER" &&
      *filter.loa_type != "ALL") {
    error = makeError(ErrorCode::InvalidArgument, "loaType must be SUBSCRIBER, CARRIER or ALL",
                      "12004");
  }
  return filter;
}

// Where a resource lives, spelled as Bandwidth spells its Location headers (importTnOrders, not
// the client's casing), under the prefix the request came in on (/api, /api/v1.0, ...).
std::string accountUrl(const HttpRequest& request, const std::string& account_id) {
  return request.baseUrl() + request.path.substr(0, request.path.find("/accounts/")) +
         "/accounts/" + account_id;
}

bool allDigits(const std::string& text) {
  return !text.empty() && text.size() <= 9 && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

// The in-service list's query, or nothing when its parameters are invalid (Bandwidth: 404).
std::optional<InServiceQuery> decodeInServiceQuery(const HttpRequest& request) {
  InServiceQuery query;
  for (const auto& [name, field] :
       {std::pair<const char*, size_t*>{"page", &query.page}, {"size", &query.size}}) {
    if (const auto text = request.queryValue(name)) {
      if (!allDigits(*text) || std::stoul(*text) == 0) {
        return std::nullopt;
      }
      *field = std::stoul(*text);
    }
  }
  query.area_code = request.queryValue("areacode");
  query.npanxx = request.queryValue("npanxx");
  query.lata = request.queryValue("lata");
  query.state = request.queryValue("state");
  query.rate_center = request.queryValue("ratecenter");
  query.start_date = request.queryValue("startdate");
  query.end_date = request.queryValue("enddate");
  if ((query.area_code && (query.area_code->size() != 3 || !allDigits(*query.area_code) ||
                           (*query.area_code)[0] < '2')) ||
      (query.npanxx &&
       (query.npanxx->size() != 6 || !allDigits(*query.npanxx) || (*query.npanxx)[0] < '2')) ||
      (query.lata && !allDigits(*query.lata)) || (query.rate_center && !query.state)) {
    return std::nullopt;
  }
  for (const auto* date : {&query.start_date, &query.end_date}) {
    if (*date && (date->value().size() != 10 || !parseIso8601(**date + "T00:00:00Z").ok())) {
      return std::nullopt;
    }
  }
  return query;
}

// A page's URL: the filters as the client sent them, then page and size.
std::string inServicePageUrl(const HttpRequest& request, const std::string& list_url,
                             const InServiceQuery& query, size_t page) {
  std::string url = list_url + "?";
  for (const char* name :
       {"areacode", "npanxx", "lata", "state", "ratecenter", "startdate", "enddate"}) {
    if (const auto value = request.queryValue(name)) {
      url += std::string(name) + "=" + hnemu::wire::percentEncode(*value) + "&";
    }
  }
  return url + "page=" + std::to_string(page) + "&size=" + std::to_string(query.size);
}

}  // namespace

BandwidthProvider::BandwidthProvider(ProviderContext context)
    : context_(context),
      changes_(context.changes, std::string(kind().name())),
      model_(context.clock, context.ids, changes_) {
  model_.setWatch(&context.watch);
  model_.setListener([this](const OrderNotice& notice) { notify(notice); });
  model_.setEventListener([this](const EventNotice& notice) { notify(notice); });
}

void BandwidthProvider::reset() {
  model_.reset();
  encoded_imports_.clear();
}

HttpResponse BandwidthProvider::errorForStatus(int status, const HttpRequest& request) const {
  if (status == 405) {
    HttpResponse response = wire::errorResponse(
        "ErrorResponse", makeError(ErrorCode::InvalidArgument,
                                   "Method " + request.method + " is not allowed here."));
    response.status = 405;
    return response;
  }
  if (status == 413) {
    return wire::errorResponse("ErrorResponse", errors::bodyTooLarge(bodyLimit(request)));
  }
  if (status == 429) {
    HttpResponse response = HttpResponse::empty(429);
    const auto reset_at =
        std::chrono::duration_cast<std::chrono::seconds>(context_.clock.now().time_since_epoch())
            .count() +
        1;
    response.headers.emplace("X-RateLimit-Reset", std::to_string(reset_at));
    return response;
  }
  if (status == 401) {
    return wire::emptyXml(401);
  }
  if (status == 400) {
    HttpResponse response = wire::errorResponse(
        "ErrorResponse",
        makeError(ErrorCode::InvalidArgument,
                  request.malformed_query
                      ? "The query string has an escape that is not %XX or is not UTF-8."
                      : "The request could not be parsed.",
                  "1003"));
    response.status = 400;
    return response;
  }
  HttpResponse response = wire::errorResponse(
      "ErrorResponse",
      makeError(ErrorCode::Internal,
                "Something unexpected happened and has been logged (id=hnemu-fault).", "1010"));
  response.status = status;
  return response;
}

// LOA files may be larger than other bodies.
size_t BandwidthProvider::bodyLimit(const HttpRequest& head) const {
  const bool upload = head.path.find("/loas") != std::string::npos;
  return upload ? context_.max_upload_bytes : context_.max_body_bytes;
}

HttpResponse BandwidthProvider::pipeline(HttpRequest& request, const std::string& error_root,
                                         const Operation& operation) const {
  const auto credentials = request.basicCredentials();
  const Account* account =
      credentials ? model_.authenticate(credentials->first, credentials->second) : nullptr;
  if (account == nullptr) {
    return wire::emptyXml(401);
  }
  request.account = account->account_id;
  const auto path_account = request.path_params.find("AccountId");
  if (path_account != request.path_params.end() && path_account->second != account->account_id) {
    return wire::errorResponse(error_root, errors::accessDenied());
  }
  if (const size_t limit = bodyLimit(request); request.body.size() > limit) {
    return wire::errorResponse(error_root, errors::bodyTooLarge(limit));
  }
  return operation(*account, credentials->first, request);
}

void BandwidthProvider::notify(const OrderNotice& notice) {
  for (const Subscription& subscription : model_.subscribersFor(notice)) {
    Webhook hook;
    hook.event = notice.order_type + "." + notice.status;
    hook.resource_id = notice.order_id;
    hook.status = notice.status;
    hook.body = wire::encodeNotification(notice, subscription.id);
    deliver(std::move(hook), subscription);
  }
}

void BandwidthProvider::notify(const EventNotice& notice) {
  for (const Subscription& subscription : model_.subscribersFor(notice)) {
    Webhook hook;
    hook.event = notice.event_type;
    hook.resource_id = notice.tns.front();
    hook.status = notice.event_type;
    hook.body = wire::encodeEventNotification(notice, subscription);
    deliver(std::move(hook), subscription);
  }
}

void BandwidthProvider::deliver(Webhook hook, const Subscription& subscription) {
  hook.provider = "bandwidth";
  hook.account = subscription.account_id;
  hook.tag = subscription.id;
  hook.url = subscription.url;
  hook.content_type = "application/xml; charset=utf-8";
  if (!subscription.username.empty()) {
    const std::string authorization =
        basicAuthorization(subscription.username, subscription.password);
    hook.sign = [authorization](const std::string&, const std::string&, int) {
      Headers headers;
      headers.emplace("Authorization", authorization);
      return headers;
    };
  }
  // Bandwidth does not retry notifications; the result lands in the subscription.
  hook.policy.max_attempts = 1;
  hook.policy.retry_on = RetryOn::Never;
  hook.policy.read_timeout = Millis(10000);
  context_.webhooks.enqueue(std::move(hook));
}

std::vector<std::string> BandwidthProvider::subscriptionStatuses(
    const std::vector<Subscription>& subscriptions) const {
  std::vector<std::string> out;
  for (const Subscription& subscription : subscriptions) {
    const auto last = context_.webhooks.lastAttemptTagged(subscription.id);
    out.push_back(!last             ? "READY"
                  : last->connected ? wire::deliveryStatus(last->status, last->response_body)
                                    : "Callback failed: " + last->error);
  }
  return out;
}

HttpResponse BandwidthProvider::uploadFile(const Account& account, HttpRequest& request,
                                           bool replace) {
  const std::string root = "fileUploadResponse";
  const std::string content_type = request.header("Content-Type").value_or("");
  const auto extension = extensionFor(content_type);
  if (!extension) {
    return wire::errorResponse(root, errors::unsupportedFileType(content_type));
  }
  if (request.body.empty()) {
    return wire::errorResponse(root, errors::emptyFile());
  }
  const auto query_type = request.queryValue("documentType");
  const auto header_type = request.header("documentType");
  if (query_type && header_type && *query_type != *header_type) {
    return wire::errorResponse(root, errors::conflictingDocumentType());
  }
  const std::string order_id = request.path_params.at("OrderId");
  // Both answers name the file's URL in Location, as Bandwidth documents for POST and PUT.
  auto located = [&](int status, const LoaFile& file) {
    HttpResponse response = wire::xmlResponse(status, wire::encodeFileUpload(file, order_id));
    response.headers.emplace("Location", accountUrl(request, account.account_id) +
                                             "/importTnOrders/" + order_id + "/loas/" + file.id);
    return response;
  };
  if (replace) {
    auto file = model_.replaceFile(account, order_id, request.path_params.at("FileId"),
                                   content_type, request.body);
    return file.ok() ? located(200, file.value()) : wire::errorResponse(root, file.error());
  }
  LoaFile file;
  file.content_type = content_type;
  file.data = request.body;
  const std::string document_type = query_type ? *query_type : header_type.value_or("LOA");
  if (!isDocumentType(document_type)) {
    return wire::errorResponse(root, errors::unknownDocumentType());
  }
  file.document_type = document_type;
  auto stored = model_.addFile(account, order_id, file, *extension);
  return stored.ok() ? located(201, stored.value()) : wire::errorResponse(root, stored.error());
}

HttpResponse BandwidthProvider::createSubscription(const Account& account, HttpRequest& request) {
  const std::string root = "SubscriptionsResponse";
  auto subscription = wire::decodeSubscription(request.body);
  if (!subscription.ok()) {
    return wire::errorResponse(root, subscription.error());
  }
  auto created = model_.createSubscription(account, subscription.value());
  if (!created.ok()) {
    return wire::errorResponse(root, created.error());
  }
  HttpResponse response = wire::emptyXml(201);
  response.headers.emplace(
      "Location", accountUrl(request, account.account_id) + "/subscriptions/" + created.value().id);
  return response;
}

// An order in an answer to the client: it has seen the order's status.
template <class Order>
const Order& BandwidthProvider::shown(const Order& order) const {
  context_.watch.read(order.id);
  return order;
}

// An import order's answer, encoded once per version of the order: a client polling an order
// that has not changed skips the encoder.
HttpResponse BandwidthProvider::importOrderAnswer(const ImportOrder& order) const {
  shown(order);
  return wire::xmlResponse(200, encoded_imports_.keptOr(order.id, model_.version(order), [&] {
    return wire::encodeImportOrder(order, false);
  }));
}

HttpResponse BandwidthProvider::listImportOrders(const Account& account, HttpRequest& request,
                                                 bool removes) const {
  std::optional<Error> error;
  const OrderFilter filter = decodeFilter(request, error);
  if (error) {
    return wire::errorResponse(removes ? "RemoveImportedTnOrders" : "ImportTnOrders", *error);
  }
  if (removes) {
    const auto orders = model_.listRemoveOrders(account, filter);
    for (const auto& order : orders) {
      context_.watch.read(order.id);
    }
    return wire::xmlResponse(200, wire::encodeRemoveOrderList(orders));
  }
  const auto orders = model_.listImportOrders(account, filter);
  for (const auto& order : orders) {
    context_.watch.read(order.id);
  }
  return wire::xmlResponse(200, wire::encodeImportOrderList(orders));
}

void BandwidthProvider::registerRoutes(Router& router) {
  for (const char* prefix :
       {"/api/accounts", "/api/v1.0/accounts", "/v1.0/accounts", "/api/v1/accounts"}) {
    const std::string base = std::string(prefix) + "/{AccountId}";
    auto route = [&](const char* method, const std::string& path, const std::string& error_root,
                     Operation operation) {
      router.add(
          method, base + path, "bandwidth",
          [this, error_root, operation](HttpRequest& request) {
            return pipeline(request, error_root, operation);
          },
          PathTemplate::Options{true});
    };
    route("POST", "/importTnChecker", "ImportTnCheckerResponse",
          [this](const Account& a, const std::string&, HttpRequest& r) {
            const std::string root = "ImportTnCheckerResponse";
            auto tns = wire::decodeCheckerTns(r.body);
            if (!tns.ok()) {
              return wire::errorResponse(root, tns.error());
            }
            std::vector<TnError> invalid;
            if (tns.value().empty()) {
              invalid.push_back({7202, "At least one telephone number is required.", {}});
            } else if (tns.value().size() > context_.max_numbers_per_order) {
              invalid.push_back({7203, tooManyTns(context_.max_numbers_per_order), {}});
            }
            std::set<std::string> seen;
            for (const std::string& tn : tns.value()) {
              const std::string normalized = normalizeTn(tn);
              if (normalized.empty()) {
                invalid.push_back({7201, tn + " is not a valid NANPA telephone number.", {}});
              } else if (!seen.insert(normalized).second) {
                invalid.push_back({7201, tn + " is listed more than once.", {}});
              }
            }
            if (!invalid.empty()) {
              return wire::validationErrors(root, invalid, false);
            }
            auto result = model_.check(a, tns.value(), invalid);
            if (!invalid.empty()) {
              return wire::validationErrors(root, invalid, false);
            }
            return result.ok() ? wire::xmlResponse(200, wire::encodeChecker(result.value()))
                               : wire::errorResponse(root, result.error());
          });
    route("POST", "/importTnOrders", "ImportTnOrderResponse",
          [this](const Account& a, const std::string& user, HttpRequest& r) {
            const std::string root = "ImportTnOrderResponse";
            auto input = wire::decodeImportOrder(r.body);
            if (!input.ok()) {
              return wire::errorResponse(root, input.error());
            }
            if (input.value().tns.size() > context_.max_numbers_per_order) {
              return wire::validationErrors(
                  root, {{7203, tooManyTns(context_.max_numbers_per_order), {}}}, true);
            }
            std::vector<TnError> invalid;
            auto order = model_.createImportOrder(a, user, input.value(), invalid);
            if (!invalid.empty()) {
              return wire::validationErrors(root, invalid, true);
            }
            if (!order.ok()) {
              return wire::errorResponse(root, order.error());
            }
            HttpResponse response =
                wire::xmlResponse(201, wire::encodeImportOrder(order.value(), true));
            response.headers.emplace(
                "Location", accountUrl(r, a.account_id) + "/importTnOrders/" + order.value().id);
            return response;
          });
    route("GET", "/importTnOrders", "ImportTnOrders",
          [this](const Account& a, const std::string&, HttpRequest& r) {
            return listImportOrders(a, r, false);
          });
    route("GET", "/importTnOrders/{OrderId}", "ImportTnOrderResponse",
          [this](const Account& a, const std::string&, HttpRequest& r) {
            auto order = model_.importOrder(a, r.path_params.at("OrderId"));
            return order.ok() ? importOrderAnswer(order.value())
                              : wire::errorResponse("ImportTnOrderResponse", order.error());
          });
    route("GET", "/importTnOrders/{OrderId}/history", "OrderHistoryWrapper",
          [this](const Account& a, const std::string&, HttpRequest& r) {
            auto order = model_.importOrder(a, r.path_params.at("OrderId"));
            return order.ok()
                       ? wire::xmlResponse(
                             200, wire::encodeHistory(Model::recordedHistory(shown(order.value()))))
                       : wire::errorResponse("OrderHistoryWrapper", order.error());
          });
    route("POST", "/importTnOrders/{OrderId}/loas", "fileUploadResponse",
          [this](const Account& a, const std::string&, HttpRequest& r) {
            return uploadFile(a, r, false);
          });
    route("GET", "/importTnOrders/{OrderId}/loas", "fileListResponse",
          [this](const Account& a, const std::string&, HttpRequest& r) {
            auto order = model_.importOrder(a, r.path_params.at("OrderId"));
            if (!order.ok()) {
              return wire::errorResponse("fileListResponse", order.error());
            }
            const bool metadata = r.queryValue("metadata").value_or("false") == "true";
            return wire::xmlResponse(200, wire::encodeFileList(order.value().files, metadata));
          });
    auto find_file = [this](const Account& a, HttpRequest& r) -> Result<LoaFile> {
      auto order = model_.importOrder(a, r.path_params.at("OrderId"));
      if (!order.ok()) {
        return order.error();
      }
      for (const LoaFile& file : order.value().files) {
        if (file.id == r.path_params.at("FileId")) {
          return file;
        }
      }
      return errors::notFound();
    };
    route("GET", "/importTnOrders/{OrderId}/loas/{FileId}", "fileUploadResponse",
          [find_file](const Account& a, const std::string&, HttpRequest& r) {
            auto file = find_file(a, r);
            if (!file.ok()) {
              return wire::errorResponse("fileUploadResponse", file.error());
            }
            HttpResponse response =
                HttpResponse::text(200, file.value().content_type, file.value().data);
            response.headers.emplace("Content-Disposition",
                                     "attachment; filename=" + file.value().id);
            return response;
          });
    route("PUT", "/importTnOrders/{OrderId}/loas/{FileId}", "fileUploadResponse",
          [this](const Account& a, const std::string&, HttpRequest& r) {
            return uploadFile(a, r, true);
          });
    route("DELETE", "/importTnOrders/{OrderId}/loas/{FileId}", "fileUploadResponse",
          [this](const Account& a, const std::string&, HttpRequest& r) {
            const Status deleted =
                model_.deleteFile(a, r.path_params.at("OrderId"), r.path_params.at("FileId"));
            return deleted.ok() ? wire::emptyXml(200)
                                : wire::errorResponse("fileUploadResponse", deleted.error());
          });
    route("GET", "/importTnOrders/{OrderId}/loas/{FileId}/metadata", "FileMetaData",
          [find_file](const Account& a, const std::string&, HttpRequest& r) {
            auto file = find_file(a, r);
            return file.ok() ? wire::xmlResponse(200, wire::encodeFileMetadata(file.value()))
                             : wire::errorResponse("FileMetaData", file.error());
          });
    route("PUT", "/importTnOrders/{OrderId}/loas/{FileId}/metadata", "FileMetaData",
          [this](const Account& a, const std::string&, HttpRequest& r) {
            auto metadata = wire::decodeFileMetadata(r.body);
            if (!metadata.ok()) {
              return wire::errorResponse("FileMetaData", metadata.error());
            }
            auto file =
                model_.setFileMetadata(a, r.path_params.at("OrderId"), r.path_params.at("FileId"),
                                       metadata.value().first, metadata.value().second);
            return file.ok() ? wire::emptyXml(200)
                             : wire::errorResponse("FileMetaData", file.error());
          });
    route("DELETE", "/importTnOrders/{OrderId}/loas/{FileId}/metadata", "FileMetaData",
          [this](const Account& a, const std::string&, HttpRequest& r) {
            const Status cleared = model_.clearFileMetadata(a, r.path_params.at("OrderId"),
                                                            r.path_params.at("FileId"));
            return cleared.ok() ? wire::emptyXml(200)
                                : wire::errorResponse("FileMetaData", cleared.error());
          });
    route("POST", "/removeImportedTnOrders", "RemoveImportedTnOrdersResponse",
          [this](const Account& a, const std::string& user, HttpRequest& r) {
            const std::string root = "RemoveImportedTnOrdersResponse";
            auto input = wire::decodeRemoveOrder(r.body);
            if (!input.ok()) {
              return wire::errorResponse(root, input.error());
            }
            if (input.value().second.size() > context_.max_numbers_per_order) {
              return wire::validationErrors(
                  root, {{7203, tooManyTns(context_.max_numbers_per_order), {}}}, true);
            }
            std::vector<TnError> invalid;
            auto order = model_.createRemoveOrder(a, user, input.value().first,
                                                  input.value().second, invalid);
            if (!invalid.empty()) {
              return wire::validationErrors(root, invalid, true);
            }
            if (!order.ok()) {
              return wire::errorResponse(root, order.error());
            }
            HttpResponse response =
                wire::xmlResponse(201, wire::encodeRemoveOrder(order.value(), true));
            response.headers.emplace("Location", accountUrl(r, a.account_id) +
                                                     "/removeImportedTnOrders/" + order.value().id);
            return response;
          });
    route("GET", "/removeImportedTnOrders", "RemoveImportedTnOrders",
          [this](const Account& a, const std::string&, HttpRequest& r) {
            return listImportOrders(a, r, true);
          });
    route("GET", "/removeImportedTnOrders/{OrderId}", "RemoveImportedTnOrdersReportResponse",
          [this](const Account& a, const std::string&, HttpRequest& r) {
            auto order = model_.removeOrder(a, r.path_params.at("OrderId"));
            return order.ok()
                       ? wire::xmlResponse(200,
                                           wire::encodeRemoveOrder(shown(order.value()), false))
                       : wire::errorResponse("RemoveImportedTnOrdersReportResponse", order.error());
          });
    route("GET", "/removeImportedTnOrders/{OrderId}/history", "OrderHistoryWrapper",
          [this](const Account& a, const std::string&, HttpRequest& r) {
            auto order = model_.removeOrder(a, r.path_params.at("OrderId"));
            return order.ok()
                       ? wire::xmlResponse(200, wire::encodeHistory(shown(order.value()).history))
                       : wire::errorResponse("OrderHistoryWrapper", order.error());
          });
    route("POST", "/subscriptions", "SubscriptionsResponse",
          [this](const Account& a, const std::string&, HttpRequest& r) {
            return createSubscription(a, r);
          });
    route("GET", "/subscriptions", "SubscriptionsResponse",
          [this](const Account& a, const std::string&, HttpRequest&) {
            const auto subscriptions = model_.subscriptions(a);
            return wire::xmlResponse(
                200, wire::encodeSubscriptions(subscriptions, context_.clock.now(),
                                               subscriptionStatuses(subscriptions)));
          });
    route("GET", "/subscriptions/{SubscriptionId}", "SubscriptionsResponse",
          [this](const Account& a, const std::string&, HttpRequest& r) {
            auto subscription = model_.subscription(a, r.path_params.at("SubscriptionId"));
            if (!subscription.ok()) {
              return wire::errorResponse("SubscriptionsResponse", subscription.error());
            }
            const std::vector<Subscription> one = {subscription.value()};
            return wire::xmlResponse(200, wire::encodeSubscriptions(one, context_.clock.now(),
                                                                    subscriptionStatuses(one)));
          });
    route("PUT", "/subscriptions/{SubscriptionId}", "SubscriptionsResponse",
          [this](const Account& a, const std::string&, HttpRequest& r) {
            auto replacement = wire::decodeSubscription(r.body);
            if (!replacement.ok()) {
              return wire::errorResponse("SubscriptionsResponse", replacement.error());
            }
            auto updated = model_.replaceSubscription(a, r.path_params.at("SubscriptionId"),
                                                      replacement.value());
            return updated.ok() ? wire::emptyXml(200)
                                : wire::errorResponse("SubscriptionsResponse", updated.error());
          });
    route("DELETE", "/subscriptions/{SubscriptionId}", "SubscriptionsResponse",
          [this](const Account& a, const std::string&, HttpRequest& r) {
            const Status deleted = model_.deleteSubscription(a, r.path_params.at("SubscriptionId"));
            return deleted.ok() ? wire::emptyXml(200)
                                : wire::errorResponse("SubscriptionsResponse", deleted.error());
          });
    route("GET", "/inserviceNumbers", "TNs",
          [this](const Account& a, const std::string&, HttpRequest& r) {
            return listInServiceNumbers(a, r);
          });
    route("GET", "/inserviceNumbers/totals", "Quantity",
          [this](const Account& a, const std::string&, HttpRequest&) {
            InServiceQuery everything;
            everything.size = std::numeric_limits<size_t>::max();
            return wire::xmlResponse(
                200, wire::encodeInServiceTotals(model_.inServiceNumbers(a, everything).total));
          });
    // 200 with no payload when the TN is in service on the account, else 404 (Bandwidth's spec).
    route("GET", "/inserviceNumbers/{Tn}", "ErrorResponse",
          [this](const Account& a, const std::string&, HttpRequest& r) {
            return model_.inServiceNumber(a, r.path_params.at("Tn"))
                       ? wire::emptyXml(200)
                       : wire::errorResponse("ErrorResponse", errors::notInService());
          });
  }
  // A TN's status, not under an account: the caller's accounts are searched.
  for (const char* prefix : {"/api/tns", "/api/v1.0/tns", "/v1.0/tns", "/api/v1/tns"}) {
    router.add(
        "GET", std::string(prefix) + "/{Tn}", "bandwidth",
        [this](HttpRequest& request) {
          return pipeline(
              request, "TelephoneNumberResponse",
              [this](const Account& a, const std::string&, HttpRequest& r) {
                const auto number = model_.inServiceNumber(a, r.path_params.at("Tn"));
                return number ? wire::xmlResponse(200, wire::encodeTelephoneNumber(*number))
                              : wire::xmlResponse(404, wire::encodeTelephoneNumberNotFound());
              });
        },
        PathTemplate::Options{true});
  }
  for (const char* prefix : {"/api/", "/v1.0/"}) {
    router.addFallback(prefix, "bandwidth", [](HttpRequest&) {
      return wire::errorResponse("ErrorResponse", errors::notFound());
    });
  }
}

HttpResponse BandwidthProvider::listInServiceNumbers(const Account& account,
                                                     HttpRequest& request) const {
  const auto query = decodeInServiceQuery(request);
  if (!query) {
    return wire::errorResponse("ErrorResponse", errors::invalidSearch());
  }
  const InServicePage page = model_.inServiceNumbers(account, *query);
  if (page.tns.empty()) {
    return wire::emptyXml(204);  // "there are no numbers found using the search parameters"
  }
  const std::string list_url = accountUrl(request, account.account_id) + "/inserviceNumbers";
  wire::InServiceLinks links;
  links.first = inServicePageUrl(request, list_url, *query, 1);
  if (query->page > 1) {
    links.previous = inServicePageUrl(request, list_url, *query, query->page - 1);
  }
  if (page.more) {
    links.next = inServicePageUrl(request, list_url, *query, query->page + 1);
  }
  return wire::xmlResponse(200, wire::encodeInServiceNumbers(page, links));
}

namespace {

json dumpedImport(const ImportOrder& order) {
  json files = json::array();
  for (const LoaFile& file : order.files) {
    files.push_back({{"id", file.id},
                     {"content_type", file.content_type},
                     {"bytes", file.data.size()},
                     {"document_type", file.document_type}});
  }
  json history = json::array();
  for (const HistoryEntry& entry : order.history) {
    history.push_back({{"time", formatIso8601Millis(entry.time)},
                       {"status", entry.status},
                       {"note", entry.note}});
  }
  return {{"order_id", order.id},
          {"account_id", order.account_id},
          {"customer_order_id",
           order.customer_order_id ? json(*order.customer_order_id) : json(nullptr)},
          {"status", orderStatusName(order.status)},
          {"telephone_numbers", order.tns},
          {"errors", order.errors.size()},
          {"history", std::move(history)},
          {"sequence", order.sequence},
          {"loas", std::move(files)}};
}

json dumpedRemove(const RemoveOrder& order) {
  return {{"order_id", order.id},
          {"account_id", order.account_id},
          {"status", orderStatusName(order.status)},
          {"telephone_numbers", order.tns}};
}

json dumpedInService(const InServiceNumber& number) {
  return {{"tn", number.tn},
          {"account_id", number.account_id},
          {"order_id", number.order_id},
          {"in_service_at", formatIso8601Millis(number.in_service_at)}};
}

}  // namespace

void BandwidthProvider::dumpState(json& out) const {
  json accounts = json::array();
  for (const Account& account : model_.world().accounts) {
    accounts.push_back(accountJson(account));
  }
  json imports = json::array();
  for (const auto& [id, order] : model_.importOrders()) {
    imports.push_back(dumpedImport(order));
  }
  json removes = json::array();
  for (const auto& [id, order] : model_.removeOrders()) {
    removes.push_back(dumpedRemove(order));
  }
  json in_service = json::array();
  for (const auto& [tn, number] : model_.inService()) {
    in_service.push_back(dumpedInService(number));
  }
  out[Model::kAccounts] = std::move(accounts);
  out[Model::kImports] = std::move(imports);
  out[Model::kRemoves] = std::move(removes);
  out[Model::kInService] = std::move(in_service);
}

std::vector<StateCollection> BandwidthProvider::collections() const {
  return {{std::string(Model::kAccounts), "username"},
          {std::string(Model::kImports), "order_id"},
          {std::string(Model::kRemoves), "order_id"},
          {std::string(Model::kInService), "tn"}};
}

json BandwidthProvider::dumpItem(std::string_view collection, std::string_view id) const {
  const std::string key(id);
  if (collection == Model::kImports) {
    const auto found = model_.importOrders().find(key);
    return found == model_.importOrders().end() ? json() : dumpedImport(found->second);
  }
  if (collection == Model::kRemoves) {
    const auto found = model_.removeOrders().find(key);
    return found == model_.removeOrders().end() ? json() : dumpedRemove(found->second);
  }
  if (collection == Model::kInService) {
    const auto found = model_.inService().find(key);
    return found == model_.inService().end() ? json() : dumpedInService(found->second);
  }
  if (collection == Model::kAccounts) {
    for (const Account& account : model_.world().accounts) {
      if (account.username == id) {
        return accountJson(account);
      }
    }
  }
  return json();
}

}  // namespace hnemu::bandwidth
