// The public hnemu::Emulator: each call is a control API request answered in process by the
// backend, and each answer's JSON (emulator/control/README.md) becomes the public types.
#include <hnemu/emulator.h>

#include <cctype>
#include <nlohmann/json.hpp>

#include "library/backend.h"

namespace hnemu {
inline namespace api {
namespace {

using nlohmann::json;

std::string clockName(ClockMode mode) {
  switch (mode) {
    case ClockMode::Auto:
      return "auto";
    case ClockMode::Realtime:
      return "realtime";
    case ClockMode::Manual:
      break;
  }
  return "manual";
}

// A query value, %-encoded (a "+" in a number would otherwise read as a space).
std::string encoded(const std::string& value) {
  static const char* const kHex = "0123456789ABCDEF";
  std::string out;
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0f];
    }
  }
  return out;
}

std::string withQuery(std::string target, const char* name, const std::string& value) {
  return value.empty() ? target : target + "?" + name + "=" + encoded(value);
}

// The answer's JSON; an Error with the control API's message when it is not 2xx (`request`, when
// given, says which request it was).
json parsed(const library::Answer& answer, const std::string& request = "") {
  json body = json::parse(answer.body, nullptr, /*allow_exceptions=*/false);
  if (!answer.ok()) {
    std::string message = answer.body;
    if (body.is_object() && body.contains("error") && body["error"].is_object()) {
      message = body["error"].value("message", message);
    }
    throw Error(
        answer.status,
        request.empty() ? message : request + ": " + std::to_string(answer.status) + " " + message);
  }
  return body;
}

std::string text(const json& object, const char* key) {
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

template <class Number>
Number number(const json& object, const char* key) {
  const auto found = object.find(key);
  return found != object.end() && found->is_number() ? found->get<Number>() : Number{};
}

bool flag(const json& object, const char* key) {
  const auto found = object.find(key);
  return found != object.end() && found->is_boolean() && found->get<bool>();
}

// The array under `key`, taken out of `object` (by value: a range-for over it outlives `object`).
json list(json object, const char* key) {
  const auto found = object.find(key);
  return found != object.end() && found->is_array() ? std::move(*found) : json::array();
}

ScenarioInfo scenarioInfo(const json& loaded) {
  const json& scenario = loaded.at("scenario");
  return ScenarioInfo{text(scenario, "name"), text(scenario, "description"),
                      text(scenario, "provider"), text(scenario, "source"),
                      number<std::size_t>(scenario, "expectations")};
}

}  // namespace

struct Emulator::Impl {
  std::unique_ptr<library::Backend> backend;

  json call(const std::string& method, const std::string& target, const json& body = nullptr) {
    return parsed(backend->control(method, target, body.is_null() ? "" : body.dump(),
                                   "application/json", ""));
  }
};

Emulator::Emulator(Options options) : impl_(std::make_unique<Impl>()) {
  library::BackendOptions settings;
  settings.seed = options.seed;
  settings.clock = clockName(options.clock);
  settings.start = options.start;
  settings.port = options.port;
  settings.default_accounts = options.default_accounts;
  try {
    impl_->backend = library::makeBackend(settings);
  } catch (const std::invalid_argument& invalid) {
    throw Error(400, invalid.what());
  }
}

Emulator::~Emulator() = default;

void Emulator::start() { parsed(impl_->backend->start()); }

void Emulator::stop() { impl_->backend->stop(); }

bool Emulator::running() const { return impl_->backend->running(); }

std::string Emulator::url() const {
  if (!running()) {
    throw Error(409, "the emulator is not running: start() it first");
  }
  return impl_->backend->url();
}

int Emulator::port() const { return impl_->backend->port(); }

std::size_t Emulator::advance(std::chrono::milliseconds by) {
  return advance(std::to_string(by.count()) + "ms");
}

std::size_t Emulator::advance(const std::string& duration) {
  return number<std::size_t>(impl_->call("POST", "/__hnemu/clock", {{"advance", duration}}),
                             "timers_fired");
}

std::size_t Emulator::runUntilIdle(std::size_t max_timers) {
  return impl_->backend->runUntilIdle(max_timers);
}

bool Emulator::waitForWebhooks(std::chrono::milliseconds timeout) {
  return impl_->backend->waitForWebhooks(timeout);
}

void Emulator::setClock(ClockMode mode) {
  impl_->call("POST", "/__hnemu/clock", {{"mode", clockName(mode)}});
}

std::string Emulator::now() const { return text(impl_->call("GET", "/__hnemu/clock"), "now"); }

void Emulator::reset() { impl_->call("POST", "/__hnemu/reset", json::object()); }

void Emulator::reset(std::uint64_t seed) {
  impl_->call("POST", "/__hnemu/reset", {{"seed", seed}});
}

ScenarioInfo Emulator::loadScenarioFile(const std::string& path) {
  return scenarioInfo(parsed(impl_->backend->loadScenarioFile(path)));
}

ScenarioInfo Emulator::loadScenario(const std::string& yaml, const std::string& source) {
  return scenarioInfo(parsed(
      impl_->backend->control("PUT", "/__hnemu/scenario", yaml, "application/yaml", source)));
}

Verdict Emulator::expectations() const {
  const json judged = impl_->call("GET", "/__hnemu/expectations");
  Verdict verdict{text(judged, "scenario"), text(judged, "provider"), flag(judged, "passed"), {}};
  for (const json& result : list(judged, "expectations")) {
    verdict.results.push_back({text(result, "what"), text(result, "where"), flag(result, "passed"),
                               text(result, "expected"), text(result, "actual")});
  }
  return verdict;
}

std::vector<Coverage> Emulator::coverage(const std::string& provider) const {
  std::vector<Coverage> out;
  for (const json& each :
       list(impl_->call("GET", withQuery("/__hnemu/coverage", "provider", provider)), "coverage")) {
    Coverage lifecycle{text(each, "provider"), text(each, "machine"), {}, {}, {}};
    for (const json& seen : list(each, "states")) {
      lifecycle.states.push_back({text(seen, "state"), flag(seen, "seen")});
    }
    for (const json& transition : list(each, "transitions")) {
      lifecycle.transitions.push_back(
          {text(transition, "from"), text(transition, "to"), flag(transition, "seen")});
    }
    for (const json& transition : list(each, "undocumented")) {
      lifecycle.undocumented.push_back({text(transition, "from"), text(transition, "to"), true});
    }
    out.push_back(std::move(lifecycle));
  }
  return out;
}

std::vector<InboxMessage> Emulator::inbox(const std::string& phone_number) const {
  std::vector<InboxMessage> out;
  for (const json& message :
       list(impl_->call("GET", withQuery("/__hnemu/inbox", "number", phone_number)), "messages")) {
    out.push_back({text(message, "provider"), text(message, "to"), text(message, "method"),
                   text(message, "body"), text(message, "code"), text(message, "sent_at"),
                   text(message, "delivered_at"), message.dump()});
  }
  return out;
}

std::vector<Call> Emulator::calls(const std::string& phone_number) const {
  std::vector<Call> out;
  for (const json& call :
       list(impl_->call("GET", withQuery("/__hnemu/calls", "to", phone_number)), "calls")) {
    out.push_back({text(call, "provider"), text(call, "call_sid"), text(call, "to"),
                   number<int>(call, "attempt"), text(call, "code"), text(call, "outcome"),
                   text(call, "placed_at"), call.dump()});
  }
  return out;
}

std::vector<WebhookDelivery> Emulator::webhooks() const {
  std::vector<WebhookDelivery> out;
  for (const json& delivery : list(impl_->call("GET", "/__hnemu/webhooks"), "deliveries")) {
    WebhookDelivery record{number<std::uint64_t>(delivery, "id"),
                           text(delivery, "provider"),
                           text(delivery, "event"),
                           text(delivery, "status"),
                           text(delivery, "resource_id"),
                           text(delivery, "method"),
                           text(delivery, "url"),
                           text(delivery, "body"),
                           text(delivery, "state"),
                           {},
                           delivery.dump()};
    for (const json& attempt : list(delivery, "attempts")) {
      record.attempts.push_back({number<int>(attempt, "number"), text(attempt, "time"),
                                 text(attempt, "url"), flag(attempt, "tampered"),
                                 flag(attempt, "connected"), number<int>(attempt, "status"),
                                 text(attempt, "error")});
    }
    out.push_back(std::move(record));
  }
  return out;
}

std::vector<JournalEntry> Emulator::journal() const {
  std::vector<JournalEntry> out;
  for (const json& entry : list(impl_->call("GET", "/__hnemu/journal"), "entries")) {
    out.push_back({number<std::uint64_t>(entry, "sequence"), text(entry, "time"),
                   text(entry, "method"), text(entry, "path"), text(entry, "query"),
                   number<int>(entry, "status"), text(entry, "provider"), text(entry, "account"),
                   text(entry, "route"), text(entry, "request_body"), text(entry, "response_body"),
                   entry.dump()});
  }
  return out;
}

std::string Emulator::state(const std::string& provider) const {
  const library::Answer answer =
      impl_->backend->control("GET", withQuery("/__hnemu/state", "provider", provider), "", "", "");
  parsed(answer);
  return answer.body;
}

std::vector<std::string> Emulator::timeline(std::size_t max_lines) const {
  return impl_->backend->timeline(max_lines);
}

std::string Emulator::report() const { return impl_->backend->report(); }

std::string Emulator::control(const std::string& method, const std::string& path,
                              const std::string& body) {
  const std::string target = "/__hnemu" + (path.rfind('/', 0) == 0 ? path : "/" + path);
  const library::Answer answer =
      impl_->backend->control(method, target, body, "application/json", "");
  parsed(answer, method + " " + target);
  return answer.body;
}

}  // namespace api
}  // namespace hnemu
