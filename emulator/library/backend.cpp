#include "library/backend.h"

#include <atomic>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "control/control_api.h"
#include "core/clock.h"
#include "core/json_text.h"
#include "core/time.h"
#include "emulator.h"
#include "harness/conform.h"
#include "scenario/coverage.h"
#include "scenario/expectations.h"
#include "scenario/scenario.h"

namespace hnemu::library {
namespace {

// How long runUntilIdle waits, after each timer, for the webhooks it sent (as hnemu conform).
constexpr Millis kWebhookSettle{10'000};

Answer problem(int status, const std::string& message) {
  return Answer{status,
                jsonText(nlohmann::json{{"error", {{"status", status}, {"message", message}}}})};
}

EmulatorOptions emulatorOptions(const BackendOptions& options) {
  EmulatorOptions settings;
  settings.seed = options.seed;
  settings.port = options.port;
  settings.default_accounts = options.default_accounts;
  const auto mode = parseClockMode(options.clock);
  if (!mode.ok()) {
    throw std::invalid_argument(mode.error().message);
  }
  settings.clock_mode = mode.value();
  if (!options.start.empty()) {
    const auto start = parseIso8601(options.start);
    if (!start.ok()) {
      throw std::invalid_argument("start: " + start.error().message);
    }
    settings.start_time = start.value();
  }
  return settings;
}

class EmulatorBackend : public Backend {
 public:
  explicit EmulatorBackend(const BackendOptions& options) : emulator_(emulatorOptions(options)) {}

  Answer start() override {
    const auto port = emulator_.start();
    if (!port.ok()) {
      return problem(409, port.error().message);
    }
    running_ = true;
    return Answer{200, jsonText(nlohmann::json{{"port", port.value()}})};
  }
  void stop() override {
    emulator_.stop();
    running_ = false;
  }
  bool running() const override { return running_; }
  int port() const override { return emulator_.port(); }
  std::string url() const override { return emulator_.url(); }

  Answer control(const std::string& method, const std::string& target, const std::string& body,
                 const std::string& content_type, const std::string& source) override {
    auto request = requestFor(method, target, body);
    if (!request.ok()) {
      return problem(400, target + ": " + request.error().message);
    }
    // As a client on this machine sends it: the control API answers loopback hosts only.
    const std::string host = emulator_.options().host + ":" + std::to_string(emulator_.port());
    request.value().host = host;
    request.value().headers.emplace("Host", host);
    if (!body.empty()) {
      request.value().headers.emplace("Content-Type", content_type);
    }
    if (!source.empty()) {
      request.value().headers.emplace(kScenarioSourceHeader, source);
    }
    const HttpResponse response = emulator_.handle(request.value());
    return Answer{response.status, response.body};
  }

  Answer loadScenarioFile(const std::string& path) override {
    auto text = readScenarioFile(path);
    if (!text.ok()) {
      return problem(400, text.error().message);
    }
    return control("PUT", "/__hnemu/scenario", text.value(), "application/yaml", path);
  }

  size_t runUntilIdle(size_t max_timers) override {
    size_t fired = 0;
    (void)emulator_.waitForWebhooks(kWebhookSettle);
    while (fired < max_timers && emulator_.clock().nextDue()) {
      const size_t now_fired = emulator_.fireNextTimer();
      if (now_fired == 0) {
        break;  // the next timer is past the end of time
      }
      fired += now_fired;
      (void)emulator_.waitForWebhooks(kWebhookSettle);
    }
    return fired;
  }

  bool waitForWebhooks(std::chrono::milliseconds timeout) override {
    return emulator_.waitForWebhooks(timeout);
  }

  std::vector<std::string> timeline(size_t max_lines) override {
    return conform::timeline(recordOf(emulator_), max_lines);
  }

  // conform's own report of a run, with no client process: the expectations judged from the
  // state, the scenario's provider's coverage, and the timeline.
  std::string report() override {
    conform::ScenarioRun run;
    run.record = recordOf(emulator_);
    if (auto scenario = emulator_.loadedScenario()) {
      run.scenario = std::move(*scenario);
      run.results = evaluate(run.scenario, run.record, std::nullopt);
      run.coverage =
          measureCoverage(emulator_.stateMachines(), run.record.state, run.scenario.provider);
    }
    return conform::textReport(run, /*verbose=*/true);
  }

 private:
  Emulator emulator_;
  std::atomic<bool> running_{false};
};

}  // namespace

std::unique_ptr<Backend> makeBackend(const BackendOptions& options) {
  return std::make_unique<EmulatorBackend>(options);
}

}  // namespace hnemu::library
