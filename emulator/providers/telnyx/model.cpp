#include "providers/telnyx/model.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <set>

#include "core/enum_names.h"
#include "core/phone.h"
#include "providers/telnyx/errors.h"

namespace hnemu::telnyx {
namespace {

constexpr EnumNames<OrderStatus, 12> kOrderStatuses = {{
    {OrderStatus::Pending, "pending"},
    {OrderStatus::LoaFileSuccessful, "loa_file_successful"},
    {OrderStatus::Provisioning, "provisioning"},
    {OrderStatus::Successful, "successful"},
    {OrderStatus::Failed, "failed"},
    {OrderStatus::Deleted, "deleted"},
    {OrderStatus::CarrierRejected, "carrier_rejected"},
    {OrderStatus::IneligibleCarrier, "ineligible_carrier"},
    {OrderStatus::LoaFileInvalid, "loa_file_invalid"},
    {OrderStatus::IncompleteDocumentation, "incomplete_documentation"},
    {OrderStatus::IncorrectBillingInformation, "incorrect_billing_information"},
    {OrderStatus::ComplianceReviewFailed, "compliance_review_failed"},
}};
constexpr EnumNames<NumberStatus, 13> kNumberStatuses = {{
    {NumberStatus::Pending, "pending"},
    {NumberStatus::OwnershipSuccessful, "ownership_successful"},
    {NumberStatus::Provisioning, "provisioning"},
    {NumberStatus::Successful, "successful"},
    {NumberStatus::Deleted, "deleted"},
    {NumberStatus::Failed, "failed"},
    {NumberStatus::FailedActivation, "failed_activation"},
    {NumberStatus::FailedCarrierRejected, "failed_carrier_rejected"},
    {NumberStatus::FailedIneligibleCarrier, "failed_ineligible_carrier"},
    {NumberStatus::FailedNumberAlreadyHosted, "failed_number_already_hosted"},
    {NumberStatus::FailedNumberNotFound, "failed_number_not_found"},
    {NumberStatus::FailedOwnershipVerification, "failed_ownership_verification"},
    {NumberStatus::FailedTimeout, "failed_timeout"},
}};
constexpr EnumNames<Eligibility, 12> kEligibility = {{
    {Eligibility::Eligible, "ELIGIBLE"},
    {Eligibility::NotRepeated, "NUMBER_CAN_NOT_BE_REPEATED"},
    {Eligibility::NotValidated, "NUMBER_CAN_NOT_BE_VALIDATED"},
    {Eligibility::Wireless, "NUMBER_CAN_NOT_BE_WIRELESS"},
    {Eligibility::ActiveInYourAccount, "NUMBER_CAN_NOT_BE_ACTIVE_IN_YOUR_ACCOUNT"},
    {Eligibility::HostedWithTelnyxSubscriber, "NUMBER_CAN_NOT_HOSTED_WITH_A_TELNYX_SUBSCRIBER"},
    {Eligibility::InTelnyx, "NUMBER_CAN_NOT_BE_IN_TELNYX"},
    {Eligibility::NotUsNumber, "NUMBER_IS_NOT_A_US_NUMBER"},
    {Eligibility::InvalidRoutingNumber, "NUMBER_IS_NOT_A_VALID_ROUTING_NUMBER"},
    {Eligibility::NotE164, "NUMBER_IS_NOT_IN_E164_FORMAT"},
    {Eligibility::BillingCheckFailed, "BILLING_ACCOUNT_CHECK_FAILED"},
    {Eligibility::BillingAbolished, "BILLING_ACCOUNT_IS_ABOLISHED"},
}};
// Explanations from Telnyx's hosted SMS guide.
constexpr EnumNames<Eligibility, 12> kEligibilityDetails = {{
    {Eligibility::Eligible, "Phone number is eligible for hosted messaging"},
    {Eligibility::NotRepeated, "Number is repeated in the request"},
    {Eligibility::NotValidated, "Number could not be validated"},
    {Eligibility::Wireless, "Wireless numbers are not supported"},
    {Eligibility::ActiveInYourAccount, "Number is already active in your account"},
    {Eligibility::HostedWithTelnyxSubscriber, "Number is already hosted by another Telnyx user"},
    {Eligibility::InTelnyx, "Number is already on the Telnyx platform"},
    {Eligibility::NotUsNumber, "Phone number is not a valid US number"},
    {Eligibility::InvalidRoutingNumber, "Number is not a valid routing number"},
    {Eligibility::NotE164, "Number is not in E164 format"},
    {Eligibility::BillingCheckFailed, "Billing account check failed"},
    {Eligibility::BillingAbolished, "Billing account is abolished"},
}};
constexpr EnumNames<TransferDecision, 3> kTransferDecisions = {{
    {TransferDecision::Pending, "pending"},
    {TransferDecision::Approved, "approved"},
    {TransferDecision::Rejected, "rejected"},
}};
constexpr int kMostParts = 10;
// How long the losing owner has to answer an internal transfer (Telnyx's guide: 72 hours).
constexpr std::chrono::hours kTransferApprovalWindow{72};

constexpr EnumNames<Billing, 3> kBilling = {{{Billing::Ok, "ok"},
                                             {Billing::CheckFailed, "check-failed"},
                                             {Billing::Abolished, "abolished"}}};
constexpr EnumNames<LineKind, 4> kLineKinds = {{{LineKind::Landline, "landline"},
                                                {LineKind::TollFree, "toll-free"},
                                                {LineKind::Wireless, "wireless"},
                                                {LineKind::Voip, "voip"}}};
constexpr EnumNames<ReviewOutcome, 5> kReviewOutcomes = {{
    {ReviewOutcome::Accept, "accept"},
    {ReviewOutcome::LoaFileInvalid, "loa_file_invalid"},
    {ReviewOutcome::IncompleteDocumentation, "incomplete_documentation"},
    {ReviewOutcome::IncorrectBillingInformation, "incorrect_billing_information"},
    {ReviewOutcome::ComplianceReviewFailed, "compliance_review_failed"},
}};
constexpr EnumNames<CarrierDecision, 7> kCarrierDecisions = {{
    {CarrierDecision::Accept, "accept"},
    {CarrierDecision::Reject, "reject"},
    {CarrierDecision::Ineligible, "ineligible"},
    {CarrierDecision::NotFound, "not-found"},
    {CarrierDecision::AlreadyHosted, "already-hosted"},
    {CarrierDecision::ActivationFails, "activation-fails"},
    {CarrierDecision::Never, "never"},
}};

bool isOpenForDocuments(OrderStatus status) {
  return status == OrderStatus::Pending || status == OrderStatus::LoaFileInvalid ||
         status == OrderStatus::IncompleteDocumentation ||
         status == OrderStatus::IncorrectBillingInformation;
}

bool isFinal(OrderStatus status) {
  return status == OrderStatus::Successful || status == OrderStatus::Failed ||
         status == OrderStatus::Deleted || status == OrderStatus::CarrierRejected ||
         status == OrderStatus::IneligibleCarrier || status == OrderStatus::ComplianceReviewFailed;
}

LineKind defaultKind(std::string_view e164) {
  return isNanpTollFree(e164) ? LineKind::TollFree : LineKind::Landline;
}

// +E.164 as Telnyx checks it: a +1 number must be 10 digits of a valid NANP number.
bool isTelnyxE164(std::string_view number) {
  const NanpArea area = nanpArea(number);
  return isE164(number) && area != NanpArea::Malformed && area != NanpArea::Invalid;
}

// GSM-7 for ASCII text (the extension characters take two septets), UCS-2 for anything else:
// how many septets or UTF-16 units the text takes.
std::pair<bool, size_t> encodedLength(const std::string& text) {
  size_t septets = 0;
  size_t units = 0;
  bool gsm = true;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80) {
      units += c >= 0xF0 ? 2 : 1;  // a character past the BMP takes two units
    }
    if (c >= 0x80 || c == '`' || (c < 0x20 && c != '\n' && c != '\r')) {
      gsm = false;
    }
    septets +=
        std::string_view("^{}\\[~]|").find(static_cast<char>(c)) == std::string_view::npos ? 1 : 2;
  }
  return {!gsm, gsm ? septets : units};
}

}  // namespace

std::string_view orderStatusName(OrderStatus status) { return enumName(kOrderStatuses, status); }
std::string_view numberStatusName(NumberStatus status) { return enumName(kNumberStatuses, status); }
bool isFailed(NumberStatus status) {
  return status != NumberStatus::Pending && status != NumberStatus::OwnershipSuccessful &&
         status != NumberStatus::Provisioning && status != NumberStatus::Successful;
}

StateMachine orderLifecycle() {
  using S = OrderStatus;
  std::vector<std::pair<S, S>> moves = {{S::Pending, S::LoaFileSuccessful},
                                        {S::Pending, S::Failed},
                                        {S::LoaFileSuccessful, S::Provisioning},
                                        {S::LoaFileSuccessful, S::LoaFileInvalid},
                                        {S::LoaFileSuccessful, S::IncompleteDocumentation},
                                        {S::LoaFileSuccessful, S::IncorrectBillingInformation},
                                        {S::LoaFileSuccessful, S::ComplianceReviewFailed},
                                        {S::LoaFileInvalid, S::LoaFileSuccessful},
                                        {S::IncompleteDocumentation, S::LoaFileSuccessful},
                                        {S::IncorrectBillingInformation, S::LoaFileSuccessful},
                                        {S::Provisioning, S::Successful},
                                        {S::Provisioning, S::CarrierRejected},
                                        {S::Provisioning, S::IneligibleCarrier},
                                        {S::Provisioning, S::Failed}};
  for (const auto& [status, name] : kOrderStatuses) {
    if (status != S::Deleted) {
      moves.emplace_back(status, S::Deleted);
    }
  }
  return makeStateMachine("messaging_hosted_number_order", "messaging_hosted_number_orders",
                          kOrderStatuses, moves);
}

StateMachine numberLifecycle() {
  using S = NumberStatus;
  std::vector<std::pair<S, S>> moves = {
      {S::Pending, S::OwnershipSuccessful},       {S::Pending, S::FailedOwnershipVerification},
      {S::Pending, S::FailedNumberAlreadyHosted}, {S::Pending, S::Failed},
      {S::OwnershipSuccessful, S::Provisioning},  {S::OwnershipSuccessful, S::Failed}};
  for (S outcome : {S::Successful, S::FailedCarrierRejected, S::FailedIneligibleCarrier,
                    S::FailedNumberNotFound, S::FailedNumberAlreadyHosted, S::FailedActivation,
                    S::FailedTimeout}) {
    moves.emplace_back(S::Provisioning, outcome);
  }
  for (const auto& [status, name] : kNumberStatuses) {
    if (status != S::Deleted) {
      moves.emplace_back(status, S::Deleted);
    }
  }
  return makeStateMachine("messaging_hosted_number", "messaging_hosted_numbers", kNumberStatuses,
                          moves);
}
std::string_view eligibilityName(Eligibility value) { return enumName(kEligibility, value); }
std::string_view eligibilityDetail(Eligibility value) {
  return enumName(kEligibilityDetails, value);
}
std::optional<Billing> parseBilling(std::string_view text) { return enumFromName(kBilling, text); }
std::string_view billingName(Billing value) { return enumName(kBilling, value); }
std::optional<LineKind> parseLineKind(std::string_view text) {
  return enumFromName(kLineKinds, text);
}
std::string_view lineKindName(LineKind value) { return enumName(kLineKinds, value); }
std::optional<ReviewOutcome> parseReviewOutcome(std::string_view text) {
  return enumFromName(kReviewOutcomes, text);
}
std::string_view reviewOutcomeName(ReviewOutcome value) { return enumName(kReviewOutcomes, value); }
std::string_view transferDecisionName(TransferDecision decision) {
  return enumName(kTransferDecisions, decision);
}
std::optional<CarrierDecision> parseCarrierDecision(std::string_view text) {
  return enumFromName(kCarrierDecisions, text);
}
std::string_view carrierDecisionName(CarrierDecision value) {
  return enumName(kCarrierDecisions, value);
}

TimePoint addBusinessDays(TimePoint from, int days) {
  TimePoint t = from;
  while (days > 0) {
    t += std::chrono::hours(24);
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch());
    const std::time_t tt = static_cast<std::time_t>(seconds.count());
    std::tm tm{};
    gmtime_r(&tt, &tm);
    if (tm.tm_wday != 0 && tm.tm_wday != 6) {
      --days;
    }
  }
  return t;
}

Model::Model(Clock& clock, IdGenerator& ids, ChangeScope changes)
    : clock_(clock), ids_(ids), changes_(std::move(changes)), timers_(clock, "telnyx: ") {
  using Arguments = ProviderTimers::Arguments;
  // The message reaches the number's owner: its fields, the times as Unix milliseconds.
  timers_.define("deliver code", [this](const Arguments& fields) {
    InboxMessage message;
    message.to = fields.at(0);
    message.body = fields.at(1);
    message.code = fields.at(2);
    message.method = fields.at(3);
    message.order_id = fields.at(4);
    message.verification_code_id = fields.at(5);
    message.sent_at = TimePoint(Millis(std::stoll(fields.at(6))));
    message.delivered_at = TimePoint(Millis(std::stoll(fields.at(7))));
    inbox_.push_back(std::move(message));
  });
  // Arguments: the order, and the review (1, 2, ...) the timer is for.
  timers_.define("review", [this](const Arguments& arguments) {
    const auto it = orders_.find(arguments.at(0));
    if (it != orders_.end() && it->second.status == OrderStatus::LoaFileSuccessful &&
        std::to_string(it->second.reviews + 1) == arguments.at(1)) {
      review(it->first, std::nullopt);
    }
  });
  timers_.define("transfer auto-approval", [this](const Arguments& id) {
    Order& pending = orders_.at(id.at(0));
    if (pending.internal_transfer &&
        pending.internal_transfer->decision == TransferDecision::Pending &&
        pending.status != OrderStatus::Deleted) {
      transferDecided(pending, TransferDecision::Approved, "internal_transfer_auto_approved");
    }
  });
  timers_.define("carrier", [this](const Arguments& arguments) {
    carrierDecided(arguments.at(0), *parseCarrierDecision(arguments.at(1)));
  });
}

void Model::reset() {
  orders_.clear();
  order_ids_by_user_.clear();
  numbers_.clear();
  number_ids_by_phone_.clear();
  listed_numbers_by_user_.clear();
  inbox_.clear();
  messages_.clear();
  sent_by_number_.clear();
  profiles_ = world_.profiles;
  for (MessagingProfile& profile : profiles_) {
    profile.created_at = profile.updated_at = clock_.now();
  }
  sequence_ = 0;
  timers_.invalidate();
}

const Account* Model::authenticate(std::string_view api_key) const {
  for (const Account& account : world_.accounts) {
    if (!api_key.empty() && account.api_key == api_key) {
      return &account;
    }
  }
  return nullptr;
}

const MessagingProfile* Model::profile(std::string_view id) const {
  for (const MessagingProfile& candidate : profiles_) {
    if (candidate.id == id) {
      return &candidate;
    }
  }
  return nullptr;
}

void Model::addConfiguredProfile(MessagingProfile added) {
  added.created_at = added.updated_at = clock_.now();
  for (std::vector<MessagingProfile>* store : {&world_.profiles, &profiles_}) {
    store->erase(std::remove_if(store->begin(), store->end(),
                                [&](const MessagingProfile& p) { return p.id == added.id; }),
                 store->end());
    store->push_back(added);
  }
}

MessagingProfile Model::newProfile(const Account& account) const {
  MessagingProfile profile;
  profile.user_id = account.user_id;
  return profile;
}

Result<MessagingProfile> Model::createProfile(const Account& account, MessagingProfile created) {
  created.id = ids_.uuid();
  created.user_id = account.user_id;
  created.v1_secret = ids_.hex(24);
  created.created_at = created.updated_at = clock_.now();
  profiles_.push_back(created);
  changes_.touch(kProfiles, created.id);
  return created;
}

std::vector<MessagingProfile> Model::listProfiles(
    const Account& account, const std::optional<std::string>& name_equals,
    const std::optional<std::string>& name_contains) const {
  std::vector<MessagingProfile> out;
  for (const MessagingProfile& candidate : profiles_) {
    if (candidate.user_id == account.user_id && (!name_equals || candidate.name == *name_equals) &&
        (!name_contains || candidate.name.find(*name_contains) != std::string::npos)) {
      out.push_back(candidate);
    }
  }
  return out;
}

Result<MessagingProfile> Model::fetchProfile(const Account& account, std::string_view id) const {
  const MessagingProfile* found = profile(id);
  if (found == nullptr || found->user_id != account.user_id) {
    return errors::notFound();
  }
  return *found;
}

Result<MessagingProfile> Model::replaceProfile(const Account& account, MessagingProfile updated) {
  for (MessagingProfile& stored : profiles_) {
    if (stored.id == updated.id && stored.user_id == account.user_id) {
      updated.user_id = stored.user_id;
      updated.v1_secret = stored.v1_secret;
      updated.created_at = stored.created_at;
      updated.updated_at = clock_.now();
      stored = updated;
      changes_.touch(kProfiles, stored.id);
      return stored;
    }
  }
  return errors::notFound();
}

// Orders and numbers keep the id of a deleted profile; their webhooks stop.
Result<MessagingProfile> Model::deleteProfile(const Account& account, std::string_view id) {
  const auto it = std::find_if(profiles_.begin(), profiles_.end(), [&](const MessagingProfile& p) {
    return p.id == id && p.user_id == account.user_id;
  });
  if (it == profiles_.end()) {
    return errors::notFound();
  }
  MessagingProfile deleted = *it;
  profiles_.erase(it);
  changes_.touch(kProfiles, deleted.id);
  return deleted;
}

NumberProfile Model::profileFor(const std::string& phone_number) const {
  const auto it = world_.numbers.find(phone_number);
  if (it != world_.numbers.end()) {
    return it->second;
  }
  NumberProfile profile;
  profile.phone_number = phone_number;
  return profile;
}

Eligibility Model::eligibilityOf(const Account& account, const std::string& number) const {
  if (!isTelnyxE164(number)) {
    return Eligibility::NotE164;
  }
  // Only US numbers are hostable (Telnyx's hosted SMS guide): Canada and the NANP's other
  // countries are not, whatever their +1.
  const NumberProfile profile = profileFor(number);
  if (nanpArea(number) != NanpArea::UnitedStates || !profile.us_number) {
    return Eligibility::NotUsNumber;
  }
  if (account.billing == Billing::Abolished) {
    return Eligibility::BillingAbolished;
  }
  if (account.billing == Billing::CheckFailed) {
    return Eligibility::BillingCheckFailed;
  }
  if (profile.lookup_fails) {
    return Eligibility::NotValidated;
  }
  if (!profile.valid_routing) {
    return Eligibility::InvalidRoutingNumber;
  }
  if (profile.kind.value_or(defaultKind(number)) == LineKind::Wireless) {
    return Eligibility::Wireless;
  }
  if (profile.on_telnyx) {
    return Eligibility::InTelnyx;
  }
  const auto [first, last] = number_ids_by_phone_.equal_range(number);
  for (auto it = first; it != last; ++it) {
    const HostedNumber& hosted = numbers_.at(it->second);
    if (!isFailed(hosted.status)) {
      return hosted.user_id == account.user_id ? Eligibility::ActiveInYourAccount
                                               : Eligibility::HostedWithTelnyxSubscriber;
    }
  }
  if (profile.hosted_by_another_customer) {
    return Eligibility::HostedWithTelnyxSubscriber;
  }
  return Eligibility::Eligible;
}

std::vector<EligibilityResult> Model::checkEligibility(
    const Account& account, const std::vector<std::string>& numbers) const {
  std::vector<EligibilityResult> out;
  std::set<std::string> seen;
  for (const std::string& number : numbers) {
    const bool repeated = !seen.insert(number).second;
    out.push_back({number, repeated ? Eligibility::NotRepeated : eligibilityOf(account, number)});
  }
  return out;
}

void Model::announce(const Order& order, const std::string& event) {
  if (listener_) {
    listener_(order, numbersOf(order), event);
  }
}

void Model::setNumberStatus(HostedNumber& number, NumberStatus status) {
  if (status == NumberStatus::Deleted) {
    listed_numbers_by_user_[number.user_id].erase({number.phone_number, number.id});
  }
  number.status = status;
  number.updated_at = clock_.now();
  touched(number);
  number.history.push_back({number.updated_at, status});
  if (watch_ != nullptr) {
    watch_->changed(number.order_id);
  }
}

void Model::setOrderStatus(Order& order, OrderStatus status) {
  order.status = status;
  order.updated_at = clock_.now();
  touched(order);
  order.history.push_back({order.updated_at, status});
  if (watch_ != nullptr) {
    watch_->changed(order.id);
  }
}

Result<Order> Model::createOrder(const Account& account,
                                 std::optional<std::string> messaging_profile_id,
                                 const std::vector<std::string>& numbers) {
  if (messaging_profile_id) {
    const MessagingProfile* found = profile(*messaging_profile_id);
    if (found == nullptr || found->user_id != account.user_id) {
      return errors::associatedResourceMissing(
          "Messaging profile '" + *messaging_profile_id + "' does not exist.",
          "/messaging_profile_id");
    }
  }
  if (numbers.empty()) {
    return errors::badRequest("You must provide at least 1 phone number.", "/phone_numbers");
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < numbers.size(); ++i) {
    const std::string pointer = "/phone_numbers/" + std::to_string(i);
    if (!isTelnyxE164(numbers[i])) {
      return errors::notE164(numbers[i], pointer);
    }
    if (!seen.insert(numbers[i]).second) {
      return errors::badRequest("'" + numbers[i] + "' is listed more than once.", pointer);
    }
    const Eligibility eligibility = eligibilityOf(account, numbers[i]);
    // A number hosted by another customer becomes failed_number_already_hosted inside the order;
    // every other ineligibility refuses the order, as the eligibility check would have said.
    if (eligibility != Eligibility::Eligible &&
        eligibility != Eligibility::HostedWithTelnyxSubscriber) {
      return errors::badRequest(numbers[i] + " is not eligible for hosting: " +
                                    std::string(eligibilityName(eligibility)) + " (" +
                                    std::string(eligibilityDetail(eligibility)) + ").",
                                pointer);
    }
  }
  const TimePoint now = clock_.now();
  Order order;
  order.id = ids_.uuid();
  order.user_id = account.user_id;
  order.messaging_profile_id = messaging_profile_id;
  order.created_at = now;
  order.updated_at = now;
  touched(order);
  order.sequence = ++sequence_;
  order.history.push_back({now, OrderStatus::Pending});
  for (const std::string& phone_number : numbers) {
    HostedNumber number;
    number.id = ids_.uuid();
    number.order_id = order.id;
    number.user_id = account.user_id;
    number.phone_number = phone_number;
    number.messaging_profile_id = messaging_profile_id;
    number.created_at = now;
    number.updated_at = now;
    touched(number);
    number.history.push_back({now, NumberStatus::Pending});
    if (eligibilityOf(account, phone_number) == Eligibility::HostedWithTelnyxSubscriber) {
      // Active on another hnemu account: an internal transfer its owner must approve. Hosted by
      // a customer outside hnemu: the number fails at once.
      if (const HostedNumber* owned = activeElsewhere(account, phone_number)) {
        if (!order.internal_transfer) {
          order.internal_transfer =
              InternalTransfer{owned->user_id, ids_.hex(32), now + kTransferApprovalWindow,
                               TransferDecision::Pending};
        }
      } else {
        setNumberStatus(number, NumberStatus::FailedNumberAlreadyHosted);
      }
    }
    order.number_ids.push_back(number.id);
    number_ids_by_phone_.emplace(number.phone_number, number.id);
    listed_numbers_by_user_[number.user_id].emplace(number.phone_number, number.id);
    numbers_.emplace(number.id, std::move(number));
  }
  const std::string id = order.id;
  order_ids_by_user_[order.user_id].emplace(order.sequence, id);
  Order& stored = orders_.emplace(id, std::move(order)).first->second;
  announce(stored, "created");
  if (stored.internal_transfer) {
    announce(stored, "internal_transfer_detected");
    announce(stored, "internal_transfer_approval_requested");
    timers_.schedule(kTransferApprovalWindow, "internal transfer auto-approval " + id,
                     "transfer auto-approval", {id});
  }
  if (liveNumbers(stored).empty()) {
    setOrderStatus(stored, OrderStatus::Failed);
    announce(stored, "updated");
  }
  return stored;
}

const HostedNumber* Model::activeElsewhere(const Account& account,
                                           const std::string& phone_number) const {
  const auto [first, last] = number_ids_by_phone_.equal_range(phone_number);
  for (auto it = first; it != last; ++it) {
    const HostedNumber& number = numbers_.at(it->second);
    if (number.user_id != account.user_id && number.status == NumberStatus::Successful) {
      return &number;
    }
  }
  return nullptr;
}

void Model::transferDecided(Order& order, TransferDecision decision, const std::string& event) {
  order.internal_transfer->decision = decision;
  order.updated_at = clock_.now();
  touched(order);
  announce(order, event);
  if (decision == TransferDecision::Rejected) {
    for (HostedNumber* number : liveNumbers(order)) {
      setNumberStatus(*number, NumberStatus::Failed);
    }
    setOrderStatus(order, OrderStatus::Failed);
    announce(order, "updated");
  }
}

Result<Order> Model::decideTransfer(const Account& account, std::string_view order_id,
                                    std::string_view token, bool approve) {
  const auto it = orders_.find(std::string(order_id));
  if (it == orders_.end() || !it->second.internal_transfer) {
    return errors::notFound();
  }
  Order& order = it->second;
  InternalTransfer& transfer = *order.internal_transfer;
  if (transfer.losing_user_id != account.user_id) {
    return errors::authorizationFailed();
  }
  if (transfer.decision != TransferDecision::Pending || token != transfer.approval_token ||
      clock_.now() >= transfer.approval_deadline || order.status == OrderStatus::Deleted) {
    return errors::badRequest("The approval token is invalid or has expired.", "token");
  }
  transferDecided(order, approve ? TransferDecision::Approved : TransferDecision::Rejected,
                  approve ? "internal_transfer_approved" : "internal_transfer_rejected");
  return order;
}

Order* Model::findOrder(const Account& account, std::string_view id) {
  const auto it = orders_.find(std::string(id));
  return it == orders_.end() || it->second.user_id != account.user_id ? nullptr : &it->second;
}

Result<Order> Model::fetchOrder(const Account& account, std::string_view id) const {
  const auto it = orders_.find(std::string(id));
  if (it == orders_.end() || it->second.user_id != account.user_id) {
    return errors::notFound();
  }
  return it->second;
}

Model::OrderPage Model::pageOfOrders(const Account& account, size_t offset, size_t limit) const {
  OrderPage page;
  const auto owned = order_ids_by_user_.find(account.user_id);
  if (owned == order_ids_by_user_.end()) {
    return page;
  }
  page.total = owned->second.size();
  size_t skipped = 0;
  for (auto it = owned->second.rbegin(); it != owned->second.rend() && page.orders.size() < limit;
       ++it) {
    if (skipped++ >= offset) {
      page.orders.push_back(&orders_.at(it->second));
    }
  }
  return page;
}

std::vector<HostedNumber> Model::numbersOf(const Order& order) const {
  std::vector<HostedNumber> out;
  for (const std::string& id : order.number_ids) {
    out.push_back(numbers_.at(id));
  }
  return out;
}

// An order lists a number once (createOrder refuses repeats).
std::map<std::string, HostedNumber*> Model::numbersByPhone(const Order& order) {
  std::map<std::string, HostedNumber*> out;
  for (const std::string& id : order.number_ids) {
    HostedNumber& number = numbers_.at(id);
    out[number.phone_number] = &number;
  }
  return out;
}

std::vector<HostedNumber*> Model::liveNumbers(const Order& order) {
  std::vector<HostedNumber*> out;
  for (const std::string& id : order.number_ids) {
    HostedNumber& number = numbers_.at(id);
    if (!isFailed(number.status)) {
      out.push_back(&number);
    }
  }
  return out;
}

Result<Order> Model::deleteOrder(const Account& account, std::string_view id) {
  Order* order = findOrder(account, id);
  if (order == nullptr) {
    return errors::notFound();
  }
  if (order->status != OrderStatus::Deleted) {
    setOrderStatus(*order, OrderStatus::Deleted);
    order->updated_at = clock_.now();
    touched(*order);
    for (const std::string& number_id : order->number_ids) {
      setNumberStatus(numbers_.at(number_id), NumberStatus::Deleted);
    }
    announce(*order, "deleted");
  }
  return *order;
}

Result<std::vector<CodeRequestResult>> Model::requestCodes(const Account& account,
                                                           std::string_view id,
                                                           const std::vector<std::string>& numbers,
                                                           const std::string& method) {
  Order* order = findOrder(account, id);
  if (order == nullptr) {
    return errors::notFound();
  }
  if (isFinal(order->status)) {
    return errors::invalidState("Verification codes cannot be sent for an order that is " +
                                std::string(orderStatusName(order->status)) + ".");
  }
  std::vector<CodeRequestResult> out;
  const std::map<std::string, HostedNumber*> by_phone = numbersByPhone(*order);
  for (const std::string& phone_number : numbers) {
    CodeRequestResult result;
    result.phone_number = phone_number;
    const auto found = by_phone.find(phone_number);
    HostedNumber* number = found == by_phone.end() ? nullptr : found->second;
    if (number == nullptr) {
      result.error = "Phone number is not part of the order";
    } else if (order->internal_transfer &&
               order->internal_transfer->decision == TransferDecision::Pending) {
      result.error = "Internal transfer approval is pending.";
    } else if (number->status == NumberStatus::OwnershipSuccessful) {
      result.error = "Phone number ownership is already verified";
    } else if (number->status != NumberStatus::Pending) {
      result.error = "Phone number is " + std::string(numberStatusName(number->status));
    } else {
      number->code = ids_.digits(world_.rules.code_digits);
      number->code_id = ids_.uuid();
      touched(*number);
      result.type = method;
      result.verification_code_id = number->code_id;
      if (profileFor(phone_number).code_delivered) {
        InboxMessage message;
        message.to = phone_number;
        message.code = *number->code;
        message.method = method;
        message.body = "Your Telnyx verification code is " + *number->code;
        message.order_id = order->id;
        message.verification_code_id = *number->code_id;
        message.sent_at = clock_.now();
        message.delivered_at = clock_.now() + world_.rules.code_delivery;
        // The message reaches the number's owner after the delivery delay.
        timers_.schedule(world_.rules.code_delivery, "deliver code to " + phone_number,
                         "deliver code",
                         {message.to, message.body, message.code, message.method, message.order_id,
                          message.verification_code_id,
                          std::to_string(message.sent_at.time_since_epoch().count()),
                          std::to_string(message.delivered_at.time_since_epoch().count())});
      }
    }
    out.push_back(std::move(result));
  }
  return out;
}

Result<std::vector<CodeCheckResult>> Model::checkCodes(const Account& account, std::string_view id,
                                                       const std::vector<CodeCheck>& codes) {
  Order* order = findOrder(account, id);
  if (order == nullptr) {
    return errors::notFound();
  }
  if (isFinal(order->status)) {
    return errors::invalidState("Codes cannot be validated for an order that is " +
                                std::string(orderStatusName(order->status)) + ".");
  }
  std::vector<CodeCheckResult> out;
  bool changed = false;
  const std::map<std::string, HostedNumber*> by_phone = numbersByPhone(*order);
  for (const CodeCheck& check : codes) {
    const auto found = by_phone.find(check.phone_number);
    HostedNumber* number = found == by_phone.end() ? nullptr : found->second;
    std::string status = "rejected";
    if (number != nullptr && number->status == NumberStatus::OwnershipSuccessful) {
      status = "already_verified";
    } else if (number != nullptr && number->status == NumberStatus::Pending && number->code &&
               *number->code == check.code) {
      setNumberStatus(*number, NumberStatus::OwnershipSuccessful);
      status = "verified";
      changed = true;
    } else if (number != nullptr && number->status == NumberStatus::Pending && number->code) {
      touched(*number);
      if (++number->wrong_codes >= world_.rules.max_code_attempts) {
        setNumberStatus(*number, NumberStatus::FailedOwnershipVerification);
        changed = true;
      }
    }
    out.push_back({check.phone_number, status});
  }
  if (changed) {
    order->updated_at = clock_.now();
    touched(*order);
    if (liveNumbers(*order).empty()) {
      setOrderStatus(*order, OrderStatus::Failed);
    }
    announce(*order, "updated");
    maybeSubmitForReview(*order);
  }
  return out;
}

Result<Order> Model::uploadDocuments(const Account& account, std::string_view id, bool loa,
                                     bool bill) {
  Order* order = findOrder(account, id);
  if (order == nullptr) {
    return errors::notFound();
  }
  if (!loa && !bill) {
    return *order;  // nothing sent, nothing changes
  }
  if (!isOpenForDocuments(order->status)) {
    return errors::invalidState("Documents cannot be uploaded for an order that is " +
                                std::string(orderStatusName(order->status)) + ".");
  }
  order->has_loa = order->has_loa || loa;
  order->has_bill = order->has_bill || bill;
  order->updated_at = clock_.now();
  touched(*order);
  maybeSubmitForReview(*order);
  return *order;
}

// Documents complete and every remaining number verified: the order goes to Telnyx's review.
void Model::maybeSubmitForReview(Order& order) {
  const auto live = liveNumbers(order);
  if (!isOpenForDocuments(order.status) || !order.has_loa || !order.has_bill || live.empty() ||
      !std::all_of(live.begin(), live.end(), [](const HostedNumber* n) {
        return n->status == NumberStatus::OwnershipSuccessful;
      })) {
    return;
  }
  setOrderStatus(order, OrderStatus::LoaFileSuccessful);
  order.updated_at = clock_.now();
  touched(order);
  announce(order, "updated");
  const TimePoint due = addBusinessDays(clock_.now(), world_.rules.review_business_days);
  const std::string order_id = order.id;
  const int review_number = order.reviews + 1;
  timers_.schedule(due - clock_.now(), "review " + order_id, "review",
                   {order_id, std::to_string(review_number)});
}

void Model::review(const std::string& order_id, std::optional<ReviewOutcome> forced) {
  Order& order = orders_.at(order_id);
  order.reviews += 1;
  ReviewOutcome outcome = ReviewOutcome::Accept;
  if (forced) {
    outcome = *forced;
  } else {
    // The strictest of the numbers' reviews decides, while it still rejects.
    for (HostedNumber* number : liveNumbers(order)) {
      const NumberProfile profile = profileFor(number->phone_number);
      const bool still_rejects =
          profile.review_rejections == 0 || order.reviews <= profile.review_rejections;
      if (profile.review != ReviewOutcome::Accept && still_rejects &&
          (outcome == ReviewOutcome::Accept ||
           profile.review == ReviewOutcome::ComplianceReviewFailed)) {
        outcome = profile.review;
      }
    }
  }
  order.updated_at = clock_.now();
  touched(order);
  switch (outcome) {
    case ReviewOutcome::LoaFileInvalid:
      setOrderStatus(order, OrderStatus::LoaFileInvalid);
      order.has_loa = false;
      break;
    case ReviewOutcome::IncompleteDocumentation:
      setOrderStatus(order, OrderStatus::IncompleteDocumentation);
      order.has_loa = false;
      order.has_bill = false;
      break;
    case ReviewOutcome::IncorrectBillingInformation:
      setOrderStatus(order, OrderStatus::IncorrectBillingInformation);
      order.has_bill = false;
      break;
    case ReviewOutcome::ComplianceReviewFailed:
      setOrderStatus(order, OrderStatus::ComplianceReviewFailed);
      for (HostedNumber* number : liveNumbers(order)) {
        setNumberStatus(*number, NumberStatus::Failed);
      }
      break;
    case ReviewOutcome::Accept: {
      setOrderStatus(order, OrderStatus::Provisioning);
      for (HostedNumber* number : liveNumbers(order)) {
        setNumberStatus(*number, NumberStatus::Provisioning);
        const NumberProfile profile = profileFor(number->phone_number);
        const std::string number_id = number->id;
        const CarrierDecision decision = profile.carrier;
        const Millis after = decision == CarrierDecision::Never ? world_.rules.activation_timeout
                                                                : profile.carrier_after;
        timers_.schedule(after,
                         "carrier " + std::string(carrierDecisionName(decision)) + " " + number_id,
                         "carrier", {number_id, std::string(carrierDecisionName(decision))});
      }
      break;
    }
  }
  announce(order, "updated");
}

void Model::carrierDecided(const std::string& number_id, CarrierDecision decision) {
  HostedNumber& number = numbers_.at(number_id);
  if (number.status != NumberStatus::Provisioning) {
    return;
  }
  switch (decision) {
    case CarrierDecision::Accept:
      setNumberStatus(number, NumberStatus::Successful);
      // An internal transfer completes: the number leaves its previous account.
      for (auto [it, last] = number_ids_by_phone_.equal_range(number.phone_number); it != last;
           ++it) {
        HostedNumber& previous = numbers_.at(it->second);
        if (previous.user_id != number.user_id && previous.status == NumberStatus::Successful) {
          setNumberStatus(previous, NumberStatus::Deleted);
          Order& previous_order = orders_.at(previous.order_id);
          previous_order.updated_at = clock_.now();
          touched(previous_order);
          announce(previous_order, "updated");
        }
      }
      break;
    case CarrierDecision::Reject:
      setNumberStatus(number, NumberStatus::FailedCarrierRejected);
      break;
    case CarrierDecision::Ineligible:
      setNumberStatus(number, NumberStatus::FailedIneligibleCarrier);
      break;
    case CarrierDecision::NotFound:
      setNumberStatus(number, NumberStatus::FailedNumberNotFound);
      break;
    case CarrierDecision::AlreadyHosted:
      setNumberStatus(number, NumberStatus::FailedNumberAlreadyHosted);
      break;
    case CarrierDecision::ActivationFails:
      setNumberStatus(number, NumberStatus::FailedActivation);
      break;
    case CarrierDecision::Never:
      // The carrier never answered within the activation timeout.
      setNumberStatus(number, NumberStatus::FailedTimeout);
      break;
  }
  Order& order = orders_.at(number.order_id);
  order.updated_at = clock_.now();
  touched(order);
  settleOrder(order);
  announce(order, "updated");
}

// Once no number is provisioning any more, the order takes its final status.
void Model::settleOrder(Order& order) {
  const auto numbers = numbersOf(order);
  if (order.status != OrderStatus::Provisioning ||
      std::any_of(numbers.begin(), numbers.end(),
                  [](const HostedNumber& n) { return n.status == NumberStatus::Provisioning; })) {
    return;
  }
  auto all = [&](NumberStatus status) {
    return std::all_of(numbers.begin(), numbers.end(),
                       [status](const HostedNumber& n) { return n.status == status; });
  };
  if (std::any_of(numbers.begin(), numbers.end(),
                  [](const HostedNumber& n) { return n.status == NumberStatus::Successful; })) {
    setOrderStatus(order, OrderStatus::Successful);
  } else if (all(NumberStatus::FailedCarrierRejected)) {
    setOrderStatus(order, OrderStatus::CarrierRejected);
  } else if (all(NumberStatus::FailedIneligibleCarrier)) {
    setOrderStatus(order, OrderStatus::IneligibleCarrier);
  } else {
    setOrderStatus(order, OrderStatus::Failed);
  }
}

Status Model::reviewNow(std::string_view order_id, ReviewOutcome outcome) {
  const auto it = orders_.find(std::string(order_id));
  if (it == orders_.end()) {
    return makeError(ErrorCode::NotFound, "no order " + std::string(order_id));
  }
  if (it->second.status != OrderStatus::LoaFileSuccessful) {
    return makeError(ErrorCode::FailedPrecondition,
                     "order " + std::string(order_id) + " is " +
                         std::string(orderStatusName(it->second.status)) +
                         ", not loa_file_successful");
  }
  review(it->first, outcome);
  return {};
}

Status Model::carrierNow(std::string_view number_id, CarrierDecision decision) {
  const auto it = numbers_.find(std::string(number_id));
  if (it == numbers_.end()) {
    return makeError(ErrorCode::NotFound, "no hosted number " + std::string(number_id));
  }
  if (it->second.status != NumberStatus::Provisioning) {
    return makeError(ErrorCode::FailedPrecondition,
                     "number " + std::string(number_id) + " is " +
                         std::string(numberStatusName(it->second.status)) + ", not provisioning");
  }
  carrierDecided(it->first, decision);
  return {};
}

Result<Message> Model::sendMessage(const Account& account, NewMessage input) {
  const HostedNumber* sender = nullptr;
  for (auto [it, last] = number_ids_by_phone_.equal_range(input.from); it != last; ++it) {
    const HostedNumber& number = numbers_.at(it->second);
    if (number.user_id == account.user_id && number.status == NumberStatus::Successful) {
      sender = &number;
    }
  }
  const std::optional<std::string> profile_id =
      input.messaging_profile_id
          ? input.messaging_profile_id
          : (sender != nullptr ? sender->messaging_profile_id : std::nullopt);
  if (sender == nullptr || !profile_id || sender->messaging_profile_id != profile_id ||
      profile(*profile_id) == nullptr) {
    return errors::invalidFrom();
  }
  const auto [ucs2, length] = encodedLength(input.text);
  const size_t single = ucs2 ? 70 : 160;
  const size_t segment = ucs2 ? 67 : 153;
  const int parts = length <= single ? 1 : static_cast<int>((length + segment - 1) / segment);
  // Telnyx's message schema has at most 10 parts; what it answers past that is not documented.
  if (parts > kMostParts) {
    return errors::badRequest(
        "The message text is longer than " + std::to_string(kMostParts) + " parts.", "/text");
  }
  const MessagingProfile& used = *profile(*profile_id);
  Message message;
  static_cast<NewMessage&>(message) = std::move(input);
  message.id = ids_.uuid();
  message.user_id = account.user_id;
  message.messaging_profile_id_used = used.id;
  message.webhook_url = message.webhook_url.value_or(used.webhook_url);
  message.webhook_failover_url = message.webhook_failover_url.value_or(used.webhook_failover_url);
  message.ucs2 = ucs2;
  message.parts = parts;
  message.received_at = clock_.now();
  message.from_kind = profileFor(message.from).kind.value_or(defaultKind(message.from));
  ++sent_by_number_[{message.user_id, message.from}];
  changes_.touch(kMessages, message.id);
  return messages_.emplace(message.id, message).first->second;
}

Result<Message> Model::fetchMessage(const Account& account, std::string_view id) const {
  const auto it = messages_.find(std::string(id));
  if (it == messages_.end() || it->second.user_id != account.user_id) {
    return errors::notFound();
  }
  return it->second;
}

// Computed from what hnemu has seen: messages sent from the number (stored, never delivered,
// so none succeeded), none received, none blocked.
NumberHealth Model::healthOf(const HostedNumber& number) const {
  NumberHealth health;
  const auto sent = sent_by_number_.find({number.user_id, number.phone_number});
  health.message_count = sent == sent_by_number_.end() ? 0 : sent->second;
  return health;
}

namespace {

bool listedFor(const HostedNumber& number, const Account& account) {
  return number.user_id == account.user_id && number.status != NumberStatus::Deleted;
}

}  // namespace

const HostedNumber* Model::lookUpNumber(const Account& account,
                                        std::string_view id_or_number) const {
  const auto by_id = numbers_.find(std::string(id_or_number));
  if (by_id != numbers_.end()) {
    return listedFor(by_id->second, account) ? &by_id->second : nullptr;
  }
  // The newest of the account's numbers with that E.164.
  const auto [first, last] = number_ids_by_phone_.equal_range(std::string(id_or_number));
  for (auto it = std::make_reverse_iterator(last); it != std::make_reverse_iterator(first); ++it) {
    const HostedNumber& number = numbers_.at(it->second);
    if (listedFor(number, account)) {
      return &number;
    }
  }
  return nullptr;
}

HostedNumber* Model::findNumber(const Account& account, std::string_view id_or_number) {
  return const_cast<HostedNumber*>(lookUpNumber(account, id_or_number));
}

Model::NumberPage Model::pageOfNumbers(const Account& account, const NumberFilter& filter,
                                       size_t offset, size_t limit) const {
  NumberPage page;
  const auto listed = listed_numbers_by_user_.find(account.user_id);
  if (listed == listed_numbers_by_user_.end()) {
    return page;
  }
  const auto& entries = listed->second;
  // A named number's entries only; otherwise the account's, in phone-number order.
  auto from = entries.begin();
  auto to = entries.end();
  if (filter.phone_number) {
    from = entries.lower_bound({*filter.phone_number, ""});
    to = entries.upper_bound({*filter.phone_number + '\xff', ""});
  }
  auto take = [&](const std::pair<std::string, std::string>& entry) {
    const HostedNumber& number = numbers_.at(entry.second);
    if ((filter.phone_number && number.phone_number != *filter.phone_number) ||
        (filter.messaging_profile_id &&
         number.messaging_profile_id != filter.messaging_profile_id) ||
        (filter.phone_number_contains &&
         number.phone_number.find(*filter.phone_number_contains) == std::string::npos)) {
      return;
    }
    if (page.total++ >= offset && page.numbers.size() < limit) {
      page.numbers.push_back(&number);
    }
  };
  if (filter.descending) {
    for (auto it = std::make_reverse_iterator(to); it != std::make_reverse_iterator(from); ++it) {
      take(*it);
    }
  } else {
    for (auto it = from; it != to; ++it) {
      take(*it);
    }
  }
  return page;
}

Result<HostedNumber> Model::fetchNumber(const Account& account,
                                        std::string_view id_or_number) const {
  const HostedNumber* number = lookUpNumber(account, id_or_number);
  if (number == nullptr) {
    return errors::notFound();
  }
  return *number;
}

Result<HostedNumber> Model::updateNumber(const Account& account, std::string_view id_or_number,
                                         const NumberUpdate& update) {
  HostedNumber* number = findNumber(account, id_or_number);
  if (number == nullptr) {
    return errors::notFound();
  }
  if (update.messaging_profile_id) {
    if (update.messaging_profile_id->empty()) {
      number->messaging_profile_id.reset();
    } else {
      const MessagingProfile* found = profile(*update.messaging_profile_id);
      if (found == nullptr || found->user_id != account.user_id) {
        return errors::associatedResourceMissing(
            "Messaging profile '" + *update.messaging_profile_id + "' does not exist.",
            "/messaging_profile_id");
      }
      number->messaging_profile_id = update.messaging_profile_id;
    }
  }
  if (update.messaging_product) {
    number->messaging_product = *update.messaging_product;
  }
  if (update.tags) {
    number->tags = *update.tags;
  }
  number->updated_at = clock_.now();
  touched(*number);
  return *number;
}

Result<Order> Model::deleteNumber(const Account& account, std::string_view id) {
  HostedNumber* number = findNumber(account, id);
  if (number == nullptr) {
    return errors::notFound();
  }
  setNumberStatus(*number, NumberStatus::Deleted);
  Order& order = orders_.at(number->order_id);
  order.updated_at = clock_.now();
  touched(order);
  announce(order, "updated");
  return order;
}

}  // namespace hnemu::telnyx
