// Twilio's part of the state dump, whole (dumpState) and item by item (dumpItem, for the change
// feed): the API's own shapes plus what the API does not show (history, account, sequence).
#include <nlohmann/json.hpp>

#include "core/time.h"
#include "providers/twilio/routes.h"
#include "providers/twilio/wire.h"

namespace hnemu::twilio {

using nlohmann::json;

namespace {

json dumpedAccount(const Account& account) {
  return {{"sid", account.sid},
          {"auth_token", account.auth_token},
          {"friendly_name", account.friendly_name},
          {"owner_account_sid",
           account.owner_account_sid ? json(*account.owner_account_sid) : json(nullptr)}};
}

json dumpedOrder(const Order& order) {
  json encoded = wire::encodeOrder(order, "");
  json history = json::array();
  for (const StatusChange& change : order.history) {
    history.push_back({{"time", formatIso8601Millis(change.time)},
                       {"status", orderStatusName(change.status)},
                       {"reason", change.reason}});
  }
  encoded["api"] = order.flavor == Flavor::V2 ? "v2" : "preview";
  encoded["history"] = std::move(history);
  encoded["sequence"] = order.sequence;
  return encoded;
}

json dumpedDocument(const AuthorizationDocument& doc) {
  json encoded = wire::encodeDocument(doc, "");
  encoded["hosted_number_order_sids"] = doc.order_sids;
  encoded["account_sid"] = doc.account_sid;
  return encoded;
}

json dumpedNumber(const IncomingNumber& number) {
  json encoded = wire::encodeNumber(number);
  encoded["released"] = number.released;
  encoded["retired"] = number.retired;
  return encoded;
}

json dumpedBulkEligibility(const BulkEligibility& check) {
  json encoded = wire::encodeBulkEligibility(check, "");
  json queries = json::array();
  for (const EligibilityQuery& query : check.queries) {
    queries.push_back(
        {{"phone_number", query.phone_number},
         {"hosting_account_sid",
          query.hosting_account_sid ? json(*query.hosting_account_sid) : json(nullptr)}});
  }
  encoded["account_sid"] = check.account_sid;
  encoded["phone_numbers"] = std::move(queries);
  encoded["sequence"] = check.sequence;
  return encoded;
}

// What the request holds, not its results: those are read from the orders when asked for.
json dumpedBulkRequest(const BulkHostingRequest& request) {
  json lines = json::array();
  for (const BulkOrderLine& line : request.lines) {
    lines.push_back(
        {{"phone_number", line.input.phone_number},
         {"hosting_order_sid", line.order_sid ? json(*line.order_sid) : json(nullptr)},
         {"failure_reason", line.failure_reason ? json(*line.failure_reason) : json(nullptr)}});
  }
  return json{
      {"bulk_hosting_sid", request.sid},
      {"account_sid", request.account_sid},
      {"friendly_name", request.friendly_name ? json(*request.friendly_name) : json(nullptr)},
      {"notification_email",
       request.notification_email ? json(*request.notification_email) : json(nullptr)},
      {"request_status", bulkRequestStatusName(request.status)},
      {"date_created", formatIso8601(request.date_created)},
      {"date_completed",
       request.date_completed ? json(formatIso8601(*request.date_completed)) : json(nullptr)},
      {"total_count", request.lines.size()},
      {"orders", std::move(lines)},
      {"sequence", request.sequence},
  };
}

json dumpedMessage(const Message& message) {
  json encoded = wire::encodeMessage(message);
  encoded["media_urls"] = message.media_urls;
  encoded["status_callback"] =
      message.status_callback ? json(*message.status_callback) : json(nullptr);
  encoded["sequence"] = message.sequence;
  return encoded;
}

template <class Item>
json dumpedFrom(const std::map<std::string, Item>& items, std::string_view sid,
                json (*dumped)(const Item&)) {
  const auto found = items.find(std::string(sid));
  return found == items.end() ? json() : dumped(found->second);
}

}  // namespace

void TwilioProvider::dumpState(json& out) const {
  json accounts = json::array();
  for (const Account& account : model_.world().accounts) {
    accounts.push_back(dumpedAccount(account));
  }
  json orders = json::array();
  for (const auto& [sid, order] : model_.orders()) {
    orders.push_back(dumpedOrder(order));
  }
  json documents = json::array();
  for (const auto& [sid, doc] : model_.documents()) {
    documents.push_back(dumpedDocument(doc));
  }
  json numbers = json::array();
  for (const auto& [sid, number] : model_.numbers()) {
    numbers.push_back(dumpedNumber(number));
  }
  json checks = json::array();
  for (const auto& [id, check] : model_.bulkEligibilities()) {
    checks.push_back(dumpedBulkEligibility(check));
  }
  json requests = json::array();
  for (const auto& [sid, request] : model_.bulkRequests()) {
    requests.push_back(dumpedBulkRequest(request));
  }
  json messages = json::array();
  for (const auto& [sid, message] : model_.messages()) {
    messages.push_back(dumpedMessage(message));
  }
  out[Model::kAccounts] = std::move(accounts);
  out[Model::kOrders] = std::move(orders);
  out[Model::kDocuments] = std::move(documents);
  out[Model::kNumbers] = std::move(numbers);
  out[Model::kBulkEligibilities] = std::move(checks);
  out[Model::kBulkRequests] = std::move(requests);
  out[Model::kMessages] = std::move(messages);
}

std::vector<StateCollection> TwilioProvider::collections() const {
  return {{std::string(Model::kAccounts), "sid"},
          {std::string(Model::kOrders), "sid"},
          {std::string(Model::kDocuments), "sid"},
          {std::string(Model::kNumbers), "sid"},
          {std::string(Model::kBulkEligibilities), "request_id"},
          {std::string(Model::kBulkRequests), "bulk_hosting_sid"},
          {std::string(Model::kMessages), "sid"}};
}

json TwilioProvider::dumpItem(std::string_view collection, std::string_view sid) const {
  if (collection == Model::kOrders) {
    return dumpedFrom(model_.orders(), sid, &dumpedOrder);
  }
  if (collection == Model::kDocuments) {
    return dumpedFrom(model_.documents(), sid, &dumpedDocument);
  }
  if (collection == Model::kNumbers) {
    return dumpedFrom(model_.numbers(), sid, &dumpedNumber);
  }
  if (collection == Model::kBulkEligibilities) {
    return dumpedFrom(model_.bulkEligibilities(), sid, &dumpedBulkEligibility);
  }
  if (collection == Model::kBulkRequests) {
    return dumpedFrom(model_.bulkRequests(), sid, &dumpedBulkRequest);
  }
  if (collection == Model::kMessages) {
    return dumpedFrom(model_.messages(), sid, &dumpedMessage);
  }
  if (collection == Model::kAccounts) {
    for (const Account& account : model_.world().accounts) {
      if (account.sid == sid) {
        return dumpedAccount(account);
      }
    }
  }
  return json();
}

}  // namespace hnemu::twilio
