#include "providers/twilio/world.h"

#include "core/time.h"
#include "providers/world_codec.h"

namespace hnemu::twilio {

using nlohmann::json;

// Parses {"decision": "...", "after": "1d"} into a decision and a delay.
namespace {

Status applyDecision(const json& spec, const char* what, Decision& decision, Millis& after) {
  if (spec.is_string()) {
    const auto parsed = parseDecision(spec.get<std::string>());
    if (!parsed) {
      return makeError(ErrorCode::InvalidArgument,
                       std::string(what) + " must be accept, reject or never");
    }
    decision = *parsed;
    return {};
  }
  if (!spec.is_object()) {
    return makeError(ErrorCode::InvalidArgument,
                     std::string(what) + " must be a decision or {decision, after}");
  }
  HNEMU_RETURN_IF_ERROR(rejectUnknownKeys(spec, {"decision", "after"}));
  if (spec.contains("decision")) {
    HNEMU_ASSIGN_OR_RETURN(const std::string text, stringField(spec, "decision", true));
    const auto parsed = parseDecision(text);
    if (!parsed) {
      return makeError(ErrorCode::InvalidArgument,
                       std::string(what) + ".decision must be accept, reject or never");
    }
    decision = *parsed;
  }
  if (spec.contains("after")) {
    HNEMU_ASSIGN_OR_RETURN(const std::string text, stringField(spec, "after", true));
    HNEMU_ASSIGN_OR_RETURN(after, parseDuration(text));
  }
  return {};
}

}  // namespace

Result<NumberProfile> decodeProfile(const std::string& number, const json& body,
                                    NumberProfile profile) {
  HNEMU_RETURN_IF_ERROR(
      rejectUnknownKeys(body, {"kind", "hostability", "callee", "loa", "carrier"}));
  profile.phone_number = number;
  if (body.contains("kind")) {
    HNEMU_ASSIGN_OR_RETURN(const std::string text, stringField(body, "kind", true));
    profile.kind = parseNumberKind(text);
    if (!profile.kind) {
      return makeError(ErrorCode::InvalidArgument,
                       "kind must be landline, toll-free, mobile or voip");
    }
  }
  if (body.contains("hostability")) {
    HNEMU_ASSIGN_OR_RETURN(const std::string text, stringField(body, "hostability", true));
    const auto parsed = parseHostability(text);
    if (!parsed) {
      return makeError(ErrorCode::InvalidArgument,
                       "hostability must be hostable, already-hosted, twilio-owned or "
                       "carrier-cannot-enable");
    }
    profile.hostability = *parsed;
  }
  if (body.contains("callee")) {
    HNEMU_ASSIGN_OR_RETURN(const std::string text, stringField(body, "callee", true));
    const auto parsed = parseCalleeAction(text);
    if (!parsed) {
      return makeError(ErrorCode::InvalidArgument,
                       "callee must be enter-correct-code, enter-wrong-code, no-answer or manual");
    }
    profile.callee = *parsed;
  }
  if (body.contains("loa")) {
    HNEMU_RETURN_IF_ERROR(applyDecision(body["loa"], "loa", profile.loa_signer, profile.loa_after));
  }
  if (body.contains("carrier")) {
    HNEMU_RETURN_IF_ERROR(
        applyDecision(body["carrier"], "carrier", profile.carrier, profile.carrier_after));
  }
  return profile;
}

json profileJson(const NumberProfile& profile) {
  return json{
      {"phone_number", profile.phone_number},
      {"kind", profile.kind ? json(numberKindName(*profile.kind))
                            : json(numberKindName(defaultKind(profile.phone_number)))},
      {"hostability", hostabilityName(profile.hostability)},
      {"callee", calleeActionName(profile.callee)},
      {"loa",
       {{"decision", decisionName(profile.loa_signer)},
        {"after", formatDuration(profile.loa_after)}}},
      {"carrier",
       {{"decision", decisionName(profile.carrier)},
        {"after", formatDuration(profile.carrier_after)}}},
  };
}

json rulesJson(const Rules& rules) {
  return json{{"max_verification_attempts", rules.max_verification_attempts},
              {"action_required_timeout", formatDuration(rules.action_required_timeout)},
              {"eligibility_check", formatDuration(rules.eligibility_check)},
              {"call_ring", formatDuration(rules.call_ring)},
              {"call_timeout", formatDuration(rules.call_timeout)},
              {"testing", formatDuration(rules.testing)},
              {"release_retirement", formatDuration(rules.release_retirement)},
              {"bulk_eligibility_check", formatDuration(rules.bulk_eligibility_check)},
              {"bulk_hosting_queued", formatDuration(rules.bulk_hosting_queued)},
              {"bulk_hosting_processing", formatDuration(rules.bulk_hosting_processing)}};
}

Status applyRules(const json& body, Rules& rules) {
  HNEMU_RETURN_IF_ERROR(rejectUnknownKeys(
      body, {"max_verification_attempts", "action_required_timeout", "eligibility_check",
             "call_ring", "call_timeout", "testing", "release_retirement", "bulk_eligibility_check",
             "bulk_hosting_queued", "bulk_hosting_processing"}));
  if (body.contains("max_verification_attempts")) {
    const json& value = body["max_verification_attempts"];
    if (!value.is_number_integer() || value.get<int64_t>() < 1 || value.get<int64_t>() > 100) {
      return makeError(ErrorCode::InvalidArgument,
                       "max_verification_attempts must be an integer from 1 to 100");
    }
    rules.max_verification_attempts = value.get<int>();
  }
  const std::pair<const char*, Millis*> durations[] = {
      {"action_required_timeout", &rules.action_required_timeout},
      {"eligibility_check", &rules.eligibility_check},
      {"call_ring", &rules.call_ring},
      {"call_timeout", &rules.call_timeout},
      {"testing", &rules.testing},
      {"release_retirement", &rules.release_retirement},
      {"bulk_eligibility_check", &rules.bulk_eligibility_check},
      {"bulk_hosting_queued", &rules.bulk_hosting_queued},
      {"bulk_hosting_processing", &rules.bulk_hosting_processing}};
  for (const auto& [name, field] : durations) {
    if (body.contains(name)) {
      HNEMU_ASSIGN_OR_RETURN(const std::string text, stringField(body, name, true));
      HNEMU_ASSIGN_OR_RETURN(*field, parseDuration(text));
    }
  }
  return {};
}

Result<Account> decodeAccount(const json& body) {
  HNEMU_RETURN_IF_ERROR(rejectUnknownKeys(
      body, {"sid", "auth_token", "friendly_name", "api_keys", "owner_account_sid"}));
  Account account;
  HNEMU_ASSIGN_OR_RETURN(account.sid, stringField(body, "sid", true));
  HNEMU_ASSIGN_OR_RETURN(account.auth_token, stringField(body, "auth_token", true));
  HNEMU_ASSIGN_OR_RETURN(account.friendly_name, stringField(body, "friendly_name", false));
  HNEMU_ASSIGN_OR_RETURN(const std::string owner, stringField(body, "owner_account_sid", false));
  if (!owner.empty()) {
    account.owner_account_sid = owner;
  }
  if (!isSid(account.sid, "AC")) {
    return makeError(ErrorCode::InvalidArgument,
                     "sid must be AC followed by 32 hex digits, got '" + account.sid + "'");
  }
  if (account.auth_token.empty()) {
    return makeError(ErrorCode::InvalidArgument, "auth_token must not be empty");
  }
  if (body.contains("api_keys")) {
    if (!body["api_keys"].is_object()) {
      return makeError(ErrorCode::InvalidArgument, "'api_keys' must map SK sids to secrets");
    }
    for (const auto& [key, secret] : body["api_keys"].items()) {
      if (!isSid(key, "SK") || !secret.is_string()) {
        return makeError(ErrorCode::InvalidArgument,
                         "'api_keys' must map SK sids to secret strings");
      }
      account.api_keys[key] = secret.get<std::string>();
    }
  }
  return account;
}

Result<std::shared_ptr<const WorldSection>> decodeSection(const Input& section) {
  HNEMU_RETURN_IF_ERROR(
      section.mapping({"accounts", "rules", "numbers"}, "accounts, rules, numbers"));
  auto out = std::make_shared<Section>();
  if (section.has("accounts")) {
    out->accounts_given = true;
    const Input accounts = section.child("accounts");
    HNEMU_RETURN_IF_ERROR(decodeList(accounts, decodeAccount, out->world.accounts));
    for (size_t i = 0; i < out->world.accounts.size(); ++i) {
      const std::string problem = subaccountProblem(out->world.accounts, out->world.accounts[i]);
      if (!problem.empty()) {
        return accounts.item(i).keyError("owner_account_sid", problem);
      }
    }
  }
  if (section.has("rules")) {
    HNEMU_RETURN_IF_ERROR(decodeRules<WorldCodec>(section.child("rules"), out->world.rules));
  }
  if (section.has("numbers")) {
    HNEMU_RETURN_IF_ERROR(decodeNumbers<WorldCodec>(section.child("numbers"), out->world.numbers));
  }
  return std::shared_ptr<const WorldSection>(std::move(out));
}

}  // namespace hnemu::twilio
