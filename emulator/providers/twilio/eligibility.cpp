// Numbers v1 hosted-number eligibility: the answer createOrder's pre-check would give, in the
// Eligibility API's vocabulary. Twilio publishes two result rows (NUMBER_FORMAT_INELIGIBLE and
// ALREADY_IN_TWILIO); the other statuses are hnemu's names (README, "Eligibility").
#include "providers/twilio/errors.h"
#include "providers/twilio/model.h"

namespace hnemu::twilio {
namespace {

std::string_view numberTypeName(NumberKind kind) {
  switch (kind) {
    case NumberKind::Landline:
      return "LOCAL";
    case NumberKind::TollFree:
      return "TOLL_FREE";
    case NumberKind::Mobile:
      return "MOBILE";
    case NumberKind::Voip:
      return "VOIP";
  }
  return "LOCAL";
}

void ineligible(EligibilityResult& result, std::string sub_status, std::string reason,
                std::string next_step) {
  result.eligible = false;
  result.sub_status = std::move(sub_status);
  result.ineligibility_reason = std::move(reason);
  result.next_step = std::move(next_step);
}

}  // namespace

EligibilityResult Model::eligibilityOf(const Account& caller, const EligibilityQuery& query) const {
  EligibilityResult result;
  result.phone_number = query.phone_number;
  result.checked_at = clock_.now();
  if (!isE164(query.phone_number)) {
    ineligible(result, "NUMBER_FORMAT_INELIGIBLE", "NUMBER_FORMAT_INELIGIBLE",
               "EDIT_INELIGIBLE_NUMBER");
    return result;
  }
  result.account_sid = query.hosting_account_sid;
  if (query.phone_number.size() != 12 || query.phone_number.substr(0, 2) != "+1") {
    ineligible(result, "COUNTRY_INELIGIBLE", "COUNTRY_NOT_SUPPORTED", "REMOVE_INELIGIBLE_NUMBER");
    return result;
  }
  // hnemu does not tell Canadian area codes from US ones: every +1 number reads as US.
  result.iso_country_code = "US";
  const NumberProfile profile = profileFor(query.phone_number);
  const NumberKind kind = profile.kind.value_or(defaultKind(query.phone_number));
  result.phone_number_type = std::string(numberTypeName(kind));
  if (kind == NumberKind::Mobile || kind == NumberKind::Voip) {
    ineligible(
        result, "NUMBER_TYPE_INELIGIBLE",
        kind == NumberKind::Mobile ? "MOBILE_NUMBER_NOT_SUPPORTED" : "VOIP_NUMBER_NOT_SUPPORTED",
        "REMOVE_INELIGIBLE_NUMBER");
    return result;
  }
  switch (profile.hostability) {
    case Hostability::AlreadyHosted:
      ineligible(result, "ALREADY_HOSTED", "HOSTED_WITH_ANOTHER_PROVIDER",
                 "CONTACT_CURRENT_MESSAGING_PROVIDER");
      return result;
    case Hostability::TwilioOwned:
      ineligible(result, "ALREADY_IN_TWILIO", "ALREADY_IN_TWILIO_BUT_NOT_IN_USE",
                 "CONTACT_SUPPORT_INELIGIBLE_INVENTORY_STATUS");
      result.inventory_status = "in-use";
      return result;
    case Hostability::CarrierCannotEnable:
      ineligible(result, "CARRIER_INELIGIBLE", "CARRIER_CANNOT_ENABLE_MESSAGING",
                 "REMOVE_INELIGIBLE_NUMBER");
      return result;
    case Hostability::Hostable:
      break;
  }
  if (const Order* order = activeOrderFor(query.phone_number)) {
    const bool completed = order->status == OrderStatus::Completed;
    // Another tenant's order is not shown, only that the number is taken.
    const bool visible = accountActedFor(caller, order->account_sid) != nullptr;
    ineligible(result, "ALREADY_IN_TWILIO",
               !visible    ? "ALREADY_IN_TWILIO_IN_ANOTHER_ACCOUNT"
               : completed ? "ALREADY_IN_TWILIO_IN_USE"
                           : "HOSTING_ORDER_IN_PROGRESS",
               "CONTACT_SUPPORT_INELIGIBLE_INVENTORY_STATUS");
    result.inventory_status = completed ? "in-use" : "hosting-in-progress";
    if (visible) {
      result.hosting_order_sid = order->sid;
      result.hosting_order_status = std::string(orderStatusName(order->status));
      result.inventory_account_sid = order->account_sid;
    }
    return result;
  }
  result.eligible = true;
  result.sub_status = "ELIGIBLE";
  result.next_step = "CREATE_HOSTED_NUMBER_ORDER";
  return result;
}

Result<std::vector<const Account*>> Model::hostingAccounts(
    const Account& caller, const std::vector<EligibilityQuery>& queries) const {
  std::vector<const Account*> out;
  for (const EligibilityQuery& query : queries) {
    HNEMU_ASSIGN_OR_RETURN(
        const Account* hosting,
        accountFromParameter(caller, query.hosting_account_sid, "hosting_account_sid"));
    out.push_back(hosting);
  }
  return out;
}

Result<std::vector<EligibilityResult>> Model::checkEligibility(
    const Account& caller, const std::vector<EligibilityQuery>& queries) const {
  HNEMU_ASSIGN_OR_RETURN(const std::vector<const Account*> accounts,
                         hostingAccounts(caller, queries));
  std::vector<EligibilityResult> results;
  for (size_t i = 0; i < queries.size(); ++i) {
    EligibilityQuery query = queries[i];
    query.hosting_account_sid = accounts[i]->sid;
    results.push_back(eligibilityOf(caller, query));
  }
  return results;
}

Result<BulkEligibility> Model::createBulkEligibility(const Account& caller,
                                                     std::optional<std::string> friendly_name,
                                                     std::vector<EligibilityQuery> queries) {
  HNEMU_ASSIGN_OR_RETURN(const std::vector<const Account*> accounts,
                         hostingAccounts(caller, queries));
  for (size_t i = 0; i < queries.size(); ++i) {
    queries[i].hosting_account_sid = accounts[i]->sid;
  }
  BulkEligibility check;
  check.request_id = ids_.sid("EC");
  check.account_sid = caller.sid;
  check.friendly_name = std::move(friendly_name);
  check.queries = std::move(queries);
  check.date_created = clock_.now();
  check.sequence = ++sequence_;
  const std::string id = check.request_id;
  changes_.touch(kBulkEligibilities, id);
  bulk_eligibilities_.emplace(id, std::move(check));
  timers_.schedule(world_.rules.bulk_eligibility_check, "bulk eligibility check " + id,
                   "bulk eligibility", {id});
  return bulk_eligibilities_.at(id);
}

void Model::finishBulkEligibility(const std::string& id) {
  BulkEligibility& pending = bulk_eligibilities_.at(id);
  Account owner;
  owner.sid = pending.account_sid;
  for (const EligibilityQuery& query : pending.queries) {
    pending.results.push_back(eligibilityOf(owner, query));
  }
  pending.status = BulkEligibilityStatus::Successful;
  pending.date_completed = clock_.now();
  changes_.touch(kBulkEligibilities, id);
}

Result<BulkEligibility> Model::fetchBulkEligibility(const Account& caller,
                                                    std::string_view id) const {
  const auto it = bulk_eligibilities_.find(std::string(id));
  if (it == bulk_eligibilities_.end() || it->second.account_sid != caller.sid) {
    return makeError(ErrorCode::NotFound, "bulk eligibility check not found");
  }
  return it->second;
}

}  // namespace hnemu::twilio
