// Telnyx's side of the control API (/__hnemu/telnyx/...): the reviewer and the carrier a client
// never talks to, accounts, messaging profiles, number profiles, rules and the webhook key; and
// how a world file's section is loaded.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/time.h"
#include "providers/telnyx/kind.h"
#include "providers/telnyx/routes.h"
#include "providers/telnyx/world.h"
#include "providers/world_codec.h"

namespace hnemu::telnyx {

using nlohmann::json;

const ProviderKind& TelnyxProvider::kind() const { return telnyx::kind(); }

void TelnyxProvider::addDefaultAccounts() {
  model_.world().accounts.push_back(Account{
      std::string(kDefaultApiKey), std::string(kDefaultUserId), "hnemu default", Billing::Ok});
}

void TelnyxProvider::loadWorld(const WorldSection* section) {
  const auto* loaded = static_cast<const Section*>(section);
  setSigningSeed(loaded != nullptr ? loaded->signing_seed : std::nullopt);
  if (loaded == nullptr) {
    return;
  }
  World& current = model_.world();
  std::vector<Account> accounts =
      loaded->accounts_given ? loaded->world.accounts : current.accounts;
  current = loaded->world;
  current.accounts = std::move(accounts);
  // A profile that names no account belongs to the first one.
  for (MessagingProfile& profile : current.profiles) {
    if (profile.user_id.empty() && !current.accounts.empty()) {
      profile.user_id = current.accounts.front().user_id;
    }
  }
}

std::vector<ControlRoute> TelnyxProvider::controlRoutes() {
  std::vector<ControlRoute> routes = worldControlRoutes<WorldCodec>("telnyx", model_);
  routes.insert(
      routes.end(),
      {
          {"GET", "/__hnemu/telnyx/public-key",
           [this](HttpRequest&) -> Result<ControlReply> {
             return ControlReply(json{{"public_key", publicKeyBase64()},
                                      {"algorithm", "ed25519"},
                                      {"encoding", "base64 of the 32-byte raw key"}});
           }},
          // {"api_key","user_id","name"?,"billing"?}: replaces an account with the same key.
          {"POST", "/__hnemu/telnyx/accounts",
           [this](HttpRequest& request) -> Result<ControlReply> {
             HNEMU_ASSIGN_OR_RETURN(const json body, jsonObjectBody(request.body));
             HNEMU_ASSIGN_OR_RETURN(const Account account, decodeAccount(body));
             auto& accounts = model_.world().accounts;
             accounts.erase(
                 std::remove_if(accounts.begin(), accounts.end(),
                                [&](const Account& a) { return a.api_key == account.api_key; }),
                 accounts.end());
             accounts.push_back(account);
             changes_.touch(Model::kAccounts, account.api_key);
             return ControlReply(json{{"user_id", account.user_id}}, 201);
           }},
          {"GET", "/__hnemu/telnyx/messaging-profiles",
           [this](HttpRequest&) -> Result<ControlReply> { return ControlReply(profilesJson()); }},
          // {"id","name"?,"webhook_url"?,"webhook_failover_url"?,"user_id"?}: replaces one with
          // the same id; no user_id: the first account's.
          {"POST", "/__hnemu/telnyx/messaging-profiles",
           [this](HttpRequest& request) -> Result<ControlReply> {
             HNEMU_ASSIGN_OR_RETURN(const json body, jsonObjectBody(request.body));
             const auto& accounts = model_.world().accounts;
             HNEMU_ASSIGN_OR_RETURN(
                 const MessagingProfile profile,
                 decodeMessagingProfile(body, accounts.empty() ? "" : accounts.front().user_id));
             model_.addConfiguredProfile(profile);
             changes_.touch(Model::kProfiles, profile.id);
             return ControlReply(json{{"id", profile.id}, {"user_id", profile.user_id}}, 201);
           }},
          // The reviewer, now: {"outcome":"accept"|"loa_file_invalid"|...}.
          {"POST", "/__hnemu/telnyx/orders/{Id}/review",
           [this](HttpRequest& request) -> Result<ControlReply> {
             HNEMU_ASSIGN_OR_RETURN(const json body, jsonObjectBody(request.body));
             auto text = stringField(body, "outcome", true);
             const auto outcome = text.ok() ? parseReviewOutcome(text.value()) : std::nullopt;
             if (!outcome) {
               return makeError(ErrorCode::InvalidArgument,
                                "'outcome' must be accept, loa_file_invalid, "
                                "incomplete_documentation, incorrect_billing_information or "
                                "compliance_review_failed");
             }
             HNEMU_RETURN_IF_ERROR(model_.reviewNow(request.path_params.at("Id"), *outcome));
             return ControlReply(json{{"outcome", text.value()}});
           }},
          // An internal transfer's state: what the losing owner's approval link carries.
          {"GET", "/__hnemu/telnyx/orders/{Id}/internal-transfer",
           [this](HttpRequest& request) -> Result<ControlReply> {
             const auto it = model_.orders().find(request.path_params.at("Id"));
             if (it == model_.orders().end() || !it->second.internal_transfer) {
               return makeError(ErrorCode::NotFound,
                                "no internal transfer for order " + request.path_params.at("Id"));
             }
             const InternalTransfer& transfer = *it->second.internal_transfer;
             return ControlReply(
                 json{{"losing_user_id", transfer.losing_user_id},
                      {"approval_token", transfer.approval_token},
                      {"approval_deadline", formatIso8601Millis(transfer.approval_deadline)},
                      {"decision", transferDecisionName(transfer.decision)}});
           }},
          // The carrier, now, for one hosted number: {"decision":"accept"|"reject"|...}.
          {"POST", "/__hnemu/telnyx/hosted-numbers/{Id}/carrier",
           [this](HttpRequest& request) -> Result<ControlReply> {
             HNEMU_ASSIGN_OR_RETURN(const json body, jsonObjectBody(request.body));
             auto text = stringField(body, "decision", true);
             const auto decision = text.ok() ? parseCarrierDecision(text.value()) : std::nullopt;
             if (!decision) {
               return makeError(ErrorCode::InvalidArgument,
                                "'decision' must be accept, reject, ineligible, not-found, "
                                "already-hosted, activation-fails or never");
             }
             HNEMU_RETURN_IF_ERROR(model_.carrierNow(request.path_params.at("Id"), *decision));
             return ControlReply(json{{"decision", text.value()}});
           }},
      });
  return routes;
}

}  // namespace hnemu::telnyx
