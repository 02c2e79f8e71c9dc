#include "providers/twilio/model.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/crypto.h"
#include "core/enum_names.h"
#include "core/phone.h"
#include "providers/twilio/errors.h"

namespace hnemu::twilio {
namespace {

constexpr EnumNames<OrderStatus, 10> kOrderStatuses = {{
    {OrderStatus::TwilioProcessing, "twilio-processing"},
    {OrderStatus::Received, "received"},
    {OrderStatus::PendingVerification, "pending-verification"},
    {OrderStatus::Verified, "verified"},
    {OrderStatus::PendingLoa, "pending-loa"},
    {OrderStatus::CarrierProcessing, "carrier-processing"},
    {OrderStatus::Testing, "testing"},
    {OrderStatus::Completed, "completed"},
    {OrderStatus::Failed, "failed"},
    {OrderStatus::ActionRequired, "action-required"},
}};
constexpr EnumNames<DocumentStatus, 5> kDocumentStatuses = {{
    {DocumentStatus::Opened, "opened"},
    {DocumentStatus::Signing, "signing"},
    {DocumentStatus::Signed, "signed"},
    {DocumentStatus::Canceled, "canceled"},
    {DocumentStatus::Failed, "failed"},
}};
constexpr EnumNames<NumberKind, 4> kNumberKinds = {{
    {NumberKind::Landline, "landline"},
    {NumberKind::TollFree, "toll-free"},
    {NumberKind::Mobile, "mobile"},
    {NumberKind::Voip, "voip"},
}};
constexpr EnumNames<Hostability, 4> kHostability = {{
    {Hostability::Hostable, "hostable"},
    {Hostability::AlreadyHosted, "already-hosted"},
    {Hostability::TwilioOwned, "twilio-owned"},
    {Hostability::CarrierCannotEnable, "carrier-cannot-enable"},
}};
constexpr EnumNames<CalleeAction, 4> kCalleeActions = {{
    {CalleeAction::EnterCorrectCode, "enter-correct-code"},
    {CalleeAction::EnterWrongCode, "enter-wrong-code"},
    {CalleeAction::NoAnswer, "no-answer"},
    {CalleeAction::Manual, "manual"},
}};
constexpr EnumNames<Decision, 3> kDecisions = {{
    {Decision::Accept, "accept"},
    {Decision::Reject, "reject"},
    {Decision::Never, "never"},
}};
constexpr EnumNames<BulkEligibilityStatus, 2> kBulkEligibilityStatuses = {{
    {BulkEligibilityStatus::Queued, "QUEUED"},
    {BulkEligibilityStatus::Successful, "SUCCESSFUL"},
}};
constexpr EnumNames<BulkRequestStatus, 3> kBulkRequestStatuses = {{
    {BulkRequestStatus::Queued, "QUEUED"},
    {BulkRequestStatus::InProgress, "IN_PROGRESS"},
    {BulkRequestStatus::Processed, "PROCESSED"},
}};
constexpr EnumNames<CallOutcome, 5> kCallOutcomes = {{
    {CallOutcome::Queued, "queued"},
    {CallOutcome::InProgress, "in-progress"},
    {CallOutcome::Verified, "verified"},
    {CallOutcome::WrongCode, "wrong-code"},
    {CallOutcome::NoAnswer, "no-answer"},
}};

bool isMethod(const std::optional<std::string>& method) {
  return !method || *method == "GET" || *method == "POST";
}

// A 'w' in an extension waits half a second before the next digit (Twilio's IVR convention).
Millis extensionWait(const std::optional<std::string>& extension) {
  if (!extension) {
    return Millis(0);
  }
  return Millis(500 * std::count(extension->begin(), extension->end(), 'w'));
}

bool isValidExtension(std::string_view text) {
  return !text.empty() && text.size() <= 64 && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || c == 'w' || c == '#' || c == '*';
  });
}

}  // namespace

std::string_view orderStatusName(OrderStatus status) { return enumName(kOrderStatuses, status); }
std::optional<OrderStatus> parseOrderStatus(std::string_view text) {
  return enumFromName(kOrderStatuses, text);
}
bool isTerminal(OrderStatus status) {
  return status == OrderStatus::Completed || status == OrderStatus::Failed;
}

StateMachine orderLifecycle() {
  using S = OrderStatus;
  std::vector<std::pair<S, S>> moves = {{S::TwilioProcessing, S::Received},
                                        {S::Received, S::PendingVerification},
                                        {S::PendingVerification, S::Verified},
                                        {S::PendingVerification, S::ActionRequired},
                                        {S::ActionRequired, S::PendingVerification},
                                        {S::Verified, S::PendingLoa},
                                        {S::PendingLoa, S::Verified},
                                        {S::PendingLoa, S::CarrierProcessing},
                                        {S::PendingLoa, S::ActionRequired},
                                        {S::CarrierProcessing, S::Testing},
                                        {S::CarrierProcessing, S::Failed},
                                        {S::Testing, S::Completed},
                                        {S::ActionRequired, S::Failed}};
  // Releasing the incoming phone number fails an order from any open status.
  for (S open : {S::TwilioProcessing, S::Received, S::PendingVerification, S::Verified,
                 S::PendingLoa, S::Testing}) {
    moves.emplace_back(open, S::Failed);
  }
  return makeStateMachine("hosted_number_order", "hosted_number_orders", kOrderStatuses, moves);
}
std::string_view documentStatusName(DocumentStatus status) {
  return enumName(kDocumentStatuses, status);
}
std::optional<DocumentStatus> parseDocumentStatus(std::string_view text) {
  return enumFromName(kDocumentStatuses, text);
}
std::string_view numberKindName(NumberKind kind) { return enumName(kNumberKinds, kind); }
std::optional<NumberKind> parseNumberKind(std::string_view text) {
  return enumFromName(kNumberKinds, text);
}
std::string_view hostabilityName(Hostability value) { return enumName(kHostability, value); }
std::optional<Hostability> parseHostability(std::string_view text) {
  return enumFromName(kHostability, text);
}
std::string_view calleeActionName(CalleeAction action) { return enumName(kCalleeActions, action); }
std::optional<CalleeAction> parseCalleeAction(std::string_view text) {
  return enumFromName(kCalleeActions, text);
}
std::string_view decisionName(Decision decision) { return enumName(kDecisions, decision); }
std::optional<Decision> parseDecision(std::string_view text) {
  return enumFromName(kDecisions, text);
}
std::string_view callOutcomeName(CallOutcome outcome) { return enumName(kCallOutcomes, outcome); }
std::string_view bulkEligibilityStatusName(BulkEligibilityStatus status) {
  return enumName(kBulkEligibilityStatuses, status);
}
std::string_view bulkRequestStatusName(BulkRequestStatus status) {
  return enumName(kBulkRequestStatuses, status);
}

bool isSid(std::string_view text, std::string_view prefix) {
  return text.size() == prefix.size() + 32 && text.substr(0, prefix.size()) == prefix &&
         std::all_of(text.begin() + static_cast<std::ptrdiff_t>(prefix.size()), text.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

NumberKind defaultKind(std::string_view e164) {
  return isNanpTollFree(e164) ? NumberKind::TollFree : NumberKind::Landline;
}

Model::Model(Clock& clock, IdGenerator& ids, ChangeScope changes)
    : clock_(clock), ids_(ids), changes_(std::move(changes)), timers_(clock, "twilio: ") {
  using Arguments = ProviderTimers::Arguments;
  timers_.define("eligibility", [this](const Arguments& sid) {
    const auto it = orders_.find(sid.at(0));
    if (it != orders_.end() && it->second.status == OrderStatus::TwilioProcessing) {
      setStatus(it->second, OrderStatus::Received, "eligibility check passed");
    }
  });
  timers_.define("answer call", [this](const Arguments& call_sid) { answerCall(call_sid.at(0)); });
  timers_.define("call timeout", [this](const Arguments& call_sid) {
    VerificationCall* pending = findCall(call_sid.at(0));
    if (pending != nullptr && pending->outcome == CallOutcome::InProgress) {
      finishCall(*pending, CallOutcome::NoAnswer);
    }
  });
  // Arguments: the order, and the timeout (milliseconds) it was scheduled with.
  timers_.define("action-required timeout", [this](const Arguments& arguments) {
    const auto it = orders_.find(arguments.at(0));
    if (it != orders_.end() && it->second.status == OrderStatus::ActionRequired) {
      const Millis timeout(std::stoll(arguments.at(1)));
      it->second.failure_reason = "The order was in action-required for more than " +
                                  formatDuration(timeout) + ": " + it->second.failure_reason;
      it->second.next_step = "Create a new Hosted Number Order";
      setStatus(it->second, OrderStatus::Failed, "action-required timeout");
    }
  });
  // Arguments: the document, "accept" or "decline", and the sending it answers.
  timers_.define("signer", [this](const Arguments& arguments) {
    const auto it = documents_.find(arguments.at(0));
    if (it != documents_.end() && it->second.status == DocumentStatus::Signing &&
        std::to_string(it->second.sendings) == arguments.at(2)) {
      documentDecided(it->second, arguments.at(1) == "accept");
    }
  });
  timers_.define("carrier", [this](const Arguments& arguments) {
    carrierAnswered(arguments.at(0), arguments.at(1) == "accept");
  });
  timers_.define("testing", [this](const Arguments& sid) { routingTested(sid.at(0)); });
  timers_.define("retire", [this](const Arguments& number_sid) {
    const auto it = numbers_.find(number_sid.at(0));
    if (it != numbers_.end()) {
      it->second.retired = true;
      it->second.capabilities.sms = false;
      it->second.date_updated = clock_.now();
      changes_.touch(kNumbers, it->first);
    }
  });
  timers_.define("bulk hosting started",
                 [this](const Arguments& sid) { startBulkRequest(sid.at(0)); });
  timers_.define("bulk hosting processed",
                 [this](const Arguments& sid) { finishBulkRequest(sid.at(0)); });
  timers_.define("bulk eligibility",
                 [this](const Arguments& id) { finishBulkEligibility(id.at(0)); });
}

void Model::reset() {
  orders_.clear();
  order_sids_by_sequence_.clear();
  order_sids_by_number_.clear();
  documents_.clear();
  document_sids_by_sequence_.clear();
  numbers_.clear();
  number_sids_by_sequence_.clear();
  number_sids_by_number_.clear();
  calls_.clear();
  call_positions_.clear();
  bulk_eligibilities_.clear();
  bulk_requests_.clear();
  messages_.clear();
  sequence_ = 0;
  timers_.invalidate();
}

const Account* Model::authenticate(std::string_view username, std::string_view password) const {
  for (const Account& candidate : world_.accounts) {
    if (candidate.sid == username && crypto::secureEquals(candidate.auth_token, password)) {
      return &candidate;
    }
    const auto key = candidate.api_keys.find(std::string(username));
    if (key != candidate.api_keys.end() && crypto::secureEquals(key->second, password)) {
      return &candidate;
    }
  }
  return nullptr;
}

const Account* Model::account(std::string_view sid) const {
  for (const Account& candidate : world_.accounts) {
    if (candidate.sid == sid) {
      return &candidate;
    }
  }
  return nullptr;
}

std::string subaccountProblem(const std::vector<Account>& accounts, const Account& account) {
  if (!account.owner_account_sid) {
    return "";
  }
  const std::string& owner_sid = *account.owner_account_sid;
  const auto owner = std::find_if(accounts.begin(), accounts.end(),
                                  [&](const Account& each) { return each.sid == owner_sid; });
  if (owner == accounts.end() || owner_sid == account.sid) {
    return "owner_account_sid " + owner_sid + " is not another account";
  }
  if (owner->owner_account_sid) {
    return "owner_account_sid " + owner_sid +
           " is itself a subaccount; a subaccount cannot own "
           "subaccounts";
  }
  for (const Account& each : accounts) {
    if (each.owner_account_sid == account.sid) {
      return account.sid + " owns subaccounts (" + each.sid + "), so it cannot be one";
    }
  }
  return "";
}

Status Model::addAccount(Account new_account) {
  if (!isSid(new_account.sid, "AC")) {
    return makeError(
        ErrorCode::InvalidArgument,
        "account sid must be AC followed by 32 hex digits, got '" + new_account.sid + "'");
  }
  if (new_account.auth_token.empty()) {
    return makeError(ErrorCode::InvalidArgument, "auth_token must not be empty");
  }
  if (const std::string problem = subaccountProblem(world_.accounts, new_account);
      !problem.empty()) {
    return makeError(ErrorCode::InvalidArgument, problem);
  }
  changes_.touch(kAccounts, new_account.sid);
  for (Account& existing : world_.accounts) {
    if (existing.sid == new_account.sid) {
      existing = std::move(new_account);
      return {};
    }
  }
  world_.accounts.push_back(std::move(new_account));
  return {};
}

const Account* Model::accountActedFor(const Account& caller, std::string_view sid) const {
  if (sid == caller.sid) {
    return &caller;
  }
  const Account* target = account(sid);
  return target != nullptr && target->owner_account_sid == caller.sid ? target : nullptr;
}

Result<const Account*> Model::accountFromParameter(const Account& caller,
                                                   const std::optional<std::string>& sid,
                                                   std::string_view param) const {
  if (!sid || sid->empty()) {
    return &caller;
  }
  if (!isSid(*sid, "AC")) {
    return errors::invalidParameter(param, "must be AC followed by 32 hex digits");
  }
  const Account* target = accountActedFor(caller, *sid);
  if (target == nullptr) {
    return errors::authenticate();
  }
  return target;
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

const Order* Model::activeOrderFor(const std::string& phone_number) const {
  const Order* newest = nullptr;
  const auto [first, last] = order_sids_by_number_.equal_range(phone_number);
  for (auto it = first; it != last; ++it) {
    const Order& order = orders_.at(it->second);
    if (order.status != OrderStatus::Failed) {
      const auto number = numbers_.find(order.incoming_phone_number_sid);
      if ((number == numbers_.end() || !number->second.retired) &&
          (newest == nullptr || order.sequence > newest->sequence)) {
        newest = &order;
      }
    }
  }
  return newest;
}

bool Model::numberIsBusy(const std::string& phone_number) const {
  return activeOrderFor(phone_number) != nullptr;
}

void Model::touchOrder(Order& order) {
  order.version = ++order_versions_;
  changes_.touch(kOrders, order.sid);
}

void Model::setStatus(Order& order, OrderStatus status, std::string reason) {
  order.status = status;
  order.date_updated = clock_.now();
  order.history.push_back(StatusChange{order.date_updated, status, std::move(reason)});
  touchOrder(order);
  if (watch_ != nullptr) {
    watch_->changed(order.sid);
  }
  if (listener_) {
    if (const Account* owner = account(order.account_sid)) {
      listener_(order, *owner);
    }
  }
}

Result<Order> Model::createOrder(const Account& caller, const CreateOrderInput& input) {
  // numbers v3 names the same parameters in camelCase.
  auto name = [&input](std::string_view pascal) {
    std::string out(pascal);
    if (input.camel_case) {
      out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
    }
    return out;
  };
  if (input.phone_number.empty()) {
    return errors::missingParameter(name("PhoneNumber"));
  }
  if (input.flavor == Flavor::V2) {
    if (!input.contact_phone_number) {
      return errors::missingParameter(name("ContactPhoneNumber"));
    }
    if (!input.address_sid) {
      return errors::missingParameter(name("AddressSid"));
    }
    if (!input.email) {
      return errors::missingParameter(name("Email"));
    }
  } else if (!input.sms_capability) {
    return errors::missingParameter(name("SmsCapability"));
  }
  HNEMU_ASSIGN_OR_RETURN(const Account* owner,
                         accountFromParameter(caller, input.account_sid, name("AccountSid")));
  if (!isE164(input.phone_number)) {
    return errors::invalidPhoneNumber(name("PhoneNumber"), input.phone_number);
  }
  if (input.contact_phone_number && !isE164(*input.contact_phone_number)) {
    return errors::invalidParameter(name("ContactPhoneNumber"),
                                    "must be a phone number in E.164 format");
  }
  if (input.sms_capability && !*input.sms_capability) {
    return errors::invalidCapabilities(name("SmsCapability"));
  }
  if (input.address_sid && !isSid(*input.address_sid, "AD")) {
    return errors::invalidAddressSid(*input.address_sid);
  }
  if (!isMethod(input.sms_method)) {
    return errors::invalidMethod(name("SmsMethod"));
  }
  if (!isMethod(input.sms_fallback_method)) {
    return errors::invalidMethod(name("SmsFallbackMethod"));
  }
  if (!isMethod(input.status_callback_method)) {
    return errors::invalidMethod(name("StatusCallbackMethod"));
  }
  if (input.sms_application_sid && !isSid(*input.sms_application_sid, "AP")) {
    return errors::invalidParameter(name("SmsApplicationSid"),
                                    "must be AP followed by 32 hex digits");
  }
  const size_t name_limit = input.flavor == Flavor::V2 ? 128 : 64;
  if (input.friendly_name && input.friendly_name->size() > name_limit) {
    return errors::invalidParameter(
        name("FriendlyName"), "must be at most " + std::to_string(name_limit) + " characters");
  }
  std::string verification_type = input.verification_type.value_or("phone-call");
  if (verification_type != "phone-call" &&
      !(input.flavor == Flavor::Preview && verification_type == "phone-bill")) {
    return errors::invalidParameter(name("VerificationType"), "must be phone-call");
  }
  if (verification_type == "phone-bill" && !input.verification_document_sid) {
    return errors::missingParameter(name("VerificationDocumentSid"));
  }
  // Eligibility pre-check: NANP only, landline or toll-free, not hosted anywhere yet.
  if (input.phone_number.size() != 12 || input.phone_number.substr(0, 2) != "+1") {
    return errors::unsupportedCountry(input.phone_number);
  }
  const NumberProfile profile = profileFor(input.phone_number);
  const NumberKind kind = profile.kind.value_or(defaultKind(input.phone_number));
  if (kind == NumberKind::Mobile || kind == NumberKind::Voip) {
    return errors::notHostable(input.phone_number, std::string("is a ") +
                                                       std::string(numberKindName(kind)) +
                                                       " number; only landline and toll-free "
                                                       "numbers can be hosted");
  }
  switch (profile.hostability) {
    case Hostability::AlreadyHosted:
      return errors::notHostable(input.phone_number, "is already hosted with another provider");
    case Hostability::TwilioOwned:
      return errors::notHostable(input.phone_number, "is already a Twilio number");
    case Hostability::CarrierCannotEnable:
      return errors::notHostable(input.phone_number,
                                 "cannot be SMS-enabled by its current carrier");
    case Hostability::Hostable:
      break;
  }
  if (numberIsBusy(input.phone_number)) {
    return errors::notHostable(input.phone_number, "already has an active Hosted Number Order");
  }

  const TimePoint now = clock_.now();
  IncomingNumber number;
  number.sid = ids_.sid("PN");
  number.account_sid = owner->sid;
  number.phone_number = input.phone_number;
  number.friendly_name = input.friendly_name;
  number.sms_url = input.sms_url;
  number.sms_method = input.sms_method.value_or("POST");
  number.sms_fallback_url = input.sms_fallback_url;
  number.sms_fallback_method = input.sms_fallback_method.value_or("POST");
  number.status_callback = input.status_callback_url;
  number.status_callback_method = input.status_callback_method.value_or("POST");
  number.sms_application_sid = input.sms_application_sid;
  number.address_sid = input.address_sid;
  number.capabilities = Capabilities{true, false, false, false};
  number.date_created = now;
  number.date_updated = now;
  number.sequence = ++sequence_;

  Order order;
  order.sid = ids_.sid("HR");
  order.account_sid = owner->sid;
  order.flavor = input.flavor;
  order.phone_number = input.phone_number;
  order.friendly_name = input.friendly_name;
  order.unique_name = input.unique_name;
  order.email = input.email;
  order.cc_emails = input.cc_emails;
  order.address_sid = input.address_sid;
  order.contact_title = input.contact_title;
  order.contact_phone_number = input.contact_phone_number;
  order.capabilities = Capabilities{true, false, false, false};
  order.incoming_phone_number_sid = number.sid;
  order.verification_type = verification_type;
  order.verification_document_sid = input.verification_document_sid;
  order.status_callback_url = input.status_callback_url;
  order.status_callback_method = input.status_callback_method.value_or("POST");
  order.date_created = now;
  order.date_updated = now;
  order.sequence = number.sequence;
  const std::string sid = order.sid;
  changes_.touch(kNumbers, number.sid);
  number_sids_by_sequence_.emplace(number.sequence, number.sid);
  number_sids_by_number_.emplace(number.phone_number, number.sid);
  numbers_.emplace(number.sid, std::move(number));
  Order& stored = orders_.emplace(sid, std::move(order)).first->second;
  order_sids_by_sequence_.emplace(stored.sequence, sid);
  order_sids_by_number_.emplace(stored.phone_number, sid);
  setStatus(stored, OrderStatus::TwilioProcessing, "created; eligibility check running");
  timers_.schedule(world_.rules.eligibility_check, "eligibility check " + sid, "eligibility",
                   {sid});
  return stored;
}

Order* Model::findOrder(const Account& owner, std::string_view sid) {
  const auto it = orders_.find(std::string(sid));
  if (it == orders_.end() || it->second.account_sid != owner.sid) {
    return nullptr;
  }
  return &it->second;
}

Result<Order> Model::fetchOrder(const Account& owner, std::string_view sid) const {
  const auto it = orders_.find(std::string(sid));
  if (it == orders_.end() || it->second.account_sid != owner.sid) {
    return makeError(ErrorCode::NotFound, "order not found");
  }
  return it->second;
}

Result<Order> Model::updateOrder(const Account& owner, std::string_view sid,
                                 const UpdateOrderInput& input) {
  Order* order = findOrder(owner, sid);
  if (order == nullptr) {
    return makeError(ErrorCode::NotFound, "order not found");
  }
  if (order->flavor == Flavor::V2 && !input.status) {
    return errors::missingParameter("Status");
  }
  std::optional<OrderStatus> target;
  if (input.status) {
    target = parseOrderStatus(*input.status);
    if (!target) {
      return errors::invalidOrderStatus("'" + *input.status + "' is not a valid status");
    }
  }
  if (isTerminal(order->status)) {
    return errors::unableToUpdateOrder("the Hosted Number Order is " +
                                       std::string(orderStatusName(order->status)) +
                                       ", a terminal state; create a new instance");
  }
  if (input.verification_call_delay &&
      (*input.verification_call_delay < 0 || *input.verification_call_delay > 60)) {
    return errors::invalidParameter(
        order->flavor == Flavor::V2 ? "VerificationCallDelay" : "CallDelay",
        "must be between 0 and 60");
  }
  if (input.verification_call_extension && !isValidExtension(*input.verification_call_extension)) {
    return errors::invalidParameter(
        order->flavor == Flavor::V2 ? "VerificationCallExtension" : "Extension",
        "may hold only digits, #, * and w");
  }
  if (input.verification_code && order->status != OrderStatus::PendingVerification) {
    return errors::unableToVerifyCode();
  }
  if (input.friendly_name && input.friendly_name->size() > 64) {
    return errors::invalidParameter("FriendlyName", "must be at most 64 characters");
  }

  bool place_call = false;
  std::optional<OrderStatus> move_to;
  if (target && *target != order->status) {
    switch (*target) {
      case OrderStatus::PendingVerification:
        if (order->status == OrderStatus::TwilioProcessing) {
          return errors::invalidOrderStatus(
              "pending-verification cannot be applied while the order is twilio-processing");
        }
        if (order->status != OrderStatus::Received &&
            order->status != OrderStatus::ActionRequired) {
          return errors::invalidOrderStatus(
              "pending-verification cannot be applied to an order "
              "that is " +
              std::string(orderStatusName(order->status)));
        }
        break;
      case OrderStatus::PendingLoa:
        if (order->flavor != Flavor::Preview || order->status != OrderStatus::Verified) {
          return errors::unableToUpdateOrder("pending-loa cannot be user-initiated from " +
                                             std::string(orderStatusName(order->status)));
        }
        move_to = OrderStatus::PendingLoa;
        break;
      default:
        return errors::unableToUpdateOrder("'" + std::string(orderStatusName(*target)) +
                                           "' is a status that cannot be user-initiated");
    }
  }
  if (target == OrderStatus::PendingVerification) {
    if (order->active_call_sid) {
      return errors::invalidOrderStatus("a verification call is already in progress");
    }
    if (order->verification_attempts >= world_.rules.max_verification_attempts) {
      return errors::maxVerificationAttempts();
    }
    place_call = true;
  }

  if (input.verification_call_delay) {
    order->verification_call_delay = *input.verification_call_delay;
  }
  if (input.verification_call_extension) {
    order->verification_call_extension = input.verification_call_extension;
  }
  if (input.friendly_name) {
    order->friendly_name = input.friendly_name;
  }
  if (input.unique_name) {
    order->unique_name = input.unique_name;
  }
  if (input.email) {
    order->email = input.email;
  }
  if (input.cc_emails) {
    order->cc_emails = *input.cc_emails;
  }
  if (input.verification_document_sid) {
    order->verification_document_sid = input.verification_document_sid;
  }
  order->date_updated = clock_.now();
  touchOrder(*order);
  if (place_call) {
    placeCall(*order);
  } else if (move_to) {
    setStatus(*order, *move_to, "set by the client");
  }
  return *order;
}

void Model::placeCall(Order& order) {
  const NumberProfile profile = profileFor(order.phone_number);
  VerificationCall call;
  call.sid = ids_.sid("CA");
  call.account_sid = order.account_sid;
  call.order_sid = order.sid;
  call.phone_number = order.phone_number;
  call.extension = order.verification_call_extension;
  call.callee = profile.callee;
  call.expected_code = ids_.digits(world_.rules.verification_code_digits);
  call.placed = clock_.now();
  const Millis delay = Millis(1000 * order.verification_call_delay) +
                       extensionWait(order.verification_call_extension);
  call.dial_at = call.placed + delay;

  order.verification_attempts += 1;
  call.attempt = order.verification_attempts;
  order.verification_code = call.expected_code;
  order.verification_call_sids.push_back(call.sid);
  order.active_call_sid = call.sid;
  order.failure_reason.clear();
  order.next_step = "Answer the verification call to " + order.phone_number + " and enter code " +
                    call.expected_code;
  const std::string call_sid = call.sid;
  call_positions_.emplace(call_sid, calls_.size());
  calls_.push_back(std::move(call));
  setStatus(order, OrderStatus::PendingVerification,
            "verification call " + call_sid + " placed (attempt " +
                std::to_string(order.verification_attempts) + ")");
  timers_.schedule(delay + world_.rules.call_ring, "verification call " + call_sid, "answer call",
                   {call_sid});
}

VerificationCall* Model::findCall(std::string_view sid) {
  const auto found = call_positions_.find(std::string(sid));
  return found == call_positions_.end() ? nullptr : &calls_[found->second];
}

void Model::answerCall(const std::string& call_sid) {
  VerificationCall* call = findCall(call_sid);
  if (call == nullptr || call->outcome != CallOutcome::Queued) {
    return;
  }
  switch (call->callee) {
    case CalleeAction::EnterCorrectCode:
      call->digits_entered = call->expected_code;
      finishCall(*call, CallOutcome::Verified);
      return;
    case CalleeAction::EnterWrongCode: {
      // A wrong code is the right one with its last digit changed.
      std::string wrong = call->expected_code;
      wrong.back() = wrong.back() == '9' ? '0' : static_cast<char>(wrong.back() + 1);
      call->digits_entered = wrong;
      finishCall(*call, CallOutcome::WrongCode);
      return;
    }
    case CalleeAction::NoAnswer:
      finishCall(*call, CallOutcome::NoAnswer);
      return;
    case CalleeAction::Manual:
      call->outcome = CallOutcome::InProgress;
      timers_.schedule(world_.rules.call_timeout, "verification call timeout " + call_sid,
                       "call timeout", {call_sid});
      return;
  }
}

Status Model::keyInDigits(std::string_view call_sid, std::optional<std::string> digits) {
  VerificationCall* call = findCall(call_sid);
  if (call == nullptr) {
    return makeError(ErrorCode::NotFound, "no verification call " + std::string(call_sid));
  }
  if (call->outcome != CallOutcome::InProgress && call->outcome != CallOutcome::Queued) {
    return makeError(ErrorCode::FailedPrecondition,
                     "call " + std::string(call_sid) + " has already ended (" +
                         std::string(callOutcomeName(call->outcome)) + ")");
  }
  if (!digits) {
    finishCall(*call, CallOutcome::NoAnswer);
    return {};
  }
  call->digits_entered = digits;
  finishCall(*call,
             *digits == call->expected_code ? CallOutcome::Verified : CallOutcome::WrongCode);
  return {};
}

void Model::finishCall(VerificationCall& call, CallOutcome outcome) {
  call.outcome = outcome;
  call.ended = clock_.now();
  const auto it = orders_.find(call.order_sid);
  if (it == orders_.end()) {
    return;
  }
  Order& order = it->second;
  if (order.active_call_sid != call.sid) {
    return;
  }
  order.active_call_sid.reset();
  if (outcome == CallOutcome::Verified) {
    order.next_step = "Create an Authorization Document for this order";
    setStatus(order, OrderStatus::Verified, "code entered on call " + call.sid);
    return;
  }
  const std::string what = outcome == CallOutcome::WrongCode
                               ? "the wrong code was entered"
                               : "the call was not answered or no code was entered";
  if (order.verification_attempts >= world_.rules.max_verification_attempts) {
    enterActionRequired(order, "Verification failed after " +
                                   std::to_string(order.verification_attempts) +
                                   " attempts: " + what);
    return;
  }
  order.failure_reason = "Verification call " + call.sid + " failed: " + what;
  order.next_step = "Update Status to pending-verification to place another verification call";
  order.date_updated = clock_.now();
  touchOrder(order);
  // Still pending-verification: the client retries, so this status is not re-announced.
  if (listener_) {
    if (const Account* owner = account(order.account_sid)) {
      listener_(order, *owner);
    }
  }
}

void Model::enterActionRequired(Order& order, std::string reason) {
  order.failure_reason = reason;
  order.next_step = "Contact hostedsms@twilio.com to remediate the order";
  setStatus(order, OrderStatus::ActionRequired, reason);
  const std::string sid = order.sid;
  const Millis timeout = world_.rules.action_required_timeout;
  timers_.schedule(timeout, "action-required timeout " + sid, "action-required timeout",
                   {sid, std::to_string(timeout.count())});
}

Status Model::deleteOrder(const Account& owner, std::string_view sid) {
  Order* order = findOrder(owner, sid);
  if (order == nullptr) {
    return makeError(ErrorCode::NotFound, "order not found");
  }
  if (order->status != OrderStatus::Received) {
    return errors::unableToUpdateOrder(
        "an order can only be canceled while it is received; it is " +
        std::string(orderStatusName(order->status)));
  }
  touchOrder(*order);
  changes_.touch(kNumbers, order->incoming_phone_number_sid);
  const auto number = numbers_.find(order->incoming_phone_number_sid);
  if (number != numbers_.end()) {
    number_sids_by_sequence_.erase(number->second.sequence);
    const auto [first_number, last_number] =
        number_sids_by_number_.equal_range(number->second.phone_number);
    for (auto it = first_number; it != last_number; ++it) {
      if (it->second == number->first) {
        number_sids_by_number_.erase(it);
        break;
      }
    }
    numbers_.erase(number);
  }
  order_sids_by_sequence_.erase(order->sequence);
  const auto [first, last] = order_sids_by_number_.equal_range(order->phone_number);
  for (auto it = first; it != last; ++it) {
    if (it->second == order->sid) {
      order_sids_by_number_.erase(it);
      break;
    }
  }
  orders_.erase(std::string(sid));
  return {};
}

namespace {

bool matches(const Order& order, const Account& owner, Flavor flavor, const OrderFilter& filter) {
  return order.account_sid == owner.sid && order.flavor == flavor &&
         (!filter.status || order.status == *filter.status) &&
         (!filter.sms_capability || order.capabilities.sms == *filter.sms_capability) &&
         (!filter.phone_number || order.phone_number == *filter.phone_number) &&
         (!filter.incoming_phone_number_sid ||
          order.incoming_phone_number_sid == *filter.incoming_phone_number_sid) &&
         (!filter.friendly_name || order.friendly_name == filter.friendly_name) &&
         (!filter.unique_name || order.unique_name == filter.unique_name) &&
         (!filter.signing_document_sid ||
          order.signing_document_sid == filter.signing_document_sid);
}

}  // namespace

std::vector<Order> Model::listOrders(const Account& owner, Flavor flavor,
                                     const OrderFilter& filter) const {
  std::vector<Order> out;
  for (const Order* order : pageOfOrders(owner, flavor, filter, 0, SIZE_MAX).orders) {
    out.push_back(*order);
  }
  return out;
}

Model::OrderPage Model::pageOfOrders(const Account& owner, Flavor flavor, const OrderFilter& filter,
                                     size_t offset, size_t limit) const {
  OrderPage page;
  size_t skipped = 0;
  // A number's orders from the index of orders by E.164; otherwise all of them.
  std::map<uint64_t, std::string> same_number;
  if (filter.phone_number) {
    const auto [first, last] = order_sids_by_number_.equal_range(*filter.phone_number);
    for (auto it = first; it != last; ++it) {
      same_number.emplace(orders_.at(it->second).sequence, it->second);
    }
  }
  const auto& sids = filter.phone_number ? same_number : order_sids_by_sequence_;
  // Newest first, as Twilio lists.
  for (auto it = sids.rbegin(); it != sids.rend(); ++it) {
    const Order& order = orders_.at(it->second);
    if (!matches(order, owner, flavor, filter)) {
      continue;
    }
    if (skipped < offset) {
      ++skipped;
    } else if (page.orders.size() < limit) {
      page.orders.push_back(&order);
    } else {
      page.more = true;
      break;
    }
  }
  return page;
}

Result<AuthorizationDocument> Model::createDocument(const Account& owner,
                                                    const CreateDocumentInput& input) {
  if (input.order_sids.empty()) {
    return errors::invalidOrderSids("HostedNumberOrderSids must list at least one HR sid");
  }
  if (input.address_sid.empty()) {
    return errors::missingParameter("AddressSid");
  }
  if (input.email.empty()) {
    return errors::missingParameter("Email");
  }
  if (!input.contact_phone_number) {
    return errors::missingParameter("ContactPhoneNumber");
  }
  if (input.flavor == Flavor::Preview && !input.contact_title) {
    return errors::missingParameter("ContactTitle");
  }
  if (!isSid(input.address_sid, "AD")) {
    return errors::invalidAddressSid(input.address_sid);
  }
  if (!isE164(*input.contact_phone_number)) {
    return errors::invalidParameter("ContactPhoneNumber", "must be a phone number in E.164 format");
  }
  HNEMU_RETURN_IF_ERROR(checkDocumentOrders(owner, input.order_sids, ""));
  const TimePoint now = clock_.now();
  AuthorizationDocument doc;
  doc.sid = ids_.sid("PX");
  doc.account_sid = owner.sid;
  doc.flavor = input.flavor;
  doc.address_sid = input.address_sid;
  doc.email = input.email;
  doc.cc_emails = input.cc_emails;
  doc.contact_title = input.contact_title;
  doc.contact_phone_number = input.contact_phone_number;
  doc.date_created = now;
  doc.date_updated = now;
  doc.sequence = ++sequence_;
  const std::string doc_sid = doc.sid;
  changes_.touch(kDocuments, doc_sid);
  document_sids_by_sequence_.emplace(doc.sequence, doc_sid);
  AuthorizationDocument& stored = documents_.emplace(doc_sid, std::move(doc)).first->second;
  listOnDocument(stored, input.order_sids);
  sendForSignature(stored);
  return stored;
}

Status Model::checkDocumentOrders(const Account& owner, const std::vector<std::string>& order_sids,
                                  const std::string& doc_sid) {
  for (const std::string& sid : order_sids) {
    if (!isSid(sid, "HR")) {
      return errors::invalidOrderSids("'" + sid + "' is not a Hosted Number Order SID");
    }
    const Order* order = findOrder(owner, sid);
    if (order == nullptr) {
      return errors::invalidOrderSids(sid + " was not found");
    }
    if (order->status != OrderStatus::Verified && order->status != OrderStatus::PendingLoa) {
      return errors::invalidOrderSids(sid + " is " + std::string(orderStatusName(order->status)) +
                                      "; ownership must be verified first");
    }
    if (order->signing_document_sid && *order->signing_document_sid != doc_sid) {
      const auto existing = documents_.find(*order->signing_document_sid);
      if (existing != documents_.end() && (existing->second.status == DocumentStatus::Signing ||
                                           existing->second.status == DocumentStatus::Opened)) {
        return errors::invalidOrderSids(sid + " is already on Authorization Document " +
                                        existing->first);
      }
    }
  }
  return {};
}

void Model::sendForSignature(AuthorizationDocument& doc) {
  doc.status = DocumentStatus::Signing;
  doc.sendings += 1;
  changes_.touch(kDocuments, doc.sid);
  // The signer behaves as the strictest of the numbers' owners: one refusal cancels the document.
  Decision decision = Decision::Accept;
  Millis after{0};
  for (const std::string& sid : doc.order_sids) {
    const auto found = orders_.find(sid);
    if (found == orders_.end()) {
      continue;
    }
    const NumberProfile profile = profileFor(found->second.phone_number);
    if (profile.loa_signer == Decision::Reject ||
        (profile.loa_signer == Decision::Never && decision != Decision::Reject)) {
      decision = profile.loa_signer;
    }
    after = std::max(after, profile.loa_after);
  }
  if (decision == Decision::Never) {
    return;
  }
  const bool accept = decision == Decision::Accept;
  const std::string doc_sid = doc.sid;
  const int sending = doc.sendings;
  timers_.schedule(after, std::string(accept ? "sign " : "decline ") + doc_sid, "signer",
                   {doc_sid, accept ? "accept" : "decline", std::to_string(sending)});
}

// An order listed on an opened or signing document is pending-loa; one taken off it is
// verified again.
void Model::listOnDocument(AuthorizationDocument& doc, const std::vector<std::string>& order_sids) {
  for (const std::string& sid : doc.order_sids) {
    const auto it = orders_.find(sid);
    if (it != orders_.end() &&
        std::find(order_sids.begin(), order_sids.end(), sid) == order_sids.end() &&
        it->second.status == OrderStatus::PendingLoa &&
        it->second.signing_document_sid == doc.sid) {
      it->second.next_step = "Create a new Authorization Document for this order";
      setStatus(it->second, OrderStatus::Verified, "taken off authorization document " + doc.sid);
    }
  }
  doc.order_sids = order_sids;
  for (const std::string& sid : order_sids) {
    Order& order = orders_.at(sid);
    order.signing_document_sid = doc.sid;
    order.next_step = "Sign the Authorization Document sent to " + doc.email;
    touchOrder(order);
    if (order.status != OrderStatus::PendingLoa) {
      setStatus(order, OrderStatus::PendingLoa, "authorization document " + doc.sid + " sent");
    }
  }
}

void Model::documentDecided(AuthorizationDocument& doc, bool signed_ok) {
  doc.status = signed_ok ? DocumentStatus::Signed : DocumentStatus::Canceled;
  doc.date_updated = clock_.now();
  changes_.touch(kDocuments, doc.sid);
  for (const std::string& sid : doc.order_sids) {
    const auto it = orders_.find(sid);
    if (it == orders_.end() || it->second.status != OrderStatus::PendingLoa ||
        it->second.signing_document_sid != doc.sid) {
      continue;
    }
    if (signed_ok) {
      startCarrierReview(it->second);
    } else {
      enterActionRequired(it->second,
                          "The Authorization Document " + doc.sid + " was declined by the signer");
    }
  }
}

void Model::startCarrierReview(Order& order) {
  order.next_step.reset();
  setStatus(order, OrderStatus::CarrierProcessing, "authorization document signed");
  const NumberProfile profile = profileFor(order.phone_number);
  if (profile.carrier == Decision::Never) {
    return;
  }
  const std::string sid = order.sid;
  const bool accept = profile.carrier == Decision::Accept;
  timers_.schedule(profile.carrier_after,
                   std::string("carrier ") + (accept ? "accepts " : "rejects ") + sid, "carrier",
                   {sid, accept ? "accept" : "reject"});
}

void Model::carrierAnswered(const std::string& order_sid, bool accept) {
  const auto it = orders_.find(order_sid);
  if (it == orders_.end() || it->second.status != OrderStatus::CarrierProcessing) {
    return;
  }
  Order& order = it->second;
  if (!accept) {
    order.failure_reason =
        "The carrier rejected the request to enable SMS on " + order.phone_number;
    order.next_step = "Confirm the number's carrier and create a new Hosted Number Order";
    setStatus(order, OrderStatus::Failed, "carrier rejected");
    return;
  }
  setStatus(order, OrderStatus::Testing, "carrier accepted");
  const std::string sid = order.sid;
  timers_.schedule(world_.rules.testing, "testing " + sid, "testing", {sid});
}

void Model::routingTested(const std::string& sid) {
  const auto found = orders_.find(sid);
  if (found == orders_.end() || found->second.status != OrderStatus::Testing) {
    return;
  }
  const auto number = numbers_.find(found->second.incoming_phone_number_sid);
  if (number != numbers_.end()) {
    number->second.capabilities.sms = true;
    number->second.date_updated = clock_.now();
    changes_.touch(kNumbers, number->first);
  }
  found->second.next_step.reset();
  setStatus(found->second, OrderStatus::Completed, "routing tested");
}

Status Model::carrierDecides(std::string_view order_sid, bool accept) {
  const auto it = orders_.find(std::string(order_sid));
  if (it == orders_.end()) {
    return makeError(ErrorCode::NotFound, "no order " + std::string(order_sid));
  }
  if (it->second.status != OrderStatus::CarrierProcessing) {
    return makeError(ErrorCode::FailedPrecondition,
                     "order " + std::string(order_sid) + " is " +
                         std::string(orderStatusName(it->second.status)) +
                         ", not carrier-processing");
  }
  carrierAnswered(it->first, accept);
  return {};
}

Status Model::signDocument(std::string_view sid, bool accept) {
  const auto it = documents_.find(std::string(sid));
  if (it == documents_.end()) {
    return makeError(ErrorCode::NotFound, "no authorization document " + std::string(sid));
  }
  if (it->second.status != DocumentStatus::Signing) {
    return makeError(ErrorCode::FailedPrecondition,
                     "authorization document " + std::string(sid) + " is " +
                         std::string(documentStatusName(it->second.status)) + ", not signing");
  }
  documentDecided(it->second, accept);
  return {};
}

AuthorizationDocument* Model::findDocument(const Account& owner, std::string_view sid) {
  const auto it = documents_.find(std::string(sid));
  if (it == documents_.end() || it->second.account_sid != owner.sid) {
    return nullptr;
  }
  return &it->second;
}

Result<AuthorizationDocument> Model::fetchDocument(const Account& owner,
                                                   std::string_view sid) const {
  const auto it = documents_.find(std::string(sid));
  if (it == documents_.end() || it->second.account_sid != owner.sid) {
    return makeError(ErrorCode::NotFound, "document not found");
  }
  return it->second;
}

// Preview only. A signing document is immutable except for being opened again (Status=opened,
// error 22107's advice); an opened one takes every field, and Status=signing sends it out again.
Result<AuthorizationDocument> Model::updateDocument(const Account& owner, std::string_view sid,
                                                    const UpdateDocumentInput& input) {
  AuthorizationDocument* doc = findDocument(owner, sid);
  if (doc == nullptr) {
    return makeError(ErrorCode::NotFound, "document not found");
  }
  std::optional<DocumentStatus> target;
  if (input.status) {
    target = parseDocumentStatus(*input.status);
    if (!target || (*target != DocumentStatus::Opened && *target != DocumentStatus::Signing)) {
      return errors::invalidDocumentStatus(*input.status);
    }
  }
  const bool reopening = doc->status == DocumentStatus::Signing && target == DocumentStatus::Opened;
  if (doc->status != DocumentStatus::Opened && !reopening) {
    return errors::unableToUpdateDocument(documentStatusName(doc->status));
  }
  if (input.order_sids) {
    if (input.order_sids->empty()) {
      return errors::invalidOrderSids("HostedNumberOrderSids must list at least one HR sid");
    }
    HNEMU_RETURN_IF_ERROR(checkDocumentOrders(owner, *input.order_sids, doc->sid));
  }
  if (input.address_sid && !isSid(*input.address_sid, "AD")) {
    return errors::invalidAddressSid(*input.address_sid);
  }
  if (input.contact_phone_number && !isE164(*input.contact_phone_number)) {
    return errors::invalidParameter("ContactPhoneNumber", "must be a phone number in E.164 format");
  }
  if (input.address_sid) {
    doc->address_sid = *input.address_sid;
  }
  if (input.email) {
    doc->email = *input.email;
  }
  if (input.cc_emails) {
    doc->cc_emails = *input.cc_emails;
  }
  if (input.contact_title) {
    doc->contact_title = input.contact_title;
  }
  if (input.contact_phone_number) {
    doc->contact_phone_number = input.contact_phone_number;
  }
  doc->date_updated = clock_.now();
  if (target) {
    doc->status = *target;
  }
  changes_.touch(kDocuments, doc->sid);
  if (input.order_sids) {
    listOnDocument(*doc, *input.order_sids);
  }
  if (target == DocumentStatus::Signing) {
    sendForSignature(*doc);
  }
  return *doc;
}

Status Model::cancelDocument(const Account& owner, std::string_view sid) {
  AuthorizationDocument* doc = findDocument(owner, sid);
  if (doc == nullptr) {
    return makeError(ErrorCode::NotFound, "document not found");
  }
  if (doc->status == DocumentStatus::Signed) {
    return errors::unableToUpdateDocument("signed");
  }
  if (doc->status == DocumentStatus::Canceled) {
    return {};
  }
  doc->status = DocumentStatus::Canceled;
  doc->date_updated = clock_.now();
  changes_.touch(kDocuments, doc->sid);
  for (const std::string& order_sid : doc->order_sids) {
    const auto it = orders_.find(order_sid);
    if (it != orders_.end() && it->second.status == OrderStatus::PendingLoa &&
        it->second.signing_document_sid == doc->sid) {
      it->second.next_step = "Create a new Authorization Document for this order";
      setStatus(it->second, OrderStatus::Verified, "authorization document canceled");
    }
  }
  return {};
}

namespace {

// Walks `sids` (by sequence) newest first, keeping the matches after the first `offset`, up to
// `limit`, and whether another follows: costs the page and the offset, not the store.
template <class Item, class Sids, class Match>
Model::Page<Item> pageOf(const std::map<std::string, Item>& items, const Sids& sids, size_t offset,
                         size_t limit, Match matches) {
  Model::Page<Item> page;
  size_t skipped = 0;
  for (auto it = sids.rbegin(); it != sids.rend(); ++it) {
    const Item& item = items.at(it->second);
    if (!matches(item)) {
      continue;
    }
    if (skipped < offset) {
      ++skipped;
    } else if (page.items.size() < limit) {
      page.items.push_back(&item);
    } else {
      page.more = true;
      break;
    }
  }
  return page;
}

}  // namespace

Model::Page<AuthorizationDocument> Model::pageOfDocuments(const Account& owner, Flavor flavor,
                                                          const std::optional<std::string>& email,
                                                          std::optional<DocumentStatus> status,
                                                          size_t offset, size_t limit) const {
  return pageOf(documents_, document_sids_by_sequence_, offset, limit,
                [&](const AuthorizationDocument& doc) {
                  return doc.account_sid == owner.sid && doc.flavor == flavor &&
                         (!email || doc.email == *email) && (!status || doc.status == *status);
                });
}

IncomingNumber* Model::findNumber(const Account& owner, std::string_view sid) {
  const auto it = numbers_.find(std::string(sid));
  if (it == numbers_.end() || it->second.account_sid != owner.sid || it->second.released) {
    return nullptr;
  }
  return &it->second;
}

Result<IncomingNumber> Model::fetchNumber(const Account& owner, std::string_view sid) const {
  const auto it = numbers_.find(std::string(sid));
  if (it == numbers_.end() || it->second.account_sid != owner.sid || it->second.released) {
    return makeError(ErrorCode::NotFound, "number not found");
  }
  return it->second;
}

Result<IncomingNumber> Model::updateNumber(const Account& owner, std::string_view sid,
                                           const UpdateNumberInput& input) {
  IncomingNumber* number = findNumber(owner, sid);
  if (number == nullptr) {
    return makeError(ErrorCode::NotFound, "number not found");
  }
  if (!isMethod(input.sms_method)) {
    return errors::invalidMethod("SmsMethod");
  }
  if (!isMethod(input.sms_fallback_method)) {
    return errors::invalidMethod("SmsFallbackMethod");
  }
  if (!isMethod(input.status_callback_method)) {
    return errors::invalidMethod("StatusCallbackMethod");
  }
  if (input.friendly_name && input.friendly_name->size() > 64) {
    return errors::invalidParameter("FriendlyName", "must be at most 64 characters");
  }
  auto assign = [](std::optional<std::string>& field, const std::optional<std::string>& value) {
    if (value) {
      field = value->empty() ? std::nullopt : value;
    }
  };
  assign(number->friendly_name, input.friendly_name);
  assign(number->sms_url, input.sms_url);
  assign(number->sms_fallback_url, input.sms_fallback_url);
  assign(number->status_callback, input.status_callback);
  assign(number->sms_application_sid, input.sms_application_sid);
  assign(number->voice_url, input.voice_url);
  if (input.sms_method) {
    number->sms_method = *input.sms_method;
  }
  if (input.sms_fallback_method) {
    number->sms_fallback_method = *input.sms_fallback_method;
  }
  if (input.status_callback_method) {
    number->status_callback_method = *input.status_callback_method;
  }
  number->date_updated = clock_.now();
  changes_.touch(kNumbers, number->sid);
  return *number;
}

Status Model::releaseNumber(const Account& owner, std::string_view sid) {
  IncomingNumber* number = findNumber(owner, sid);
  if (number == nullptr) {
    return makeError(ErrorCode::NotFound, "number not found");
  }
  number->released = true;
  number->released_at = clock_.now();
  number->date_updated = clock_.now();
  changes_.touch(kNumbers, number->sid);
  // An order still in flight cannot complete without its number.
  for (auto& [order_sid, order] : orders_) {
    if (order.incoming_phone_number_sid == number->sid && !isTerminal(order.status)) {
      order.failure_reason = "The incoming phone number " + number->sid + " was released";
      order.next_step = "Create a new Hosted Number Order";
      setStatus(order, OrderStatus::Failed, "number released");
    }
  }
  const std::string number_sid = number->sid;
  timers_.schedule(world_.rules.release_retirement, "retire " + number_sid, "retire", {number_sid});
  return {};
}

Model::Page<IncomingNumber> Model::pageOfNumbers(const Account& owner,
                                                 const std::optional<std::string>& phone_number,
                                                 const std::optional<std::string>& friendly_name,
                                                 const std::optional<std::string>& origin,
                                                 size_t offset, size_t limit) const {
  if (origin && *origin != "hosted") {
    return {};  // every number here is hosted
  }
  auto matches = [&](const IncomingNumber& number) {
    return number.account_sid == owner.sid && !number.released &&
           (!phone_number || number.phone_number == *phone_number) &&
           (!friendly_name || number.friendly_name == friendly_name);
  };
  if (!phone_number) {
    return pageOf(numbers_, number_sids_by_sequence_, offset, limit, matches);
  }
  // A number's few entries, newest first, from the index of numbers by E.164.
  std::map<uint64_t, std::string> same_number;
  const auto [first, last] = number_sids_by_number_.equal_range(*phone_number);
  for (auto it = first; it != last; ++it) {
    same_number.emplace(numbers_.at(it->second).sequence, it->second);
  }
  return pageOf(numbers_, same_number, offset, limit, matches);
}

}  // namespace hnemu::twilio
