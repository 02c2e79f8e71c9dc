#include "core/records.h"

namespace hnemu {

using nlohmann::json;

json journalEntryJson(const JournalEntry& entry) {
  return json{{"sequence", entry.sequence},
              {"time", formatIso8601Millis(entry.time)},
              {"method", entry.method},
              {"path", entry.path},
              {"query", entry.query},
              {"status", entry.status},
              {"provider", entry.provider},
              {"account", entry.account},
              {"route", entry.route},
              {"fault_id", entry.fault_id},
              {"request_body", entry.request_body},
              {"response_body", entry.response_body},
              {"duration_ms", entry.duration_ms}};
}

json deliveryJson(const Delivery& delivery) {
  json attempts = json::array();
  for (const DeliveryAttempt& attempt : delivery.attempts) {
    json headers = json::object();
    for (const auto& [name, value] : attempt.request_headers) {
      headers[name] = value;
    }
    attempts.push_back({{"number", attempt.number},
                        {"url", attempt.url},
                        {"time", formatIso8601Millis(attempt.time)},
                        {"request_headers", std::move(headers)},
                        {"body", attempt.body},
                        {"tampered", attempt.tampered},
                        {"connected", attempt.connected},
                        {"status", attempt.status},
                        {"response_body", attempt.response_body},
                        {"error", attempt.error}});
  }
  json out{{"id", delivery.id},
           {"created", formatIso8601Millis(delivery.created)},
           {"provider", delivery.provider},
           {"account", delivery.account},
           {"event", delivery.event},
           {"resource_id", delivery.resource_id},
           {"status", delivery.status},
           {"tag", delivery.tag},
           {"method", delivery.method},
           {"url", delivery.url},
           {"failover_url", delivery.failover_url},
           {"content_type", delivery.content_type},
           {"body", delivery.body},
           {"tampered", delivery.tampered},
           {"repeats", delivery.repeats},
           {"delayed_ms", delivery.delayed.count()},
           {"state", deliveryStateName(delivery.state)},
           {"attempts", std::move(attempts)}};
  if (!delivery.dropped.empty()) {
    out["dropped"] = delivery.dropped;
  }
  return out;
}

namespace {

// Reads fields of one record, remembering the first problem.
class FieldReader {
 public:
  FieldReader(const json& object, std::string what) : object_(object), what_(std::move(what)) {}

  template <class T>
  void read(const char* key, T& into) {
    if (!object_.is_object() || !object_.contains(key)) {
      fail(std::string("has no '") + key + "'");
      return;
    }
    try {
      into = object_.at(key).get<T>();
    } catch (const json::exception&) {
      fail(std::string("has a '") + key + "' of the wrong type");
    }
  }
  void readTime(const char* key, TimePoint& into) {
    std::string text;
    read(key, text);
    if (error_) {
      return;
    }
    auto parsed = parseIso8601(text);
    if (!parsed.ok()) {
      fail(std::string("has a '") + key + "' that is not a time");
      return;
    }
    into = parsed.value();
  }
  const std::optional<Error>& error() const { return error_; }

 private:
  void fail(const std::string& why) {
    if (!error_) {
      error_ = Error{ErrorCode::InvalidArgument, what_ + " " + why, ""};
    }
  }
  const json& object_;
  std::string what_;
  std::optional<Error> error_;
};

}  // namespace

Result<Delivery> deliveryFromJson(const json& object) {
  Delivery delivery;
  FieldReader reader(object, "a webhook delivery");
  reader.read("id", delivery.id);
  reader.readTime("created", delivery.created);
  reader.read("provider", delivery.provider);
  reader.read("account", delivery.account);
  reader.read("event", delivery.event);
  reader.read("resource_id", delivery.resource_id);
  reader.read("status", delivery.status);
  reader.read("method", delivery.method);
  reader.read("url", delivery.url);
  reader.read("failover_url", delivery.failover_url);
  reader.read("content_type", delivery.content_type);
  reader.read("body", delivery.body);
  reader.read("tampered", delivery.tampered);
  std::string state;
  reader.read("state", state);
  bool known_state = false;
  for (DeliveryState each : {DeliveryState::Pending, DeliveryState::Retrying,
                             DeliveryState::Delivered, DeliveryState::Failed}) {
    if (deliveryStateName(each) == state) {
      delivery.state = each;
      known_state = true;
    }
  }
  json attempts;
  reader.read("attempts", attempts);
  if (reader.error()) {
    return *reader.error();
  }
  if (!known_state) {
    return makeError(ErrorCode::InvalidArgument, "a webhook delivery has an unknown state");
  }
  if (object.contains("tag") && object["tag"].is_string()) {
    delivery.tag = object["tag"].get<std::string>();
  }
  // Absent from logs saved before repeated and delayed deliveries existed.
  if (object.contains("repeats") && object["repeats"].is_number_unsigned()) {
    delivery.repeats = object["repeats"].get<uint64_t>();
  }
  if (object.contains("delayed_ms") && object["delayed_ms"].is_number_integer()) {
    delivery.delayed = Millis(object["delayed_ms"].get<int64_t>());
  }
  if (object.contains("dropped") && object["dropped"].is_string()) {
    delivery.dropped = object["dropped"].get<std::string>();
  }
  if (!attempts.is_array()) {
    return makeError(ErrorCode::InvalidArgument, "a webhook delivery's attempts are not a list");
  }
  for (const json& each : attempts) {
    DeliveryAttempt attempt;
    FieldReader fields(each, "a webhook attempt");
    fields.read("number", attempt.number);
    fields.read("url", attempt.url);
    fields.readTime("time", attempt.time);
    json headers;
    fields.read("request_headers", headers);
    fields.read("body", attempt.body);
    fields.read("tampered", attempt.tampered);
    fields.read("connected", attempt.connected);
    fields.read("status", attempt.status);
    fields.read("response_body", attempt.response_body);
    fields.read("error", attempt.error);
    if (fields.error()) {
      return *fields.error();
    }
    if (!headers.is_object()) {
      return makeError(ErrorCode::InvalidArgument, "a webhook attempt's headers are not an object");
    }
    for (const auto& [name, value] : headers.items()) {
      if (!value.is_string()) {
        return makeError(ErrorCode::InvalidArgument, "a webhook attempt header is not a string");
      }
      attempt.request_headers.emplace(name, value.get<std::string>());
    }
    delivery.attempts.push_back(std::move(attempt));
  }
  return delivery;
}

}  // namespace hnemu
