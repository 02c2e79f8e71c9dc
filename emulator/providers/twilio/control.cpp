// Twilio's side of the control API (/__hnemu/twilio/...): the people and companies a client never
// talks to through the API (the number's owner on the verification call, the LOA signer, the
// carrier), the accounts, number profiles and rules; and how a world file's section is loaded.
#include <nlohmann/json.hpp>

#include "core/time.h"
#include "providers/twilio/kind.h"
#include "providers/twilio/routes.h"
#include "providers/twilio/world.h"
#include "providers/world_codec.h"

namespace hnemu::twilio {

using nlohmann::json;

namespace {

// {"decision": "..."} among `allowed` ("accept or reject").
Result<std::string> decisionOf(const HttpRequest& request, const char* field,
                               std::initializer_list<const char*> allowed) {
  HNEMU_ASSIGN_OR_RETURN(const json body, jsonObjectBody(request.body));
  auto value = stringField(body, field, true);
  std::string choices;
  for (const char* choice : allowed) {
    if (value.ok() && value.value() == choice) {
      return value;
    }
    choices += (choices.empty() ? "" : " or ") + std::string(choice);
  }
  return makeError(ErrorCode::InvalidArgument, "'" + std::string(field) + "' must be " + choices);
}

Result<ControlReply> replyOrError(const Status& status, json body) {
  if (!status.ok()) {
    return status.error();
  }
  return ControlReply(std::move(body));
}

}  // namespace

const ProviderKind& TwilioProvider::kind() const { return twilio::kind(); }

void TwilioProvider::addDefaultAccounts() {
  Account account;
  account.sid = kDefaultAccountSid;
  account.auth_token = kDefaultAuthToken;
  account.friendly_name = "hnemu default";
  const Status added = model_.addAccount(std::move(account));
  (void)added;  // the default credentials are well-formed by construction
}

void TwilioProvider::loadWorld(const WorldSection* section) {
  if (section == nullptr) {
    return;
  }
  const auto& loaded = static_cast<const Section&>(*section);
  World& current = model_.world();
  std::vector<Account> accounts = loaded.accounts_given ? loaded.world.accounts : current.accounts;
  current = loaded.world;
  current.accounts = std::move(accounts);
}

std::vector<ControlRoute> TwilioProvider::controlRoutes() {
  std::vector<ControlRoute> routes = worldControlRoutes<WorldCodec>("twilio", model_);
  auto accounts = [this] {
    json out = json::array();
    for (const Account& account : model_.world().accounts) {
      out.push_back(
          {{"sid", account.sid},
           {"auth_token", account.auth_token},
           {"friendly_name", account.friendly_name},
           {"owner_account_sid",
            account.owner_account_sid ? json(*account.owner_account_sid) : json(nullptr)}});
    }
    return out;
  };
  // The number's owner, playing a `manual` callee: {"digits":"123456"} or {"answer":false}.
  auto key_in = [this](HttpRequest& request) -> Result<ControlReply> {
    HNEMU_ASSIGN_OR_RETURN(const json body, jsonObjectBody(request.body));
    HNEMU_RETURN_IF_ERROR(rejectUnknownKeys(body, {"digits", "answer"}));
    if (body.contains("answer") && !body["answer"].is_boolean()) {
      return makeError(ErrorCode::InvalidArgument, "'answer' must be true or false");
    }
    std::optional<std::string> digits;
    if (body.value("answer", true)) {
      HNEMU_ASSIGN_OR_RETURN(digits, stringField(body, "digits", true));
    }
    return replyOrError(model_.keyInDigits(request.path_params.at("CallSid"), digits),
                        json{{"calls", calls(SIZE_MAX)}});
  };
  routes.insert(
      routes.end(),
      {
          {"GET", "/__hnemu/twilio/accounts",
           [accounts](HttpRequest&) -> Result<ControlReply> { return ControlReply(accounts()); }},
          // {"sid":"AC…","auth_token":"…","friendly_name"?,"api_keys"?:{"SK…":"secret"},
          //  "owner_account_sid"?:"AC…"} (a subaccount of that account)
          {"POST", "/__hnemu/twilio/accounts",
           [this](HttpRequest& request) -> Result<ControlReply> {
             HNEMU_ASSIGN_OR_RETURN(const json body, jsonObjectBody(request.body));
             HNEMU_ASSIGN_OR_RETURN(const Account account, decodeAccount(body));
             HNEMU_RETURN_IF_ERROR(model_.addAccount(account));
             return ControlReply(json{{"sid", account.sid}}, 201);
           }},
          {"POST", "/__hnemu/twilio/calls/{CallSid}", key_in},
          {"POST", "/__hnemu/calls/{CallSid}", key_in},  // its first path, kept
          // The LOA signer: {"decision":"sign"} or {"decision":"decline"}.
          {"POST", "/__hnemu/twilio/authorization-documents/{Sid}",
           [this](HttpRequest& request) -> Result<ControlReply> {
             HNEMU_ASSIGN_OR_RETURN(const std::string decision,
                                    decisionOf(request, "decision", {"sign", "decline"}));
             return replyOrError(
                 model_.signDocument(request.path_params.at("Sid"), decision == "sign"),
                 json{{"decision", decision}});
           }},
          // The carrier, for a `never` carrier: {"decision":"accept"} or {"decision":"reject"}.
          {"POST", "/__hnemu/twilio/orders/{Sid}/carrier",
           [this](HttpRequest& request) -> Result<ControlReply> {
             HNEMU_ASSIGN_OR_RETURN(const std::string decision,
                                    decisionOf(request, "decision", {"accept", "reject"}));
             return replyOrError(
                 model_.carrierDecides(request.path_params.at("Sid"), decision == "accept"),
                 json{{"decision", decision}});
           }},
      });
  return routes;
}

json TwilioProvider::calls(size_t newest) const {
  json out = json::array();
  const std::vector<VerificationCall>& calls = model_.calls();
  for (size_t i = calls.size() > newest ? calls.size() - newest : 0; i < calls.size(); ++i) {
    const VerificationCall& call = calls[i];
    out.push_back({
        {"provider", "twilio"},
        {"call_sid", call.sid},
        {"account_sid", call.account_sid},
        {"hosted_number_order_sid", call.order_sid},
        {"to", call.phone_number},
        {"extension", call.extension ? json(*call.extension) : json(nullptr)},
        {"attempt", call.attempt},
        {"code", call.expected_code},
        {"callee", calleeActionName(call.callee)},
        {"digits_entered", call.digits_entered ? json(*call.digits_entered) : json(nullptr)},
        {"outcome", callOutcomeName(call.outcome)},
        {"placed_at", formatIso8601Millis(call.placed)},
        {"dial_at", formatIso8601Millis(call.dial_at)},
        {"ended_at", call.ended ? json(formatIso8601Millis(*call.ended)) : json(nullptr)},
    });
  }
  return out;
}

}  // namespace hnemu::twilio
