// --state compaction: the Twilio model's whole state as JSON, and back.
#include "core/saved_json.h"
#include "providers/twilio/model.h"
#include "providers/twilio/routes.h"

namespace hnemu::twilio {

HNEMU_SAVED_FIELDS(NumberProfile, phone_number, kind, hostability, callee, loa_signer, loa_after,
                   carrier, carrier_after)
HNEMU_SAVED_FIELDS(Rules, max_verification_attempts, action_required_timeout, eligibility_check,
                   call_ring, call_timeout, testing, release_retirement, bulk_eligibility_check,
                   bulk_hosting_queued, bulk_hosting_processing, verification_code_digits)
HNEMU_SAVED_FIELDS(Account, sid, auth_token, friendly_name, api_keys, owner_account_sid)
HNEMU_SAVED_FIELDS(World, accounts, numbers, rules)
HNEMU_SAVED_FIELDS(Capabilities, sms, voice, mms, fax)
HNEMU_SAVED_FIELDS(StatusChange, time, status, reason)
HNEMU_SAVED_FIELDS(Order, sid, account_sid, flavor, phone_number, friendly_name, unique_name, email,
                   cc_emails, address_sid, contact_title, contact_phone_number, capabilities,
                   status, failure_reason, next_step, signing_document_sid,
                   incoming_phone_number_sid, verification_attempts, verification_call_sids,
                   verification_call_delay, verification_call_extension, verification_code,
                   verification_type, verification_document_sid, status_callback_url,
                   status_callback_method, date_created, date_updated, history, active_call_sid,
                   bulk_hosting_request_sid, sequence, version)
HNEMU_SAVED_FIELDS(AuthorizationDocument, sid, account_sid, flavor, address_sid, email, cc_emails,
                   contact_title, contact_phone_number, status, order_sids, date_created,
                   date_updated, sequence, sendings)
HNEMU_SAVED_FIELDS(IncomingNumber, sid, account_sid, phone_number, friendly_name, sms_url,
                   sms_method, sms_fallback_url, sms_fallback_method, status_callback,
                   status_callback_method, sms_application_sid, address_sid, voice_url,
                   capabilities, status, date_created, date_updated, released, retired, released_at,
                   sequence)
HNEMU_SAVED_FIELDS(VerificationCall, sid, account_sid, order_sid, phone_number, extension, attempt,
                   expected_code, digits_entered, callee, outcome, placed, dial_at, ended)
HNEMU_SAVED_FIELDS(CreateOrderInput, flavor, camel_case, account_sid, phone_number, friendly_name,
                   unique_name, email, cc_emails, address_sid, contact_title, contact_phone_number,
                   sms_capability, sms_url, sms_method, sms_fallback_url, sms_fallback_method,
                   sms_application_sid, status_callback_url, status_callback_method,
                   verification_type, verification_document_sid)
HNEMU_SAVED_FIELDS(EligibilityQuery, phone_number, hosting_account_sid)
HNEMU_SAVED_FIELDS(EligibilityResult, phone_number, account_sid, eligible, sub_status,
                   ineligibility_reason, next_step, phone_number_type, iso_country_code,
                   hosting_order_sid, hosting_order_status, inventory_status, inventory_account_sid,
                   checked_at)
HNEMU_SAVED_FIELDS(BulkEligibility, request_id, account_sid, friendly_name, status, queries,
                   results, date_created, date_completed, sequence)
HNEMU_SAVED_FIELDS(BulkOrderLine, input, order_sid, failure_reason)
HNEMU_SAVED_FIELDS(BulkHostingRequest, sid, account_sid, friendly_name, notification_email, status,
                   lines, date_created, date_completed, sequence)
HNEMU_SAVED_FIELDS(Message, sid, account_sid, from, to, body, media_urls, status_callback, status,
                   num_segments, date_created, date_updated, sequence)

// Every member of the model but its services (clock, ids, change scope, timers, listener).
struct Snapshot {
  static constexpr std::array<const char*, 16> kNames = {"world",
                                                         "orders",
                                                         "order_sids_by_sequence",
                                                         "order_sids_by_number",
                                                         "documents",
                                                         "document_sids_by_sequence",
                                                         "numbers",
                                                         "number_sids_by_sequence",
                                                         "number_sids_by_number",
                                                         "calls",
                                                         "call_positions",
                                                         "bulk_eligibilities",
                                                         "bulk_requests",
                                                         "messages",
                                                         "sequence",
                                                         "order_versions"};
  template <class M>
  static auto members(M& model) {
    return std::tie(model.world_, model.orders_, model.order_sids_by_sequence_,
                    model.order_sids_by_number_, model.documents_, model.document_sids_by_sequence_,
                    model.numbers_, model.number_sids_by_sequence_, model.number_sids_by_number_,
                    model.calls_, model.call_positions_, model.bulk_eligibilities_,
                    model.bulk_requests_, model.messages_, model.sequence_, model.order_versions_);
  }
  static const std::map<std::string, size_t>& calls(const Model& model) {
    return model.call_positions_;
  }
  static const std::vector<VerificationCall>& callList(const Model& model) { return model.calls_; }
  static ProviderTimers& timers(Model& model) { return model.timers_; }
  static const ProviderTimers& timers(const Model& model) { return model.timers_; }
};

std::function<nlohmann::json()> TwilioProvider::saveState() const {
  return savedLater(Snapshot::kNames, Snapshot::members(model_));
}

Status TwilioProvider::restoreState(const nlohmann::json& saved) {
  restoreMembers(saved, Snapshot::kNames, Snapshot::members(model_));
  encoded_orders_.clear();
  // Calls are found by their place in a vector: a place that is not theirs would read past it.
  for (const auto& [sid, position] : Snapshot::calls(model_)) {
    if (position >= Snapshot::callList(model_).size() ||
        Snapshot::callList(model_)[position].sid != sid) {
      return makeError(ErrorCode::InvalidArgument,
                       "call " + sid + " is not where it is said to be");
    }
  }
  return Status();
}

std::optional<ProviderTimers::Armed> TwilioProvider::pendingTimer(uint64_t clock_id) const {
  return Snapshot::timers(model_).armed(clock_id);
}

Status TwilioProvider::rearmTimer(TimePoint due, ProviderTimers::Armed timer) {
  return Snapshot::timers(model_).rearm(due, std::move(timer));
}

}  // namespace hnemu::twilio
