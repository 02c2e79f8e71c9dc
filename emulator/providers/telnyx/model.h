#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/change_feed.h"
#include "core/clock.h"
#include "core/ids.h"
#include "core/phone.h"
#include "core/provider_timers.h"
#include "core/resource_watch.h"
#include "core/result.h"
#include "core/state_machine.h"

// Telnyx hosted SMS ("messaging hosted number orders"): state and rules, no HTTP/JSON types.
namespace hnemu::telnyx {

enum class OrderStatus {
  Pending,
  LoaFileSuccessful,
  Provisioning,
  Successful,
  Failed,
  Deleted,
  CarrierRejected,
  IneligibleCarrier,
  LoaFileInvalid,
  IncompleteDocumentation,
  IncorrectBillingInformation,
  ComplianceReviewFailed,
};
std::string_view orderStatusName(OrderStatus status);

enum class NumberStatus {
  Pending,
  OwnershipSuccessful,
  Provisioning,
  Successful,
  Deleted,
  Failed,
  FailedActivation,
  FailedCarrierRejected,
  FailedIneligibleCarrier,
  FailedNumberAlreadyHosted,
  FailedNumberNotFound,
  FailedOwnershipVerification,
  FailedTimeout,
};
std::string_view numberStatusName(NumberStatus status);
bool isFailed(NumberStatus status);
// Every transition Model makes, in Telnyx's status names.
StateMachine orderLifecycle();
StateMachine numberLifecycle();

enum class Eligibility {
  Eligible,
  NotRepeated,  // NUMBER_CAN_NOT_BE_REPEATED: listed twice in one request
  NotValidated,
  Wireless,
  ActiveInYourAccount,
  HostedWithTelnyxSubscriber,
  InTelnyx,
  NotUsNumber,
  InvalidRoutingNumber,
  NotE164,
  BillingCheckFailed,
  BillingAbolished,
};
std::string_view eligibilityName(Eligibility value);  // NUMBER_IS_NOT_A_US_NUMBER, ...
std::string_view eligibilityDetail(Eligibility value);

// ---- The world ----

enum class Billing { Ok, CheckFailed, Abolished };
enum class LineKind { Landline, TollFree, Wireless, Voip };
enum class ReviewOutcome {
  Accept,
  LoaFileInvalid,
  IncompleteDocumentation,
  IncorrectBillingInformation,
  ComplianceReviewFailed,
};
enum class CarrierDecision {
  Accept,
  Reject,
  Ineligible,
  NotFound,
  AlreadyHosted,
  ActivationFails,
  Never
};

std::optional<Billing> parseBilling(std::string_view text);
std::string_view billingName(Billing value);
std::optional<LineKind> parseLineKind(std::string_view text);
std::string_view lineKindName(LineKind value);
std::optional<ReviewOutcome> parseReviewOutcome(std::string_view text);
std::string_view reviewOutcomeName(ReviewOutcome value);
std::optional<CarrierDecision> parseCarrierDecision(std::string_view text);
std::string_view carrierDecisionName(CarrierDecision value);

struct Account {
  std::string api_key;
  std::string user_id;  // a UUID; webhooks name it
  std::string name;
  Billing billing = Billing::Ok;
};

// A messaging profile's number pool, as stored values (hnemu sends no messages through it).
struct NumberPoolSettings {
  double long_code_weight = 0;
  double toll_free_weight = 0;
  bool skip_unhealthy = false;
  bool geomatch = false;
  bool sticky_sender = false;
};

struct UrlShortenerSettings {
  std::string domain;
  std::string prefix;
  bool replace_blacklist_only = false;
  bool send_webhooks = false;
};

struct MessagingProfile {
  std::string id;
  std::string user_id;
  std::string name;
  bool enabled = true;  // false: no webhooks are sent for its orders
  std::string webhook_url;
  std::string webhook_failover_url;
  std::string webhook_api_version = "2";
  std::vector<std::string> whitelisted_destinations;
  std::optional<NumberPoolSettings> number_pool_settings;
  std::optional<UrlShortenerSettings> url_shortener_settings;
  std::optional<std::string> alpha_sender;
  std::string daily_spend_limit = "0";
  bool daily_spend_limit_enabled = false;
  bool mms_fall_back_to_sms = false;
  bool mms_transcoding = false;
  bool mobile_only = false;
  bool smart_encoding = false;
  bool redaction_enabled = false;
  int redaction_level = 2;
  std::string v1_secret;
  TimePoint created_at;
  TimePoint updated_at;
};

struct NumberProfile {
  std::string phone_number;
  std::optional<LineKind> kind;  // unset: toll-free for 8XX area codes, else landline
  bool us_number = true;         // unset by profile: +1 numbers are US
  bool on_telnyx = false;
  bool hosted_by_another_customer = false;
  bool valid_routing = true;
  bool lookup_fails = false;
  bool code_delivered = true;  // false: the code never reaches the number
  ReviewOutcome review = ReviewOutcome::Accept;
  int review_rejections = 1;  // how many reviews reject before one accepts; 0: every one
  CarrierDecision carrier = CarrierDecision::Accept;
  Millis carrier_after{std::chrono::hours(24)};
};

struct Rules {
  int review_business_days = 2;  // Telnyx says 1-3 business days
  int max_code_attempts = 3;     // wrong codes before failed_ownership_verification
  Millis code_delivery{std::chrono::seconds(10)};
  Millis activation_timeout{std::chrono::hours(24 * 5)};  // a silent carrier: failed_timeout
  size_t code_digits = 5;
  int rate_limit = 100;  // what a 429's x-ratelimit-limit says
};

struct World {
  std::vector<Account> accounts;
  std::vector<MessagingProfile> profiles;
  std::map<std::string, NumberProfile> numbers;
  Rules rules;
};

// ---- Resources ----

template <class Status>
struct StatusChange {
  TimePoint time;
  Status status;
};

struct HostedNumber {
  std::string id;
  std::string order_id;
  std::string user_id;
  std::string phone_number;
  NumberStatus status = NumberStatus::Pending;
  std::optional<std::string> messaging_profile_id;
  std::string messaging_product = "A2P";
  std::vector<std::string> tags;
  std::optional<std::string> code;  // the latest code sent
  std::optional<std::string> code_id;
  int wrong_codes = 0;
  TimePoint created_at;
  TimePoint updated_at;
  std::vector<StatusChange<NumberStatus>> history;
};

// A number of the order is active on another Telnyx account: its owner has 72 hours to approve
// or reject the transfer, else it is approved.
enum class TransferDecision { Pending, Approved, Rejected };
std::string_view transferDecisionName(TransferDecision decision);
struct InternalTransfer {
  std::string losing_user_id;
  std::string approval_token;  // single use
  TimePoint approval_deadline;
  TransferDecision decision = TransferDecision::Pending;
};

struct Order {
  std::string id;
  std::string user_id;
  std::optional<InternalTransfer> internal_transfer;
  std::optional<std::string> messaging_profile_id;
  OrderStatus status = OrderStatus::Pending;
  std::vector<std::string> number_ids;
  bool has_loa = false;
  bool has_bill = false;
  int reviews = 0;
  TimePoint created_at;
  TimePoint updated_at;
  uint64_t sequence = 0;
  std::vector<StatusChange<OrderStatus>> history;
};

struct InboxMessage {
  std::string to;
  std::string body;
  std::string code;
  std::string method;  // sms or call
  std::string order_id;
  std::string verification_code_id;
  TimePoint sent_at;
  TimePoint delivered_at;
};

struct EligibilityResult {
  std::string phone_number;
  Eligibility status = Eligibility::Eligible;
};

struct CodeRequestResult {
  std::string phone_number;
  std::string type;
  std::optional<std::string> verification_code_id;
  std::optional<std::string> error;
};

struct CodeCheck {
  std::string phone_number;
  std::string code;
};

struct CodeCheckResult {
  std::string phone_number;
  std::string status;  // verified, rejected, already_verified
};

struct NumberFilter {
  std::optional<std::string> messaging_profile_id;
  std::optional<std::string> phone_number;
  std::optional<std::string> phone_number_contains;
  bool descending = false;
};

struct NumberUpdate {
  std::optional<std::string> messaging_profile_id;  // "" unassigns
  std::optional<std::string> messaging_product;
  std::optional<std::vector<std::string>> tags;
};

// A message sent from a hosted number: stored, never delivered.
struct NewMessage {
  std::string from;
  std::string to;
  std::string text;
  std::vector<std::string> media_urls;
  std::optional<std::string> messaging_profile_id;
  std::optional<std::string> webhook_url;
  std::optional<std::string> webhook_failover_url;
};

struct Message : NewMessage {
  std::string id;
  std::string user_id;
  std::string messaging_profile_id_used;
  LineKind from_kind = LineKind::Landline;
  bool ucs2 = false;  // not GSM-7
  int parts = 1;
  TimePoint received_at;
};

// What hnemu knows of a hosted number's traffic (Telnyx's NumberHealthMetrics).
struct NumberHealth {
  int message_count = 0;
  double inbound_outbound_ratio = 0;
  double success_ratio = 0;
  double spam_ratio = 0;
};

// Told of every event to announce: created, updated, deleted.
using OrderListener =
    std::function<void(const Order&, const std::vector<HostedNumber>&, const std::string& event)>;

TimePoint addBusinessDays(TimePoint from, int days);

class Model {
 public:
  // The state dump's collections, as each change to them is said (ChangeScope).
  static constexpr std::string_view kAccounts = "accounts";
  static constexpr std::string_view kProfiles = "messaging_profiles";
  static constexpr std::string_view kOrders = "messaging_hosted_number_orders";
  static constexpr std::string_view kNumbers = "messaging_hosted_numbers";
  static constexpr std::string_view kMessages = "messages";

  // Where status changes are reported, for the auto clock (null: nowhere).
  void setWatch(ResourceWatch* watch) { watch_ = watch; }
  Model(Clock& clock, IdGenerator& ids, ChangeScope changes = {});

  World& world() { return world_; }
  const World& world() const { return world_; }
  void setListener(OrderListener listener) { listener_ = std::move(listener); }
  void reset();

  const Account* authenticate(std::string_view api_key) const;
  // A messaging profile of any account, configured or created through the API.
  const MessagingProfile* profile(std::string_view id) const;
  // A profile of the world (kept across resets), replacing one with the same id.
  void addConfiguredProfile(MessagingProfile profile);
  const std::vector<MessagingProfile>& profiles() const { return profiles_; }
  MessagingProfile newProfile(const Account& account) const;
  Result<MessagingProfile> createProfile(const Account& account, MessagingProfile profile);
  std::vector<MessagingProfile> listProfiles(const Account& account,
                                             const std::optional<std::string>& name_equals,
                                             const std::optional<std::string>& name_contains) const;
  Result<MessagingProfile> fetchProfile(const Account& account, std::string_view id) const;
  Result<MessagingProfile> replaceProfile(const Account& account, MessagingProfile profile);
  Result<MessagingProfile> deleteProfile(const Account& account, std::string_view id);
  NumberProfile profileFor(const std::string& phone_number) const;

  std::vector<EligibilityResult> checkEligibility(const Account& account,
                                                  const std::vector<std::string>& numbers) const;
  Result<Order> createOrder(const Account& account, std::optional<std::string> messaging_profile_id,
                            const std::vector<std::string>& numbers);
  Result<Order> fetchOrder(const Account& account, std::string_view id) const;
  // One page of an account's orders, newest first, and how many it has: costs the page and the
  // offset, not the store.
  struct OrderPage {
    std::vector<const Order*> orders;
    size_t total = 0;
  };
  OrderPage pageOfOrders(const Account& account, size_t offset, size_t limit) const;
  Result<Order> deleteOrder(const Account& account, std::string_view id);
  Result<std::vector<CodeRequestResult>> requestCodes(const Account& account, std::string_view id,
                                                      const std::vector<std::string>& numbers,
                                                      const std::string& method);
  Result<std::vector<CodeCheckResult>> checkCodes(const Account& account, std::string_view id,
                                                  const std::vector<CodeCheck>& codes);
  Result<Order> uploadDocuments(const Account& account, std::string_view id, bool loa, bool bill);

  std::vector<HostedNumber> numbersOf(const Order& order) const;
  // One page of an account's hosted numbers (deleted ones left out) in phone-number order, and
  // how many match: costs the account's numbers at most, and one number's entries when the
  // filter names it.
  struct NumberPage {
    std::vector<const HostedNumber*> numbers;
    size_t total = 0;
  };
  NumberPage pageOfNumbers(const Account& account, const NumberFilter& filter, size_t offset,
                           size_t limit) const;
  Result<HostedNumber> fetchNumber(const Account& account, std::string_view id_or_number) const;
  Result<HostedNumber> updateNumber(const Account& account, std::string_view id_or_number,
                                    const NumberUpdate& update);
  Result<Order> deleteNumber(const Account& account, std::string_view id);

  // Sends (stores) a message from one of the account's active hosted numbers.
  Result<Message> sendMessage(const Account& account, NewMessage input);
  Result<Message> fetchMessage(const Account& account, std::string_view id) const;
  NumberHealth healthOf(const HostedNumber& number) const;

  // The losing owner's answer to an internal transfer, with the token it was sent.
  Result<Order> decideTransfer(const Account& account, std::string_view order_id,
                               std::string_view token, bool approve);

  // The reviewer and the carrier, driven by the control API.
  Status reviewNow(std::string_view order_id, ReviewOutcome outcome);
  Status carrierNow(std::string_view number_id, CarrierDecision decision);

  const std::map<std::string, Order>& orders() const { return orders_; }
  // The change feed's version of an order (a change to one of its numbers is the order's too):
  // its answer is kept per version.
  uint64_t version(const Order& order) const { return changes_.version(kOrders, order.id); }
  const std::map<std::string, HostedNumber>& numbers() const { return numbers_; }
  const std::vector<InboxMessage>& inbox() const { return inbox_; }
  const std::map<std::string, Message>& messages() const { return messages_; }

 private:
  // providers/telnyx/snapshot.cpp: --state compaction writes and restores the private state.
  friend struct Snapshot;

  Order* findOrder(const Account& account, std::string_view id);
  HostedNumber* findNumber(const Account& account, std::string_view id_or_number);
  std::map<std::string, HostedNumber*> numbersByPhone(const Order& order);
  const HostedNumber* lookUpNumber(const Account& account, std::string_view id_or_number) const;
  Eligibility eligibilityOf(const Account& account, const std::string& number) const;
  void announce(const Order& order, const std::string& event);
  void setNumberStatus(HostedNumber& number, NumberStatus status);
  void setOrderStatus(Order& order, OrderStatus status);
  void maybeSubmitForReview(Order& order);
  void review(const std::string& order_id, std::optional<ReviewOutcome> forced);
  void carrierDecided(const std::string& number_id, CarrierDecision decision);
  void settleOrder(Order& order);
  // The active hosted number of another account that a new order for `phone_number` would take.
  const HostedNumber* activeElsewhere(const Account& account,
                                      const std::string& phone_number) const;
  void transferDecided(Order& order, TransferDecision decision, const std::string& event);
  std::vector<HostedNumber*> liveNumbers(const Order& order);

  // An order's state shows its numbers: a number's change is its order's too.
  void touched(const Order& order) const { changes_.touch(kOrders, order.id); }
  void touched(const HostedNumber& number) const {
    changes_.touch(kNumbers, number.id);
    changes_.touch(kOrders, number.order_id);
  }

  Clock& clock_;
  IdGenerator& ids_;
  ChangeScope changes_;
  World world_;
  ProviderTimers timers_;
  OrderListener listener_;
  std::map<std::string, Order> orders_;
  std::map<std::string, std::map<uint64_t, std::string>> order_ids_by_user_;  // by sequence
  std::map<std::string, HostedNumber> numbers_;
  std::multimap<std::string, std::string> number_ids_by_phone_;  // E.164 -> every number's id
  // user -> (E.164, id) of the numbers it lists (not deleted), in list order.
  std::map<std::string, std::set<std::pair<std::string, std::string>>> listed_numbers_by_user_;
  std::vector<InboxMessage> inbox_;
  std::vector<MessagingProfile> profiles_;  // the world's at reset, and those clients created
  std::map<std::string, Message> messages_;
  // (user, E.164) -> how many messages the account sent from that number: its health.
  std::map<std::pair<std::string, std::string>, int> sent_by_number_;
  uint64_t sequence_ = 0;
  ResourceWatch* watch_ = nullptr;
};

}  // namespace hnemu::telnyx
