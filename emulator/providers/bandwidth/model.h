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
#include "core/provider_timers.h"
#include "core/resource_watch.h"
#include "core/result.h"
#include "core/state_machine.h"

// Bandwidth hosted messaging ("Import TN"): state and rules, no HTTP or XML types.
namespace hnemu::bandwidth {

enum class OrderStatus { Received, Processing, Complete, Partial, Failed, Exception };
std::string_view orderStatusName(OrderStatus status);  // RECEIVED, ...
std::optional<OrderStatus> parseOrderStatus(std::string_view text);
// Every transition an import order makes, in Bandwidth's status names.
StateMachine importOrderLifecycle();

// ---- The world ----

// A site (sub-account) of an account and the SIP peers (locations) under it.
struct Site {
  std::string id;
  std::vector<std::string> sip_peers;
};

struct Account {
  std::string account_id;
  std::string username;
  std::string password;
  bool import_enabled = true;  // the IMPORT_TNS feature
  // The sites an import order may name; none: any numeric SiteId is accepted.
  std::vector<Site> sites;
};

// What happens to a TN when an import order processes it.
enum class ImportOutcome { Import, Error, Never, Exception };
std::optional<ImportOutcome> parseImportOutcome(std::string_view text);
std::string_view importOutcomeName(ImportOutcome value);

struct NumberProfile {
  std::string tn;                   // 10 digits
  std::optional<int> checker_code;  // 19001-19012: what importTnChecker reports
  ImportOutcome import = ImportOutcome::Import;
  int import_error_code = 7518;  // with ImportOutcome::Error
  // Where the TN is, for the in-service list's filters (Bandwidth knows it from its own data).
  std::optional<std::string> state;  // two letters
  std::optional<std::string> lata;
  std::optional<std::string> rate_center;
  // Another account's port-in takes the TN this long after it went in service (MESSAGING_LOST).
  std::optional<Millis> messaging_lost_after;
};

struct Rules {
  Millis processing_after{std::chrono::milliseconds(200)};  // RECEIVED -> PROCESSING
  Millis done_after{std::chrono::milliseconds(800)};        // PROCESSING -> final
};

struct World {
  std::vector<Account> accounts;
  std::map<std::string, NumberProfile> numbers;  // by 10-digit TN
  Rules rules;
};

std::string checkerDescription(int code);
std::string importErrorDescription(int code);

// ---- Resources ----

struct TnError {
  int code = 0;
  std::string description;
  std::vector<std::string> tns;
};

struct HistoryEntry {
  TimePoint time;
  std::string note;
  std::string author;
  std::string status;  // lower case, as captured
};

struct ServiceAddress {
  std::string house_number;
  std::string street_name;
  std::string city;
  std::string state_code;
  std::string zip;
  std::string county;
};

struct LoaFile {
  std::string id;
  std::string content_type;
  std::string data;
  std::optional<std::string> document_name;  // only once a client sets one
  std::string document_type = "LOA";
};

// What a client asks for when it creates an import order.
struct NewImportOrder {
  std::optional<std::string> customer_order_id;
  std::string site_id;
  std::optional<std::string> sip_peer_id;
  std::string subscriber_name;
  ServiceAddress address;
  std::string loa_authorizing_person;
  std::optional<std::string> loa_type;
  std::vector<std::string> tns;  // as sent
};

struct ImportOrder : NewImportOrder {
  std::string id;
  std::string account_id;
  std::string created_by;
  OrderStatus status = OrderStatus::Received;
  std::vector<TnError> errors;
  TimePoint created;
  TimePoint modified;
  std::vector<HistoryEntry> history;
  std::vector<LoaFile> files;
  uint64_t sequence = 0;
};

struct RemoveOrder {
  std::string id;
  std::string account_id;
  std::string created_by;
  std::optional<std::string> customer_order_id;
  std::vector<std::string> tns;
  OrderStatus status = OrderStatus::Received;
  std::vector<TnError> errors;
  TimePoint created;
  TimePoint modified;
  std::vector<HistoryEntry> history;
  uint64_t sequence = 0;
};

struct Subscription {
  std::string id;
  std::string account_id;
  std::optional<std::string> order_type;
  std::optional<std::string> event_type;
  std::optional<std::string> order_id;
  std::string url;
  int64_t expiry_seconds = 86400;
  TimePoint created;
  std::string username;
  std::string password;
  std::string public_key;
  std::string number_format = "LEGACY";
};

struct CheckerResult {
  std::vector<std::string> importable;
  std::vector<TnError> errors;  // grouped by code
};

struct OrderFilter {
  std::vector<OrderStatus> statuses;
  std::optional<std::string> tn;
  std::optional<std::string> customer_order_id;
  std::optional<std::string> created_from, created_to, modified_from, modified_to;  // yyyy-MM-dd
  std::optional<std::string> loa_type;  // SUBSCRIBER, CARRIER, ALL
};

// A TN imported into an account and in service there.
struct InServiceNumber {
  std::string tn;
  std::string account_id;
  std::string order_id;
  std::string site_id;
  TimePoint order_created;
  TimePoint in_service_at;
};

// GET inserviceNumbers: its filters (each optional) and the page asked for.
struct InServiceQuery {
  std::optional<std::string> area_code;  // 3 digits
  std::optional<std::string> npanxx;     // 6 digits
  std::optional<std::string> lata;
  std::optional<std::string> state;
  std::optional<std::string> rate_center;
  std::optional<std::string> start_date, end_date;  // yyyy-MM-dd, on the in-service date
  size_t page = 1;
  size_t size = 300;
};

struct InServicePage {
  size_t total = 0;
  std::vector<std::string> tns;  // this page's, ascending
  bool more = false;
};

// A state change to notify: the routes deliver it to the matching subscriptions.
struct OrderNotice {
  std::string account_id;
  std::string order_type;  // importtnorders or removeImportedTnOrders
  std::string order_id;
  std::optional<std::string> customer_order_id;
  std::string status;
  std::string message;
  TimePoint modified;
};
using NoticeListener = std::function<void(const OrderNotice&)>;

// An account-wide event on TNs (MESSAGING_LOST), for the account's event subscriptions.
struct EventNotice {
  std::string account_id;
  std::string event_type;
  std::vector<std::string> tns;  // 10 digits
};
using EventListener = std::function<void(const EventNotice&)>;

// 10-digit NANP form of "9199918388" or "+19199918388"; empty if it is not a NANP number.
std::string normalizeTn(std::string_view text);

class Model {
 public:
  // Where status changes are reported, for the auto clock (null: nowhere).
  void setWatch(ResourceWatch* watch) { watch_ = watch; }
  // The state dump's collections, as each change to them is said (ChangeScope).
  static constexpr std::string_view kAccounts = "accounts";
  static constexpr std::string_view kImports = "import_tn_orders";
  static constexpr std::string_view kRemoves = "remove_imported_tn_orders";
  static constexpr std::string_view kInService = "in_service_numbers";

  Model(Clock& clock, IdGenerator& ids, ChangeScope changes = {});

  World& world() { return world_; }
  const World& world() const { return world_; }
  void setListener(NoticeListener listener) { listener_ = std::move(listener); }
  void setEventListener(EventListener listener) { event_listener_ = std::move(listener); }
  void reset();

  const Account* authenticate(std::string_view username, std::string_view password) const;
  NumberProfile profileFor(const std::string& tn) const;

  // Validation errors come back as a list (Bandwidth answers them all at once).
  Result<CheckerResult> check(const Account& account, const std::vector<std::string>& tns,
                              std::vector<TnError>& validation) const;
  Result<ImportOrder> createImportOrder(const Account& account, const std::string& user,
                                        const NewImportOrder& input,
                                        std::vector<TnError>& validation);
  Result<ImportOrder> importOrder(const Account& account, std::string_view id) const;
  // The change feed's version of an import order: its answer is kept per version.
  uint64_t version(const ImportOrder& order) const { return changes_.version(kImports, order.id); }
  std::vector<ImportOrder> listImportOrders(const Account& account,
                                            const OrderFilter& filter) const;

  // Stores an upload under Bandwidth's name for it, <orderId>-<epochMillis>.<extension>.
  Result<LoaFile> addFile(const Account& account, std::string_view order_id, LoaFile file,
                          const std::string& extension);
  Result<LoaFile> replaceFile(const Account& account, std::string_view order_id,
                              std::string_view file_id, std::string content_type, std::string data);
  Status deleteFile(const Account& account, std::string_view order_id, std::string_view file_id);
  Result<LoaFile> setFileMetadata(const Account& account, std::string_view order_id,
                                  std::string_view file_id, std::optional<std::string> name,
                                  std::optional<std::string> type);
  // Back to what a new upload has: no name, type LOA.
  Status clearFileMetadata(const Account& account, std::string_view order_id,
                           std::string_view file_id);

  Result<RemoveOrder> createRemoveOrder(const Account& account, const std::string& user,
                                        std::optional<std::string> customer_order_id,
                                        const std::vector<std::string>& tns,
                                        std::vector<TnError>& validation);
  Result<RemoveOrder> removeOrder(const Account& account, std::string_view id) const;
  std::vector<RemoveOrder> listRemoveOrders(const Account& account,
                                            const OrderFilter& filter) const;

  Result<Subscription> createSubscription(const Account& account, Subscription subscription);
  Result<Subscription> subscription(const Account& account, std::string_view id) const;
  std::vector<Subscription> subscriptions(const Account& account) const;
  Result<Subscription> replaceSubscription(const Account& account, std::string_view id,
                                           Subscription replacement);
  Status deleteSubscription(const Account& account, std::string_view id);
  // Subscriptions of an account that want to hear about this order and have not expired.
  std::vector<Subscription> subscribersFor(const OrderNotice& notice) const;
  std::vector<Subscription> subscribersFor(const EventNotice& notice) const;

  // The account's in-service TNs that pass the query's filters, one page of them.
  InServicePage inServiceNumbers(const Account& account, const InServiceQuery& query) const;
  // A TN in service on this account, if it is.
  std::optional<InServiceNumber> inServiceNumber(const Account& account,
                                                 const std::string& tn) const;
  // What an account's history shows of an import order: a FAILED order never shows it was
  // processing (as Bandwidth records it); the internal trail in `history` keeps every status.
  static std::vector<HistoryEntry> recordedHistory(const ImportOrder& order);
  // Another account's port-in took the TN: it leaves its account's in-service numbers, and the
  // account's MESSAGING_LOST subscriptions hear of it. `account_id` empty: whichever account
  // has it.
  Status loseMessaging(const std::string& tn, const std::string& account_id);

  const std::map<std::string, ImportOrder>& importOrders() const { return imports_; }
  const std::map<std::string, RemoveOrder>& removeOrders() const { return removes_; }
  const std::map<std::string, InServiceNumber>& inService() const { return in_service_; }

  // The importer, now: finish an order that would never finish by itself.
  Status finishImport(std::string_view order_id, OrderStatus status);

 private:
  // providers/bandwidth/snapshot.cpp: --state compaction writes and restores the private state.
  friend struct Snapshot;

  template <class Order>
  void moveTo(Order& order, OrderStatus status, std::string note, const std::string& order_type,
              bool notify);
  void processImport(const std::string& id);
  void processRemove(const std::string& id);
  void putInService(const ImportOrder& order, const std::string& tn);
  ImportOrder* findImport(const Account& account, std::string_view id);
  LoaFile* findFile(const Account& account, std::string_view order_id, std::string_view file_id);
  bool expired(const Subscription& subscription) const;

  void touched(const ImportOrder& order) const { changes_.touch(kImports, order.id); }
  void touched(const RemoveOrder& order) const { changes_.touch(kRemoves, order.id); }
  void takeOutOfService(std::string tn);  // a copy: the caller's may be the erased key

  Clock& clock_;
  IdGenerator& ids_;
  ChangeScope changes_;
  World world_;
  ProviderTimers timers_;
  NoticeListener listener_;
  EventListener event_listener_;
  std::map<std::string, ImportOrder> imports_;
  std::map<uint64_t, std::string> import_ids_by_sequence_;
  std::map<std::string, RemoveOrder> removes_;
  std::map<uint64_t, std::string> remove_ids_by_sequence_;
  std::map<std::string, Subscription> subscriptions_;
  std::map<std::string, InServiceNumber> in_service_;  // by 10-digit TN
  uint64_t sequence_ = 0;
  ResourceWatch* watch_ = nullptr;
};

bool isUuid(std::string_view text);
// LOA, INVOICE, CSR or OTHER: the documentTypes Bandwidth accepts for LOA files.
bool isDocumentType(std::string_view type);

}  // namespace hnemu::bandwidth
