// --state compaction: the Telnyx model's whole state as JSON, and back.
#include "core/saved_json.h"
#include "providers/telnyx/model.h"
#include "providers/telnyx/routes.h"

namespace hnemu::telnyx {

HNEMU_SAVED_FIELDS(Account, api_key, user_id, name, billing)
HNEMU_SAVED_FIELDS(NumberPoolSettings, long_code_weight, toll_free_weight, skip_unhealthy, geomatch,
                   sticky_sender)
HNEMU_SAVED_FIELDS(UrlShortenerSettings, domain, prefix, replace_blacklist_only, send_webhooks)
HNEMU_SAVED_FIELDS(MessagingProfile, id, user_id, name, enabled, webhook_url, webhook_failover_url,
                   webhook_api_version, whitelisted_destinations, number_pool_settings,
                   url_shortener_settings, alpha_sender, daily_spend_limit,
                   daily_spend_limit_enabled, mms_fall_back_to_sms, mms_transcoding, mobile_only,
                   smart_encoding, redaction_enabled, redaction_level, v1_secret, created_at,
                   updated_at)
HNEMU_SAVED_FIELDS(NumberProfile, phone_number, kind, us_number, on_telnyx,
                   hosted_by_another_customer, valid_routing, lookup_fails, code_delivered, review,
                   review_rejections, carrier, carrier_after)
HNEMU_SAVED_FIELDS(Rules, review_business_days, max_code_attempts, code_delivery,
                   activation_timeout, code_digits, rate_limit)
HNEMU_SAVED_FIELDS(World, accounts, profiles, numbers, rules)
template <class Status>
void to_json(nlohmann::json& out, const StatusChange<Status>& change) {
  out = nlohmann::json::array({change.time, change.status});
}
template <class Status>
void from_json(const nlohmann::json& in, StatusChange<Status>& change) {
  in.at(0).get_to(change.time);
  in.at(1).get_to(change.status);
}
HNEMU_SAVED_FIELDS(HostedNumber, id, order_id, user_id, phone_number, status, messaging_profile_id,
                   messaging_product, tags, code, code_id, wrong_codes, created_at, updated_at,
                   history)
HNEMU_SAVED_FIELDS(InternalTransfer, losing_user_id, approval_token, approval_deadline, decision)
HNEMU_SAVED_FIELDS(Order, id, user_id, internal_transfer, messaging_profile_id, status, number_ids,
                   has_loa, has_bill, reviews, created_at, updated_at, sequence, history)
HNEMU_SAVED_FIELDS(InboxMessage, to, body, code, method, order_id, verification_code_id, sent_at,
                   delivered_at)
HNEMU_SAVED_FIELDS(Message, from, to, text, media_urls, messaging_profile_id, webhook_url,
                   webhook_failover_url, id, user_id, messaging_profile_id_used, from_kind, ucs2,
                   parts, received_at)

// Every member of the model but its services (clock, ids, change scope, timers, listener).
struct Snapshot {
  static constexpr std::array<const char*, 11> kNames = {"world",
                                                         "orders",
                                                         "order_ids_by_user",
                                                         "numbers",
                                                         "number_ids_by_phone",
                                                         "listed_numbers_by_user",
                                                         "inbox",
                                                         "profiles",
                                                         "messages",
                                                         "sent_by_number",
                                                         "sequence"};
  template <class M>
  static auto members(M& model) {
    return std::tie(model.world_, model.orders_, model.order_ids_by_user_, model.numbers_,
                    model.number_ids_by_phone_, model.listed_numbers_by_user_, model.inbox_,
                    model.profiles_, model.messages_, model.sent_by_number_, model.sequence_);
  }
  static ProviderTimers& timers(Model& model) { return model.timers_; }
  static const ProviderTimers& timers(const Model& model) { return model.timers_; }
};

std::function<nlohmann::json()> TelnyxProvider::saveState() const {
  std::optional<std::string> signing_seed;
  {
    std::lock_guard lock(key_mutex_);
    signing_seed = fixed_seed_;
  }
  return [model = savedLater(Snapshot::kNames, Snapshot::members(model_)), signing_seed] {
    return nlohmann::json{{"model", model()}, {"signing_seed", signing_seed}};
  };
}

Status TelnyxProvider::restoreState(const nlohmann::json& saved) {
  restoreMembers(saved.at("model"), Snapshot::kNames, Snapshot::members(model_));
  setSigningSeed(saved.at("signing_seed").get<std::optional<std::string>>());
  encoded_orders_.clear();  // the change feed's versions start again
  return Status();
}

std::optional<ProviderTimers::Armed> TelnyxProvider::pendingTimer(uint64_t clock_id) const {
  return Snapshot::timers(model_).armed(clock_id);
}

Status TelnyxProvider::rearmTimer(TimePoint due, ProviderTimers::Armed timer) {
  return Snapshot::timers(model_).rearm(due, std::move(timer));
}

}  // namespace hnemu::telnyx
