#include "control/control_api.h"

#include <nlohmann/json.hpp>

#include "console/console_assets.h"
#include "control/records.h"
#include "control/world.h"
#include "core/json_text.h"
#include "core/numbers.h"
#include "core/time.h"
#include "emulator.h"
#include "providers/bandwidth/model.h"
#include "providers/telnyx/routes.h"
#include "providers/twilio/model.h"
#include "scenario/coverage.h"
#include "scenario/expectations.h"
#include "scenario/scenario.h"

namespace hnemu {
namespace {

using nlohmann::json;

HttpResponse reply(int status, const json& body) {
  return HttpResponse::json(status, jsonText(body, 2));
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

// A non-negative integer query parameter, or `fallback` when absent.
Result<uint64_t> countParam(const HttpRequest& request, const std::string& name,
                            uint64_t fallback) {
  const auto text = request.queryValue(name);
  if (!text) {
    return fallback;
  }
  const auto number = parseUnsigned(*text);
  if (!number) {
    return makeError(ErrorCode::InvalidArgument, "'" + name + "' must be a non-negative integer");
  }
  return *number;
}

// The console's files: a strict policy, since the journal it shows holds clients' raw bodies.
HttpResponse consoleAsset(std::string_view name) {
  for (const ConsoleAsset& asset : consoleAssets()) {
    if (asset.name == name) {
      HttpResponse response =
          HttpResponse::text(200, std::string(asset.content_type), std::string(asset.body));
      response.headers.emplace("Content-Security-Policy",
                               "default-src 'self'; img-src 'self'; object-src 'none'; "
                               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
      response.headers.emplace("X-Content-Type-Options", "nosniff");
      response.headers.emplace("Cache-Control", "no-cache");
      return response;
    }
  }
  return problem(404, "the console has no file '" + std::string(name) + "'");
}

json scenarioSummary(const Scenario& scenario) {
  return json{{"name", scenario.name},
              {"description", scenario.description},
              {"provider", scenario.provider},
              {"source", scenario.source},
              // what GET /__hnemu/expectations judges: all but the client's own outcome
              {"expectations", scenario.expect.judgedFromState()}};
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

// GET {provider}/numbers, PUT {provider}/numbers/{Number}, GET and PUT {provider}/rules.
template <class World>
void addWorldRoutes(Router& router, Emulator& emu, const std::string& provider) {
  using Codec = WorldCodec<World>;
  const std::string base = "/__hnemu/" + provider;
  router.add("GET", base + "/numbers", "hnemu", [&emu](HttpRequest&) {
    return reply(200, emu.withWorld<World>([](auto& model) {
      json out = json::array();
      for (const auto& [number, profile] : model.world().numbers) {
        out.push_back(Codec::encode(profile));
      }
      return out;
    }));
  });
  router.add("PUT", base + "/numbers/{Number}", "hnemu", [&emu](HttpRequest& request) {
    const std::string& text = request.path_params.at("Number");
    const std::string key = Codec::key(text);
    if (key.empty()) {
      return problem(400, "'" + text + "' is not " + std::string(Codec::kNumberForm) +
                              " (URL-encode + as %2B)");
    }
    auto parsed = parseBody(request);
    if (!parsed.ok()) {
      return fromError(parsed.error());
    }
    return emu.withWorld<World>([&](auto& model) {
      auto profile = Codec::decode(key, parsed.value(), model.profileFor(key));
      if (!profile.ok()) {
        return fromError(profile.error());
      }
      model.world().numbers[key] = profile.value();
      return reply(200, Codec::encode(profile.value()));
    });
  });
  router.add("GET", base + "/rules", "hnemu", [&emu](HttpRequest&) {
    return reply(200, emu.withWorld<World>(
                          [](auto& model) { return Codec::encodeRules(model.world().rules); }));
  });
  router.add("PUT", base + "/rules", "hnemu", [&emu](HttpRequest& request) {
    auto parsed = parseBody(request);
    if (!parsed.ok()) {
      return fromError(parsed.error());
    }
    return emu.withWorld<World>([&](auto& model) {
      auto rules = model.world().rules;
      const Status applied = Codec::apply(parsed.value(), rules);
      if (!applied.ok()) {
        return fromError(applied.error());
      }
      model.world().rules = rules;
      return reply(200, Codec::encodeRules(rules));
    });
  });
}

}  // namespace

ControlApi::ControlApi(Emulator& emulator) : emulator_(emulator) { registerRoutes(); }

HttpResponse ControlApi::load(Scenario scenario) {
  emulator_.loadWorld(scenario.world);
  json summary = scenarioSummary(scenario);
  {
    std::lock_guard lock(scenario_mutex_);
    scenario_ = std::move(scenario);
  }
  return reply(200, json{{"loaded", true},
                         {"scenario", std::move(summary)},
                         {"seed", emulator_.seed()},
                         {"clock", clockJson(emulator_)}});
}

// Constant-time, so the answer's timing does not reveal how much of a guess was right.
bool sameSecret(std::string_view given, std::string_view expected) {
  unsigned char difference = given.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < given.size(); ++i) {
    difference |= static_cast<unsigned char>(given[i] ^ expected[i % expected.size()]);
  }
  return difference == 0;
}

bool ControlApi::authorized(const HttpRequest& request) const {
  const std::string& token = emulator_.options().admin_token;
  if (token.empty() || request.path == "/__hnemu/health" || request.path == "/__hnemu/ui" ||
      request.path.rfind("/__hnemu/ui/", 0) == 0) {
    return true;
  }
  if (const auto header = request.header("X-Hnemu-Admin-Token")) {
    return sameSecret(*header, token);
  }
  constexpr std::string_view kBearer = "Bearer ";
  const auto authorization = request.header("Authorization");
  return authorization && authorization->rfind(kBearer, 0) == 0 &&
         sameSecret(std::string_view(*authorization).substr(kBearer.size()), token);
}

namespace {

// A host name or address a DNS name cannot be rebound to: loopback, by name or by address.
bool isLoopbackName(std::string_view host_header) {
  std::string_view host = host_header;
  if (!host.empty() && host.front() == '[') {
    host =
        host.substr(1, host.find(']') == std::string_view::npos ? host.size() : host.find(']') - 1);
  } else if (const size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  if (iequals(host, "localhost") || host == "::1") {
    return true;
  }
  // 127.0.0.0/8 in dotted-decimal form, and nothing else that merely begins with "127."
  int parts = 0;
  size_t start = 0;
  while (start <= host.size()) {
    const size_t dot = std::min(host.find('.', start), host.size());
    const std::string_view part = host.substr(start, dot - start);
    if (part.empty() || part.size() > 3 ||
        part.find_first_not_of("0123456789") != std::string_view::npos ||
        std::stoi(std::string(part)) > 255 || (parts == 0 && part != "127")) {
      return false;
    }
    ++parts;
    start = dot + 1;
  }
  return parts == 4;
}

bool isJsonType(std::string_view type) {
  const std::string_view essence = type.substr(0, type.find(';'));
  auto ends_with = [&](std::string_view suffix) {
    return essence.size() >= suffix.size() &&
           iequals(essence.substr(essence.size() - suffix.size()), suffix);
  };
  return iequals(essence, "application/json") || ends_with("+json");
}

bool isYamlType(std::string_view type) {
  const std::string_view essence = type.substr(0, type.find(';'));
  for (const char* yaml : {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"}) {
    if (iequals(essence, yaml)) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::optional<std::string> ControlApi::crossSiteRefusal(const HttpRequest& request) const {
  const auto host = request.header("Host");
  if (!emulator_.options().allow_remote && host && !isLoopbackName(*host)) {
    return "the control API answers only loopback host names (Host: " + *host +
           "); serve with --allow-remote to reach it by another name";
  }
  if (const auto origin = request.header("Origin")) {
    if (!host || !iequals(*origin, "http://" + *host)) {
      return "a page from " + *origin + " may not use the control API";
    }
  }
  if (const auto site = request.header("Sec-Fetch-Site"); site && *site == "cross-site") {
    return "a page from another site may not use the control API";
  }
  return std::nullopt;
}

HttpResponse ControlApi::errorForStatus(int status) const {
  switch (status) {
    case 413:
      return problem(413, "control request bodies are at most " +
                              std::to_string(kMaxControlBodyBytes) + " bytes");
    case 431:
      return problem(431, "the request's headers are larger than the server accepts");
    case 503:
      return problem(503, "the change could not be saved to the --state file; nothing was applied");
    default:
      return problem(status, std::string(httpStatusText(status)));
  }
}

Result<std::string> ControlApi::listedScenarioFile(const HttpRequest& request) const {
  HNEMU_ASSIGN_OR_RETURN(const json body, parseBody(request));
  HNEMU_ASSIGN_OR_RETURN(const std::string file, stringField(body, "file", true));
  const std::string& directory = emulator_.options().scenarios_dir;
  const std::vector<std::string> files = scenarioFilesUnder(directory);
  if (std::find(files.begin(), files.end(), file) == files.end()) {
    return makeError(ErrorCode::NotFound,
                     "no scenario file '" + file + "' under '" + directory + "'");
  }
  return directory + "/" + file;
}

void ControlApi::inlineScenarioFile(HttpRequest& request) const {
  if (request.method != "POST" || request.path != "/__hnemu/scenarios/load") {
    return;
  }
  const auto file = listedScenarioFile(request);
  auto text = file.ok() ? readScenarioFile(file.value()) : Result<std::string>(file.error());
  if (!text.ok()) {
    return;  // the route answers the error
  }
  request.method = "PUT";
  request.path = "/__hnemu/scenario";
  request.raw_target = request.path;
  request.body = std::move(text).value();
  request.headers.erase("Content-Type");
  request.headers.emplace("Content-Type", "application/yaml");
  request.headers.emplace(kScenarioSourceHeader, file.value());
}

std::optional<HttpResponse> ControlApi::refusal(const HttpRequest& request) const {
  if (!authorized(request)) {
    HttpResponse response =
        problem(401, "the control API needs the admin token: Authorization: Bearer <token>");
    response.headers.emplace("WWW-Authenticate", "Bearer realm=\"hnemu\"");
    return response;
  }
  if (auto reason = crossSiteRefusal(request)) {
    return problem(403, *reason);
  }
  return std::nullopt;
}

HttpResponse ControlApi::handle(HttpRequest& request) {
  if (request.body.size() > kMaxControlBodyBytes) {
    return errorForStatus(413);
  }
  // JSON bodies only (a scenario may be YAML): a browser sends other types to any site without
  // asking first.
  if (const auto type = request.header("Content-Type")) {
    const bool scenario = request.path == "/__hnemu/scenario";
    if (!isJsonType(*type) && !(scenario && isYamlType(*type))) {
      return problem(415, "control request bodies are JSON (Content-Type: application/json" +
                              std::string(scenario ? "; a scenario may be application/yaml" : "") +
                              "), not " + *type);
    }
  } else if (!request.body.empty()) {
    return problem(415, "a control request with a body needs Content-Type: application/json");
  }
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
  addWorldRoutes<twilio::World>(router_, emu, "twilio");
  addWorldRoutes<telnyx::World>(router_, emu, "telnyx");
  addWorldRoutes<bandwidth::World>(router_, emu, "bandwidth");
  auto add = [this](const char* method, const char* path, Handler handler) {
    router_.add(method, path, "hnemu", std::move(handler));
  };

  add("GET", "/__hnemu/health", [&emu](HttpRequest&) {
    return reply(200, json{{"status", "ok"},
                           {"version", kVersion},
                           {"seed", emu.seed()},
                           {"providers", {"twilio", "telnyx", "bandwidth"}},
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

  // The loaded scenario's expectations, judged against the state now: the harness's verdict for
  // test suites that drive the flow themselves (no client process, so no client expectation).
  add("GET", "/__hnemu/expectations", [this, &emu](HttpRequest&) {
    std::optional<Scenario> scenario;
    {
      std::lock_guard lock(scenario_mutex_);
      scenario = scenario_;
    }
    if (!scenario || scenario->expect.empty()) {
      return problem(404, "no scenario with expectations is loaded (PUT /__hnemu/scenario)");
    }
    json results = json::array();
    bool passed = true;
    for (const ExpectationResult& result : evaluate(*scenario, recordOf(emu), std::nullopt)) {
      passed = passed && result.passed;
      results.push_back(resultJson(result));
    }
    return reply(200, json{{"scenario", scenario->name},
                           {"provider", scenario->provider},
                           {"passed", passed},
                           {"expectations", std::move(results)}});
  });

  add("GET", "/__hnemu/coverage", [&emu](HttpRequest& request) {
    const std::string provider = request.queryValue("provider").value_or("");
    return reply(200, json{{"coverage", coverageJson(measureCoverage(emu.stateMachines(),
                                                                     emu.state(), provider))}});
  });

  // ?after=SEQUENCE&limit=N pages forward; ?last=N gives the newest N.
  add("GET", "/__hnemu/journal", [&emu](HttpRequest& request) {
    const auto after = countParam(request, "after", 0);
    const auto limit = countParam(request, "limit", UINT64_MAX);
    const auto last = countParam(request, "last", UINT64_MAX);
    for (const auto* param : {&after, &limit, &last}) {
      if (!param->ok()) {
        return fromError(param->error());
      }
    }
    const Journal& journal = emu.journal();
    json entries = json::array();
    const auto selected = request.queryValue("last")
                              ? journal.newest(static_cast<size_t>(last.value()))
                              : journal.entries(after.value(), static_cast<size_t>(limit.value()));
    for (const JournalEntry& entry : selected) {
      entries.push_back(journalEntryJson(entry));
    }
    return reply(200, json{{"capacity", journal.capacity()},
                           {"size", journal.size()},
                           {"dropped", journal.dropped()},
                           {"generation", journal.generation()},
                           {"entries", std::move(entries)}});
  });

  // ?last=N gives the newest N deliveries.
  add("GET", "/__hnemu/webhooks", [&emu](HttpRequest& request) {
    const auto last = countParam(request, "last", UINT64_MAX);
    if (!last.ok()) {
      return fromError(last.error());
    }
    const std::vector<Delivery> log = emu.webhooks().log();
    const size_t skip = log.size() > last.value() ? log.size() - last.value() : 0;
    json deliveries = json::array();
    for (size_t i = skip; i < log.size(); ++i) {
      deliveries.push_back(deliveryJson(log[i]));
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
    const Status status = emu.withWorld<twilio::World>([&](twilio::Model& model) {
      return model.keyInDigits(request.path_params.at("CallSid"), digits);
    });
    return status.ok() ? reply(200, json{{"calls", emu.calls()}}) : fromError(status.error());
  });

  // Loads a world (YAML or JSON, as in a --scenario file) and resets to it.
  add("PUT", "/__hnemu/scenario", [this](HttpRequest& request) {
    auto scenario =
        parseScenario(request.body, request.header(kScenarioSourceHeader).value_or("request body"));
    if (!scenario.ok()) {
      return fromError(scenario.error());
    }
    return load(std::move(scenario).value());
  });

  add("GET", "/__hnemu/scenario", [this](HttpRequest&) {
    std::lock_guard lock(scenario_mutex_);
    return reply(200, json{{"scenario", scenario_ ? scenarioSummary(*scenario_) : json(nullptr)}});
  });

  // The files under `hnemu serve --scenarios DIR`, for the console's picker.
  add("GET", "/__hnemu/scenarios", [&emu](HttpRequest&) {
    const std::string& directory = emu.options().scenarios_dir;
    json scenarios = json::array();
    for (const std::string& file : scenarioFilesUnder(directory)) {
      json entry = {{"file", file}};
      auto scenario = loadScenarioFile(directory + "/" + file);
      if (scenario.ok()) {
        entry.update(scenarioSummary(scenario.value()));
      } else {
        entry["error"] = scenario.error().message;
      }
      scenarios.push_back(std::move(entry));
    }
    return reply(200, json{{"directory", directory}, {"scenarios", std::move(scenarios)}});
  });

  // {"file":"twilio/happy_path.yaml"}: one of the files GET /__hnemu/scenarios lists, and only
  // those, so the body cannot name a path outside the folder. A file that can be read never
  // gets here: inlineScenarioFile() turned the request into a PUT of its content.
  add("POST", "/__hnemu/scenarios/load", [this](HttpRequest& request) {
    auto file = listedScenarioFile(request);
    return fromError(file.ok()
                         ? makeError(ErrorCode::NotFound, file.value() + ": cannot read the file")
                         : file.error());
  });

  add("GET", "/__hnemu/ui", [](HttpRequest&) { return consoleAsset("index.html"); });
  add("GET", "/__hnemu/ui/{File}",
      [](HttpRequest& request) { return consoleAsset(request.path_params.at("File")); });

  add("GET", "/__hnemu/twilio/accounts",
      [&emu](HttpRequest&) { return reply(200, emu.state()["twilio"]["accounts"]); });

  add("POST", "/__hnemu/twilio/accounts", [&emu](HttpRequest& request) {
    auto parsed = parseBody(request);
    if (!parsed.ok()) {
      return fromError(parsed.error());
    }
    auto decoded = decodeAccount(parsed.value());
    if (!decoded.ok()) {
      return fromError(decoded.error());
    }
    const twilio::Account& account = decoded.value();
    const Status added = emu.withWorld<twilio::World>(
        [&](twilio::Model& model) { return model.addAccount(account); });
    return added.ok() ? reply(201, json{{"sid", account.sid}}) : fromError(added.error());
  });

  add("GET", "/__hnemu/inbox", [&emu](HttpRequest& request) {
    return reply(200, json{{"messages", emu.inbox(request.queryValue("number"))}});
  });

  add("GET", "/__hnemu/faults", [&emu](HttpRequest&) {
    json rules = json::array();
    for (const FaultRule& rule : emu.faults().rules()) {
      rules.push_back(faultJson(rule));
    }
    return reply(200, json{{"faults", std::move(rules)}});
  });

  // {"provider":"telnyx","method":"POST","path":"/v2/messaging_hosted_number_orders",
  //  "status":503,"times":2,"retry_after":0}
  add("POST", "/__hnemu/faults", [&emu](HttpRequest& request) {
    auto parsed = parseBody(request);
    if (!parsed.ok()) {
      return fromError(parsed.error());
    }
    auto rule = decodeFault(parsed.value());
    if (!rule.ok()) {
      return fromError(rule.error());
    }
    return reply(201, json{{"id", emu.faults().add(rule.value())}});
  });

  add("DELETE", "/__hnemu/faults", [&emu](HttpRequest&) {
    emu.faults().clear();
    return reply(200, json{{"faults", json::array()}});
  });

  add("GET", "/__hnemu/telnyx/public-key", [&emu](HttpRequest&) {
    return reply(200, json{{"public_key", emu.telnyxProvider().publicKeyBase64()},
                           {"algorithm", "ed25519"},
                           {"encoding", "base64 of the 32-byte raw key"}});
  });

  add("POST", "/__hnemu/telnyx/accounts", [&emu](HttpRequest& request) {
    auto parsed = parseBody(request);
    if (!parsed.ok()) {
      return fromError(parsed.error());
    }
    auto account = decodeTelnyxAccount(parsed.value());
    if (!account.ok()) {
      return fromError(account.error());
    }
    emu.withWorld<telnyx::World>([&](telnyx::Model& model) {
      auto& accounts = model.world().accounts;
      accounts.erase(std::remove_if(accounts.begin(), accounts.end(),
                                    [&](const telnyx::Account& a) {
                                      return a.api_key == account.value().api_key;
                                    }),
                     accounts.end());
      accounts.push_back(account.value());
    });
    return reply(201, json{{"user_id", account.value().user_id}});
  });

  add("GET", "/__hnemu/telnyx/messaging-profiles",
      [&emu](HttpRequest&) { return reply(200, emu.state()["telnyx"]["messaging_profiles"]); });

  // {"id":"…","name":"…","webhook_url":"…","webhook_failover_url":"…","user_id"?:"…"}
  add("POST", "/__hnemu/telnyx/messaging-profiles", [&emu](HttpRequest& request) {
    auto parsed = parseBody(request);
    if (!parsed.ok()) {
      return fromError(parsed.error());
    }
    return emu.withWorld<telnyx::World>([&](telnyx::Model& model) {
      const std::string default_user =
          model.world().accounts.empty() ? "" : model.world().accounts.front().user_id;
      auto profile = decodeMessagingProfile(parsed.value(), default_user);
      if (!profile.ok()) {
        return fromError(profile.error());
      }
      auto& profiles = model.world().profiles;
      profiles.erase(std::remove_if(profiles.begin(), profiles.end(),
                                    [&](const telnyx::MessagingProfile& p) {
                                      return p.id == profile.value().id;
                                    }),
                     profiles.end());
      profiles.push_back(profile.value());
      return reply(201, json{{"id", profile.value().id}, {"user_id", profile.value().user_id}});
    });
  });

  // Telnyx's reviewer, now: {"outcome":"accept"|"loa_file_invalid"|...}.
  add("POST", "/__hnemu/telnyx/orders/{Id}/review", [&emu](HttpRequest& request) {
    auto parsed = parseBody(request);
    if (!parsed.ok()) {
      return fromError(parsed.error());
    }
    auto outcome_text = stringField(parsed.value(), "outcome", true);
    const auto outcome =
        outcome_text.ok() ? telnyx::parseReviewOutcome(outcome_text.value()) : std::nullopt;
    if (!outcome) {
      return problem(400,
                     "'outcome' must be accept, loa_file_invalid, incomplete_documentation, "
                     "incorrect_billing_information or compliance_review_failed");
    }
    const Status status = emu.withWorld<telnyx::World>([&](telnyx::Model& model) {
      return model.reviewNow(request.path_params.at("Id"), *outcome);
    });
    return status.ok() ? reply(200, json{{"outcome", outcome_text.value()}})
                       : fromError(status.error());
  });

  // The carrier, now, for one hosted number: {"decision":"accept"|"reject"|...}.
  add("POST", "/__hnemu/telnyx/hosted-numbers/{Id}/carrier", [&emu](HttpRequest& request) {
    auto parsed = parseBody(request);
    if (!parsed.ok()) {
      return fromError(parsed.error());
    }
    auto decision_text = stringField(parsed.value(), "decision", true);
    const auto decision =
        decision_text.ok() ? telnyx::parseCarrierDecision(decision_text.value()) : std::nullopt;
    if (!decision) {
      return problem(400,
                     "'decision' must be accept, reject, ineligible, not-found, already-hosted, "
                     "activation-fails or never");
    }
    const Status status = emu.withWorld<telnyx::World>([&](telnyx::Model& model) {
      return model.carrierNow(request.path_params.at("Id"), *decision);
    });
    return status.ok() ? reply(200, json{{"decision", decision_text.value()}})
                       : fromError(status.error());
  });

  add("POST", "/__hnemu/bandwidth/accounts", [&emu](HttpRequest& request) {
    auto parsed = parseBody(request);
    if (!parsed.ok()) {
      return fromError(parsed.error());
    }
    auto account = decodeBandwidthAccount(parsed.value());
    if (!account.ok()) {
      return fromError(account.error());
    }
    emu.withWorld<bandwidth::World>([&](bandwidth::Model& model) {
      auto& accounts = model.world().accounts;
      accounts.erase(std::remove_if(accounts.begin(), accounts.end(),
                                    [&](const bandwidth::Account& a) {
                                      return a.username == account.value().username;
                                    }),
                     accounts.end());
      accounts.push_back(account.value());
    });
    return reply(201, json{{"account_id", account.value().account_id}});
  });

  // The importer, now, for an order that would never finish: {"status":"COMPLETE"|"FAILED"}.
  add("POST", "/__hnemu/bandwidth/import-orders/{Id}/finish", [&emu](HttpRequest& request) {
    auto parsed = parseBody(request);
    if (!parsed.ok()) {
      return fromError(parsed.error());
    }
    auto status_text = stringField(parsed.value(), "status", true);
    const auto status =
        status_text.ok() ? bandwidth::parseOrderStatus(status_text.value()) : std::nullopt;
    if (!status) {
      return problem(400, "'status' must be COMPLETE or FAILED");
    }
    const Status finished = emu.withWorld<bandwidth::World>([&](bandwidth::Model& model) {
      return model.finishImport(request.path_params.at("Id"), *status);
    });
    return finished.ok() ? reply(200, json{{"status", status_text.value()}})
                         : fromError(finished.error());
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
    const Status status = emu.withWorld<twilio::World>([&](twilio::Model& model) {
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
    const Status status = emu.withWorld<twilio::World>([&](twilio::Model& model) {
      return model.carrierDecides(request.path_params.at("Sid"), decision.value() == "accept");
    });
    return status.ok() ? reply(200, json{{"decision", decision.value()}})
                       : fromError(status.error());
  });
}

}  // namespace hnemu
