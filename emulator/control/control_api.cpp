#include "control/control_api.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "console/console_assets.h"
#include "core/input.h"
#include "core/json_text.h"
#include "core/numbers.h"
#include "core/records.h"
#include "core/time.h"
#include "providers/registry.h"
#include "scenario/coverage.h"
#include "scenario/expectations.h"

namespace hnemu {

using nlohmann::json;

// The generic routes, as a table: method, path, handler. Each provider adds its own under
// /__hnemu/<provider>/ (ProviderKind::controlRoutes).
const std::vector<ControlApi::Route>& ControlApi::routeTable() {
  static const std::vector<Route> kRoutes = {
      {"GET", "/__hnemu/health", &ControlApi::health},
      {"GET", "/__hnemu/providers", &ControlApi::providers},
      {"POST", "/__hnemu/reset", &ControlApi::reset},
      {"GET", "/__hnemu/clock", &ControlApi::getClock},
      {"POST", "/__hnemu/clock", &ControlApi::moveClock},
      {"GET", "/__hnemu/state", &ControlApi::getState},
      {"GET", "/__hnemu/expectations", &ControlApi::expectations},
      {"GET", "/__hnemu/coverage", &ControlApi::coverage},
      {"GET", "/__hnemu/journal", &ControlApi::journal},
      {"GET", "/__hnemu/webhooks", &ControlApi::webhooks},
      {"GET", "/__hnemu/calls", &ControlApi::calls},
      {"GET", "/__hnemu/inbox", &ControlApi::inbox},
      {"PUT", "/__hnemu/scenario", &ControlApi::putScenario},
      {"GET", "/__hnemu/scenario", &ControlApi::getScenario},
      {"GET", "/__hnemu/scenarios", &ControlApi::listScenarios},
      {"POST", "/__hnemu/scenarios/load", &ControlApi::loadScenarioFile},
      {"GET", "/__hnemu/faults", &ControlApi::getFaults},
      {"POST", "/__hnemu/faults", &ControlApi::addFault},
      {"DELETE", "/__hnemu/faults", &ControlApi::clearFaults},
  };
  return kRoutes;
}

namespace {

constexpr std::string_view kConsolePath = "/__hnemu/ui";

HttpResponse reply(int status, const json& body) {
  return HttpResponse::json(status, jsonText(body, 2));
}

HttpResponse problem(int status, const std::string& message) {
  return reply(status, json{{"error", {{"status", status}, {"message", message}}}});
}

// The one place a control handler's error becomes the control API's error body.
HttpResponse answer(const Result<ControlReply>& result) {
  if (result.ok()) {
    return reply(result.value().status, result.value().body);
  }
  const Error& error = result.error();
  switch (error.code) {
    case ErrorCode::NotFound:
      return problem(404, error.message);
    case ErrorCode::FailedPrecondition:
      return problem(409, error.message);
    case ErrorCode::PayloadTooLarge:
      return problem(413, error.message);
    default:
      return problem(400, error.message);
  }
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

std::vector<std::string> providerNames() {
  std::vector<std::string> names;
  for (const ProviderKind* kind : providerKinds()) {
    names.emplace_back(kind->name());
  }
  return names;
}

// Constant-time, so the answer's timing does not reveal how much of a guess was right.
bool sameSecret(std::string_view given, std::string_view expected) {
  unsigned char difference = given.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < given.size(); ++i) {
    difference |= static_cast<unsigned char>(given[i] ^ expected[i % expected.size()]);
  }
  return difference == 0;
}

// The host of a Host header ("name", "name:port", "[v6]", "[v6]:port"); empty when it does not
// have that shape.
std::string_view hostOf(std::string_view header) {
  std::string_view host = header;
  std::string_view port;
  if (!host.empty() && host.front() == '[') {
    const size_t close = host.find(']');
    if (close == std::string_view::npos) {
      return {};
    }
    port = host.substr(close + 1);
    host = host.substr(1, close - 1);
    if (!port.empty() && port.front() != ':') {
      return {};
    }
  } else if (const size_t colon = host.find(':'); colon != std::string_view::npos) {
    port = host.substr(colon);
    host = host.substr(0, colon);
  }
  if (!port.empty() &&
      (port.size() < 2 || port.find_first_not_of("0123456789", 1) != std::string_view::npos)) {
    return {};
  }
  return host;
}

// A host name or address a DNS name cannot be rebound to: loopback, by name or by address.
bool isLoopbackName(std::string_view host) {
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
  const std::string_view suffix = "+json";
  return iequals(essence, "application/json") ||
         (essence.size() >= suffix.size() &&
          iequals(essence.substr(essence.size() - suffix.size()), suffix));
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

ControlApi::ControlApi(Engine& engine) : engine_(engine), coverage_tally_(engine.stateMachines()) {
  for (const Route& route : routeTable()) {
    router_.add(route.method, route.path, "hnemu",
                [this, handler = route.handler](HttpRequest& request) {
                  return answer((this->*handler)(request));
                });
  }
  for (const std::unique_ptr<Provider>& provider : engine_.providers()) {
    for (ControlRoute& route : provider->controlRoutes()) {
      provider_router_.add(route.method, route.path, std::string(provider->name()),
                           [this, handler = std::move(route.handler)](HttpRequest& request) {
                             return answer(engine_.locked([&] { return handler(request); }));
                           });
    }
  }
}

HttpResponse ControlApi::load(Scenario scenario) { return answer(loaded(std::move(scenario))); }

std::optional<Scenario> ControlApi::loadedScenario() {
  std::lock_guard lock(scenario_mutex_);
  return scenario_;
}

ControlReply ControlApi::loaded(Scenario scenario) {
  engine_.loadWorld(scenario.world);
  json summary = scenarioSummary(scenario);
  {
    std::lock_guard lock(scenario_mutex_);
    scenario_ = std::move(scenario);
  }
  return ControlReply(json{{"loaded", true},
                           {"scenario", std::move(summary)},
                           {"seed", engine_.seed()},
                           {"clock", clockJson()}});
}

bool ControlApi::authorized(const HttpRequest& request) const {
  const std::string& token = engine_.options().admin_token;
  if (token.empty() || request.path == "/__hnemu/health" || request.path == kConsolePath ||
      request.path.rfind(std::string(kConsolePath) + "/", 0) == 0) {
    return true;
  }
  if (const auto header = request.header("X-Hnemu-Admin-Token")) {
    return sameSecret(*header, token);
  }
  constexpr std::string_view kBearer = "Bearer ";
  const auto authorization = request.header("Authorization");
  return authorization && authorization->size() > kBearer.size() &&
         iequals(std::string_view(*authorization).substr(0, kBearer.size()), kBearer) &&
         sameSecret(std::string_view(*authorization).substr(kBearer.size()), token);
}

std::optional<std::string> ControlApi::crossSiteRefusal(const HttpRequest& request) const {
  const auto hosts = request.headers.equal_range("Host");
  const auto origins = request.headers.equal_range("Origin");
  if (std::distance(hosts.first, hosts.second) != 1 ||
      std::distance(origins.first, origins.second) > 1) {
    return "a control request has one Host header, and at most one Origin";
  }
  const std::string& host = hosts.first->second;
  const std::string_view name = hostOf(host);
  const bool own_name = !name.empty() && iequals(name, engine_.options().host);
  if (!engine_.options().allow_remote && !isLoopbackName(name) && !own_name) {
    return "the control API answers only loopback host names (Host: " + host +
           "); serve with --allow-remote to reach it by another name";
  }
  if (origins.first != origins.second && !iequals(origins.first->second, "http://" + host)) {
    return "a page from '" + origins.first->second + "' may not use the control API";
  }
  if (const auto site = request.header("Sec-Fetch-Site"); site && iequals(*site, "cross-site")) {
    return "a page from another site may not use the control API";
  }
  return std::nullopt;
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
  HNEMU_ASSIGN_OR_RETURN(const json body, jsonObjectBody(request.body));
  HNEMU_ASSIGN_OR_RETURN(const std::string file, stringField(body, "file", true));
  const std::string& directory = engine_.options().scenarios_dir;
  const std::vector<std::string> files = scenarioFilesUnder(directory);
  if (std::find(files.begin(), files.end(), file) == files.end()) {
    return makeError(ErrorCode::NotFound,
                     "no scenario file '" + file + "' under '" + directory + "'");
  }
  return directory + "/" + file;
}

void ControlApi::prepare(HttpRequest& request) const {
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
  const bool console =
      request.path == kConsolePath || request.path.rfind(std::string(kConsolePath) + "/", 0) == 0;
  if (console && request.method != "GET") {
    return problem(405, "method " + request.method + " is not allowed on " + request.path);
  }
  if (console) {
    return consoleAsset(
        request.path == kConsolePath ? "index.html" : request.path.substr(kConsolePath.size() + 1));
  }
  bool path_known = false;
  for (Router* router : {&router_, &provider_router_}) {
    const RouteMatch match = router->match(request);
    if (match.handler != nullptr) {
      return (*match.handler)(request);
    }
    path_known = path_known || match.path_known;
  }
  if (path_known) {
    return problem(405, "method " + request.method + " is not allowed on " + request.path);
  }
  return problem(404, "no control endpoint " + request.path + "; see the control API's README");
}

json ControlApi::clockJson() const {
  json timers = json::array();
  for (const PendingTimer& timer : engine_.clock().pendingTimers()) {
    timers.push_back({{"due", formatIso8601Millis(timer.due)}, {"label", timer.label}});
  }
  const auto next = engine_.clock().nextDue();
  return json{{"now", formatIso8601Millis(engine_.now())},
              {"mode", clockModeName(engine_.clock().mode())},
              {"next_timer", next ? json(formatIso8601Millis(*next)) : json(nullptr)},
              {"pending_timers", std::move(timers)}};
}

Result<ControlReply> ControlApi::health(HttpRequest&) {
  return ControlReply(json{{"status", "ok"},
                           {"version", kVersion},
                           {"seed", engine_.seed()},
                           {"providers", providerNames()},
                           {"now", formatIso8601Millis(engine_.now())}});
}

// What the console needs to show each provider: its description and lifecycles.
Result<ControlReply> ControlApi::providers(HttpRequest&) {
  json out = json::array();
  for (const std::unique_ptr<Provider>& provider : engine_.providers()) {
    json lifecycles = json::array();
    for (const StateMachine& machine : provider->kind().lifecycles()) {
      lifecycles.push_back(
          {{"name", machine.name}, {"collection", machine.collection}, {"states", machine.states}});
    }
    json entry = provider->kind().consoleDescription();
    entry["name"] = provider->name();
    entry["title"] = provider->kind().title();
    entry["lifecycles"] = std::move(lifecycles);
    out.push_back(std::move(entry));
  }
  return ControlReply(json{{"providers", std::move(out)}});
}

Result<ControlReply> ControlApi::reset(HttpRequest& request) {
  HNEMU_ASSIGN_OR_RETURN(const json body, jsonObjectBody(request.body));
  HNEMU_RETURN_IF_ERROR(rejectUnknownKeys(body, {"seed"}));
  std::optional<uint64_t> seed;
  if (body.contains("seed")) {
    if (!body["seed"].is_number_unsigned()) {
      return makeError(ErrorCode::InvalidArgument, "'seed' must be a non-negative integer");
    }
    seed = body["seed"].get<uint64_t>();
  }
  engine_.reset(seed);
  return ControlReply(json{{"reset", true}, {"seed", engine_.seed()}, {"clock", clockJson()}});
}

Result<ControlReply> ControlApi::getClock(HttpRequest&) { return ControlReply(clockJson()); }

Result<ControlReply> ControlApi::moveClock(HttpRequest& request) {
  HNEMU_ASSIGN_OR_RETURN(const json body, jsonObjectBody(request.body));
  HNEMU_RETURN_IF_ERROR(rejectUnknownKeys(body, {"advance", "to", "next_timer", "mode"}));
  if (body.contains("next_timer") && !body["next_timer"].is_boolean()) {
    return makeError(ErrorCode::InvalidArgument, "'next_timer' must be true or false");
  }
  size_t fired = 0;
  if (body.contains("mode")) {
    HNEMU_ASSIGN_OR_RETURN(const std::string text, stringField(body, "mode", true));
    HNEMU_ASSIGN_OR_RETURN(const ClockMode mode, parseClockMode(text));
    engine_.setClockMode(mode);
  }
  if (body.contains("advance")) {
    HNEMU_ASSIGN_OR_RETURN(const std::string text, stringField(body, "advance", true));
    HNEMU_ASSIGN_OR_RETURN(const Millis by, parseDuration(text));
    if (engine_.now() + by > kLatestTime) {
      return makeError(ErrorCode::InvalidArgument, "the clock goes up to 9999-12-31 only");
    }
    fired += engine_.advance(by);
  }
  if (body.contains("to")) {
    HNEMU_ASSIGN_OR_RETURN(const std::string text, stringField(body, "to", true));
    HNEMU_ASSIGN_OR_RETURN(const TimePoint target, parseIso8601(text));
    if (target > kLatestTime) {
      return makeError(ErrorCode::InvalidArgument, "the clock goes up to 9999-12-31 only");
    }
    HNEMU_ASSIGN_OR_RETURN(const size_t moved, engine_.advanceTo(target));
    fired += moved;
  }
  if (body.value("next_timer", false)) {
    fired += engine_.fireNextTimer();
  }
  json out = clockJson();
  out["timers_fired"] = fired;
  return ControlReply(std::move(out));
}

// The whole state (of one provider with ?provider=), or with ?since=CURSOR (0 the first time)
// only what changed after the cursor, a page of ?limit= (default 1000) at a time.
Result<ControlReply> ControlApi::getState(HttpRequest& request) {
  const std::optional<std::string> provider = request.queryValue("provider");
  const auto& known = engine_.providers();
  if (provider && std::none_of(known.begin(), known.end(),
                               [&](const auto& each) { return each->name() == *provider; })) {
    return makeError(ErrorCode::NotFound, "no provider '" + *provider + "'");
  }
  if (request.queryValue("since") || request.queryValue("limit")) {
    constexpr uint64_t kMostChanges = 10'000;
    HNEMU_ASSIGN_OR_RETURN(const uint64_t since, countParam(request, "since", 0));
    HNEMU_ASSIGN_OR_RETURN(const uint64_t limit, countParam(request, "limit", 1000));
    if (limit == 0 || limit > kMostChanges) {
      return makeError(ErrorCode::InvalidArgument,
                       "'limit' must be between 1 and " + std::to_string(kMostChanges));
    }
    return ControlReply(engine_.stateChanges(since, limit, provider.value_or("")));
  }
  json state = engine_.state();
  if (provider) {
    return ControlReply(state[*provider]);
  }
  return ControlReply(std::move(state));
}

// The loaded scenario's expectations, judged against the state now: the harness's verdict for
// test suites that drive the flow themselves (no client process, so no client expectation).
Result<ControlReply> ControlApi::expectations(HttpRequest&) {
  std::optional<Scenario> scenario;
  {
    std::lock_guard lock(scenario_mutex_);
    scenario = scenario_;
  }
  if (!scenario || scenario->expect.empty()) {
    return makeError(ErrorCode::NotFound,
                     "no scenario with expectations is loaded (PUT /__hnemu/scenario)");
  }
  json results = json::array();
  bool passed = true;
  for (const ExpectationResult& result : evaluate(*scenario, recordOf(engine_), std::nullopt)) {
    passed = passed && result.passed;
    results.push_back(resultJson(result));
  }
  return ControlReply(json{{"scenario", scenario->name},
                           {"provider", scenario->provider},
                           {"passed", passed},
                           {"expectations", std::move(results)}});
}

Result<ControlReply> ControlApi::coverage(HttpRequest& request) {
  const std::string provider = request.queryValue("provider").value_or("");
  std::lock_guard lock(coverage_mutex_);
  for (bool more = true; more;) {
    constexpr size_t kBatch = 10'000;
    const json page = engine_.stateChanges(coverage_cursor_, kBatch, "");
    if (page["generation"] != coverage_generation_) {
      // A reset: what was covered before it is gone; read the feed again from its start.
      coverage_tally_.clear();
      coverage_generation_ = page["generation"];
      coverage_cursor_ = 0;
      continue;
    }
    for (const json& change : page["changes"]) {
      if (!change["item"].is_null()) {
        coverage_tally_.add(change["provider"], change["collection"], change["item"]);
      }
    }
    coverage_cursor_ = page["cursor"];
    more = page["more"];
  }
  return ControlReply(json{{"coverage", coverageJson(coverage_tally_.coverage(provider))}});
}

// ?after=SEQUENCE&limit=N pages forward; ?last=N gives the newest N.
Result<ControlReply> ControlApi::journal(HttpRequest& request) {
  HNEMU_ASSIGN_OR_RETURN(const uint64_t after, countParam(request, "after", 0));
  HNEMU_ASSIGN_OR_RETURN(const uint64_t limit, countParam(request, "limit", UINT64_MAX));
  HNEMU_ASSIGN_OR_RETURN(const uint64_t last, countParam(request, "last", UINT64_MAX));
  const Journal& journal = engine_.journal();
  json entries = json::array();
  const auto selected = request.queryValue("last")
                            ? journal.newest(static_cast<size_t>(last))
                            : journal.entries(after, static_cast<size_t>(limit));
  for (const JournalEntry& entry : selected) {
    entries.push_back(journalEntryJson(entry));
  }
  return ControlReply(json{{"capacity", journal.capacity()},
                           {"size", journal.size()},
                           {"dropped", journal.dropped()},
                           {"generation", journal.generation()},
                           {"entries", std::move(entries)}});
}

// ?last=N gives the newest N deliveries; the counts say what is queued and what was dropped.
Result<ControlReply> ControlApi::webhooks(HttpRequest& request) {
  HNEMU_ASSIGN_OR_RETURN(const uint64_t last, countParam(request, "last", UINT64_MAX));
  const WebhookCounts counts = engine_.webhooks().counts();
  json deliveries = json::array();
  for (const Delivery& delivery : engine_.webhooks().newest(static_cast<size_t>(last))) {
    deliveries.push_back(deliveryJson(delivery));
  }
  return ControlReply(json{{"queued", counts.queued},
                           {"in_flight", counts.in_flight},
                           {"dropped", counts.dropped},
                           {"log_entries", counts.log_entries},
                           {"log_bytes", counts.log_bytes},
                           {"deliveries", std::move(deliveries)}});
}

// ?to=NUMBER filters; ?last=N keeps each provider's newest N (before the filter).
Result<ControlReply> ControlApi::calls(HttpRequest& request) {
  HNEMU_ASSIGN_OR_RETURN(const uint64_t last, countParam(request, "last", UINT64_MAX));
  json calls = engine_.calls(static_cast<size_t>(last));
  if (const auto to = request.queryValue("to")) {
    json filtered = json::array();
    for (const json& call : calls) {
      if (call.value("to", "") == *to) {
        filtered.push_back(call);
      }
    }
    calls = std::move(filtered);
  }
  return ControlReply(json{{"calls", std::move(calls)}});
}

// ?number=NUMBER filters; ?last=N keeps each provider's newest N that match.
Result<ControlReply> ControlApi::inbox(HttpRequest& request) {
  HNEMU_ASSIGN_OR_RETURN(const uint64_t last, countParam(request, "last", UINT64_MAX));
  return ControlReply(
      json{{"messages", engine_.inbox(request.queryValue("number"), static_cast<size_t>(last))}});
}

// Loads a world (YAML or JSON, as in a --scenario file) and resets to it.
Result<ControlReply> ControlApi::putScenario(HttpRequest& request) {
  HNEMU_ASSIGN_OR_RETURN(
      Scenario scenario,
      parseScenario(request.body, request.header(kScenarioSourceHeader).value_or("request body")));
  return loaded(std::move(scenario));
}

Result<ControlReply> ControlApi::getScenario(HttpRequest&) {
  std::lock_guard lock(scenario_mutex_);
  return ControlReply(json{{"scenario", scenario_ ? scenarioSummary(*scenario_) : json(nullptr)}});
}

// The files under `hnemu serve --scenarios DIR`, for the console's picker.
Result<ControlReply> ControlApi::listScenarios(HttpRequest&) {
  const std::string& directory = engine_.options().scenarios_dir;
  json scenarios = json::array();
  for (const std::string& file : scenarioFilesUnder(directory)) {
    json entry = {{"file", file}};
    auto scenario = hnemu::loadScenarioFile(directory + "/" + file);
    if (scenario.ok()) {
      entry.update(scenarioSummary(scenario.value()));
    } else {
      entry["error"] = scenario.error().message;
    }
    scenarios.push_back(std::move(entry));
  }
  return ControlReply(json{{"directory", directory}, {"scenarios", std::move(scenarios)}});
}

// {"file":"twilio/happy_path.yaml"}: one of the files GET /__hnemu/scenarios lists, and only
// those, so the body cannot name a path outside the folder. A file that can be read never gets
// here: prepare() turned the request into a PUT of its content.
Result<ControlReply> ControlApi::loadScenarioFile(HttpRequest& request) {
  HNEMU_ASSIGN_OR_RETURN(const std::string file, listedScenarioFile(request));
  return makeError(ErrorCode::NotFound, file + ": cannot read the file");
}

Result<ControlReply> ControlApi::getFaults(HttpRequest&) {
  json rules = json::array();
  for (const FaultRule& rule : engine_.faults().rules()) {
    rules.push_back(faultJson(rule));
  }
  return ControlReply(json{{"faults", std::move(rules)}});
}

// {"provider":"telnyx","method":"POST","path":"/v2/messaging_hosted_number_orders",
//  "status":503,"times":2,"retry_after":0}
Result<ControlReply> ControlApi::addFault(HttpRequest& request) {
  HNEMU_ASSIGN_OR_RETURN(const json body, jsonObjectBody(request.body));
  HNEMU_ASSIGN_OR_RETURN(const FaultRule rule, decodeFault(body, providerNames()));
  return ControlReply(json{{"id", engine_.faults().add(rule)}}, 201);
}

Result<ControlReply> ControlApi::clearFaults(HttpRequest&) {
  engine_.faults().clear();
  return ControlReply(json{{"faults", json::array()}});
}

}  // namespace hnemu
