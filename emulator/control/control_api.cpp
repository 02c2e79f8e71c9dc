#include "control/control_api.h"

#include <nlohmann/json.hpp>

#include "core/time.h"
#include "emulator.h"
#include "providers/twilio/model.h"

namespace hnemu {
namespace {

using nlohmann::json;

HttpResponse reply(int status, const json& body) {
  return HttpResponse::json(status, body.dump(2));
}

HttpResponse problem(int status, const std::string& message) {
  return reply(status, json{{"error", {{"status", status}, {"message", message}}}});
}

HttpResponse fromError(const Error& error) {
  switch (error.code) {
    case ErrorCode::NotFound:
      return problem(404, error.message);
    case ErrorCode::FailedPrecondition:
      return problem(409, error.message);
    default:
      return problem(400, error.message);
  }
}

// Control bodies are JSON objects; an empty body is an empty object.
Result<json> parseBody(const HttpRequest& request) {
  if (request.body.empty()) {
    return json::object();
  }
  json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return makeError(ErrorCode::InvalidArgument, "the body must be a JSON object");
  }
  return body;
}

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
  for (const auto& [key, value] : body.items()) {
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

json clockJson(const Emulator& emulator) {
  json timers = json::array();
  for (const PendingTimer& timer : emulator.clock().pendingTimers()) {
    timers.push_back({{"due", formatIso8601Millis(timer.due)}, {"label", timer.label}});
  }
  const auto next = emulator.clock().nextDue();
  return json{{"now", formatIso8601Millis(emulator.now())},
              {"mode", clockModeName(emulator.clock().mode())},
              {"next_timer", next ? json(formatIso8601Millis(*next)) : json(nullptr)},
              {"pending_timers", std::move(timers)}};
}

json headersJson(const Headers& headers) {
  json out = json::object();
  for (const auto& [name, value] : headers) {
    out[name] = value;
  }
  return out;
}

// Parses {"decision": "...", "after": "1d"} into a decision and a delay.
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

}  // namespace

ControlApi::ControlApi(Emulator& emulator) : emulator_(emulator) { registerRoutes(); }

HttpResponse ControlApi::handle(HttpRequest& request) {
  const RouteMatch match = router_.match(request);
  if (match.handler != nullptr) {
    return (*match.handler)(request);
  }
  if (match.path_known) {
    return problem(405, "method " + request.method + " is not allowed on " + request.path);
  }
  return problem(404, "no control endpoint " + request.path + "; see the README's control API");
}

void ControlApi::registerRoutes() {
  Emulator& emu = emulator_;
  auto add = [this](const char* method, const char* path, Handler handler) {
    router_.add(method, path, "hnemu", std::move(handler));
  };

  add("GET", "/__hnemu/health", [&emu](HttpRequest&) {
    return reply(200, json{{"status", "ok"},
                           {"version", kVersion},
                           {"seed", emu.seed()},
                           {"providers", {"twilio"}},
                           {"now", formatIso8601Millis(emu.now())}});
  });

  add("POST", "/__hnemu/reset", [&emu](HttpRequest& request) {
    auto body = parseBody(request);
    if (!body.ok()) {
      return fromError(body.error());
    }
    if (const Status known = rejectUnknownKeys(body.value(), {"seed"}); !known.ok()) {
      return fromError(known.error());
    }
    std::optional<uint64_t> seed;
    if (body.value().contains("seed")) {
      if (!body.value()["seed"].is_number_unsigned()) {
        return problem(400, "'seed' must be a non-negative integer");
      }
      seed = body.value()["seed"].get<uint64_t>();
    }
    emu.reset(seed);
    return reply(200, json{{"reset", true}, {"seed", emu.seed()}, {"clock", clockJson(emu)}});
  });

  add("GET", "/__hnemu/clock", [&emu](HttpRequest&) { return reply(200, clockJson(emu)); });

  add("POST", "/__hnemu/clock", [&emu](HttpRequest& request) {
    auto parsed = parseBody(request);
    if (!parsed.ok()) {
      return fromError(parsed.error());
    }
    const json& body = parsed.value();
    if (const Status known = rejectUnknownKeys(body, {"advance", "to", "next_timer", "mode"});
        !known.ok()) {
      return fromError(known.error());
    }
    size_t fired = 0;
    if (body.contains("mode")) {
      auto mode = stringField(body, "mode", true);
      if (!mode.ok()) {
        return fromError(mode.error());
      }
      auto parsed_mode = parseClockMode(mode.value());
      if (!parsed_mode.ok()) {
        return fromError(parsed_mode.error());
      }
      emu.setClockMode(parsed_mode.value());
    }
    if (body.contains("advance")) {
      auto text = stringField(body, "advance", true);
      if (!text.ok()) {
        return fromError(text.error());
      }
      auto by = parseDuration(text.value());
      if (!by.ok()) {
        return fromError(by.error());
      }
      fired += emu.advance(by.value());
    }
    if (body.contains("to")) {
      auto text = stringField(body, "to", true);
      if (!text.ok()) {
        return fromError(text.error());
      }
      auto target = parseIso8601(text.value());
      if (!target.ok()) {
        return fromError(target.error());
      }
      auto moved = emu.advanceTo(target.value());
      if (!moved.ok()) {
        return fromError(moved.error());
      }
      fired += moved.value();
    }
    if (body.value("next_timer", false)) {
      fired += emu.fireNextTimer();
    }
    json out = clockJson(emu);
    out["timers_fired"] = fired;
    return reply(200, out);
  });

  add("GET", "/__hnemu/state", [&emu](HttpRequest& request) {
    json state = emu.state();
    if (const auto provider = request.queryValue("provider")) {
      if (!state.contains(*provider)) {
        return problem(404, "no provider '" + *provider + "'");
      }
      return reply(200, state[*provider]);
    }
    return reply(200, state);
  });

  add("GET", "/__hnemu/journal", [&emu](HttpRequest& request) {
    uint64_t after = 0;
    size_t limit = SIZE_MAX;
    try {
      if (const auto text = request.queryValue("after")) {
        after = std::stoull(*text);
      }
      if (const auto text = request.queryValue("limit")) {
        limit = std::stoul(*text);
      }
    } catch (const std::exception&) {
      return problem(400, "'after' and 'limit' must be non-negative integers");
    }
    json entries = json::array();
    for (const JournalEntry& entry : emu.journal().entries(after, limit)) {
      entries.push_back({{"sequence", entry.sequence},
                         {"time", formatIso8601Millis(entry.time)},
                         {"method", entry.method},
                         {"path", entry.path},
                         {"query", entry.query},
                         {"status", entry.status},
                         {"provider", entry.provider},
                         {"account", entry.account},
                         {"route", entry.route},
                         {"request_body", entry.request_body},
                         {"response_body", entry.response_body},
                         {"duration_ms", entry.duration_ms}});
    }
    return reply(200, json{{"capacity", emu.journal().capacity()},
                           {"dropped", emu.journal().dropped()},
                           {"entries", std::move(entries)}});
  });

  add("GET", "/__hnemu/webhooks", [&emu](HttpRequest&) {
    json deliveries = json::array();
    for (const Delivery& delivery : emu.webhooks().log()) {
      json attempts = json::array();
      for (const DeliveryAttempt& attempt : delivery.attempts) {
        attempts.push_back({{"number", attempt.number},
                            {"url", attempt.url},
                            {"time", formatIso8601Millis(attempt.time)},
                            {"request_headers", headersJson(attempt.request_headers)},
                            {"connected", attempt.connected},
                            {"status", attempt.status},
                            {"response_body", attempt.response_body},
                            {"error", attempt.error}});
      }
      deliveries.push_back({{"id", delivery.id},
                            {"created", formatIso8601Millis(delivery.created)},
                            {"provider", delivery.provider},
                            {"account", delivery.account},
                            {"event", delivery.event},
                            {"resource_id", delivery.resource_id},
                            {"method", delivery.method},
                            {"url", delivery.url},
                            {"failover_url", delivery.failover_url},
                            {"content_type", delivery.content_type},
                            {"body", delivery.body},
                            {"state", deliveryStateName(delivery.state)},
                            {"attempts", std::move(attempts)}});
    }
    return reply(200, json{{"deliveries", std::move(deliveries)}});
  });

  add("GET", "/__hnemu/calls", [&emu](HttpRequest& request) {
    json calls = emu.calls();
    if (const auto to = request.queryValue("to")) {
      json filtered = json::array();
      for (const json& call : calls) {
        if (call["to"] == *to) {
          filtered.push_back(call);
        }
      }
      calls = std::move(filtered);
    }
    return reply(200, json{{"calls", std::move(calls)}});
  });

  // The number's owner, playing a Manual callee: {"digits":"123456"} or {"answer":false}.
  add("POST", "/__hnemu/calls/{CallSid}", [&emu](HttpRequest& request) {
    auto parsed = parseBody(request);
    if (!parsed.ok()) {
      return fromError(parsed.error());
    }
    const json& body = parsed.value();
    if (const Status known = rejectUnknownKeys(body, {"digits", "answer"}); !known.ok()) {
      return fromError(known.error());
    }
    std::optional<std::string> digits;
    if (body.value("answer", true)) {
      auto text = stringField(body, "digits", true);
      if (!text.ok()) {
        return fromError(text.error());
      }
      digits = text.value();
    }
    const Status status = emu.withTwilio([&](twilio::Model& model) {
      return model.keyInDigits(request.path_params.at("CallSid"), digits);
    });
    return status.ok() ? reply(200, json{{"calls", emu.calls()}}) : fromError(status.error());
  });

  add("GET", "/__hnemu/twilio/accounts",
      [&emu](HttpRequest&) { return reply(200, emu.state()["twilio"]["accounts"]); });

  add("POST", "/__hnemu/twilio/accounts", [&emu](HttpRequest& request) {
    auto parsed = parseBody(request);
    if (!parsed.ok()) {
      return fromError(parsed.error());
    }
    const json& body = parsed.value();
    if (const Status known =
            rejectUnknownKeys(body, {"sid", "auth_token", "friendly_name", "api_keys"});
        !known.ok()) {
      return fromError(known.error());
    }
    twilio::Account account;
    auto sid = stringField(body, "sid", true);
    auto token = stringField(body, "auth_token", true);
    auto name = stringField(body, "friendly_name", false);
    for (const auto* field : {&sid, &token, &name}) {
      if (!field->ok()) {
        return fromError(field->error());
      }
    }
    account.sid = sid.value();
    account.auth_token = token.value();
    account.friendly_name = name.value();
    if (body.contains("api_keys")) {
      if (!body["api_keys"].is_object()) {
        return problem(400, "'api_keys' must map SK sids to secrets");
      }
      for (const auto& [key, secret] : body["api_keys"].items()) {
        if (!twilio::isSid(key, "SK") || !secret.is_string()) {
          return problem(400, "'api_keys' must map SK sids to secret strings");
        }
        account.api_keys[key] = secret.get<std::string>();
      }
    }
    const Status added =
        emu.withTwilio([&](twilio::Model& model) { return model.addAccount(account); });
    return added.ok() ? reply(201, json{{"sid", account.sid}}) : fromError(added.error());
  });

  add("GET", "/__hnemu/twilio/numbers", [&emu](HttpRequest&) {
    return reply(200, emu.withTwilio([](twilio::Model& model) {
      json out = json::array();
      for (const auto& [number, profile] : model.world().numbers) {
        out.push_back(profileJson(profile));
      }
      return out;
    }));
  });

  add("PUT", "/__hnemu/twilio/numbers/{Number}", [&emu](HttpRequest& request) {
    const std::string number = request.path_params.at("Number");
    if (!twilio::isE164(number)) {
      return problem(400, "'" + number + "' is not an E.164 number (URL-encode + as %2B)");
    }
    auto parsed = parseBody(request);
    if (!parsed.ok()) {
      return fromError(parsed.error());
    }
    return emu.withTwilio([&](twilio::Model& model) {
      auto profile = decodeProfile(number, parsed.value(), model.profileFor(number));
      if (!profile.ok()) {
        return fromError(profile.error());
      }
      model.world().numbers[number] = profile.value();
      return reply(200, profileJson(profile.value()));
    });
  });

  add("GET", "/__hnemu/twilio/rules", [&emu](HttpRequest&) {
    return reply(
        200, emu.withTwilio([](twilio::Model& model) { return rulesJson(model.world().rules); }));
  });

  add("PUT", "/__hnemu/twilio/rules", [&emu](HttpRequest& request) {
    auto parsed = parseBody(request);
    if (!parsed.ok()) {
      return fromError(parsed.error());
    }
    return emu.withTwilio([&](twilio::Model& model) {
      twilio::Rules rules = model.world().rules;
      const Status applied = applyRules(parsed.value(), rules);
      if (!applied.ok()) {
        return fromError(applied.error());
      }
      model.world().rules = rules;
      return reply(200, rulesJson(rules));
    });
  });

  // The LOA signer: {"decision":"sign"} or {"decision":"decline"}.
  add("POST", "/__hnemu/twilio/authorization-documents/{Sid}", [&emu](HttpRequest& request) {
    auto parsed = parseBody(request);
    if (!parsed.ok()) {
      return fromError(parsed.error());
    }
    auto decision = stringField(parsed.value(), "decision", true);
    if (!decision.ok() || (decision.value() != "sign" && decision.value() != "decline")) {
      return problem(400, "'decision' must be sign or decline");
    }
    const Status status = emu.withTwilio([&](twilio::Model& model) {
      return model.signDocument(request.path_params.at("Sid"), decision.value() == "sign");
    });
    return status.ok() ? reply(200, json{{"decision", decision.value()}})
                       : fromError(status.error());
  });

  // The carrier: {"decision":"accept"} or {"decision":"reject"}.
  add("POST", "/__hnemu/twilio/orders/{Sid}/carrier", [&emu](HttpRequest& request) {
    auto parsed = parseBody(request);
    if (!parsed.ok()) {
      return fromError(parsed.error());
    }
    auto decision = stringField(parsed.value(), "decision", true);
    if (!decision.ok() || (decision.value() != "accept" && decision.value() != "reject")) {
      return problem(400, "'decision' must be accept or reject");
    }
    const Status status = emu.withTwilio([&](twilio::Model& model) {
      return model.carrierDecides(request.path_params.at("Sid"), decision.value() == "accept");
    });
    return status.ok() ? reply(200, json{{"decision", decision.value()}})
                       : fromError(status.error());
  });
}

}  // namespace hnemu
