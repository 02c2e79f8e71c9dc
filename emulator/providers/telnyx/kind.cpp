#include "providers/telnyx/kind.h"

#include <algorithm>

#include "providers/telnyx/routes.h"
#include "providers/telnyx/world.h"

namespace hnemu::telnyx {
namespace {

using nlohmann::json;

const std::vector<std::string> kReviewOutcomes = {
    "accept", "loa_file_invalid", "incomplete_documentation", "incorrect_billing_information",
    "compliance_review_failed"};
const std::vector<std::string> kCarrierDecisions = {
    "accept", "reject", "ineligible", "not-found", "already-hosted", "activation-fails"};

// The world's decisions for one number, in the order a client meets them (README, "The Telnyx
// flow").
Exploration hostingExploration() {
  using O = OrderStatus;
  using N = NumberStatus;
  const std::string order = orderLifecycle().name;
  const std::string number = numberLifecycle().name;
  auto path = [&](std::initializer_list<O> order_statuses,
                  std::initializer_list<N> number_statuses) {
    StatusPaths out;
    for (O status : order_statuses) {
      out[order].emplace_back(orderStatusName(status));
    }
    for (N status : number_statuses) {
      out[number].emplace_back(numberStatusName(status));
    }
    return out;
  };
  auto rejectedOnce = [&](ReviewOutcome outcome, O status, const char* behaviour) {
    return WorldChoice{
        std::string(reviewOutcomeName(outcome)) + "_once",
        behaviour,
        {{"review", {{"outcome", std::string(reviewOutcomeName(outcome))}, {"rejections", 1}}}},
        path({O::LoaFileSuccessful, status, O::LoaFileSuccessful, O::Provisioning},
             {N::Provisioning})};
  };
  auto carrier = [&](CarrierDecision decision, O order_status, N number_status,
                     const char* behaviour) {
    const std::string name(carrierDecisionName(decision));
    return WorldChoice{"carrier_" + name, behaviour,
                       decision == CarrierDecision::Accept
                           ? json::object()
                           : json{{"carrier", {{"decision", name}}}},
                       path({order_status}, {number_status}), true};
  };
  Exploration out;
  out.number = "+13125550100";
  out.webhooks_repeat = true;  // "Deliveries can be duplicated, delayed or out of order."
  out.webhooks_reorder = true;
  out.decisions = {
      {"the number's eligibility",
       {{"eligible", "the number is an eligible landline", json::object(),
         path({O::Pending}, {N::Pending})},
        {"wireless",
         "the number is wireless: the eligibility check says no",
         {{"kind", "wireless"}},
         {},
         true}}},
      {"the ownership code",
       {{"code_arrives", "the SMS code reaches the owner", json::object(),
         path({}, {N::OwnershipSuccessful})},
        {"code_never_arrives",
         "the SMS code never reaches the owner",
         {{"code_delivered", false}},
         {},
         true}}},
      {"the document review",
       {{"review_accepts", "the review accepts the LOA and bill", json::object(),
         path({O::LoaFileSuccessful, O::Provisioning}, {N::Provisioning})},
        rejectedOnce(ReviewOutcome::LoaFileInvalid, O::LoaFileInvalid,
                     "the review finds the LOA invalid once"),
        rejectedOnce(ReviewOutcome::IncompleteDocumentation, O::IncompleteDocumentation,
                     "the review finds the documentation incomplete once"),
        rejectedOnce(ReviewOutcome::IncorrectBillingInformation, O::IncorrectBillingInformation,
                     "the review finds the billing information incorrect once"),
        {"compliance_review_failed",
         "the compliance review fails",
         {{"review", {{"outcome", "compliance_review_failed"}}}},
         path({O::LoaFileSuccessful, O::ComplianceReviewFailed}, {N::Failed}),
         true}}},
      {"the losing carrier",
       {carrier(CarrierDecision::Accept, O::Successful, N::Successful, "the carrier accepts"),
        carrier(CarrierDecision::Reject, O::CarrierRejected, N::FailedCarrierRejected,
                "the carrier rejects"),
        carrier(CarrierDecision::Ineligible, O::IneligibleCarrier, N::FailedIneligibleCarrier,
                "the carrier is not eligible"),
        carrier(CarrierDecision::NotFound, O::Failed, N::FailedNumberNotFound,
                "the carrier does not find the number"),
        carrier(CarrierDecision::AlreadyHosted, O::Failed, N::FailedNumberAlreadyHosted,
                "the carrier finds the number hosted already"),
        carrier(CarrierDecision::ActivationFails, O::Failed, N::FailedActivation,
                "the activation fails"),
        carrier(CarrierDecision::Never, O::Failed, N::FailedTimeout,
                "the carrier never answers: the activation times out")}},
  };
  out.unplanned = {
      {order, std::string(orderStatusName(O::Pending)), std::string(orderStatusName(O::Failed)),
       "only a client that keys in wrong codes, or orders a number hosted by another customer "
       "(the eligibility check says no)"},
      {number, std::string(numberStatusName(N::Pending)),
       std::string(numberStatusName(N::FailedOwnershipVerification)),
       "only a client that keys in wrong codes (it relays the owner's code)"},
      {number, std::string(numberStatusName(N::Pending)),
       std::string(numberStatusName(N::FailedNumberAlreadyHosted)),
       "only a client that orders a number hosted by another customer (the eligibility check "
       "says no)"},
      {number, std::string(numberStatusName(N::Pending)), std::string(numberStatusName(N::Failed)),
       "Telnyx lists it; in hnemu a review fails numbers only once their ownership is proven"}};
  for (const std::string& status : orderLifecycle().states) {
    if (status != orderStatusName(O::Deleted)) {
      out.unplanned.push_back({order, status, std::string(orderStatusName(O::Deleted)),
                               "only a client that deletes the order"});
    }
  }
  for (const std::string& status : numberLifecycle().states) {
    if (status != numberStatusName(N::Deleted)) {
      out.unplanned.push_back({number, status, std::string(numberStatusName(N::Deleted)),
                               "only a client that deletes the order or the hosted number"});
    }
  }
  return out;
}

class TelnyxKind : public ProviderKind {
 public:
  std::string_view name() const override { return "telnyx"; }
  std::string_view title() const override { return "Telnyx"; }

  std::unique_ptr<Provider> create(const ProviderContext& context) const override {
    return std::make_unique<TelnyxProvider>(context);
  }

  Result<std::shared_ptr<const WorldSection>> decodeWorld(const Input& section) const override {
    return decodeSection(section);
  }
  std::string numberKey(const std::string& text) const override { return WorldCodec::key(text); }
  std::string_view numberForm() const override { return WorldCodec::kNumberForm; }

  std::vector<StateMachine> lifecycles() const override {
    return {orderLifecycle(), numberLifecycle()};
  }
  Exploration exploration() const override { return hostingExploration(); }

  std::vector<std::string> orderStatuses() const override { return orderLifecycle().states; }
  std::vector<json> ordersFor(const json& state, const std::string& number) const override {
    return itemsBySequence(state, "messaging_hosted_number_orders", [&](const json& order) {
      const json& numbers = order.value("phone_numbers", json::array());
      return std::any_of(numbers.begin(), numbers.end(),
                         [&](const json& n) { return n.value("phone_number", "") == number; });
    });
  }
  std::string orderId(const json& order) const override { return order.value("id", ""); }

  std::vector<std::string> numberStatuses() const override { return numberLifecycle().states; }
  std::optional<std::string> numberStatus(const json& order,
                                          const std::string& number) const override {
    for (const json& n : order.value("phone_numbers", json::array())) {
      if (n.value("phone_number", "") == number) {
        return n.value("status", "");
      }
    }
    return std::nullopt;
  }

  std::map<std::string, std::string> clientEnvironment(const json& state) const override {
    std::map<std::string, std::string> out{
        {"HNEMU_TELNYX_PUBLIC_KEY", state.value("public_key", "")}};
    const json& accounts = state.value("accounts", json::array());
    if (!accounts.empty()) {
      out["HNEMU_TELNYX_API_KEY"] = accounts[0].value("api_key", "");
    }
    const json& profiles = state.value("messaging_profiles", json::array());
    if (!profiles.empty()) {
      out["HNEMU_TELNYX_MESSAGING_PROFILE_ID"] = profiles[0].value("id", "");
    }
    return out;
  }

  json consoleDescription() const override {
    const std::string orders = "/v2/messaging_hosted_number_orders";
    const json numbers_to_host =
        consoleField("phone_numbers", "Numbers", {{"value", "+13125550123"}, {"list", true}});
    const json order_numbers = {{"from", "phone_numbers[].phone_number"}};
    const json check =
        consoleRequest("Check eligibility", "POST", orders + "/eligibility_numbers_check", "json",
                       {numbers_to_host});
    const json create = consoleRequest(
        "Create a hosted number order", "POST", orders, "json",
        {numbers_to_host, consoleField("messaging_profile_id", "Messaging profile",
                                       {{"from", "messaging_profiles[].id"}, {"optional", true}})});
    const json send_codes = consoleRequest(
        "Send verification codes", "POST", orders + "/{id}/verification_codes", "json",
        {consoleField("phone_numbers", "Numbers",
                      {{"from", "phone_numbers[].phone_number"}, {"list", true}}),
         consoleField("verification_method", "Method", {{"options", {"sms", "call"}}})},
        {{"when", {"pending"}}});
    const json enter_code = consoleRequest(
        "Enter a verification code", "POST", orders + "/{id}/validation_codes", "json",
        {consoleField("phone_number", "Number", order_numbers),
         consoleField("code", "Code (from the inbox)")},
        {{"when", {"pending"}},
         {"body",
          {{"verification_codes", {{{"phone_number", "{phone_number}"}, {"code", "{code}"}}}}}}});
    const json upload = consoleRequest(
        "Upload the LOA and bill", "POST", orders + "/{id}/actions/file_upload", "multipart",
        {consoleField("loa", "LOA", {{"file", "application/pdf"}}),
         consoleField("bill", "Bill", {{"file", "application/pdf"}})},
        {{"when",
          {"pending", "loa_file_invalid", "incomplete_documentation",
           "incorrect_billing_information"}}});
    return json{{"client",
                 {{"accounts", "accounts"},
                  {"account_label", "api_key"},
                  {"owner", {"user_id", "user_id"}},
                  {"auth", {{"bearer", "api_key"}}},
                  {"start", {check, create}}}},
                {"resources",
                 {{{"collection", "messaging_hosted_number_orders"},
                   {"kind", "hosted number order"},
                   {"id", "id"},
                   {"numbers", "phone_numbers[].phone_number"},
                   {"history", "history"},
                   {"detail",
                    {{{"path", "documents.loa"},
                      {"format", "LOA {}"},
                      {"yes", "uploaded"},
                      {"no", "missing"}},
                     {{"path", "documents.bill"},
                      {"format", "bill {}"},
                      {"yes", "uploaded"},
                      {"no", "missing"}}}},
                   {"steps", {send_codes, enter_code, upload}},
                   {"actions",
                    {{{"when", {"loa_file_successful"}},
                      {"label", "Review decides"},
                      {"done", "Review of {id}"},
                      {"method", "POST"},
                      {"path", "/telnyx/orders/{id}/review"},
                      {"choice", {{"field", "outcome"}, {"options", kReviewOutcomes}}}}}}},
                  {{"collection", "messaging_hosted_numbers"},
                   {"kind", "hosted number"},
                   {"id", "id"},
                   {"numbers", "phone_number"},
                   {"history", "history"},
                   {"actions",
                    {{{"when", {"provisioning"}},
                      {"label", "Carrier decides"},
                      {"done", "Carrier for {phone_number}"},
                      {"method", "POST"},
                      {"path", "/telnyx/hosted-numbers/{id}/carrier"},
                      {"choice", {{"field", "decision"}, {"options", kCarrierDecisions}}}}}}}}}};
  }
};

}  // namespace

const ProviderKind& kind() {
  static const TelnyxKind instance;
  return instance;
}

}  // namespace hnemu::telnyx
