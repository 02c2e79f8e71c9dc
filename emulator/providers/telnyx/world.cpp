#include "providers/telnyx/world.h"

#include "core/crypto.h"
#include "core/time.h"
#include "providers/world_codec.h"

namespace hnemu::telnyx {

using nlohmann::json;

Result<Account> decodeAccount(const json& body) {
  HNEMU_RETURN_IF_ERROR(rejectUnknownKeys(body, {"api_key", "user_id", "name", "billing"}));
  Account account;
  HNEMU_ASSIGN_OR_RETURN(account.api_key, stringField(body, "api_key", true));
  HNEMU_ASSIGN_OR_RETURN(account.user_id, stringField(body, "user_id", true));
  HNEMU_ASSIGN_OR_RETURN(account.name, stringField(body, "name", false));
  HNEMU_ASSIGN_OR_RETURN(const std::string billing, stringField(body, "billing", false));
  if (account.api_key.empty() || account.user_id.empty()) {
    return makeError(ErrorCode::InvalidArgument, "api_key and user_id must not be empty");
  }
  if (!billing.empty()) {
    const auto parsed = parseBilling(billing);
    if (!parsed) {
      return makeError(ErrorCode::InvalidArgument, "billing must be ok, check-failed or abolished");
    }
    account.billing = *parsed;
  }
  return account;
}

Result<MessagingProfile> decodeMessagingProfile(const json& body,
                                                const std::string& default_user_id) {
  HNEMU_RETURN_IF_ERROR(
      rejectUnknownKeys(body, {"id", "user_id", "name", "webhook_url", "webhook_failover_url"}));
  MessagingProfile profile;
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

Result<NumberProfile> decodeProfile(const std::string& number, const json& body,
                                    NumberProfile profile) {
  HNEMU_RETURN_IF_ERROR(rejectUnknownKeys(
      body, {"kind", "us_number", "on_telnyx", "hosted_by_another_customer", "valid_routing",
             "lookup_fails", "code_delivered", "review", "carrier"}));
  profile.phone_number = number;
  if (body.contains("kind")) {
    HNEMU_ASSIGN_OR_RETURN(const std::string text, stringField(body, "kind", true));
    profile.kind = parseLineKind(text);
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
      const auto parsed = parseReviewOutcome(text);
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
      const auto parsed = parseCarrierDecision(text);
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

Status applyRules(const json& body, Rules& rules) {
  HNEMU_RETURN_IF_ERROR(
      rejectUnknownKeys(body, {"review_business_days", "max_code_attempts", "code_delivery",
                               "activation_timeout", "rate_limit"}));
  const std::pair<const char*, int*> counts[] = {
      {"review_business_days", &rules.review_business_days},
      {"max_code_attempts", &rules.max_code_attempts},
      {"rate_limit", &rules.rate_limit}};
  for (const auto& [name, field] : counts) {
    if (body.contains(name)) {
      const uint64_t max = std::string_view(name) == "rate_limit" ? 1'000'000 : 365;
      if (!body[name].is_number_unsigned() || body[name].get<uint64_t>() > max) {
        return makeError(
            ErrorCode::InvalidArgument,
            std::string(name) + " must be an integer from 0 to " + std::to_string(max));
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

json profileJson(const NumberProfile& profile) {
  return json{
      {"phone_number", profile.phone_number},
      {"kind", profile.kind ? json(lineKindName(*profile.kind)) : json(nullptr)},
      {"us_number", profile.us_number},
      {"on_telnyx", profile.on_telnyx},
      {"hosted_by_another_customer", profile.hosted_by_another_customer},
      {"valid_routing", profile.valid_routing},
      {"lookup_fails", profile.lookup_fails},
      {"code_delivered", profile.code_delivered},
      {"review",
       {{"outcome", reviewOutcomeName(profile.review)}, {"rejections", profile.review_rejections}}},
      {"carrier",
       {{"decision", carrierDecisionName(profile.carrier)},
        {"after", formatDuration(profile.carrier_after)}}}};
}

json rulesJson(const Rules& rules) {
  return json{{"review_business_days", rules.review_business_days},
              {"max_code_attempts", rules.max_code_attempts},
              {"rate_limit", rules.rate_limit},
              {"code_delivery", formatDuration(rules.code_delivery)},
              {"activation_timeout", formatDuration(rules.activation_timeout)}};
}

Result<std::shared_ptr<const WorldSection>> decodeSection(const Input& section) {
  HNEMU_RETURN_IF_ERROR(
      section.mapping({"accounts", "messaging_profiles", "numbers", "rules", "signing_key_seed"},
                      "accounts, messaging_profiles, numbers, rules, signing_key_seed"));
  auto out = std::make_shared<Section>();
  if (section.has("accounts")) {
    out->accounts_given = true;
    HNEMU_RETURN_IF_ERROR(
        decodeList(section.child("accounts"), decodeAccount, out->world.accounts));
  }
  if (section.has("messaging_profiles")) {
    // A profile that names no account is given the first one when the world loads.
    auto decode = [](const json& item) { return decodeMessagingProfile(item, ""); };
    HNEMU_RETURN_IF_ERROR(
        decodeList(section.child("messaging_profiles"), decode, out->world.profiles));
  }
  if (section.has("rules")) {
    HNEMU_RETURN_IF_ERROR(decodeRules<WorldCodec>(section.child("rules"), out->world.rules));
  }
  if (section.has("signing_key_seed")) {
    const Input seed = section.child("signing_key_seed");
    const std::string bytes =
        crypto::hexDecode(seed.json().is_string() ? seed.json().get<std::string>() : "");
    if (bytes.size() != 32) {
      return seed.error("expected 64 hex digits (a 32-byte Ed25519 seed)");
    }
    out->signing_seed = bytes;
  }
  if (section.has("numbers")) {
    HNEMU_RETURN_IF_ERROR(decodeNumbers<WorldCodec>(section.child("numbers"), out->world.numbers));
  }
  return std::shared_ptr<const WorldSection>(std::move(out));
}

}  // namespace hnemu::telnyx
