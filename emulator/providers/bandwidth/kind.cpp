#include "providers/bandwidth/kind.h"

#include <algorithm>

#include "providers/bandwidth/routes.h"
#include "providers/bandwidth/world.h"

namespace hnemu::bandwidth {
namespace {

using nlohmann::json;

// The world's decisions for one TN, in the order a client meets them (README, "The Bandwidth
// flow").
Exploration importExploration() {
  using S = OrderStatus;
  const std::string order = importOrderLifecycle().name;
  auto path = [&](std::initializer_list<S> statuses) {
    StatusPaths out;
    for (S status : statuses) {
      out[order].emplace_back(orderStatusName(status));
    }
    return out;
  };
  auto named = [](S status) { return std::string(orderStatusName(status)); };
  Exploration out;
  out.number = "9195550100";
  out.decisions = {
      {"the import checker",
       {{"importable", "the TN is importable", json::object(), path({S::Received, S::Processing})},
        {"no_messaging_route",
         "the checker finds no messaging route (19005)",
         {{"checker_code", 19005}},
         {},
         true}}},
      {"the import",
       {{"imported", "the TN imports", json::object(), path({S::Complete}), true},
        {"carrier_rejects",
         "the losing carrier rejects the import (19010)",
         {{"import", {{"outcome", "error"}, {"code", 19010}}}},
         path({S::Failed}),
         true},
        {"exception",
         "the import needs a person at Bandwidth (EXCEPTION)",
         {{"import", {{"outcome", "exception"}}}},
         path({S::Exception}),
         true}}},
  };
  out.unplanned = {
      {order, named(S::Processing), named(S::Partial),
       "only an order of several TNs of which some fail (explore hosts one TN per run)"},
      {order, named(S::Exception), named(S::Complete),
       "only a person at Bandwidth resolving the exception (POST "
       "/__hnemu/bandwidth/import-orders/{id}/finish)"},
      {order, named(S::Exception), named(S::Failed),
       "only a person at Bandwidth resolving the exception (POST "
       "/__hnemu/bandwidth/import-orders/{id}/finish)"}};
  return out;
}

class BandwidthKind : public ProviderKind {
 public:
  std::string_view name() const override { return "bandwidth"; }
  std::string_view title() const override { return "Bandwidth"; }

  std::unique_ptr<Provider> create(const ProviderContext& context) const override {
    return std::make_unique<BandwidthProvider>(context);
  }

  Result<std::shared_ptr<const WorldSection>> decodeWorld(const Input& section) const override {
    return decodeSection(section);
  }
  std::string numberKey(const std::string& text) const override { return WorldCodec::key(text); }
  std::string_view numberForm() const override { return WorldCodec::kNumberForm; }

  std::vector<StateMachine> lifecycles() const override { return {importOrderLifecycle()}; }
  Exploration exploration() const override { return importExploration(); }

  std::vector<std::string> orderStatuses() const override { return importOrderLifecycle().states; }
  std::vector<json> ordersFor(const json& state, const std::string& number) const override {
    return itemsBySequence(state, "import_tn_orders", [&](const json& order) {
      const json& tns = order.value("telephone_numbers", json::array());
      return std::find(tns.begin(), tns.end(), json(number)) != tns.end();
    });
  }
  std::string orderId(const json& order) const override { return order.value("order_id", ""); }

  bool tracksNumbersInService() const override { return true; }
  bool inService(const json& state, const std::string& number) const override {
    for (const json& entry : state.value("in_service_numbers", json::array())) {
      if (entry.value("tn", "") == number) {
        return true;
      }
    }
    return false;
  }

  std::map<std::string, std::string> clientEnvironment(const json& state) const override {
    const json& accounts = state.value("accounts", json::array());
    if (accounts.empty()) {
      return {};
    }
    return {{"HNEMU_BANDWIDTH_ACCOUNT_ID", accounts[0].value("account_id", "")},
            {"HNEMU_BANDWIDTH_USERNAME", accounts[0].value("username", "")},
            {"HNEMU_BANDWIDTH_PASSWORD", accounts[0].value("password", "")}};
  }

  json consoleDescription() const override {
    auto finish = [](const char* label, const char* tone, const char* done, const char* status) {
      return json{{"when", {"PROCESSING", "EXCEPTION"}},
                  {"label", label},
                  {"tone", tone},
                  {"done", done},
                  {"method", "POST"},
                  {"path", "/bandwidth/import-orders/{order_id}/finish"},
                  {"body", {{"status", status}}}};
    };
    const std::string account = "/api/accounts/{account.account_id}";
    const json numbers =
        consoleField("TelephoneNumbers", "Numbers",
                     {{"value", "9195550123"}, {"list", true}, {"element", "TelephoneNumber"}});
    const json check = consoleRequest(
        "Check numbers", "POST", account + "/importTnChecker", "xml", {numbers},
        {{"body",
          "<ImportTnCheckerPayload><TelephoneNumbers>{TelephoneNumbers}</TelephoneNumbers>"
          "</ImportTnCheckerPayload>"}});
    const json create = consoleRequest(
        "Create an import order", "POST", account + "/importTnOrders", "xml",
        {numbers, consoleField("CustomerOrderId", "Customer order id", {{"value", "console-1"}}),
         consoleField("SiteId", "Site id", {{"value", "222"}}),
         consoleField("Name", "Subscriber", {{"value", "ABC Inc."}}),
         consoleField("HouseNumber", "House number", {{"value", "11235"}}),
         consoleField("StreetName", "Street", {{"value", "Back"}}),
         consoleField("City", "City", {{"value", "Denver"}}),
         consoleField("StateCode", "State", {{"value", "CO"}}),
         consoleField("Zip", "Zip", {{"value", "27541"}}),
         consoleField("LoaAuthorizingPerson", "LOA signed by", {{"value", "The Authguy"}})},
        {{"body",
          "<ImportTnOrder><CustomerOrderId>{CustomerOrderId}</CustomerOrderId>"
          "<SiteId>{SiteId}</SiteId><Subscriber><Name>{Name}</Name><ServiceAddress>"
          "<HouseNumber>{HouseNumber}</HouseNumber><StreetName>{StreetName}</StreetName>"
          "<City>{City}</City><StateCode>{StateCode}</StateCode><Zip>{Zip}</Zip>"
          "</ServiceAddress></Subscriber><LoaAuthorizingPerson>{LoaAuthorizingPerson}"
          "</LoaAuthorizingPerson><TelephoneNumbers>{TelephoneNumbers}</TelephoneNumbers>"
          "</ImportTnOrder>"}});
    const json upload =
        consoleRequest("Upload an LOA", "POST", account + "/importTnOrders/{order_id}/loas", "file",
                       {consoleField("loa", "LOA", {{"file", "application/pdf"}})},
                       {{"when", {"RECEIVED", "PROCESSING"}}});
    return json{{"client",
                 {{"accounts", "accounts"},
                  {"account_label", "account_id"},
                  {"owner", {"account_id", "account_id"}},
                  {"auth", {{"basic", {"username", "password"}}}},
                  {"start", {check, create}}}},
                {"resources",
                 {{{"collection", "import_tn_orders"},
                   {"kind", "import TN order"},
                   {"id", "order_id"},
                   {"numbers", "telephone_numbers[]"},
                   {"history", "history"},
                   {"history_note", "note"},
                   {"detail", {{{"path", "loas"}, {"format", "{} LOA file(s)"}, {"count", true}}}},
                   {"steps", {upload}},
                   {"actions",
                    {finish("Import completes", "good", "Import {order_id} completed", "COMPLETE"),
                     finish("Import fails", "danger", "Import {order_id} failed", "FAILED")}}},
                  {{"collection", "remove_imported_tn_orders"},
                   {"kind", "remove imported TN order"},
                   {"id", "order_id"},
                   {"numbers", "telephone_numbers[]"}}}}};
  }
};

}  // namespace

const ProviderKind& kind() {
  static const BandwidthKind instance;
  return instance;
}

}  // namespace hnemu::bandwidth
