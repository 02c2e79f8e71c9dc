#include "control/records.h"

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
  return json{{"id", delivery.id},
              {"created", formatIso8601Millis(delivery.created)},
              {"provider", delivery.provider},
              {"account", delivery.account},
              {"event", delivery.event},
              {"resource_id", delivery.resource_id},
              {"status", delivery.status},
              {"method", delivery.method},
              {"url", delivery.url},
              {"failover_url", delivery.failover_url},
              {"content_type", delivery.content_type},
              {"body", delivery.body},
              {"tampered", delivery.tampered},
              {"state", deliveryStateName(delivery.state)},
              {"attempts", std::move(attempts)}};
}

}  // namespace hnemu
