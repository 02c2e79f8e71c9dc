#pragma once

#include <mutex>
#include <optional>

#include "core/http_types.h"
#include "core/router.h"
#include "scenario/scenario.h"

namespace hnemu {

class Emulator;

// Every test-only control under /__hnemu/ (house rule 5). Reads have no side effects.
class ControlApi {
 public:
  explicit ControlApi(Emulator& emulator);
  HttpResponse handle(HttpRequest& request);
  // Resets to the scenario's world and keeps the scenario for GET /__hnemu/expectations.
  HttpResponse load(Scenario scenario);

 private:
  void registerRoutes();
  bool authorized(const HttpRequest& request) const;
  Router router_;
  Emulator& emulator_;
  std::mutex scenario_mutex_;
  std::optional<Scenario> scenario_;  // the last one PUT /__hnemu/scenario loaded
};

}  // namespace hnemu
