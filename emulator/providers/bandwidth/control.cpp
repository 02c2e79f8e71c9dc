// Bandwidth's side of the control API (/__hnemu/bandwidth/...): the importer a client never talks
// to, accounts, number profiles and rules; and how a world file's section is loaded.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "providers/bandwidth/kind.h"
#include "providers/bandwidth/routes.h"
#include "providers/bandwidth/world.h"
#include "providers/world_codec.h"

namespace hnemu::bandwidth {

using nlohmann::json;

const ProviderKind& BandwidthProvider::kind() const { return bandwidth::kind(); }

void BandwidthProvider::addDefaultAccounts() {
  // Site 222 with SIP peer 333: the values Bandwidth's own client tests use.
  model_.world().accounts.push_back(
      Account{std::string(kDefaultAccountId),
              std::string(kDefaultUsername),
              std::string(kDefaultPassword),
              true,
              {Site{std::string(kDefaultSiteId), {std::string(kDefaultSipPeerId)}}}});
}

void BandwidthProvider::loadWorld(const WorldSection* section) {
  if (section == nullptr) {
    return;
  }
  const auto& loaded = static_cast<const Section&>(*section);
  World& current = model_.world();
  std::vector<Account> accounts = loaded.accounts_given ? loaded.world.accounts : current.accounts;
  current = loaded.world;
  current.accounts = std::move(accounts);
}

std::vector<ControlRoute> BandwidthProvider::controlRoutes() {
  std::vector<ControlRoute> routes = worldControlRoutes<WorldCodec>("bandwidth", model_);
  routes.insert(
      routes.end(),
      {
          // {"account_id","username","password","import_enabled"?,"sites"?}: replaces an account
          // with the same user.
          {"POST", "/__hnemu/bandwidth/accounts",
           [this](HttpRequest& request) -> Result<ControlReply> {
             HNEMU_ASSIGN_OR_RETURN(const json body, jsonObjectBody(request.body));
             HNEMU_ASSIGN_OR_RETURN(const Account account, decodeAccount(body));
             auto& accounts = model_.world().accounts;
             accounts.erase(
                 std::remove_if(accounts.begin(), accounts.end(),
                                [&](const Account& a) { return a.username == account.username; }),
                 accounts.end());
             accounts.push_back(account);
             changes_.touch(Model::kAccounts, account.username);
             return ControlReply(json{{"account_id", account.account_id}}, 201);
           }},
          // The importer, now, for an order that would never finish:
          // {"status":"COMPLETE"|"FAILED"}.
          {"POST", "/__hnemu/bandwidth/import-orders/{Id}/finish",
           [this](HttpRequest& request) -> Result<ControlReply> {
             HNEMU_ASSIGN_OR_RETURN(const json body, jsonObjectBody(request.body));
             auto text = stringField(body, "status", true);
             const auto status = text.ok() ? parseOrderStatus(text.value()) : std::nullopt;
             if (!status) {
               return makeError(ErrorCode::InvalidArgument, "'status' must be COMPLETE or FAILED");
             }
             HNEMU_RETURN_IF_ERROR(model_.finishImport(request.path_params.at("Id"), *status));
             return ControlReply(json{{"status", text.value()}});
           }},
          // Another account's port-in took the TN ({"account_id"?}): it leaves the account's
          // in-service numbers and MESSAGING_LOST subscribers are notified.
          {"POST", "/__hnemu/bandwidth/numbers/{Tn}/messaging-lost",
           [this](HttpRequest& request) -> Result<ControlReply> {
             const json body =
                 json::parse(request.body.empty() ? "{}" : request.body, nullptr, false);
             if (!body.is_object()) {
               return makeError(ErrorCode::InvalidArgument, "the body must be a JSON object");
             }
             HNEMU_RETURN_IF_ERROR(rejectUnknownKeys(body, {"account_id"}));
             HNEMU_ASSIGN_OR_RETURN(const std::string account_id,
                                    stringField(body, "account_id", false));
             const std::string tn = normalizeTn(request.path_params.at("Tn"));
             if (tn.empty()) {
               return makeError(ErrorCode::InvalidArgument,
                                "'" + request.path_params.at("Tn") + "' is not a NANP number");
             }
             HNEMU_RETURN_IF_ERROR(model_.loseMessaging(tn, account_id));
             return ControlReply(json{{"telephone_number", tn}, {"event_type", "MESSAGING_LOST"}});
           }},
      });
  return routes;
}

}  // namespace hnemu::bandwidth
