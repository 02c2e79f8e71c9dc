#include "providers/fake/kind.h"

#include "providers/fake/routes.h"
#include "providers/fake/world.h"

namespace hnemu::fake {
namespace {

using nlohmann::json;

class FakeKind : public ProviderKind {
 public:
  std::string_view name() const override { return "fake"; }
  std::string_view title() const override { return "Fake"; }
  std::unique_ptr<Provider> create(const ProviderContext& context) const override {
    return std::make_unique<FakeProvider>(context);
  }
  Result<std::shared_ptr<const WorldSection>> decodeWorld(const Input& section) const override {
    return decodeSection(section);
  }
  std::string numberKey(const std::string& text) const override { return WorldCodec::key(text); }
  std::string_view numberForm() const override { return WorldCodec::kNumberForm; }
  std::vector<StateMachine> lifecycles() const override { return {orderLifecycle()}; }
  std::vector<std::string> orderStatuses() const override { return orderLifecycle().states; }
  std::vector<json> ordersFor(const json& state, const std::string& number) const override {
    return itemsBySequence(state, "orders",
                           [&](const json& order) { return order.value("number", "") == number; });
  }
  std::string orderId(const json& order) const override { return order.value("id", ""); }
  std::map<std::string, std::string> clientEnvironment(const json& state) const override {
    const json& tokens = state.value("accounts", json::array());
    return tokens.empty() ? std::map<std::string, std::string>{}
                          : std::map<std::string, std::string>{
                                {"HNEMU_FAKE_TOKEN", tokens[0].value("token", "")}};
  }
  json consoleDescription() const override {
    return json{{"resources",
                 {{{"collection", "orders"},
                   {"kind", "widget order"},
                   {"id", "id"},
                   {"numbers", "number"},
                   {"history", "history"},
                   {"actions",
                    {{{"when", {"processing"}},
                      {"label", "Finish"},
                      {"done", "Finished {id}"},
                      {"method", "POST"},
                      {"path", "/fake/widget-orders/{id}/finish"},
                      {"choice", {{"field", "outcome"}, {"options", {"done", "failed"}}}}}}}}}}};
  }
};

}  // namespace

const ProviderKind& kind() {
  static const FakeKind instance;
  return instance;
}

}  // namespace hnemu::fake
