#pragma once

#include <mutex>
#include <optional>

#include "core/http_types.h"
#include "core/router.h"
#include "scenario/scenario.h"

namespace hnemu {

class Emulator;

// The file a PUT /__hnemu/scenario's content came from, for the scenario's `source`.
inline constexpr const char* kScenarioSourceHeader = "X-Hnemu-Scenario-Source";

// The largest control body is a scenario.
inline constexpr size_t kMaxControlBodyBytes = kMaxScenarioBytes;

// Every test-only control under /__hnemu/ (house rule 5). Reads have no side effects.
class ControlApi {
 public:
  explicit ControlApi(Emulator& emulator);
  // The answer to a request that may not use the control API at all (no admin token, another
  // site's page, a rebound DNS name), if it is one. Checked once, when a request arrives: a
  // replayed input passed it then, and a state file does not hold the token.
  std::optional<HttpResponse> refusal(const HttpRequest& request) const;
  HttpResponse handle(HttpRequest& request);
  // POST /__hnemu/scenarios/load names a file whose content may change later: the request
  // becomes a PUT /__hnemu/scenario of the content, so that what is applied (and recorded in a
  // state file) is the content itself.
  void inlineScenarioFile(HttpRequest& request) const;
  // The control API's own error body for a status the server raised before a route ran.
  HttpResponse errorForStatus(int status) const;
  // Resets to the scenario's world and keeps the scenario for GET /__hnemu/expectations.
  HttpResponse load(Scenario scenario);

 private:
  void registerRoutes();
  bool authorized(const HttpRequest& request) const;
  // The path of the scenario file a scenarios/load body names, if the folder lists it.
  Result<std::string> listedScenarioFile(const HttpRequest& request) const;
  std::optional<std::string> crossSiteRefusal(const HttpRequest& request) const;
  Router router_;
  Emulator& emulator_;
  std::mutex scenario_mutex_;
  std::optional<Scenario> scenario_;  // the last one PUT /__hnemu/scenario loaded
};

}  // namespace hnemu
