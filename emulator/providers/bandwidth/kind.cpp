#include "providers/bandwidth/kind.h"

#include <algorithm>

#include "providers/bandwidth/routes.h"
#include "providers/bandwidth/world.h"

namespace hnemu::bandwidth {
namespace {

using nlohmann::json;

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
    return json{{"resources",
                 {{{"collection", "import_tn_orders"},
                   {"kind", "import TN order"},
                   {"id", "order_id"},
                   {"numbers", "telephone_numbers[]"},
                   {"history", "history"},
                   {"history_note", "note"},
                   {"detail", {{{"path", "loas"}, {"format", "{} LOA file(s)"}, {"count", true}}}},
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
