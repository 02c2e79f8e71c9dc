#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
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

// Twilio's hosted-number state and rules. No HTTP, JSON or XML types here (house rule 1).
namespace hnemu::twilio {

enum class OrderStatus {
  TwilioProcessing,
  Received,
  PendingVerification,
  Verified,
  PendingLoa,
  CarrierProcessing,
  Testing,
  Completed,
  Failed,
  ActionRequired,
};
std::string_view orderStatusName(OrderStatus status);
std::optional<OrderStatus> parseOrderStatus(std::string_view text);
bool isTerminal(OrderStatus status);
// Every transition Model makes, in Twilio's status names.
StateMachine orderLifecycle();

enum class DocumentStatus { Opened, Signing, Signed, Canceled, Failed };
std::string_view documentStatusName(DocumentStatus status);
std::optional<DocumentStatus> parseDocumentStatus(std::string_view text);

// Which API generation created a resource: it picks the response shape and URLs.
enum class Flavor { V2, Preview };

// ---- The world: who exists and how the other parties behave. Kept across reset; the scenario
// loader will own it later. ----

enum class NumberKind { Landline, TollFree, Mobile, Voip };
std::string_view numberKindName(NumberKind kind);
std::optional<NumberKind> parseNumberKind(std::string_view text);

enum class Hostability { Hostable, AlreadyHosted, TwilioOwned, CarrierCannotEnable };
std::string_view hostabilityName(Hostability value);
std::optional<Hostability> parseHostability(std::string_view text);

// What the person answering the verification call does.
enum class CalleeAction { EnterCorrectCode, EnterWrongCode, NoAnswer, Manual };
std::string_view calleeActionName(CalleeAction action);
std::optional<CalleeAction> parseCalleeAction(std::string_view text);

// How a party (LOA signer, carrier) decides. Never: waits for the control API, forever.
enum class Decision { Accept, Reject, Never };
std::string_view decisionName(Decision decision);
std::optional<Decision> parseDecision(std::string_view text);

struct NumberProfile {
  std::string phone_number;
  std::optional<NumberKind> kind;  // unset: toll-free for 8XX area codes, else landline
  Hostability hostability = Hostability::Hostable;
  CalleeAction callee = CalleeAction::EnterCorrectCode;
  Decision loa_signer = Decision::Accept;
  Millis loa_after{std::chrono::hours(1)};
  Decision carrier = Decision::Accept;
  Millis carrier_after{std::chrono::hours(24)};
};

struct Rules {
  int max_verification_attempts = 3;
  Millis action_required_timeout{std::chrono::hours(24 * 7)};
  Millis eligibility_check{std::chrono::seconds(30)};  // twilio-processing -> received
  Millis call_ring{std::chrono::seconds(10)};          // dial to answer
  Millis call_timeout{std::chrono::minutes(2)};        // a Manual callee who never keys in
  Millis testing{std::chrono::hours(1)};               // testing -> completed
  Millis release_retirement{std::chrono::hours(24 * 3)};
  // A bulk eligibility check is QUEUED this long, then SUCCESSFUL (the spec's example: 2 s).
  Millis bulk_eligibility_check{std::chrono::seconds(2)};
  // A bulk hosting request is QUEUED, then IN_PROGRESS (its orders are created), then PROCESSED.
  Millis bulk_hosting_queued{std::chrono::minutes(1)};
  Millis bulk_hosting_processing{std::chrono::minutes(1)};
  size_t verification_code_digits = 6;
};

struct Account {
  std::string sid;
  std::string auth_token;
  std::string friendly_name;
  std::map<std::string, std::string> api_keys;  // SK... -> secret
  // Set for a subaccount: the account that owns it (one level; a subaccount owns none).
  std::optional<std::string> owner_account_sid;
};

struct World {
  std::vector<Account> accounts;
  std::map<std::string, NumberProfile> numbers;  // by E.164
  Rules rules;
};

// ---- Resources ----

struct Capabilities {
  bool sms = true;
  bool voice = false;
  bool mms = false;
  bool fax = false;
};

struct StatusChange {
  TimePoint time;
  OrderStatus status;
  std::string reason;
};

struct Order {
  std::string sid;
  std::string account_sid;
  Flavor flavor = Flavor::V2;
  std::string phone_number;
  std::optional<std::string> friendly_name;
  std::optional<std::string> unique_name;
  std::optional<std::string> email;
  std::vector<std::string> cc_emails;
  std::optional<std::string> address_sid;
  std::optional<std::string> contact_title;
  std::optional<std::string> contact_phone_number;
  Capabilities capabilities;
  OrderStatus status = OrderStatus::TwilioProcessing;
  std::string failure_reason;
  std::optional<std::string> next_step;
  std::optional<std::string> signing_document_sid;
  std::string incoming_phone_number_sid;
  int verification_attempts = 0;
  std::vector<std::string> verification_call_sids;
  int verification_call_delay = 0;
  std::optional<std::string> verification_call_extension;
  std::optional<std::string> verification_code;
  std::string verification_type = "phone-call";
  std::optional<std::string> verification_document_sid;
  std::optional<std::string> status_callback_url;
  std::string status_callback_method = "POST";
  TimePoint date_created;
  TimePoint date_updated;
  std::vector<StatusChange> history;
  std::optional<std::string> active_call_sid;
  std::optional<std::string> bulk_hosting_request_sid;
  uint64_t sequence = 0;  // creation order, for stable listing
  // Changes with every change to the order (never repeats, across resets too): what an encoded
  // answer of it was made from.
  uint64_t version = 0;
};

struct AuthorizationDocument {
  std::string sid;
  std::string account_sid;
  Flavor flavor = Flavor::V2;
  std::string address_sid;
  std::string email;
  std::vector<std::string> cc_emails;
  std::optional<std::string> contact_title;
  std::optional<std::string> contact_phone_number;
  DocumentStatus status = DocumentStatus::Signing;
  std::vector<std::string> order_sids;
  TimePoint date_created;
  TimePoint date_updated;
  uint64_t sequence = 0;
  // Counts the times it was sent for signature: a signer's answer to an earlier sending (before
  // the document was opened again) is void.
  int sendings = 0;
};

struct IncomingNumber {
  std::string sid;
  std::string account_sid;
  std::string phone_number;
  std::optional<std::string> friendly_name;
  std::optional<std::string> sms_url;
  std::string sms_method = "POST";
  std::optional<std::string> sms_fallback_url;
  std::string sms_fallback_method = "POST";
  std::optional<std::string> status_callback;
  std::string status_callback_method = "POST";
  std::optional<std::string> sms_application_sid;
  std::optional<std::string> address_sid;
  std::optional<std::string> voice_url;
  Capabilities capabilities;
  std::string status = "in-use";
  TimePoint date_created;
  TimePoint date_updated;
  bool released = false;
  bool retired = false;
  std::optional<TimePoint> released_at;
  uint64_t sequence = 0;
};

enum class CallOutcome { Queued, InProgress, Verified, WrongCode, NoAnswer };
std::string_view callOutcomeName(CallOutcome outcome);

struct VerificationCall {
  std::string sid;
  std::string account_sid;
  std::string order_sid;
  std::string phone_number;
  std::optional<std::string> extension;
  int attempt = 0;
  std::string expected_code;
  std::optional<std::string> digits_entered;
  CalleeAction callee = CalleeAction::EnterCorrectCode;
  CallOutcome outcome = CallOutcome::Queued;
  TimePoint placed;
  TimePoint dial_at;
  std::optional<TimePoint> ended;
};

// ---- Inputs ----

struct CreateOrderInput {
  Flavor flavor = Flavor::V2;
  // numbers v3 spells its parameters phoneNumber, smsCapability, ...: errors name them so.
  bool camel_case = false;
  std::optional<std::string> account_sid;  // a subaccount of the caller to create it in
  std::string phone_number;
  std::optional<std::string> friendly_name;
  std::optional<std::string> unique_name;
  std::optional<std::string> email;
  std::vector<std::string> cc_emails;
  std::optional<std::string> address_sid;
  std::optional<std::string> contact_title;
  std::optional<std::string> contact_phone_number;
  std::optional<bool> sms_capability;
  std::optional<std::string> sms_url;
  std::optional<std::string> sms_method;
  std::optional<std::string> sms_fallback_url;
  std::optional<std::string> sms_fallback_method;
  std::optional<std::string> sms_application_sid;
  std::optional<std::string> status_callback_url;
  std::optional<std::string> status_callback_method;
  std::optional<std::string> verification_type;
  std::optional<std::string> verification_document_sid;
};

struct UpdateOrderInput {
  std::optional<std::string> status;
  std::optional<int> verification_call_delay;
  std::optional<std::string> verification_call_extension;
  std::optional<std::string> verification_code;
  std::optional<std::string> friendly_name;
  std::optional<std::string> unique_name;
  std::optional<std::string> email;
  std::optional<std::vector<std::string>> cc_emails;
  std::optional<std::string> verification_type;
  std::optional<std::string> verification_document_sid;
};

struct CreateDocumentInput {
  Flavor flavor = Flavor::V2;
  std::vector<std::string> order_sids;
  std::string address_sid;
  std::string email;
  std::vector<std::string> cc_emails;
  std::optional<std::string> contact_title;
  std::optional<std::string> contact_phone_number;
};

struct UpdateDocumentInput {
  std::optional<std::vector<std::string>> order_sids;
  std::optional<std::string> address_sid;
  std::optional<std::string> email;
  std::optional<std::vector<std::string>> cc_emails;
  std::optional<std::string> status;
  std::optional<std::string> contact_title;
  std::optional<std::string> contact_phone_number;
};

struct OrderFilter {
  std::optional<OrderStatus> status;
  std::optional<bool> sms_capability;
  std::optional<std::string> phone_number;
  std::optional<std::string> incoming_phone_number_sid;
  std::optional<std::string> friendly_name;
  std::optional<std::string> unique_name;
  std::optional<std::string> signing_document_sid;
};

struct SendMessageInput {
  std::optional<std::string> to;
  std::optional<std::string> from;
  std::optional<std::string> messaging_service_sid;
  std::optional<std::string> body;
  std::vector<std::string> media_urls;
  std::optional<std::string> status_callback;
};

struct UpdateNumberInput {
  std::optional<std::string> friendly_name;
  std::optional<std::string> sms_url;
  std::optional<std::string> sms_method;
  std::optional<std::string> sms_fallback_url;
  std::optional<std::string> sms_fallback_method;
  std::optional<std::string> status_callback;
  std::optional<std::string> status_callback_method;
  std::optional<std::string> sms_application_sid;
  std::optional<std::string> voice_url;
};

// ---- Numbers v1 eligibility: can a number be hosted? ----

struct EligibilityQuery {
  std::string phone_number;
  std::optional<std::string> hosting_account_sid;
};

// One number's answer, in the API's vocabulary (README: which profile gives which answer).
struct EligibilityResult {
  std::string phone_number;
  std::optional<std::string> account_sid;
  bool eligible = false;
  std::string sub_status;
  std::optional<std::string> ineligibility_reason;
  std::string next_step;
  std::optional<std::string> phone_number_type;
  std::optional<std::string> iso_country_code;
  std::optional<std::string> hosting_order_sid;
  std::optional<std::string> hosting_order_status;
  std::optional<std::string> inventory_status;
  std::optional<std::string> inventory_account_sid;
  TimePoint checked_at;
};

enum class BulkEligibilityStatus { Queued, Successful };
std::string_view bulkEligibilityStatusName(BulkEligibilityStatus status);

struct BulkEligibility {
  std::string request_id;
  std::string account_sid;
  std::optional<std::string> friendly_name;
  BulkEligibilityStatus status = BulkEligibilityStatus::Queued;
  std::vector<EligibilityQuery> queries;
  std::vector<EligibilityResult> results;  // filled when the check completes
  TimePoint date_created;
  std::optional<TimePoint> date_completed;
  uint64_t sequence = 0;
};

// ---- Numbers v2 bulk hosting requests ----

enum class BulkRequestStatus { Queued, InProgress, Processed };
std::string_view bulkRequestStatusName(BulkRequestStatus status);

// One order of a bulk request: created once the request is in progress, or refused with why.
struct BulkOrderLine {
  CreateOrderInput input;
  std::optional<std::string> order_sid;
  std::optional<std::string> failure_reason;  // set at once when the order did not decode
};

struct BulkHostingRequest {
  std::string sid;
  std::string account_sid;
  std::optional<std::string> friendly_name;
  std::optional<std::string> notification_email;
  BulkRequestStatus status = BulkRequestStatus::Queued;
  std::vector<BulkOrderLine> lines;
  TimePoint date_created;
  std::optional<TimePoint> date_completed;
  uint64_t sequence = 0;
};

// ---- Api v2010 Messages, sent from a hosted number: stored, never delivered ----

struct Message {
  std::string sid;
  std::string account_sid;
  std::string from;
  std::string to;
  std::string body;
  std::vector<std::string> media_urls;
  std::optional<std::string> status_callback;
  std::string status = "queued";
  int num_segments = 1;
  TimePoint date_created;
  TimePoint date_updated;
  uint64_t sequence = 0;
};

// Told about every status an order enters, so routes can send the status callback.
using OrderListener = std::function<void(const Order& order, const Account& account)>;

bool isSid(std::string_view text, std::string_view prefix);
// Why `account` cannot be a subaccount among `accounts` (its owner must be another of them that
// is no subaccount, and it must own none); "" when it can, or is no subaccount.
std::string subaccountProblem(const std::vector<Account>& accounts, const Account& account);
// How many SMS parts a message body takes (GSM-7 or UCS-2, as carriers split them).
int messageSegments(const std::string& body);
NumberKind defaultKind(std::string_view e164);

class Model {
 public:
  // The state dump's collections, as each change to them is said (ChangeScope).
  static constexpr std::string_view kAccounts = "accounts";
  static constexpr std::string_view kOrders = "hosted_number_orders";
  static constexpr std::string_view kDocuments = "authorization_documents";
  static constexpr std::string_view kNumbers = "incoming_phone_numbers";
  static constexpr std::string_view kBulkEligibilities = "bulk_eligibility_checks";
  static constexpr std::string_view kBulkRequests = "bulk_hosting_requests";
  static constexpr std::string_view kMessages = "messages";

  // Where status changes are reported, for the auto clock (null: nowhere).
  void setWatch(ResourceWatch* watch) { watch_ = watch; }
  Model(Clock& clock, IdGenerator& ids, ChangeScope changes = {});

  World& world() { return world_; }
  const World& world() const { return world_; }
  void setOrderListener(OrderListener listener) { listener_ = std::move(listener); }
  void reset();

  const Account* authenticate(std::string_view username, std::string_view password) const;
  const Account* account(std::string_view sid) const;
  // Adds or replaces an account; a subaccount's owner must exist and not be a subaccount.
  Status addAccount(Account account);
  // The account `sid` names when `caller` may act for it (itself or one of its subaccounts):
  // the account in an Api v2010 path. Null otherwise.
  const Account* accountActedFor(const Account& caller, std::string_view sid) const;
  // The account an AccountSid parameter (`param`) puts a resource in: the caller when absent,
  // else one of the caller's subaccounts; 20001 when malformed, 20003 when unknown or foreign.
  Result<const Account*> accountFromParameter(const Account& caller,
                                              const std::optional<std::string>& sid,
                                              std::string_view param) const;
  NumberProfile profileFor(const std::string& phone_number) const;

  Result<Order> createOrder(const Account& account, const CreateOrderInput& input);
  Result<Order> fetchOrder(const Account& account, std::string_view sid) const;
  Result<Order> updateOrder(const Account& account, std::string_view sid,
                            const UpdateOrderInput& input);
  Status deleteOrder(const Account& account, std::string_view sid);
  std::vector<Order> listOrders(const Account& account, Flavor flavor,
                                const OrderFilter& filter) const;
  // One page of listOrders without copying the rest: newest first, `limit` matches after the
  // first `offset`, and whether more follow. Costs the page plus the offset, not the store.
  struct OrderPage {
    std::vector<const Order*> orders;
    bool more = false;
  };
  OrderPage pageOfOrders(const Account& account, Flavor flavor, const OrderFilter& filter,
                         size_t offset, size_t limit) const;

  Result<AuthorizationDocument> createDocument(const Account& account,
                                               const CreateDocumentInput& input);
  Result<AuthorizationDocument> fetchDocument(const Account& account, std::string_view sid) const;
  Result<AuthorizationDocument> updateDocument(const Account& account, std::string_view sid,
                                               const UpdateDocumentInput& input);
  Status cancelDocument(const Account& account, std::string_view sid);
  // Pages of documents and numbers, newest first, like pageOfOrders.
  template <class Item>
  struct Page {
    std::vector<const Item*> items;
    bool more = false;
  };
  Page<AuthorizationDocument> pageOfDocuments(const Account& account, Flavor flavor,
                                              const std::optional<std::string>& email,
                                              std::optional<DocumentStatus> status, size_t offset,
                                              size_t limit) const;

  Result<IncomingNumber> fetchNumber(const Account& account, std::string_view sid) const;
  Result<IncomingNumber> updateNumber(const Account& account, std::string_view sid,
                                      const UpdateNumberInput& input);
  Status releaseNumber(const Account& account, std::string_view sid);
  Page<IncomingNumber> pageOfNumbers(const Account& account,
                                     const std::optional<std::string>& phone_number,
                                     const std::optional<std::string>& friendly_name,
                                     const std::optional<std::string>& origin, size_t offset,
                                     size_t limit) const;

  // Numbers v1: whether each number could be hosted now (20001/20003 for a bad
  // hosting_account_sid), and the same as a bulk check that completes after a delay.
  Result<std::vector<EligibilityResult>> checkEligibility(
      const Account& caller, const std::vector<EligibilityQuery>& queries) const;
  Result<BulkEligibility> createBulkEligibility(const Account& caller,
                                                std::optional<std::string> friendly_name,
                                                std::vector<EligibilityQuery> queries);
  Result<BulkEligibility> fetchBulkEligibility(const Account& caller, std::string_view id) const;

  // Numbers v2 bulk hosting: the orders are created as the request moves to IN_PROGRESS.
  Result<BulkHostingRequest> createBulkRequest(const Account& caller,
                                               std::optional<std::string> friendly_name,
                                               std::optional<std::string> notification_email,
                                               std::vector<BulkOrderLine> lines);
  Result<BulkHostingRequest> fetchBulkRequest(const Account& caller, std::string_view sid) const;

  // Api v2010: a message from one of `account`'s hosted numbers whose order is completed.
  Result<Message> sendMessage(const Account& account, const SendMessageInput& input);

  // The other parties, driven by the control API.
  Status keyInDigits(std::string_view call_sid, std::optional<std::string> digits);
  Status signDocument(std::string_view sid, bool accept);
  Status carrierDecides(std::string_view order_sid, bool accept);

  const std::map<std::string, Order>& orders() const { return orders_; }
  const std::map<std::string, AuthorizationDocument>& documents() const { return documents_; }
  const std::map<std::string, IncomingNumber>& numbers() const { return numbers_; }
  const std::vector<VerificationCall>& calls() const { return calls_; }
  const std::map<std::string, BulkEligibility>& bulkEligibilities() const {
    return bulk_eligibilities_;
  }
  const std::map<std::string, BulkHostingRequest>& bulkRequests() const { return bulk_requests_; }
  const std::map<std::string, Message>& messages() const { return messages_; }

 private:
  // providers/twilio/snapshot.cpp: --state compaction writes and restores the private state.
  friend struct Snapshot;

  Order* findOrder(const Account& account, std::string_view sid);
  AuthorizationDocument* findDocument(const Account& account, std::string_view sid);
  IncomingNumber* findNumber(const Account& account, std::string_view sid);
  VerificationCall* findCall(std::string_view sid);

  void setStatus(Order& order, OrderStatus status, std::string reason);
  // Says that the order changed: the change feed, and a new version.
  void touchOrder(Order& order);
  void placeCall(Order& order);
  void answerCall(const std::string& call_sid);
  void finishCall(VerificationCall& call, CallOutcome outcome);
  void enterActionRequired(Order& order, std::string reason);
  void documentDecided(AuthorizationDocument& doc, bool signed_ok);
  void startCarrierReview(Order& order);
  void carrierAnswered(const std::string& order_sid, bool accept);
  void routingTested(const std::string& sid);
  bool numberIsBusy(const std::string& phone_number) const;
  // The newest order for the number that is not failed (or whose number is not yet retired).
  const Order* activeOrderFor(const std::string& phone_number) const;
  EligibilityResult eligibilityOf(const Account& caller, const EligibilityQuery& query) const;
  Result<std::vector<const Account*>> hostingAccounts(
      const Account& caller, const std::vector<EligibilityQuery>& queries) const;
  Status checkDocumentOrders(const Account& owner, const std::vector<std::string>& order_sids,
                             const std::string& doc_sid);
  void listOnDocument(AuthorizationDocument& doc, const std::vector<std::string>& order_sids);
  void sendForSignature(AuthorizationDocument& doc);
  void startBulkRequest(const std::string& sid);
  void finishBulkRequest(const std::string& sid);
  void finishBulkEligibility(const std::string& id);

  Clock& clock_;
  IdGenerator& ids_;
  ChangeScope changes_;
  World world_;
  ProviderTimers timers_;
  OrderListener listener_;
  std::map<std::string, Order> orders_;
  std::map<uint64_t, std::string> order_sids_by_sequence_;        // creation order, for paging
  std::multimap<std::string, std::string> order_sids_by_number_;  // E.164 -> orders
  std::map<std::string, AuthorizationDocument> documents_;
  std::map<uint64_t, std::string> document_sids_by_sequence_;
  std::map<std::string, IncomingNumber> numbers_;
  std::map<uint64_t, std::string> number_sids_by_sequence_;
  std::multimap<std::string, std::string> number_sids_by_number_;  // E.164 -> numbers
  std::vector<VerificationCall> calls_;
  std::map<std::string, size_t> call_positions_;  // sid -> index in calls_
  std::map<std::string, BulkEligibility> bulk_eligibilities_;
  std::map<std::string, BulkHostingRequest> bulk_requests_;
  std::map<std::string, Message> messages_;
  uint64_t sequence_ = 0;
  uint64_t order_versions_ = 0;  // not reset: a version is never reused
  ResourceWatch* watch_ = nullptr;
};

}  // namespace hnemu::twilio
