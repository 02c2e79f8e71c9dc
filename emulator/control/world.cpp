#include "control/world.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>

#include "core/crypto.h"
#include "core/phone.h"
#include "core/time.h"

namespace hnemu {

using nlohmann::json;

Result<std::string> stringField(const json& body, const char* name, bool required) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required) {
      return makeError(ErrorCode::InvalidArgument, std::string("'") + name + "' is required");
    }
    return std::string();
  }
  if (!it->is_string()) {
    return makeError(ErrorCode::InvalidArgument, std::string("'") + name + "' must be a string");
  }
  return it->get<std::string>();
}

Status rejectUnknownKeys(const json& body, std::initializer_list<const char*> known) {
  for (const auto& item : body.items()) {
    const std::string& key = item.key();
    if (std::find_if(known.begin(), known.end(), [&](const char* k) { return key == k; }) ==
        known.end()) {
      std::string list;
      for (const char* k : known) {
        list += (list.empty() ? "" : ", ") + std::string(k);
      }
      return makeError(ErrorCode::InvalidArgument,
                       "unknown key '" + key + "'; expected one of: " + list);
    }
  }
  return {};
}

// Parses {"decision": "...", "after": "1d"} into a decision and a delay.
namespace {

Status applyDecision(const json& spec, const char* what, twilio::Decision& decision,
                     Millis& after) {
  if (spec.is_string()) {
    const auto parsed = twilio::parseDecision(spec.get<std::string>());
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
    const auto parsed = twilio::parseDecision(text);
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

Result<twilio::NumberProfile> decodeProfile(const std::string& number, const json& body,
                                            twilio::NumberProfile profile) {
  HNEMU_RETURN_IF_ERROR(
      rejectUnknownKeys(body, {"kind", "hostability", "callee", "loa", "carrier"}));
  profile.phone_number = number;
  if (body.contains("kind")) {
    HNEMU_ASSIGN_OR_RETURN(const std::string text, stringField(body, "kind", true));
    profile.kind = twilio::parseNumberKind(text);
    if (!profile.kind) {
      return makeError(ErrorCode::InvalidArgument,
                       "kind must be landline, toll-free, mobile or voip");
    }
  }
  if (body.contains("hostability")) {
    HNEMU_ASSIGN_OR_RETURN(const std::string text, stringField(body, "hostability", true));
    const auto parsed = twilio::parseHostability(text);
    if (!parsed) {
      return makeError(ErrorCode::InvalidArgument,
                       "hostability must be hostable, already-hosted, twilio-owned or "
                       "carrier-cannot-enable");
    }
    profile.hostability = *parsed;
  }
  if (body.contains("callee")) {
    HNEMU_ASSIGN_OR_RETURN(const std::string text, stringField(body, "callee", true));
    const auto parsed = twilio::parseCalleeAction(text);
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

json profileJson(const twilio::NumberProfile& profile) {
  return json{
      {"phone_number", profile.phone_number},
      {"kind", profile.kind
                   ? json(twilio::numberKindName(*profile.kind))
                   : json(twilio::numberKindName(twilio::defaultKind(profile.phone_number)))},
      {"hostability", twilio::hostabilityName(profile.hostability)},
      {"callee", twilio::calleeActionName(profile.callee)},
      {"loa",
       {{"decision", twilio::decisionName(profile.loa_signer)},
        {"after", formatDuration(profile.loa_after)}}},
      {"carrier",
       {{"decision", twilio::decisionName(profile.carrier)},
        {"after", formatDuration(profile.carrier_after)}}},
  };
}

json rulesJson(const twilio::Rules& rules) {
  return json{{"max_verification_attempts", rules.max_verification_attempts},
              {"action_required_timeout", formatDuration(rules.action_required_timeout)},
              {"eligibility_check", formatDuration(rules.eligibility_check)},
              {"call_ring", formatDuration(rules.call_ring)},
              {"call_timeout", formatDuration(rules.call_timeout)},
              {"testing", formatDuration(rules.testing)},
              {"release_retirement", formatDuration(rules.release_retirement)}};
}

Status applyRules(const json& body, twilio::Rules& rules) {
  HNEMU_RETURN_IF_ERROR(rejectUnknownKeys(
      body, {"max_verification_attempts", "action_required_timeout", "eligibility_check",
             "call_ring", "call_timeout", "testing", "release_retirement"}));
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
      {"release_retirement", &rules.release_retirement}};
  for (const auto& [name, field] : durations) {
    if (body.contains(name)) {
      HNEMU_ASSIGN_OR_RETURN(const std::string text, stringField(body, name, true));
      HNEMU_ASSIGN_OR_RETURN(*field, parseDuration(text));
    }
  }
  return {};
}

Result<twilio::Account> decodeAccount(const json& body) {
  HNEMU_RETURN_IF_ERROR(
      rejectUnknownKeys(body, {"sid", "auth_token", "friendly_name", "api_keys"}));
  twilio::Account account;
  HNEMU_ASSIGN_OR_RETURN(account.sid, stringField(body, "sid", true));
  HNEMU_ASSIGN_OR_RETURN(account.auth_token, stringField(body, "auth_token", true));
  HNEMU_ASSIGN_OR_RETURN(account.friendly_name, stringField(body, "friendly_name", false));
  if (!twilio::isSid(account.sid, "AC")) {
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
      if (!twilio::isSid(key, "SK") || !secret.is_string()) {
        return makeError(ErrorCode::InvalidArgument,
                         "'api_keys' must map SK sids to secret strings");
      }
      account.api_keys[key] = secret.get<std::string>();
    }
  }
  return account;
}

Result<telnyx::Account> decodeTelnyxAccount(const json& body) {
  HNEMU_RETURN_IF_ERROR(rejectUnknownKeys(body, {"api_key", "user_id", "name", "billing"}));
  telnyx::Account account;
  HNEMU_ASSIGN_OR_RETURN(account.api_key, stringField(body, "api_key", true));
  HNEMU_ASSIGN_OR_RETURN(account.user_id, stringField(body, "user_id", true));
  HNEMU_ASSIGN_OR_RETURN(account.name, stringField(body, "name", false));
  HNEMU_ASSIGN_OR_RETURN(const std::string billing, stringField(body, "billing", false));
  if (account.api_key.empty() || account.user_id.empty()) {
    return makeError(ErrorCode::InvalidArgument, "api_key and user_id must not be empty");
  }
  if (!billing.empty()) {
    const auto parsed = telnyx::parseBilling(billing);
    if (!parsed) {
      return makeError(ErrorCode::InvalidArgument, "billing must be ok, check-failed or abolished");
    }
    account.billing = *parsed;
  }
  return account;
}

Result<telnyx::MessagingProfile> decodeMessagingProfile(const json& body,
                                                        const std::string& default_user_id) {
  HNEMU_RETURN_IF_ERROR(
      rejectUnknownKeys(body, {"id", "user_id", "name", "webhook_url", "webhook_failover_url"}));
  telnyx::MessagingProfile profile;
  HNEMU_ASSIGN_OR_RETURN(profile.id, stringField(body, "id", true));
  HNEMU_ASSIGN_OR_RETURN(profile.user_id, stringField(body, "user_id", false));
  HNEMU_ASSIGN_OR_RETURN(profile.name, stringField(body, "name", false));
  HNEMU_ASSIGN_OR_RETURN(profile.webhook_url, stringField(body, "webhook_url", false));
  HNEMU_ASSIGN_OR_RETURN(profile.webhook_failover_url,
                         stringField(body, "webhook_failover_url", false));
  if (profile.user_id.empty()) {
    profile.user_id = default_user_id;
  }
  for (const std::string* url : {&profile.webhook_url, &profile.webhook_failover_url}) {
    if (!url->empty() && url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0) {
      return makeError(ErrorCode::InvalidArgument, "webhook URLs must be http:// or https:// URLs");
    }
  }
  return profile;
}

Result<telnyx::NumberProfile> decodeTelnyxProfile(const std::string& number, const json& body,
                                                  telnyx::NumberProfile profile) {
  HNEMU_RETURN_IF_ERROR(rejectUnknownKeys(
      body, {"kind", "us_number", "on_telnyx", "hosted_by_another_customer", "valid_routing",
             "lookup_fails", "code_delivered", "review", "carrier"}));
  profile.phone_number = number;
  if (body.contains("kind")) {
    HNEMU_ASSIGN_OR_RETURN(const std::string text, stringField(body, "kind", true));
    profile.kind = telnyx::parseLineKind(text);
    if (!profile.kind) {
      return makeError(ErrorCode::InvalidArgument,
                       "kind must be landline, toll-free, wireless or voip");
    }
  }
  const std::pair<const char*, bool*> flags[] = {
      {"us_number", &profile.us_number},
      {"on_telnyx", &profile.on_telnyx},
      {"hosted_by_another_customer", &profile.hosted_by_another_customer},
      {"valid_routing", &profile.valid_routing},
      {"lookup_fails", &profile.lookup_fails},
      {"code_delivered", &profile.code_delivered}};
  for (const auto& [name, field] : flags) {
    if (body.contains(name)) {
      if (!body[name].is_boolean()) {
        return makeError(ErrorCode::InvalidArgument, std::string(name) + " must be true or false");
      }
      *field = body[name].get<bool>();
    }
  }
  if (body.contains("review")) {
    const json& review = body["review"];
    if (!review.is_object()) {
      return makeError(ErrorCode::InvalidArgument, "review must be {outcome, rejections}");
    }
    HNEMU_RETURN_IF_ERROR(rejectUnknownKeys(review, {"outcome", "rejections"}));
    if (review.contains("outcome")) {
      HNEMU_ASSIGN_OR_RETURN(const std::string text, stringField(review, "outcome", true));
      const auto parsed = telnyx::parseReviewOutcome(text);
      if (!parsed) {
        return makeError(ErrorCode::InvalidArgument,
                         "review.outcome must be accept, loa_file_invalid, "
                         "incomplete_documentation, incorrect_billing_information or "
                         "compliance_review_failed");
      }
      profile.review = *parsed;
    }
    if (review.contains("rejections")) {
      if (!review["rejections"].is_number_unsigned()) {
        return makeError(ErrorCode::InvalidArgument,
                         "review.rejections must be a non-negative integer (0: always)");
      }
      profile.review_rejections = review["rejections"].get<int>();
    }
  }
  if (body.contains("carrier")) {
    const json& carrier = body["carrier"];
    if (!carrier.is_object()) {
      return makeError(ErrorCode::InvalidArgument, "carrier must be {decision, after}");
    }
    HNEMU_RETURN_IF_ERROR(rejectUnknownKeys(carrier, {"decision", "after"}));
    if (carrier.contains("decision")) {
      HNEMU_ASSIGN_OR_RETURN(const std::string text, stringField(carrier, "decision", true));
      const auto parsed = telnyx::parseCarrierDecision(text);
      if (!parsed) {
        return makeError(ErrorCode::InvalidArgument,
                         "carrier.decision must be accept, reject, ineligible, not-found, "
                         "already-hosted, activation-fails or never");
      }
      profile.carrier = *parsed;
    }
    if (carrier.contains("after")) {
      HNEMU_ASSIGN_OR_RETURN(const std::string text, stringField(carrier, "after", true));
      HNEMU_ASSIGN_OR_RETURN(profile.carrier_after, parseDuration(text));
    }
  }
  return profile;
}

Status applyTelnyxRules(const json& body, telnyx::Rules& rules) {
  HNEMU_RETURN_IF_ERROR(rejectUnknownKeys(
      body, {"review_business_days", "max_code_attempts", "code_delivery", "activation_timeout"}));
  const std::pair<const char*, int*> counts[] = {
      {"review_business_days", &rules.review_business_days},
      {"max_code_attempts", &rules.max_code_attempts}};
  for (const auto& [name, field] : counts) {
    if (body.contains(name)) {
      if (!body[name].is_number_unsigned() || body[name].get<uint64_t>() > 365) {
        return makeError(ErrorCode::InvalidArgument,
                         std::string(name) + " must be an integer from 0 to 365");
      }
      *field = body[name].get<int>();
    }
  }
  const std::pair<const char*, Millis*> durations[] = {
      {"code_delivery", &rules.code_delivery}, {"activation_timeout", &rules.activation_timeout}};
  for (const auto& [name, field] : durations) {
    if (body.contains(name)) {
      HNEMU_ASSIGN_OR_RETURN(const std::string text, stringField(body, name, true));
      HNEMU_ASSIGN_OR_RETURN(*field, parseDuration(text));
    }
  }
  return {};
}

json telnyxProfileJson(const telnyx::NumberProfile& profile) {
  return json{{"phone_number", profile.phone_number},
              {"kind", profile.kind ? json(telnyx::lineKindName(*profile.kind)) : json(nullptr)},
              {"us_number", profile.us_number},
              {"on_telnyx", profile.on_telnyx},
              {"hosted_by_another_customer", profile.hosted_by_another_customer},
              {"valid_routing", profile.valid_routing},
              {"lookup_fails", profile.lookup_fails},
              {"code_delivered", profile.code_delivered},
              {"review",
               {{"outcome", telnyx::reviewOutcomeName(profile.review)},
                {"rejections", profile.review_rejections}}},
              {"carrier",
               {{"decision", telnyx::carrierDecisionName(profile.carrier)},
                {"after", formatDuration(profile.carrier_after)}}}};
}

json telnyxRulesJson(const telnyx::Rules& rules) {
  return json{{"review_business_days", rules.review_business_days},
              {"max_code_attempts", rules.max_code_attempts},
              {"code_delivery", formatDuration(rules.code_delivery)},
              {"activation_timeout", formatDuration(rules.activation_timeout)}};
}

Result<FaultRule> decodeFault(const json& body) {
  if (!body.is_object()) {
    return makeError(ErrorCode::InvalidArgument, "a fault must be a mapping");
  }
  HNEMU_RETURN_IF_ERROR(rejectUnknownKeys(
      body, {"provider", "method", "path", "status", "times", "retry_after", "latency", "drop"}));
  FaultRule rule;
  HNEMU_ASSIGN_OR_RETURN(rule.provider, stringField(body, "provider", false));
  HNEMU_ASSIGN_OR_RETURN(rule.method, stringField(body, "method", false));
  HNEMU_ASSIGN_OR_RETURN(rule.path, stringField(body, "path", false));
  if (!rule.provider.empty() && rule.provider != "twilio" && rule.provider != "telnyx" &&
      rule.provider != "bandwidth") {
    return makeError(ErrorCode::InvalidArgument, "'provider' must be twilio, telnyx or bandwidth");
  }
  if (body.contains("latency")) {
    HNEMU_ASSIGN_OR_RETURN(const std::string text, stringField(body, "latency", true));
    HNEMU_ASSIGN_OR_RETURN(rule.latency, parseDuration(text));
  }
  if (body.contains("drop")) {
    if (!body["drop"].is_boolean()) {
      return makeError(ErrorCode::InvalidArgument, "'drop' must be true or false");
    }
    rule.drop_connection = body["drop"].get<bool>();
  }
  if (body.contains("status")) {
    if (!body["status"].is_number_integer() || body["status"].get<int>() < 400 ||
        body["status"].get<int>() > 599) {
      return makeError(ErrorCode::InvalidArgument,
                       "'status' must be an HTTP error status from 400 to 599");
    }
    rule.status = body["status"].get<int>();
  } else if (rule.drop_connection || rule.latency > Millis(0)) {
    rule.status = 0;
  } else {
    return makeError(ErrorCode::InvalidArgument,
                     "a fault needs 'status' (400-599), 'latency' or 'drop: true'");
  }
  if (body.contains("times")) {
    if (!body["times"].is_number_unsigned() || body["times"].get<uint64_t>() > 1'000'000) {
      return makeError(ErrorCode::InvalidArgument,
                       "'times' must be a non-negative integer (0: every matching request)");
    }
    rule.times = body["times"].get<int>();
  }
  if (body.contains("retry_after")) {
    if (!body["retry_after"].is_number() || body["retry_after"].get<double>() < 0 ||
        body["retry_after"].get<double>() > 86400) {
      return makeError(ErrorCode::InvalidArgument,
                       "'retry_after' must be a number of seconds from 0 to 86400");
    }
    rule.retry_after_seconds = body["retry_after"].get<double>();
  }
  return rule;
}

json faultJson(const FaultRule& rule) {
  return json{
      {"id", rule.id},
      {"provider", rule.provider},
      {"method", rule.method},
      {"path", rule.path},
      {"status", rule.status},
      {"times", rule.times},
      {"retry_after", rule.retry_after_seconds ? json(*rule.retry_after_seconds) : json(nullptr)},
      {"latency", formatDuration(rule.latency)},
      {"drop", rule.drop_connection},
      {"fired", rule.fired}};
}

Result<bandwidth::Account> decodeBandwidthAccount(const json& body) {
  HNEMU_RETURN_IF_ERROR(
      rejectUnknownKeys(body, {"account_id", "username", "password", "import_enabled"}));
  bandwidth::Account account;
  HNEMU_ASSIGN_OR_RETURN(account.account_id, stringField(body, "account_id", true));
  HNEMU_ASSIGN_OR_RETURN(account.username, stringField(body, "username", true));
  HNEMU_ASSIGN_OR_RETURN(account.password, stringField(body, "password", true));
  if (body.contains("import_enabled")) {
    if (!body["import_enabled"].is_boolean()) {
      return makeError(ErrorCode::InvalidArgument, "import_enabled must be true or false");
    }
    account.import_enabled = body["import_enabled"].get<bool>();
  }
  if (account.account_id.empty() || account.username.empty() || account.password.empty()) {
    return makeError(ErrorCode::InvalidArgument,
                     "account_id, username and password must not be empty");
  }
  return account;
}

Result<bandwidth::NumberProfile> decodeBandwidthProfile(const std::string& tn, const json& body,
                                                        bandwidth::NumberProfile profile) {
  HNEMU_RETURN_IF_ERROR(rejectUnknownKeys(body, {"checker_code", "import", "carrier"}));
  profile.tn = tn;
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
      profile.import = bandwidth::ImportOutcome::Import;
    } else if (decision == "reject") {
      profile.import = bandwidth::ImportOutcome::Error;
      profile.import_error_code = 19010;
    } else if (decision == "never") {
      profile.import = bandwidth::ImportOutcome::Never;
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
      const auto outcome = bandwidth::parseImportOutcome(text);
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

Status applyBandwidthRules(const json& body, bandwidth::Rules& rules) {
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

json bandwidthProfileJson(const bandwidth::NumberProfile& profile) {
  return json{{"tn", profile.tn},
              {"checker_code", profile.checker_code ? json(*profile.checker_code) : json(nullptr)},
              {"import",
               {{"outcome", bandwidth::importOutcomeName(profile.import)},
                {"code", profile.import_error_code}}}};
}

json bandwidthRulesJson(const bandwidth::Rules& rules) {
  return json{{"processing_after", formatDuration(rules.processing_after)},
              {"done_after", formatDuration(rules.done_after)}};
}

namespace {

template <class World>
std::optional<Error> parseNumbers(const std::string& source, const YAML::Node& body,
                                  const std::string& path, World& world) {
  using Codec = WorldCodec<World>;
  if (!body.IsMap()) {
    return yamlError(source, body.Mark(), path, "expected a mapping from numbers to profiles");
  }
  for (const auto& number : body) {
    const std::string text = number.first.as<std::string>();
    const std::string key = Codec::key(text);
    if (key.empty()) {
      return yamlError(source, number.first.Mark(), path,
                       "'" + text + "' is not " + std::string(Codec::kNumberForm));
    }
    const json profile_json = number.second.IsNull() ? json::object() : yamlToJson(number.second);
    if (!profile_json.is_object()) {
      return yamlError(source, number.second.Mark(), path + "." + key, "expected a mapping");
    }
    auto profile = Codec::decode(key, profile_json, typename Codec::Profile{});
    if (!profile.ok()) {
      return yamlError(source, number.second.Mark(), path + "." + key, profile.error().message);
    }
    world.numbers[key] = profile.value();
  }
  return std::nullopt;
}

// A YAML list decoded item by item; an error names the item, e.g. twilio.accounts[1].
template <class Item, class Decode>
std::optional<Error> parseList(const std::string& source, const YAML::Node& body,
                               const std::string& path, Decode decode, std::vector<Item>& out) {
  if (!body.IsSequence()) {
    return yamlError(source, body.Mark(), path, "expected a list");
  }
  for (size_t i = 0; i < body.size(); ++i) {
    auto item = decode(yamlToJson(body[i]));
    if (!item.ok()) {
      return yamlError(source, body[i].Mark(), path + "[" + std::to_string(i) + "]",
                       item.error().message);
    }
    out.push_back(item.value());
  }
  return std::nullopt;
}

template <class World>
std::optional<Error> parseRules(const std::string& source, const YAML::Node& body,
                                const std::string& path, World& world) {
  if (const Status applied = WorldCodec<World>::apply(yamlToJson(body), world.rules);
      !applied.ok()) {
    return yamlError(source, body.Mark(), path, applied.error().message);
  }
  return std::nullopt;
}

}  // namespace

std::optional<Error> parseWorldKey(const std::string& source, const std::string& key,
                                   const YAML::Node& value, WorldFile& world, bool& known) {
  known = true;
  try {
    if (key == "seed") {
      const json seed = yamlToJson(value);
      if (!seed.is_number_unsigned()) {
        return yamlError(source, value.Mark(), key, "expected a non-negative integer");
      }
      world.seed = seed.get<uint64_t>();
    } else if (key == "clock") {
      auto mode = parseClockMode(value.IsScalar() ? value.Scalar() : "");
      if (!mode.ok()) {
        return yamlError(source, value.Mark(), key, mode.error().message);
      }
      world.clock = mode.value();
    } else if (key == "start") {
      auto start = parseIso8601(value.IsScalar() ? value.Scalar() : "");
      if (!start.ok()) {
        return yamlError(source, value.Mark(), key, start.error().message);
      }
      world.start = start.value();
    } else if (key == "twilio") {
      if (!value.IsMap()) {
        return yamlError(source, value.Mark(), key,
                         "expected a mapping with accounts, rules, numbers");
      }
      twilio::World twilio_world;
      bool accounts_given = false;
      for (const auto& section : value) {
        const std::string name = section.first.as<std::string>();
        const YAML::Node& body = section.second;
        const std::string path = "twilio." + name;
        if (name == "accounts") {
          accounts_given = true;
          if (auto error = parseList(source, body, path, decodeAccount, twilio_world.accounts)) {
            return *error;
          }
        } else if (name == "rules") {
          if (auto error = parseRules(source, body, path, twilio_world)) {
            return *error;
          }
        } else if (name == "numbers") {
          if (auto error = parseNumbers(source, body, path, twilio_world)) {
            return *error;
          }
        } else {
          return yamlError(source, section.first.Mark(), path,
                           "unknown key; expected accounts, rules or numbers");
        }
      }
      world.twilio = std::move(twilio_world);
      world.twilio_accounts_given = accounts_given;
    } else if (key == "telnyx") {
      if (!value.IsMap()) {
        return yamlError(source, value.Mark(), key,
                         "expected a mapping with accounts, messaging_profiles, numbers, rules, "
                         "signing_key_seed");
      }
      telnyx::World telnyx_world;
      for (const auto& section : value) {
        const std::string name = section.first.as<std::string>();
        const YAML::Node& body = section.second;
        const std::string path = "telnyx." + name;
        if (name == "accounts") {
          world.telnyx_accounts_given = true;
          if (auto error =
                  parseList(source, body, path, decodeTelnyxAccount, telnyx_world.accounts)) {
            return *error;
          }
        } else if (name == "messaging_profiles") {
          // A profile that names no account is given the first one when the world loads.
          auto decode = [](const json& item) { return decodeMessagingProfile(item, ""); };
          if (auto error = parseList(source, body, path, decode, telnyx_world.profiles)) {
            return *error;
          }
        } else if (name == "rules") {
          if (auto error = parseRules(source, body, path, telnyx_world)) {
            return *error;
          }
        } else if (name == "signing_key_seed") {
          const std::string seed = crypto::hexDecode(body.IsScalar() ? body.Scalar() : "");
          if (seed.size() != 32) {
            return yamlError(source, body.Mark(), path,
                             "expected 64 hex digits (a 32-byte Ed25519 seed)");
          }
          world.telnyx_signing_seed = seed;
        } else if (name == "numbers") {
          if (auto error = parseNumbers(source, body, path, telnyx_world)) {
            return *error;
          }
        } else {
          return yamlError(source, section.first.Mark(), path,
                           "unknown key; expected accounts, messaging_profiles, numbers, rules or "
                           "signing_key_seed");
        }
      }
      world.telnyx = std::move(telnyx_world);
    } else if (key == "bandwidth") {
      if (!value.IsMap()) {
        return yamlError(source, value.Mark(), key,
                         "expected a mapping with accounts, numbers, rules");
      }
      bandwidth::World bandwidth_world;
      for (const auto& section : value) {
        const std::string name = section.first.as<std::string>();
        const YAML::Node& body = section.second;
        const std::string path = "bandwidth." + name;
        if (name == "accounts") {
          world.bandwidth_accounts_given = true;
          if (auto error =
                  parseList(source, body, path, decodeBandwidthAccount, bandwidth_world.accounts)) {
            return *error;
          }
        } else if (name == "rules") {
          if (auto error = parseRules(source, body, path, bandwidth_world)) {
            return *error;
          }
        } else if (name == "numbers") {
          if (auto error = parseNumbers(source, body, path, bandwidth_world)) {
            return *error;
          }
        } else {
          return yamlError(source, section.first.Mark(), path,
                           "unknown key; expected accounts, numbers or rules");
        }
      }
      world.bandwidth = std::move(bandwidth_world);
    } else if (key == "faults") {
      if (!value.IsSequence()) {
        return yamlError(source, value.Mark(), key, "expected a list of faults");
      }
      for (size_t i = 0; i < value.size(); ++i) {
        auto fault = decodeFault(yamlToJson(value[i]));
        if (!fault.ok()) {
          return yamlError(source, value[i].Mark(), key + "[" + std::to_string(i) + "]",
                           fault.error().message);
        }
        world.faults.push_back(fault.value());
      }
    } else if (key == "tamper_webhooks") {
      const json count = yamlToJson(value);
      if (!count.is_number_unsigned() || count.get<uint64_t>() > 1000) {
        return yamlError(source, value.Mark(), key, "expected a count from 0 to 1000");
      }
      world.tamper_webhooks = count.get<int>();
    } else if (key == "auto_quiet") {
      auto quiet = parseDuration(value.IsScalar() ? value.Scalar() : "");
      if (!quiet.ok()) {
        return yamlError(source, value.Mark(), key, quiet.error().message);
      }
      world.auto_quiet = quiet.value();
    } else {
      known = false;
    }
  } catch (const YAML::Exception& error) {
    return makeError(ErrorCode::InvalidArgument,
                     source + ":" + std::to_string(error.mark.line + 1) + ":" +
                         std::to_string(error.mark.column + 1) + ": " + error.msg);
  }
  return std::nullopt;
}

}  // namespace hnemu
