#include "providers/bandwidth/world.h"

#include <algorithm>
#include <cctype>

#include "core/time.h"
#include "providers/world_codec.h"

namespace hnemu::bandwidth {

using nlohmann::json;

namespace {

// [{"id":"222","sip_peers":["333"]}]: the sites an import order may name.
Result<std::vector<Site>> decodeSites(const json& list) {
  const auto invalid = [] {
    return makeError(ErrorCode::InvalidArgument,
                     "sites must be a list of {id, sip_peers}, ids of digits");
  };
  const auto digits = [](const std::string& text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
      return std::isdigit(static_cast<unsigned char>(c));
    });
  };
  if (!list.is_array()) {
    return invalid();
  }
  std::vector<Site> sites;
  for (const json& item : list) {
    if (!item.is_object()) {
      return invalid();
    }
    HNEMU_RETURN_IF_ERROR(rejectUnknownKeys(item, {"id", "sip_peers"}));
    Site site;
    HNEMU_ASSIGN_OR_RETURN(site.id, stringField(item, "id", true));
    if (!digits(site.id)) {
      return invalid();
    }
    const json peers = item.value("sip_peers", json::array());
    if (!peers.is_array()) {
      return invalid();
    }
    for (const json& peer : peers) {
      if (!peer.is_string() || !digits(peer.get<std::string>())) {
        return invalid();
      }
      site.sip_peers.push_back(peer.get<std::string>());
    }
    sites.push_back(std::move(site));
  }
  return sites;
}

}  // namespace

Result<Account> decodeAccount(const json& body) {
  HNEMU_RETURN_IF_ERROR(
      rejectUnknownKeys(body, {"account_id", "username", "password", "import_enabled", "sites"}));
  Account account;
  HNEMU_ASSIGN_OR_RETURN(account.account_id, stringField(body, "account_id", true));
  HNEMU_ASSIGN_OR_RETURN(account.username, stringField(body, "username", true));
  HNEMU_ASSIGN_OR_RETURN(account.password, stringField(body, "password", true));
  if (body.contains("import_enabled")) {
    if (!body["import_enabled"].is_boolean()) {
      return makeError(ErrorCode::InvalidArgument, "import_enabled must be true or false");
    }
    account.import_enabled = body["import_enabled"].get<bool>();
  }
  if (body.contains("sites")) {
    HNEMU_ASSIGN_OR_RETURN(account.sites, decodeSites(body["sites"]));
  }
  if (account.account_id.empty() || account.username.empty() || account.password.empty()) {
    return makeError(ErrorCode::InvalidArgument,
                     "account_id, username and password must not be empty");
  }
  return account;
}

Result<NumberProfile> decodeProfile(const std::string& tn, const json& body,
                                    NumberProfile profile) {
  HNEMU_RETURN_IF_ERROR(rejectUnknownKeys(body, {"checker_code", "import", "carrier", "state",
                                                 "lata", "rate_center", "messaging_lost"}));
  profile.tn = tn;
  const std::pair<const char*, std::optional<std::string>*> places[] = {
      {"state", &profile.state}, {"lata", &profile.lata}, {"rate_center", &profile.rate_center}};
  for (const auto& [name, field] : places) {
    if (body.contains(name)) {
      HNEMU_ASSIGN_OR_RETURN(*field, stringField(body, name, true));
    }
  }
  // {after: 2h}: another account's port-in takes the TN this long after it went in service.
  if (body.contains("messaging_lost")) {
    const json& lost = body["messaging_lost"];
    if (lost.is_null()) {
      profile.messaging_lost_after.reset();
    } else {
      if (!lost.is_object()) {
        return makeError(ErrorCode::InvalidArgument, "messaging_lost must be {after: <duration>}");
      }
      HNEMU_RETURN_IF_ERROR(rejectUnknownKeys(lost, {"after"}));
      HNEMU_ASSIGN_OR_RETURN(const std::string after, stringField(lost, "after", true));
      HNEMU_ASSIGN_OR_RETURN(profile.messaging_lost_after, parseDuration(after));
    }
  }
  // The vocabulary shared with Twilio and Telnyx: the losing carrier's answer.
  if (body.contains("carrier")) {
    const json& carrier = body["carrier"];
    if (!carrier.is_object() || body.contains("import")) {
      return makeError(
          ErrorCode::InvalidArgument,
          "carrier must be {decision: accept|reject|never}, and not given with import");
    }
    HNEMU_RETURN_IF_ERROR(rejectUnknownKeys(carrier, {"decision"}));
    HNEMU_ASSIGN_OR_RETURN(const std::string decision, stringField(carrier, "decision", true));
    if (decision == "accept") {
      profile.import = ImportOutcome::Import;
    } else if (decision == "reject") {
      profile.import = ImportOutcome::Error;
      profile.import_error_code = 19010;
    } else if (decision == "never") {
      profile.import = ImportOutcome::Never;
    } else {
      return makeError(ErrorCode::InvalidArgument,
                       "carrier.decision must be accept, reject or never (Bandwidth decides "
                       "within rules.done_after)");
    }
  }
  if (body.contains("checker_code")) {
    const json& code = body["checker_code"];
    if (code.is_null()) {
      profile.checker_code.reset();
    } else if (!code.is_number_unsigned() || code.get<int>() < 19001 || code.get<int>() > 19012) {
      return makeError(ErrorCode::InvalidArgument, "checker_code must be from 19001 to 19012");
    } else {
      profile.checker_code = code.get<int>();
    }
  }
  if (body.contains("import")) {
    const json& spec = body["import"];
    if (!spec.is_object()) {
      return makeError(ErrorCode::InvalidArgument, "import must be {outcome, code}");
    }
    HNEMU_RETURN_IF_ERROR(rejectUnknownKeys(spec, {"outcome", "code"}));
    if (spec.contains("outcome")) {
      HNEMU_ASSIGN_OR_RETURN(const std::string text, stringField(spec, "outcome", true));
      const auto outcome = parseImportOutcome(text);
      if (!outcome) {
        return makeError(ErrorCode::InvalidArgument,
                         "import.outcome must be import, error, never or exception");
      }
      profile.import = *outcome;
    }
    if (spec.contains("code")) {
      if (!spec["code"].is_number_unsigned()) {
        return makeError(ErrorCode::InvalidArgument, "import.code must be a Bandwidth error code");
      }
      profile.import_error_code = spec["code"].get<int>();
    }
  }
  return profile;
}

Status applyRules(const json& body, Rules& rules) {
  HNEMU_RETURN_IF_ERROR(rejectUnknownKeys(body, {"processing_after", "done_after"}));
  const std::pair<const char*, Millis*> durations[] = {
      {"processing_after", &rules.processing_after}, {"done_after", &rules.done_after}};
  for (const auto& [name, field] : durations) {
    if (body.contains(name)) {
      HNEMU_ASSIGN_OR_RETURN(const std::string text, stringField(body, name, true));
      HNEMU_ASSIGN_OR_RETURN(*field, parseDuration(text));
    }
  }
  return {};
}

json profileJson(const NumberProfile& profile) {
  const auto optional = [](const std::optional<std::string>& value) {
    return value ? json(*value) : json(nullptr);
  };
  return json{
      {"tn", profile.tn},
      {"checker_code", profile.checker_code ? json(*profile.checker_code) : json(nullptr)},
      {"import",
       {{"outcome", importOutcomeName(profile.import)}, {"code", profile.import_error_code}}},
      {"state", optional(profile.state)},
      {"lata", optional(profile.lata)},
      {"rate_center", optional(profile.rate_center)},
      {"messaging_lost", profile.messaging_lost_after
                             ? json{{"after", formatDuration(*profile.messaging_lost_after)}}
                             : json(nullptr)}};
}

json accountJson(const Account& account) {
  json sites = json::array();
  for (const Site& site : account.sites) {
    sites.push_back({{"id", site.id}, {"sip_peers", site.sip_peers}});
  }
  return json{{"account_id", account.account_id},
              {"username", account.username},
              {"password", account.password},
              {"import_enabled", account.import_enabled},
              {"sites", std::move(sites)}};
}

json rulesJson(const Rules& rules) {
  return json{{"processing_after", formatDuration(rules.processing_after)},
              {"done_after", formatDuration(rules.done_after)}};
}

Result<std::shared_ptr<const WorldSection>> decodeSection(const Input& section) {
  HNEMU_RETURN_IF_ERROR(
      section.mapping({"accounts", "numbers", "rules"}, "accounts, numbers, rules"));
  auto out = std::make_shared<Section>();
  if (section.has("accounts")) {
    out->accounts_given = true;
    HNEMU_RETURN_IF_ERROR(
        decodeList(section.child("accounts"), decodeAccount, out->world.accounts));
  }
  if (section.has("rules")) {
    HNEMU_RETURN_IF_ERROR(decodeRules<WorldCodec>(section.child("rules"), out->world.rules));
  }
  if (section.has("numbers")) {
    HNEMU_RETURN_IF_ERROR(decodeNumbers<WorldCodec>(section.child("numbers"), out->world.numbers));
  }
  return std::shared_ptr<const WorldSection>(std::move(out));
}

}  // namespace hnemu::bandwidth
