#include "providers/twilio/kind.h"

#include "providers/twilio/routes.h"
#include "providers/twilio/world.h"

namespace hnemu::twilio {
namespace {

using nlohmann::json;

class TwilioKind : public ProviderKind {
 public:
  std::string_view name() const override { return "twilio"; }
  std::string_view title() const override { return "Twilio"; }

  std::unique_ptr<Provider> create(const ProviderContext& context) const override {
    return std::make_unique<TwilioProvider>(context);
  }

  Result<std::shared_ptr<const WorldSection>> decodeWorld(const Input& section) const override {
    return decodeSection(section);
  }
  std::string numberKey(const std::string& text) const override { return WorldCodec::key(text); }
  std::string_view numberForm() const override { return WorldCodec::kNumberForm; }

  std::vector<StateMachine> lifecycles() const override { return {orderLifecycle()}; }

  std::vector<std::string> orderStatuses() const override { return orderLifecycle().states; }
  std::vector<json> ordersFor(const json& state, const std::string& number) const override {
    return itemsBySequence(state, "hosted_number_orders", [&](const json& order) {
      return order.value("phone_number", "") == number;
    });
  }
  std::string orderId(const json& order) const override { return order.value("sid", ""); }
  bool ordersHaveFailureReason() const override { return true; }

  std::map<std::string, std::string> clientEnvironment(const json& state) const override {
    const json& accounts = state.value("accounts", json::array());
    if (accounts.empty()) {
      return {};
    }
    return {{"HNEMU_TWILIO_ACCOUNT_SID", accounts[0].value("sid", "")},
            {"HNEMU_TWILIO_AUTH_TOKEN", accounts[0].value("auth_token", "")}};
  }

  json consoleDescription() const override {
    auto decide = [](const char* label, const char* tone, const char* done, const char* path,
                     json body, const char* when) {
      return json{{"when", {when}},   {"label", label}, {"tone", tone},           {"done", done},
                  {"method", "POST"}, {"path", path},   {"body", std::move(body)}};
    };
    return json{
        {"resources",
         {{{"collection", "hosted_number_orders"},
           {"kind", "hosted number order"},
           {"id", "sid"},
           {"numbers", "phone_number"},
           {"history", "history"},
           {"history_note", "reason"},
           {"detail", {{{"path", "verification_attempts"}, {"format", "{} verification call(s)"}}}},
           {"actions",
            {decide("Carrier accepts", "good", "Carrier accepted {phone_number}",
                    "/twilio/orders/{sid}/carrier", {{"decision", "accept"}}, "carrier-processing"),
             decide("Carrier rejects", "danger", "Carrier rejected {phone_number}",
                    "/twilio/orders/{sid}/carrier", {{"decision", "reject"}},
                    "carrier-processing")}}},
          {{"collection", "authorization_documents"},
           {"kind", "authorization document (LOA)"},
           {"id", "sid"},
           {"detail", {{{"path", "hosted_number_order_sids"}, {"format", "{}"}}}},
           {"actions",
            {decide("Owner signs", "good", "Signed {sid}", "/twilio/authorization-documents/{sid}",
                    {{"decision", "sign"}}, "signing"),
             decide("Owner declines", "danger", "Declined {sid}",
                    "/twilio/authorization-documents/{sid}", {{"decision", "decline"}},
                    "signing")}}}}}};
  }
};

}  // namespace

const ProviderKind& kind() {
  static const TwilioKind instance;
  return instance;
}

}  // namespace hnemu::twilio
