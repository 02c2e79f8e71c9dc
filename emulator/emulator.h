#pragma once

#include <memory>
#include <optional>
#include <string>

#include "engine/engine.h"

namespace hnemu {

class ControlApi;
class HttpServer;
struct Scenario;

// Whether `host` resolves only to loopback addresses.
bool isLoopbackHost(const std::string& host);

// The whole emulator: the engine (providers, clock, journal, webhooks, durable inputs), the
// control API under /__hnemu/, and an HTTP server. One core, two transports: tests call handle()
// with no socket, or start() it on an ephemeral port; the `hnemu` binary does the same.
class Emulator : public Engine {
 public:
  explicit Emulator(EmulatorOptions options = {});
  ~Emulator();
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  // Binds and serves on a background thread; returns the bound port.
  Result<int> start();
  void stop();
  std::string url() const;
  int port() const { return port_; }

  // loadWorld, and keeps the scenario's expectations for GET /__hnemu/expectations.
  void loadScenario(Scenario scenario);
  // The scenario loaded last (by loadScenario() or PUT /__hnemu/scenario), if any.
  std::optional<Scenario> loadedScenario();

 private:
  std::unique_ptr<ControlApi> control_api_;
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
};

}  // namespace hnemu
