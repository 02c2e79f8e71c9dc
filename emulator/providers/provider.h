#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/change_feed.h"
#include "core/clock.h"
#include "core/exploration.h"
#include "core/ids.h"
#include "core/input.h"
#include "core/provider_timers.h"
#include "core/resource_watch.h"
#include "core/router.h"
#include "core/state_machine.h"
#include "core/webhooks.h"

// The one seam between a provider and the rest of hnemu. A provider is its folder under
// emulator/providers/ and one line in registry.cpp; nothing else names it. The generic parts
// (engine, control API, world files, scenario expectations, coverage, the harness, the console)
// read what they need from these two interfaces. Steps to add one: providers/README.md.
namespace hnemu {

// The core services a provider is built on.
struct ProviderContext {
  Clock& clock;
  IdGenerator& ids;
  WebhookDispatcher& webhooks;
  // Changes to what clients poll (an order's status) and the client seeing them: the auto clock
  // waits for the client to see a change before it moves on. Key: the order's id.
  ResourceWatch& watch;
  // Every change to a resource of the state dump is said here (ChangeScope::touch), so that
  // readers of the state can read only what changed (GET /__hnemu/state?since=).
  ChangeFeed& changes;
  size_t max_body_bytes = 1024 * 1024;
  size_t max_upload_bytes = 10 * 1024 * 1024;  // document uploads (LOA, bills)
  // Bandwidth documents 5000 TNs per checker or order; Telnyx documents no limit, so it shares
  // Bandwidth's (README, "Limits").
  size_t max_numbers_per_order = 5000;
};

struct StateCollection {
  std::string name;      // as in the state dump, e.g. "hosted_number_orders"
  std::string id_field;  // e.g. "sid"
};

// A provider's decoded section of a world file: its accounts, number profiles and rules.
class WorldSection {
 public:
  virtual ~WorldSection() = default;
  // Whether the section gives a profile for the number (in the provider's own spelling).
  virtual bool declares(const std::string& number_key) const = 0;
};

// A control API answer: its status and JSON body.
struct ControlReply {
  int status = 200;
  nlohmann::json body;
  ControlReply(nlohmann::json reply_body, int reply_status = 200)  // NOLINT: a body is a reply
      : status(reply_status), body(std::move(reply_body)) {}
};
using ControlHandler = std::function<Result<ControlReply>(HttpRequest&)>;

// One of a provider's routes under /__hnemu/<provider>/...: the provider's side of a flow
// (the carrier decides, the signer signs), number profiles and rules. Handlers run with the
// emulator's state lock held, as API routes do.
struct ControlRoute {
  std::string method;
  std::string path;
  ControlHandler handler;
};

class Provider;

// The items of a collection in a provider's state dump that `matches` accepts, oldest (lowest
// "sequence") first: what ProviderKind::ordersFor usually is.
std::vector<nlohmann::json> itemsBySequence(
    const nlohmann::json& state, const char* collection,
    const std::function<bool(const nlohmann::json&)>& matches);

// The console acting as a provider's client (ProviderKind::consoleDescription, "client" and a
// resource's "steps"; the shape is in providers/README.md): one request a person fills in and
// sends, and one field of it (its name in the request, its label for people, and any of value,
// from, options, list, element, file, optional, fixed in `more`).
nlohmann::json consoleRequest(const std::string& label, const std::string& method,
                              const std::string& path, const std::string& format,
                              nlohmann::json fields,
                              nlohmann::json more = nlohmann::json::object());
nlohmann::json consoleField(const std::string& name, const std::string& label,
                            nlohmann::json more = nlohmann::json::object());

// What is known of a provider before any emulator exists: its description, read by the generic
// parts, and how to decode its world-file section.
class ProviderKind {
 public:
  virtual ~ProviderKind() = default;
  virtual std::string_view name() const = 0;   // in paths, world files, scenarios: "twilio"
  virtual std::string_view title() const = 0;  // for people: "Twilio"
  virtual std::unique_ptr<Provider> create(const ProviderContext& context) const = 0;

  // Its section of a world file (or of PUT /__hnemu/scenario), by the provider's own rules.
  virtual Result<std::shared_ptr<const WorldSection>> decodeWorld(const Input& section) const = 0;
  // The provider's own spelling of a number, "" when `text` is not one; and what one looks like.
  virtual std::string numberKey(const std::string& text) const = 0;
  virtual std::string_view numberForm() const = 0;

  // Its documented lifecycles: transition coverage, and the statuses expectations may name.
  virtual std::vector<StateMachine> lifecycles() const = 0;
  // How the world steers them for one number, for `hnemu explore` (none: it cannot be explored).
  virtual Exploration exploration() const { return {}; }

  // For scenario expectations, read from the provider's part of the state dump. "Orders" are
  // the resources a client creates for numbers; expect.orders names their statuses.
  virtual std::vector<std::string> orderStatuses() const = 0;
  // The orders created for a number, oldest first.
  virtual std::vector<nlohmann::json> ordersFor(const nlohmann::json& state,
                                                const std::string& number) const = 0;
  virtual std::string orderId(const nlohmann::json& order) const = 0;
  // Whether orders carry a failure reason (expect.orders[].reason_contains).
  virtual bool ordersHaveFailureReason() const { return false; }
  // Numbers with a status of their own (expect.numbers[].status): the statuses, and a number's
  // status in an order. None by default.
  virtual std::vector<std::string> numberStatuses() const { return {}; }
  virtual std::optional<std::string> numberStatus(const nlohmann::json& order,
                                                  const std::string& number) const;
  // Numbers that are in service or not (expect.numbers[].in_service).
  virtual bool tracksNumbersInService() const { return false; }
  virtual bool inService(const nlohmann::json& state, const std::string& number) const;

  // What `hnemu conform` gives a client (HNEMU_<PROVIDER>_...), from the provider's state dump.
  virtual std::map<std::string, std::string> clientEnvironment(
      const nlohmann::json& state) const = 0;
  // What the console shows of the provider's resources and which of its side's actions it
  // offers (read by console.js; emulator/providers/README.md describes the shape).
  virtual nlohmann::json consoleDescription() const = 0;
};

// One provider inside one emulator. Routes, control routes and timers run with the emulator's
// state lock held, so a provider's state needs no locking of its own.
class Provider {
 public:
  virtual ~Provider() = default;
  virtual const ProviderKind& kind() const = 0;
  std::string_view name() const { return kind().name(); }

  virtual void registerRoutes(Router& router) = 0;
  virtual std::vector<ControlRoute> controlRoutes() = 0;

  // The documented test credentials, for an emulator that starts with default accounts.
  virtual void addDefaultAccounts() = 0;
  // The world a scenario describes (null: the scenario has no section for this provider, and
  // its world stays as it is); a reset follows.
  virtual void loadWorld(const WorldSection* section) = 0;
  // Drops every resource and pending effect; keeps the configured world (accounts, numbers).
  virtual void reset() = 0;
  virtual void dumpState(nlohmann::json& out) const = 0;
  // The collections of dumpState (its members that are lists of objects), each with the field
  // that names an item.
  virtual std::vector<StateCollection> collections() const = 0;
  // One item of a collection, as dumpState writes it; null once it is gone.
  virtual nlohmann::json dumpItem(std::string_view collection, std::string_view id) const = 0;
  // The verification inbox (codes that reached numbers) and calls, for providers that have them:
  // the newest `newest`, oldest first.
  virtual nlohmann::json inbox(const std::optional<std::string>& number, size_t newest) const;
  virtual nlohmann::json calls(size_t newest) const;

  // --state compaction. A copy of the provider's whole state (its world, resources and counters),
  // taken under the state lock, that writes itself as JSON when called, off the lock (any bytes
  // kept: the engine writes it as CBOR); null when it cannot be saved, and then its --state file
  // is never compacted. restoreState() takes the JSON back into a provider just created on the
  // same start; its pending timers come back through rearmTimer(), in the clock's order.
  virtual std::function<nlohmann::json()> saveState() const { return nullptr; }
  virtual Status restoreState(const nlohmann::json& saved);
  // The pending timer the clock knows as `clock_id`, as data, if it is this provider's.
  virtual std::optional<ProviderTimers::Armed> pendingTimer(uint64_t clock_id) const;
  virtual Status rearmTimer(TimePoint due, ProviderTimers::Armed timer);

  // The provider's own error for an HTTP status, for injected faults and the server's refusals.
  virtual HttpResponse errorForStatus(int status, const HttpRequest& request) const = 0;
  // The largest body this request may carry, from its head alone (method, path, headers): the
  // server refuses a larger Content-Length before reading the body.
  virtual size_t bodyLimit(const HttpRequest& head) const = 0;
};

}  // namespace hnemu
