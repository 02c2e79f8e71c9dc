#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string_view>

#include "core/clock.h"
#include "core/ids.h"
#include "core/router.h"
#include "core/state_machine.h"
#include "core/webhooks.h"

namespace hnemu {

// The core services a provider is built on.
struct ProviderContext {
  Clock& clock;
  IdGenerator& ids;
  WebhookDispatcher& webhooks;
  size_t max_body_bytes = 1024 * 1024;
  size_t max_upload_bytes = 10 * 1024 * 1024;  // document uploads (LOA, bills)
  // Bandwidth documents 5000 TNs per checker or order; Telnyx documents no limit, so it shares
  // Bandwidth's (README, "Limits").
  size_t max_numbers_per_order = 5000;
};

// What every provider plugs into the core. Routes run with the emulator's state lock held;
// timers fire under the same lock, so a provider's state needs no locking of its own.
class Provider {
 public:
  virtual ~Provider() = default;
  virtual std::string_view name() const = 0;
  virtual void registerRoutes(Router& router) = 0;
  // Drops every resource and pending effect; keeps the configured world (accounts, numbers).
  virtual void reset() = 0;
  virtual void dumpState(nlohmann::json& out) const = 0;
  // The lifecycles whose histories dumpState records, for transition coverage.
  virtual std::vector<StateMachine> stateMachines() const = 0;
  // The provider's own error for an HTTP status, for injected faults and the server's refusals.
  virtual HttpResponse errorForStatus(int status, const HttpRequest& request) const = 0;
  // The largest body this request may carry, from its head alone (method, path, headers): the
  // server refuses a larger Content-Length before reading the body.
  virtual size_t bodyLimit(const HttpRequest& head) const = 0;
};

}  // namespace hnemu
