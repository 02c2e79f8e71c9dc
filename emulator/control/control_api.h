#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/http_types.h"
#include "core/router.h"
#include "engine/engine.h"
#include "scenario/coverage.h"
#include "scenario/scenario.h"

namespace hnemu {

// The file a PUT /__hnemu/scenario's content came from, for the scenario's `source`.
inline constexpr const char* kScenarioSourceHeader = "X-Hnemu-Scenario-Source";

// Every test-only control under /__hnemu/ (house rule 5): the generic ones here (reset, clock,
// state, journal, webhooks, scenarios, expectations, coverage, faults, the console) and each
// provider's own under /__hnemu/<provider>/. Reads have no side effects. Reference: README.md
// beside this file.
class ControlApi : public ControlSurface {
 public:
  explicit ControlApi(Engine& engine);

  std::optional<HttpResponse> refusal(const HttpRequest& request) const override;
  // POST /__hnemu/scenarios/load names a file whose content may change later: the request
  // becomes a PUT /__hnemu/scenario of the content, so that what is applied (and recorded in a
  // state file) is the content itself.
  void prepare(HttpRequest& request) const override;
  HttpResponse handle(HttpRequest& request) override;
  HttpResponse errorForStatus(int status) const override;

  // Resets to the scenario's world and keeps the scenario for GET /__hnemu/expectations.
  HttpResponse load(Scenario scenario);
  // The scenario loaded last (by load() or PUT /__hnemu/scenario), if any.
  std::optional<Scenario> loadedScenario();

 private:
  struct Route {
    const char* method;
    const char* path;
    Result<ControlReply> (ControlApi::*handler)(HttpRequest& request);
  };
  static const std::vector<Route>& routeTable();

  Result<ControlReply> health(HttpRequest& request);
  Result<ControlReply> reset(HttpRequest& request);
  Result<ControlReply> getClock(HttpRequest& request);
  Result<ControlReply> moveClock(HttpRequest& request);
  Result<ControlReply> getState(HttpRequest& request);
  Result<ControlReply> expectations(HttpRequest& request);
  Result<ControlReply> coverage(HttpRequest& request);
  Result<ControlReply> journal(HttpRequest& request);
  Result<ControlReply> webhooks(HttpRequest& request);
  Result<ControlReply> calls(HttpRequest& request);
  Result<ControlReply> inbox(HttpRequest& request);
  Result<ControlReply> putScenario(HttpRequest& request);
  Result<ControlReply> getScenario(HttpRequest& request);
  Result<ControlReply> listScenarios(HttpRequest& request);
  Result<ControlReply> loadScenarioFile(HttpRequest& request);
  Result<ControlReply> getFaults(HttpRequest& request);
  Result<ControlReply> addFault(HttpRequest& request);
  Result<ControlReply> clearFaults(HttpRequest& request);
  Result<ControlReply> providers(HttpRequest& request);

  bool authorized(const HttpRequest& request) const;
  std::optional<std::string> crossSiteRefusal(const HttpRequest& request) const;
  // The path of the scenario file a scenarios/load body names, if the folder lists it.
  Result<std::string> listedScenarioFile(const HttpRequest& request) const;
  nlohmann::json clockJson() const;
  ControlReply loaded(Scenario scenario);

  Engine& engine_;
  Router router_;           // the generic routes
  Router provider_router_;  // the providers' own: run with the state lock held
  std::mutex scenario_mutex_;
  std::optional<Scenario> scenario_;  // the last one loaded
  // Coverage, read from the change feed as far as its cursor.
  std::mutex coverage_mutex_;
  CoverageTally coverage_tally_;
  uint64_t coverage_generation_ = 0;
  uint64_t coverage_cursor_ = 0;
};

}  // namespace hnemu
