#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/faults.h"
#include "core/http_types.h"
#include "core/ids.h"
#include "core/journal.h"
#include "core/router.h"
#include "core/state_machine.h"
#include "core/webhooks.h"

namespace hnemu {

namespace twilio {
class TwilioProvider;
class Model;
struct World;
}  // namespace twilio
namespace telnyx {
class TelnyxProvider;
class Model;
struct World;
}  // namespace telnyx
namespace bandwidth {
class BandwidthProvider;
class Model;
struct World;
}  // namespace bandwidth
class Provider;
class ControlApi;
struct WorldFile;
struct Scenario;
class HttpServer;

inline constexpr std::string_view kVersion = "0.1.0";
inline constexpr std::string_view kDefaultTwilioAccountSid = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
inline constexpr std::string_view kDefaultTwilioAuthToken = "your_auth_token";

struct EmulatorOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: the OS picks a free port
  uint64_t seed = 1;
  ClockMode clock_mode = ClockMode::Manual;
  // Auto mode jumps to the next timer once no request or webhook has been in flight for this
  // long (wall time): long enough for a client to react to a webhook, short enough that a
  // 7-day flow takes milliseconds. A client polling in a tight loop holds the clock still.
  Millis auto_quiet{50};
  // Virtual time at start and after every reset; fixed so runs are reproducible.
  TimePoint start_time = TimePoint(Millis(1'767'603'600'000));  // 2026-01-05T09:00:00Z, a Monday
  size_t max_body_bytes = 1024 * 1024;
  size_t max_upload_bytes = 10 * 1024 * 1024;
  size_t max_numbers_per_order = 5000;
  size_t journal_capacity = 10'000;
  size_t webhook_log_capacity = 10'000;
  // Caps the providers' webhook connect and read timeouts (wall time); zero keeps theirs
  // (Twilio 5 s + 15 s, Telnyx 2 s + 2 s, Bandwidth 5 s + 10 s).
  Millis webhook_timeout_cap{0};
  // Where the console and POST /__hnemu/scenarios/load find scenario files; empty: nowhere.
  std::string scenarios_dir;
  // When set, every /__hnemu/ request but the console's files and /__hnemu/health must carry
  // "Authorization: Bearer <token>" (or X-Hnemu-Admin-Token), so a shared runner's other jobs
  // cannot reset or reconfigure this one.
  std::string admin_token;
  // start() refuses an address other than loopback unless this is set: the emulator accepts
  // well-known test credentials and must not be reachable from the network by accident.
  bool allow_remote = false;
  bool default_accounts = true;  // a Twilio account with the documented test credentials
  std::shared_ptr<WebhookTransport> webhook_transport;  // null: real HTTP
};

bool isLoopbackHost(const std::string& host);

// One input that changed the emulator's state: a request that was not a read, or a step the clock
// driver took by itself. Replaying a run's inputs in order on the same base rebuilds its state,
// clock and pending timers exactly, since ids come from the seeded generator and time from the
// virtual clock.
struct RecordedInput {
  enum class Kind { Request, FireNextTimer, AdvanceTo };
  Kind kind = Kind::Request;
  TimePoint at;  // the virtual time it was applied at
  std::string method;
  std::string target;  // path and query as sent
  std::string path;    // decoded path, as the transport gave it
  Headers headers;
  std::string body;
};

// Where durable state goes (hnemu serve --state). append() runs with the state lock held and
// returns a ticket; the request is answered only once waitSaved(ticket) returns.
class InputLog {
 public:
  virtual ~InputLog() = default;
  virtual uint64_t append(RecordedInput input) = 0;
  virtual void waitSaved(uint64_t ticket) = 0;
};

// What a save holds besides the inputs, taken at one consistent instant.
struct DurableSnapshot {
  std::string state_digest;  // sha256 of state() and the pending timers
  TimePoint now;
  ClockMode mode = ClockMode::Manual;
  std::vector<Delivery> webhooks;
  uint64_t next_webhook_id = 1;
};

// The whole emulator: one core, two transports. Tests call handle() with no socket, or start()
// it on an ephemeral port; the `hnemu` binary does the same.
class Emulator {
 public:
  explicit Emulator(EmulatorOptions options = {});
  ~Emulator();
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  // Binds and serves on a background thread; returns the bound port.
  Result<int> start();
  void stop();
  std::string url() const;
  int port() const;

  // Answers one request, exactly as the HTTP server would.
  HttpResponse handle(HttpRequest& request);

  // Clock control, with the state lock held while timers fire.
  size_t advance(Millis by);
  Result<size_t> advanceTo(TimePoint target);
  size_t fireNextTimer();
  void setClockMode(ClockMode mode);
  TimePoint now() const;
  const Clock& clock() const { return clock_; }

  // Back to the loaded world's start: no resources, its faults re-armed, the clock at its start.
  void reset(std::optional<uint64_t> seed = std::nullopt);
  // Replaces the world (seed, clock, start time, accounts, number profiles, rules, faults),
  // then resets.
  void loadWorld(const WorldFile& world);
  // loadWorld, and keeps the scenario's expectations for GET /__hnemu/expectations.
  void loadScenario(Scenario scenario);
  nlohmann::json state() const;
  // Each provider's lifecycles, keyed by provider name, for transition coverage.
  std::vector<std::pair<std::string, StateMachine>> stateMachines() const;
  nlohmann::json calls() const;
  // The providers' routes (not the control API's).
  std::vector<RouteInfo> routes() const { return router_.routes(); }
  const Journal& journal() const { return journal_; }
  WebhookDispatcher& webhooks() { return *webhooks_; }
  [[nodiscard]] bool waitForWebhooks(Millis timeout) const;
  const EmulatorOptions& options() const { return options_; }
  uint64_t seed() const { return ids_.seed(); }

  // Runs f with the state lock held: the way to read or configure a provider's model.
  // Runs f(model) with the state lock held, for the provider whose world type is World
  // (twilio::World, telnyx::World, bandwidth::World): the way to read or configure a model.
  template <class World, class F>
  auto withWorld(F&& f) {
    std::lock_guard lock(state_mutex_);
    return f(modelOf(static_cast<World*>(nullptr)));
  }
  telnyx::TelnyxProvider& telnyxProvider() { return *telnyx_; }
  nlohmann::json inbox(const std::optional<std::string>& number) const;
  FaultInjector& faults() { return faults_; }

  // Durable state: from now on every state-changing input goes to `log` (null: none).
  void setInputLog(InputLog* log);
  // Applies one recorded input as it was first applied: no journal entry, no webhook sent, the
  // clock driver held still. Call it before start() while restoring.
  void replay(const RecordedInput& input);
  // Ends a replay: the clock resumes in `mode`, webhooks are sent again and the webhook log is the
  // saved one. The journal starts empty: it records requests, not state.
  void finishReplay(ClockMode mode, std::vector<Delivery> webhooks, uint64_t next_webhook_id);
  // Takes a snapshot at an instant when no input is half-applied; at_consistent_instant runs at
  // that instant (the log notes how many inputs the snapshot covers).
  DurableSnapshot snapshot(const std::function<void()>& at_consistent_instant);
  std::string stateDigest() const;

 private:
  friend class ControlApi;
  twilio::Model& modelOf(twilio::World*);
  telnyx::Model& modelOf(telnyx::World*);
  bandwidth::Model& modelOf(bandwidth::World*);
  const Provider* provider(std::string_view name) const;
  void driveClock();
  void wakeDriver();
  HttpResponse dispatch(HttpRequest& request, JournalEntry& entry);
  nlohmann::json stateLocked() const;
  std::string stateDigestLocked() const;

  EmulatorOptions options_;
  Clock clock_;
  IdGenerator ids_;
  Journal journal_;
  std::unique_ptr<WebhookDispatcher> webhooks_;
  Router router_;
  FaultInjector faults_;
  std::vector<FaultRule> world_faults_;
  int world_tamper_webhooks_ = 0;
  std::unique_ptr<twilio::TwilioProvider> twilio_;
  std::unique_ptr<telnyx::TelnyxProvider> telnyx_;
  std::unique_ptr<bandwidth::BandwidthProvider> bandwidth_;
  std::unique_ptr<ControlApi> control_;
  std::unique_ptr<HttpServer> server_;

  mutable std::mutex state_mutex_;  // guards every provider's state; timers fire under it
  // Held (before state_mutex_) by every input that may change state, so that the order inputs are
  // recorded in is the order they were applied in.
  std::mutex apply_mutex_;
  std::atomic<InputLog*> input_log_{nullptr};
  std::atomic<bool> replaying_{false};

  std::mutex driver_mutex_;
  std::condition_variable driver_cv_;
  int in_flight_ = 0;
  std::chrono::steady_clock::time_point last_activity_;
  bool driver_stopping_ = false;
  std::thread driver_;
};

}  // namespace hnemu
