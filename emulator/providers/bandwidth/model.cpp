#include "providers/bandwidth/model.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "core/crypto.h"
#include "core/enum_names.h"
#include "core/time.h"
#include "providers/bandwidth/errors.h"

namespace hnemu::bandwidth {
namespace {

constexpr EnumNames<OrderStatus, 6> kStatuses = {{
    {OrderStatus::Received, "RECEIVED"},
    {OrderStatus::Processing, "PROCESSING"},
    {OrderStatus::Complete, "COMPLETE"},
    {OrderStatus::Partial, "PARTIAL"},
    {OrderStatus::Failed, "FAILED"},
    {OrderStatus::Exception, "EXCEPTION"},
}};
constexpr EnumNames<ImportOutcome, 4> kOutcomes = {{
    {ImportOutcome::Import, "import"},
    {ImportOutcome::Error, "error"},
    {ImportOutcome::Never, "never"},
    {ImportOutcome::Exception, "exception"},
}};

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string day(TimePoint t) { return formatIso8601(t).substr(0, 10); }

bool inRange(TimePoint t, const std::optional<std::string>& from,
             const std::optional<std::string>& to) {
  const std::string d = day(t);
  return (!from || d >= *from) && (!to || d <= *to);
}

// An account's orders that pass the list filters (and `extra`), newest first, at most 1000.
template <class Order, class Extra>
std::vector<Order> listed(const std::map<std::string, Order>& orders,
                          const std::map<uint64_t, std::string>& ids_by_sequence,
                          const Account& account, const OrderFilter& filter, Extra extra) {
  // Newest first, at most 1,000, as Bandwidth lists: the walk stops there.
  constexpr size_t kMostListed = 1000;
  std::vector<Order> out;
  for (auto it = ids_by_sequence.rbegin(); it != ids_by_sequence.rend() && out.size() < kMostListed;
       ++it) {
    const Order& order = orders.at(it->second);
    if (order.account_id != account.account_id ||
        (!filter.statuses.empty() && std::find(filter.statuses.begin(), filter.statuses.end(),
                                               order.status) == filter.statuses.end()) ||
        (filter.customer_order_id && order.customer_order_id != filter.customer_order_id) ||
        (filter.tn && std::none_of(order.tns.begin(), order.tns.end(),
                                   [&](const std::string& tn) {
                                     return normalizeTn(tn) == normalizeTn(*filter.tn);
                                   })) ||
        !inRange(order.created, filter.created_from, filter.created_to) ||
        !inRange(order.modified, filter.modified_from, filter.modified_to) || !extra(order)) {
      continue;
    }
    out.push_back(order);
  }
  return out;
}

}  // namespace

std::string_view orderStatusName(OrderStatus status) { return enumName(kStatuses, status); }
std::optional<OrderStatus> parseOrderStatus(std::string_view text) {
  return enumFromName(kStatuses, text);
}

StateMachine importOrderLifecycle() {
  using S = OrderStatus;
  return makeStateMachine("import_tn_order", "import_tn_orders", kStatuses,
                          {{S::Received, S::Processing},
                           {S::Processing, S::Complete},
                           {S::Processing, S::Partial},
                           {S::Processing, S::Failed},
                           {S::Processing, S::Exception},
                           {S::Exception, S::Complete},
                           {S::Exception, S::Failed}});
}
std::optional<ImportOutcome> parseImportOutcome(std::string_view text) {
  return enumFromName(kOutcomes, text);
}
std::string_view importOutcomeName(ImportOutcome value) { return enumName(kOutcomes, value); }

std::string checkerDescription(int code) {
  switch (code) {
    case 19001:
      return "Numbers are not in Service";
    case 19002:
      return "Numbers are not in our Inventory, and failed NPAC check";
    case 19003:
      return "Numbers are in blacklisted losing account";
    case 19004:
      return "Numbers are in unmigrated losing account.";
    case 19005:
      return "Messaging route of External Third Party TNs is not configured.";
    case 19006:
      return "Bandwidth numbers cannot be imported by this account at this time.";
    case 19007:
      return "Account is not contracted for importing external numbers.";
    case 19008:
      return "Non Bandwidth numbers cannot be imported by this account at this time.";
    case 19009:
      return "No messaging route found";
    case 19010:
      return "Unable to provision telephone numbers. Please contact Bandwidth Support.";
    case 19012:
      return "Account is not migrated to new messaging";
    default:
      return "Telephone numbers cannot be imported.";
  }
}

std::string importErrorDescription(int code) {
  switch (code) {
    case 7518:
      return "Telephone Number Not Active.";
    case 5016:
    case 4014:
      return "The SiteId submitted is invalid.";
    case 4023:
      return "The SiteId SipPeerId combo submitted is invalid.";
    case 5158:
      return "Telephone number hasn't been previously imported.";
    case 4025:
      return "Messaging Route could not be determined";
    case 5226:
    case 4024:
      return "Messaging Route for External Third Party TNs is not configured.";
    default:
      return code >= 19001 && code <= 19012 ? checkerDescription(code)
                                            : "Telephone number could not be imported.";
  }
}

std::string normalizeTn(std::string_view text) {
  std::string digits(text);
  if (digits.size() == 12 && digits.compare(0, 2, "+1") == 0) {
    digits = digits.substr(2);
  }
  const bool nanp =
      digits.size() == 10 &&
      std::all_of(digits.begin(), digits.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) &&
      digits[0] >= '2' && digits[3] >= '2';
  return nanp ? digits : std::string();
}

bool isDocumentType(std::string_view type) {
  return type == "LOA" || type == "INVOICE" || type == "CSR" || type == "OTHER";
}

bool isUuid(std::string_view text) {
  if (text.size() != 36) {
    return false;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) {
      return false;
    }
  }
  return true;
}

Model::Model(Clock& clock, IdGenerator& ids, ChangeScope changes)
    : clock_(clock), ids_(ids), changes_(std::move(changes)), timers_(clock, "bandwidth: ") {
  using Arguments = ProviderTimers::Arguments;
  timers_.define("import processing", [this](const Arguments& id) {
    moveTo(imports_.at(id.at(0)), OrderStatus::Processing,
           "Import TN order processing has started.", "importtnorders", false);
    timers_.schedule(world_.rules.done_after, "import order " + id.at(0), "import done", id);
  });
  timers_.define("import done", [this](const Arguments& id) { processImport(id.at(0)); });
  timers_.define("remove processing", [this](const Arguments& id) {
    moveTo(removes_.at(id.at(0)), OrderStatus::Processing,
           "Remove Imported TN order processing has started.", "removeImportedTnOrders", true);
    timers_.schedule(world_.rules.done_after, "remove order " + id.at(0), "remove done", id);
  });
  timers_.define("remove done", [this](const Arguments& id) { processRemove(id.at(0)); });
  // Arguments: the TN, its account, and the import that put it in service.
  timers_.define("messaging lost", [this](const Arguments& arguments) {
    const auto it = in_service_.find(arguments.at(0));
    // Only if the TN is still in service from the import that scheduled it.
    if (it != in_service_.end() && it->second.order_id == arguments.at(2)) {
      (void)loseMessaging(arguments.at(0), arguments.at(1));
    }
  });
}

void Model::reset() {
  imports_.clear();
  import_ids_by_sequence_.clear();
  removes_.clear();
  remove_ids_by_sequence_.clear();
  subscriptions_.clear();
  in_service_.clear();
  sequence_ = 0;
  timers_.invalidate();
}

const Account* Model::authenticate(std::string_view username, std::string_view password) const {
  for (const Account& account : world_.accounts) {
    if (account.username == username && crypto::secureEquals(account.password, password)) {
      return &account;
    }
  }
  return nullptr;
}

NumberProfile Model::profileFor(const std::string& tn) const {
  const auto it = world_.numbers.find(tn);
  if (it != world_.numbers.end()) {
    return it->second;
  }
  NumberProfile profile;
  profile.tn = tn;
  return profile;
}

Result<CheckerResult> Model::check(const Account& account, const std::vector<std::string>& tns,
                                   std::vector<TnError>& validation) const {
  // The spec lists a missing IMPORT_TNS flag among the checker's 400s; of its documented codes
  // 19007 is the one that says so.
  if (!account.import_enabled) {
    validation.push_back(TnError{19007, checkerDescription(19007), {}});
    return makeError(ErrorCode::InvalidArgument, "validation failed");
  }
  CheckerResult result;
  std::map<int, TnError> groups;
  for (const std::string& tn : tns) {
    const NumberProfile profile = profileFor(normalizeTn(tn));
    if (profile.checker_code) {
      TnError& group = groups[*profile.checker_code];
      group.code = *profile.checker_code;
      group.description = checkerDescription(group.code);
      group.tns.push_back(tn);
    } else {
      result.importable.push_back(tn);
    }
  }
  for (auto& [code, group] : groups) {
    result.errors.push_back(std::move(group));
  }
  return result;
}

template <class Order>
void Model::moveTo(Order& order, OrderStatus status, std::string note,
                   const std::string& order_type, bool notify) {
  order.status = status;
  order.modified = clock_.now();
  order.history.push_back(HistoryEntry{order.modified, note, order.created_by,
                                       lower(std::string(orderStatusName(status)))});
  touched(order);
  if (watch_ != nullptr) {
    watch_->changed(order.id);
  }
  if (notify && listener_) {
    std::string message = note;
    if (!order.errors.empty()) {
      message = order.errors.front().description;
    }
    listener_(OrderNotice{order.account_id, order_type, order.id, order.customer_order_id,
                          std::string(orderStatusName(status)), message, order.modified});
  }
}

Result<ImportOrder> Model::createImportOrder(const Account& account, const std::string& user,
                                             const NewImportOrder& input,
                                             std::vector<TnError>& validation) {
  if (!account.import_enabled) {
    return errors::importNotEnabled();
  }
  auto invalid = [&](int code, std::string description) {
    validation.push_back(TnError{code, std::move(description), {}});
  };
  if (input.customer_order_id &&
      (input.customer_order_id->size() > 40 ||
       !std::all_of(input.customer_order_id->begin(), input.customer_order_id->end(), [](char c) {
         return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == ' ';
       }))) {
    invalid(7305, "CustomerOrderId may hold at most 40 letters, digits, dashes and spaces.");
  }
  if (input.site_id.empty() || !std::all_of(input.site_id.begin(), input.site_id.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      })) {
    invalid(7309, "The site id was not supplied or is invalid.");
  }
  if (input.sip_peer_id &&
      (input.sip_peer_id->empty() ||
       !std::all_of(input.sip_peer_id->begin(), input.sip_peer_id->end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))) {
    invalid(7312, "The sippeer id is invalid.");
  }
  if (input.subscriber_name.empty() || input.subscriber_name.size() > 45) {
    invalid(7306, "Subscriber Name is required and may hold at most 45 characters.");
  }
  const ServiceAddress& address = input.address;
  if (address.house_number.empty() || address.street_name.empty() || address.city.empty() ||
      address.state_code.empty() || address.zip.empty()) {
    invalid(7307,
            "Subscriber ServiceAddress needs HouseNumber, StreetName, City, StateCode and Zip.");
  }
  if (input.loa_authorizing_person.empty()) {
    invalid(7308, "LoaAuthorizingPerson is required.");
  }
  if (input.loa_type && *input.loa_type != "SUBSCRIBER" && *input.loa_type != "CARRIER") {
    invalid(7310, "LoaType must be SUBSCRIBER or CARRIER.");
  }
  if (input.tns.empty()) {
    invalid(7201, "At least one telephone number is required.");
  }
  std::set<std::string> seen;
  for (const std::string& tn : input.tns) {
    const std::string normalized = normalizeTn(tn);
    if (normalized.empty()) {
      invalid(7201, tn + " is not a valid NANPA telephone number.");
    } else if (!seen.insert(normalized).second) {
      invalid(7201, tn + " is listed more than once.");
    }
  }
  if (!validation.empty()) {
    return makeError(ErrorCode::InvalidArgument, "validation failed");
  }
  ImportOrder order;
  static_cast<NewImportOrder&>(order) = input;
  order.id = ids_.uuid();
  order.account_id = account.account_id;
  order.created_by = user;
  order.created = clock_.now();
  order.sequence = ++sequence_;
  const std::string id = order.id;
  import_ids_by_sequence_.emplace(order.sequence, id);
  ImportOrder& stored = imports_.emplace(id, std::move(order)).first->second;
  moveTo(stored, OrderStatus::Received, "Import TN order has been received by the system.",
         "importtnorders", false);
  timers_.schedule(world_.rules.processing_after, "import order processing " + id,
                   "import processing", {id});
  return stored;
}

void Model::processImport(const std::string& id) {
  ImportOrder& order = imports_.at(id);
  if (order.status != OrderStatus::Processing) {
    return;
  }
  // A well-formed SiteId (or SipPeerId) the account does not have fails the whole order once it
  // is processed, as Bandwidth's captures show; an account with no sites accepts any.
  const Account* owner = nullptr;
  for (const Account& account : world_.accounts) {
    if (account.account_id == order.account_id) {
      owner = &account;
    }
  }
  if (owner != nullptr && !owner->sites.empty()) {
    const auto site = std::find_if(owner->sites.begin(), owner->sites.end(),
                                   [&](const Site& s) { return s.id == order.site_id; });
    std::optional<int> code;
    if (site == owner->sites.end()) {
      code = 5016;
    } else if (order.sip_peer_id && std::find(site->sip_peers.begin(), site->sip_peers.end(),
                                              *order.sip_peer_id) == site->sip_peers.end()) {
      code = 4023;
    }
    if (code) {
      order.errors.push_back(TnError{*code, importErrorDescription(*code), order.tns});
      moveTo(order, OrderStatus::Failed, "Import TN order has failed.", "importtnorders", true);
      return;
    }
  }
  std::map<int, TnError> failures;
  std::vector<std::string> imported;
  for (const std::string& tn : order.tns) {
    const std::string normalized = normalizeTn(tn);
    const NumberProfile profile = profileFor(normalized);
    switch (profile.import) {
      case ImportOutcome::Never:
        return;  // the order never finishes; the control API can still finish it
      case ImportOutcome::Exception:
        moveTo(order, OrderStatus::Exception, "Import TN order needs manual attention.",
               "importtnorders", true);
        return;
      case ImportOutcome::Error: {
        TnError& group = failures[profile.import_error_code];
        group.code = profile.import_error_code;
        group.description = importErrorDescription(group.code);
        group.tns.push_back(tn);
        break;
      }
      case ImportOutcome::Import:
        imported.push_back(normalized);
        break;
    }
  }
  for (auto& [code, group] : failures) {
    order.errors.push_back(std::move(group));
  }
  for (const std::string& tn : imported) {
    putInService(order, tn);
  }
  if (order.errors.empty()) {
    moveTo(order, OrderStatus::Complete, "Import TN order is complete.", "importtnorders", true);
  } else if (imported.empty()) {
    moveTo(order, OrderStatus::Failed, "Import TN order has failed.", "importtnorders", true);
  } else {
    moveTo(order, OrderStatus::Partial, "Import TN order is partially complete.", "importtnorders",
           true);
  }
}

void Model::putInService(const ImportOrder& order, const std::string& tn) {
  in_service_[tn] =
      InServiceNumber{tn, order.account_id, order.id, order.site_id, order.created, clock_.now()};
  changes_.touch(kInService, tn);
  const NumberProfile profile = profileFor(tn);
  if (profile.messaging_lost_after) {
    const std::string account_id = order.account_id;
    const std::string order_id = order.id;
    timers_.schedule(*profile.messaging_lost_after, "messaging lost " + tn, "messaging lost",
                     {tn, account_id, order_id});
  }
}

Status Model::loseMessaging(const std::string& tn, const std::string& account_id) {
  const auto it = in_service_.find(tn);
  if (it == in_service_.end() || (!account_id.empty() && it->second.account_id != account_id)) {
    return makeError(ErrorCode::NotFound,
                     tn + " is not in service" + (account_id.empty() ? "" : " on " + account_id));
  }
  const std::string owner = it->second.account_id;
  takeOutOfService(tn);
  if (event_listener_) {
    event_listener_(EventNotice{owner, "MESSAGING_LOST", {tn}});
  }
  return {};
}

std::vector<HistoryEntry> Model::recordedHistory(const ImportOrder& order) {
  if (order.status != OrderStatus::Failed) {
    return order.history;
  }
  std::vector<HistoryEntry> out;
  for (const HistoryEntry& entry : order.history) {
    if (entry.status != "processing") {
      out.push_back(entry);
    }
  }
  return out;
}

InServicePage Model::inServiceNumbers(const Account& account, const InServiceQuery& query) const {
  InServicePage page;
  std::vector<std::string> matches;
  for (const auto& [tn, number] : in_service_) {
    if (number.account_id != account.account_id) {
      continue;
    }
    const NumberProfile profile = profileFor(tn);
    const std::string in_service_day = day(number.in_service_at);
    if ((query.area_code && tn.compare(0, 3, *query.area_code) != 0) ||
        (query.npanxx && tn.compare(0, 6, *query.npanxx) != 0) ||
        (query.lata && profile.lata != query.lata) ||
        (query.state && (!profile.state || lower(*profile.state) != lower(*query.state))) ||
        (query.rate_center &&
         (!profile.rate_center || lower(*profile.rate_center) != lower(*query.rate_center))) ||
        (query.start_date && in_service_day < *query.start_date) ||
        (query.end_date && in_service_day > *query.end_date)) {
      continue;
    }
    matches.push_back(tn);  // the map keeps them in ascending order
  }
  page.total = matches.size();
  const size_t start = (query.page - 1) * query.size;
  for (size_t i = start; i < matches.size() && i < start + query.size; ++i) {
    page.tns.push_back(matches[i]);
  }
  page.more = start + query.size < matches.size();
  return page;
}

std::optional<InServiceNumber> Model::inServiceNumber(const Account& account,
                                                      const std::string& tn) const {
  const auto it = in_service_.find(normalizeTn(tn));
  if (it == in_service_.end() || it->second.account_id != account.account_id) {
    return std::nullopt;
  }
  return it->second;
}

Status Model::finishImport(std::string_view order_id, OrderStatus status) {
  const auto it = imports_.find(std::string(order_id));
  if (it == imports_.end()) {
    return makeError(ErrorCode::NotFound, "no import order " + std::string(order_id));
  }
  ImportOrder& order = it->second;
  if (order.status != OrderStatus::Processing && order.status != OrderStatus::Exception) {
    return makeError(ErrorCode::FailedPrecondition, "import order " + std::string(order_id) +
                                                        " is " +
                                                        std::string(orderStatusName(order.status)));
  }
  if (status == OrderStatus::Complete) {
    for (const std::string& tn : order.tns) {
      putInService(order, normalizeTn(tn));
    }
    moveTo(order, status, "Import TN order is complete.", "importtnorders", true);
  } else if (status == OrderStatus::Failed) {
    order.errors.push_back(TnError{19010, checkerDescription(19010), order.tns});
    moveTo(order, status, "Import TN order has failed.", "importtnorders", true);
  } else {
    return makeError(ErrorCode::InvalidArgument,
                     "an import order can be finished as COMPLETE or FAILED");
  }
  return {};
}

ImportOrder* Model::findImport(const Account& account, std::string_view id) {
  const auto it = imports_.find(std::string(id));
  return it == imports_.end() || it->second.account_id != account.account_id ? nullptr
                                                                             : &it->second;
}

Result<ImportOrder> Model::importOrder(const Account& account, std::string_view id) const {
  if (!isUuid(id)) {
    return errors::invalidUuid(id);
  }
  const auto it = imports_.find(std::string(id));
  if (it == imports_.end() || it->second.account_id != account.account_id) {
    return errors::notFound();
  }
  return it->second;
}

std::vector<ImportOrder> Model::listImportOrders(const Account& account,
                                                 const OrderFilter& filter) const {
  return listed(imports_, import_ids_by_sequence_, account, filter, [&](const ImportOrder& order) {
    return !filter.loa_type || *filter.loa_type == "ALL" ||
           order.loa_type.value_or("SUBSCRIBER") == *filter.loa_type;
  });
}

Result<LoaFile> Model::addFile(const Account& account, std::string_view order_id, LoaFile file,
                               const std::string& extension) {
  if (!isUuid(order_id)) {
    return errors::invalidUuid(order_id);
  }
  ImportOrder* order = findImport(account, order_id);
  if (order == nullptr) {
    return errors::notFound();
  }
  // A later millisecond when two uploads share one.
  int64_t millis = clock_.now().time_since_epoch().count();
  auto name = [&] { return order->id + "-" + std::to_string(millis) + "." + extension; };
  while (std::any_of(order->files.begin(), order->files.end(),
                     [&](const LoaFile& f) { return f.id == name(); })) {
    ++millis;
  }
  file.id = name();
  order->files.push_back(file);
  touched(*order);
  return file;
}

Result<LoaFile> Model::replaceFile(const Account& account, std::string_view order_id,
                                   std::string_view file_id, std::string content_type,
                                   std::string data) {
  if (!isUuid(order_id)) {
    return errors::invalidUuid(order_id);
  }
  ImportOrder* order = findImport(account, order_id);
  if (order == nullptr) {
    return errors::notFound();
  }
  for (LoaFile& file : order->files) {
    if (file.id == file_id) {
      file.content_type = std::move(content_type);
      file.data = std::move(data);
      touched(*order);
      return file;
    }
  }
  return errors::notFound();
}

Status Model::deleteFile(const Account& account, std::string_view order_id,
                         std::string_view file_id) {
  ImportOrder* order = isUuid(order_id) ? findImport(account, order_id) : nullptr;
  if (order == nullptr) {
    return errors::notFound();
  }
  const auto it = std::find_if(order->files.begin(), order->files.end(),
                               [&](const LoaFile& f) { return f.id == file_id; });
  if (it == order->files.end()) {
    return errors::notFound();
  }
  order->files.erase(it);
  touched(*order);
  return {};
}

LoaFile* Model::findFile(const Account& account, std::string_view order_id,
                         std::string_view file_id) {
  ImportOrder* order = isUuid(order_id) ? findImport(account, order_id) : nullptr;
  if (order == nullptr) {
    return nullptr;
  }
  for (LoaFile& file : order->files) {
    if (file.id == file_id) {
      return &file;
    }
  }
  return nullptr;
}

Result<LoaFile> Model::setFileMetadata(const Account& account, std::string_view order_id,
                                       std::string_view file_id, std::optional<std::string> name,
                                       std::optional<std::string> type) {
  LoaFile* file = findFile(account, order_id, file_id);
  if (file == nullptr) {
    return errors::notFound();
  }
  if (name && name->size() > 50) {
    return errors::documentNameTooLong();
  }
  if (type && !isDocumentType(*type)) {
    return errors::unknownDocumentType();
  }
  if (name) {
    file->document_name = *name;
  }
  if (type) {
    file->document_type = *type;
  }
  touched(*findImport(account, order_id));
  return *file;
}

Status Model::clearFileMetadata(const Account& account, std::string_view order_id,
                                std::string_view file_id) {
  LoaFile* file = findFile(account, order_id, file_id);
  if (file == nullptr) {
    return errors::notFound();
  }
  file->document_name.reset();
  file->document_type = "LOA";
  touched(*findImport(account, order_id));
  return {};
}

Result<RemoveOrder> Model::createRemoveOrder(const Account& account, const std::string& user,
                                             std::optional<std::string> customer_order_id,
                                             const std::vector<std::string>& tns,
                                             std::vector<TnError>& validation) {
  if (tns.empty()) {
    validation.push_back(TnError{7201, "At least one telephone number is required.", {}});
  }
  for (const std::string& tn : tns) {
    if (normalizeTn(tn).empty()) {
      validation.push_back(TnError{7201, tn + " is not a valid NANPA telephone number.", {}});
    }
  }
  if (!validation.empty()) {
    return makeError(ErrorCode::InvalidArgument, "validation failed");
  }
  RemoveOrder order;
  order.id = ids_.uuid();
  order.account_id = account.account_id;
  order.created_by = user;
  order.customer_order_id = std::move(customer_order_id);
  order.tns = tns;
  order.created = clock_.now();
  order.sequence = ++sequence_;
  const std::string id = order.id;
  remove_ids_by_sequence_.emplace(order.sequence, id);
  RemoveOrder& stored = removes_.emplace(id, std::move(order)).first->second;
  moveTo(stored, OrderStatus::Received, "Remove Imported TN order has been received by the system.",
         "removeImportedTnOrders", false);
  timers_.schedule(world_.rules.processing_after, "remove order processing " + id,
                   "remove processing", {id});
  return stored;
}

void Model::processRemove(const std::string& id) {
  RemoveOrder& order = removes_.at(id);
  std::vector<std::string> never_imported;
  size_t removed = 0;
  for (const std::string& tn : order.tns) {
    const auto it = in_service_.find(normalizeTn(tn));
    if (it == in_service_.end() || it->second.account_id != order.account_id) {
      never_imported.push_back(tn);
    } else {
      takeOutOfService(it->first);  // back to its state before the import
      ++removed;
    }
  }
  if (!never_imported.empty()) {
    order.errors.push_back(TnError{5158, importErrorDescription(5158), never_imported});
  }
  const std::string type = "removeImportedTnOrders";
  if (never_imported.empty()) {
    moveTo(order, OrderStatus::Complete, "Remove Imported TN order is complete.", type, true);
  } else if (removed == 0) {
    moveTo(order, OrderStatus::Failed, "Remove Imported TN order has failed.", type, true);
  } else {
    moveTo(order, OrderStatus::Partial, "Remove Imported TN order is partially complete.", type,
           true);
  }
}

Result<RemoveOrder> Model::removeOrder(const Account& account, std::string_view id) const {
  if (!isUuid(id)) {
    return errors::invalidUuid(id);
  }
  const auto it = removes_.find(std::string(id));
  if (it == removes_.end() || it->second.account_id != account.account_id) {
    return errors::notFound();
  }
  return it->second;
}

std::vector<RemoveOrder> Model::listRemoveOrders(const Account& account,
                                                 const OrderFilter& filter) const {
  return listed(removes_, remove_ids_by_sequence_, account, filter,
                [](const RemoveOrder&) { return true; });
}

Result<Subscription> Model::createSubscription(const Account& account, Subscription subscription) {
  for (const auto& [id, existing] : subscriptions_) {
    if (existing.account_id == account.account_id && existing.url == subscription.url &&
        existing.order_type == subscription.order_type &&
        existing.event_type == subscription.event_type &&
        existing.order_id == subscription.order_id) {
      return makeError(ErrorCode::AlreadyExists, "Duplicate subscription already exists", "16008");
    }
  }
  subscription.id = ids_.uuid();
  subscription.account_id = account.account_id;
  subscription.created = clock_.now();
  const std::string id = subscription.id;
  subscriptions_.emplace(id, std::move(subscription));
  return subscriptions_.at(id);
}

// An expired subscription is gone: Bandwidth documents Expiry as how long it persists.
bool Model::expired(const Subscription& subscription) const {
  return clock_.now() >= subscription.created + std::chrono::seconds(subscription.expiry_seconds);
}

Result<Subscription> Model::subscription(const Account& account, std::string_view id) const {
  const auto it = subscriptions_.find(std::string(id));
  if (it == subscriptions_.end() || it->second.account_id != account.account_id ||
      expired(it->second)) {
    return errors::notFound();
  }
  return it->second;
}

std::vector<Subscription> Model::subscriptions(const Account& account) const {
  std::vector<Subscription> out;
  for (const auto& [id, subscription] : subscriptions_) {
    if (subscription.account_id == account.account_id && !expired(subscription)) {
      out.push_back(subscription);
    }
  }
  return out;
}

Result<Subscription> Model::replaceSubscription(const Account& account, std::string_view id,
                                                Subscription replacement) {
  const auto it = subscriptions_.find(std::string(id));
  if (it == subscriptions_.end() || it->second.account_id != account.account_id ||
      expired(it->second)) {
    return errors::notFound();
  }
  replacement.id = it->second.id;
  replacement.account_id = account.account_id;
  replacement.created = clock_.now();  // a full replace restarts the expiry
  it->second = std::move(replacement);
  return it->second;
}

Status Model::deleteSubscription(const Account& account, std::string_view id) {
  const auto it = subscriptions_.find(std::string(id));
  if (it == subscriptions_.end() || it->second.account_id != account.account_id ||
      expired(it->second)) {
    return errors::notFound();
  }
  subscriptions_.erase(it);
  return {};
}

void Model::takeOutOfService(std::string tn) {
  in_service_.erase(tn);
  changes_.touch(kInService, tn);
}

std::vector<Subscription> Model::subscribersFor(const OrderNotice& notice) const {
  std::vector<Subscription> out;
  for (const auto& [id, subscription] : subscriptions_) {
    if (subscription.account_id == notice.account_id && !expired(subscription) &&
        subscription.order_type && lower(*subscription.order_type) == lower(notice.order_type) &&
        (!subscription.order_id || *subscription.order_id == notice.order_id)) {
      out.push_back(subscription);
    }
  }
  return out;
}

std::vector<Subscription> Model::subscribersFor(const EventNotice& notice) const {
  std::vector<Subscription> out;
  for (const auto& [id, subscription] : subscriptions_) {
    if (subscription.account_id == notice.account_id && !expired(subscription) &&
        subscription.event_type == notice.event_type) {
      out.push_back(subscription);
    }
  }
  return out;
}

}  // namespace hnemu::bandwidth
