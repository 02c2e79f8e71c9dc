#include "providers/twilio/kind.h"

#include "providers/twilio/routes.h"
#include "providers/twilio/world.h"

namespace hnemu::twilio {
namespace {

using nlohmann::json;

std::string named(OrderStatus status) { return std::string(orderStatusName(status)); }

// The world's decisions for one number, in the order a client meets them (README, "The Twilio
// flow").
Exploration orderExploration() {
  using S = OrderStatus;
  const std::string order = orderLifecycle().name;
  auto path = [&](std::initializer_list<S> statuses) {
    std::vector<std::string> names;
    for (S status : statuses) {
      names.push_back(named(status));
    }
    return StatusPaths{{order, names}};
  };
  Exploration out;
  out.number = "+14155550100";
  out.decisions = {
      {"the number's eligibility",
       {{"hostable", "the number is a hostable landline", json::object(),
         path({S::TwilioProcessing, S::Received, S::PendingVerification})},
        {"mobile",
         "the number is a mobile number (22110)",
         {{"kind", "mobile"}},
         {},
         true,
         WorldRefusal{"POST", "", 400}}}},
      {"the verification call",
       {{"right_code", "the owner keys in the right code", json::object(), path({S::Verified})},
        {"wrong_code",
         "the owner keys in a wrong code on every call",
         {{"callee", "enter-wrong-code"}},
         path({S::ActionRequired, S::Failed}),
         true},
        {"no_answer",
         "nobody answers the verification calls",
         {{"callee", "no-answer"}},
         path({S::ActionRequired, S::Failed}),
         true}}},
      {"the LOA signer",
       {{"signs", "the signer signs the LOA", json::object(),
         path({S::PendingLoa, S::CarrierProcessing})},
        {"declines",
         "the signer declines the LOA",
         {{"loa", {{"decision", "reject"}}}},
         path({S::PendingLoa, S::ActionRequired, S::Failed}),
         true}}},
      {"the losing carrier",
       {{"carrier_accepts", "the carrier accepts", json::object(), path({S::Testing, S::Completed}),
         true},
        {"carrier_rejects",
         "the carrier rejects",
         {{"carrier", {{"decision", "reject"}}}},
         path({S::Failed}),
         true}}},
  };
  out.unplanned = {
      {order, named(S::ActionRequired), named(S::PendingVerification),
       "only a client that asks for another verification call from action-required (after a "
       "declined LOA, while attempts remain)"},
      {order, named(S::PendingLoa), named(S::Verified),
       "only a client that cancels its authorization document"}};
  for (S open : {S::TwilioProcessing, S::Received, S::PendingVerification, S::Verified,
                 S::PendingLoa, S::Testing}) {
    out.unplanned.push_back({order, named(open), named(S::Failed),
                             "only a client that releases the number (DELETE "
                             "IncomingPhoneNumber) while the order is open"});
  }
  return out;
}

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
  Exploration exploration() const override { return orderExploration(); }

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
    const json create_order = consoleRequest(
        "Create a hosted number order", "POST", "/v2/HostedNumber/Orders", "form",
        {consoleField("PhoneNumber", "Number to host", {{"value", "+14155550123"}}),
         consoleField("ContactPhoneNumber", "Contact phone number", {{"value", "+14155550199"}}),
         consoleField("AddressSid", "Address SID",
                      {{"value", "AD11111111111111111111111111111111"}}),
         consoleField("Email", "Owner's email", {{"value", "owner@example.com"}}),
         consoleField("FriendlyName", "Friendly name", {{"optional", true}}),
         consoleField("StatusCallbackUrl", "Status callback URL", {{"optional", true}}),
         consoleField("StatusCallbackMethod", "Status callback method",
                      {{"options", {"POST", "GET"}}})});
    const json request_call = consoleRequest(
        "Request the verification call", "POST", "/v2/HostedNumber/Orders/{sid}", "form",
        {consoleField("Status", "Status", {{"value", "pending-verification"}, {"fixed", true}}),
         consoleField("VerificationCallDelay", "Call delay (0-60 s)", {{"optional", true}}),
         consoleField("VerificationCallExtension", "Extension to dial", {{"optional", true}})},
        {{"when", {"received", "pending-verification"}}});
    const json create_loa = consoleRequest(
        "Create the LOA", "POST", "/v2/HostedNumber/AuthorizationDocuments", "form",
        {consoleField("HostedNumberOrderSids", "Orders", {{"from", "sid"}, {"list", true}}),
         consoleField("AddressSid", "Address SID", {{"from", "address_sid"}}),
         consoleField("Email", "Signer's email", {{"from", "email"}}),
         consoleField("ContactPhoneNumber", "Contact phone number",
                      {{"from", "contact_phone_number"}}),
         consoleField("ContactTitle", "Contact title", {{"optional", true}})},
        {{"when", {"verified"}}});
    return json{
        {"client",
         {{"accounts", "accounts"},
          {"account_label", "sid"},
          {"owner", {"account_sid", "sid"}},
          {"auth", {{"basic", {"sid", "auth_token"}}}},
          {"start", {create_order}}}},
        {"resources",
         {{{"collection", "hosted_number_orders"},
           {"kind", "hosted number order"},
           {"id", "sid"},
           {"numbers", "phone_number"},
           {"history", "history"},
           {"history_note", "reason"},
           {"detail", {{{"path", "verification_attempts"}, {"format", "{} verification call(s)"}}}},
           {"steps", {request_call, create_loa}},
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
