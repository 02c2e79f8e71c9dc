// --state compaction: the Bandwidth model's whole state as JSON, and back.
#include "core/saved_json.h"
#include "providers/bandwidth/model.h"
#include "providers/bandwidth/routes.h"

namespace hnemu::bandwidth {

HNEMU_SAVED_FIELDS(Site, id, sip_peers)
HNEMU_SAVED_FIELDS(Account, account_id, username, password, import_enabled, sites)
HNEMU_SAVED_FIELDS(NumberProfile, tn, checker_code, import, import_error_code, state, lata,
                   rate_center, messaging_lost_after)
HNEMU_SAVED_FIELDS(Rules, processing_after, done_after)
HNEMU_SAVED_FIELDS(World, accounts, numbers, rules)
HNEMU_SAVED_FIELDS(TnError, code, description, tns)
HNEMU_SAVED_FIELDS(HistoryEntry, time, note, author, status)
HNEMU_SAVED_FIELDS(ServiceAddress, house_number, street_name, city, state_code, zip, county)
HNEMU_SAVED_FIELDS(LoaFile, id, content_type, data, document_name, document_type)
HNEMU_SAVED_FIELDS(ImportOrder, customer_order_id, site_id, sip_peer_id, subscriber_name, address,
                   loa_authorizing_person, loa_type, tns, id, account_id, created_by, status,
                   errors, created, modified, history, files, sequence)
HNEMU_SAVED_FIELDS(RemoveOrder, id, account_id, created_by, customer_order_id, tns, status, errors,
                   created, modified, history, sequence)
HNEMU_SAVED_FIELDS(Subscription, id, account_id, order_type, event_type, order_id, url,
                   expiry_seconds, created, username, password, public_key, number_format)
HNEMU_SAVED_FIELDS(InServiceNumber, tn, account_id, order_id, site_id, order_created, in_service_at)

// Every member of the model but its services (clock, ids, change scope, timers, listeners).
struct Snapshot {
  static constexpr std::array<const char*, 8> kNames = {"world",
                                                        "imports",
                                                        "import_ids_by_sequence",
                                                        "removes",
                                                        "remove_ids_by_sequence",
                                                        "subscriptions",
                                                        "in_service",
                                                        "sequence"};
  template <class M>
  static auto members(M& model) {
    return std::tie(model.world_, model.imports_, model.import_ids_by_sequence_, model.removes_,
                    model.remove_ids_by_sequence_, model.subscriptions_, model.in_service_,
                    model.sequence_);
  }
  static ProviderTimers& timers(Model& model) { return model.timers_; }
  static const ProviderTimers& timers(const Model& model) { return model.timers_; }
};

std::function<nlohmann::json()> BandwidthProvider::saveState() const {
  return savedLater(Snapshot::kNames, Snapshot::members(model_));
}

Status BandwidthProvider::restoreState(const nlohmann::json& saved) {
  restoreMembers(saved, Snapshot::kNames, Snapshot::members(model_));
  encoded_imports_.clear();  // the change feed's versions start again
  return Status();
}

std::optional<ProviderTimers::Armed> BandwidthProvider::pendingTimer(uint64_t clock_id) const {
  return Snapshot::timers(model_).armed(clock_id);
}

Status BandwidthProvider::rearmTimer(TimePoint due, ProviderTimers::Armed timer) {
  return Snapshot::timers(model_).rearm(due, std::move(timer));
}

}  // namespace hnemu::bandwidth
