#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <set>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/clock_driver.h"
#include "core/faults.h"
#include "core/http_types.h"
#include "core/ids.h"
#include "core/journal.h"
#include "core/resource_digest.h"
#include "core/resource_watch.h"
#include "core/router.h"
#include "core/state_lock.h"
#include "core/state_machine.h"
#include "core/webhooks.h"
#include "engine/world_file.h"
#include "providers/provider.h"

namespace hnemu {

inline constexpr std::string_view kVersion = "0.1.0";
// The largest control request body (a scenario is the largest).
inline constexpr size_t kMaxControlBodyBytes = 1024 * 1024;

struct EmulatorOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: the OS picks a free port
  uint64_t seed = 1;
  ClockMode clock_mode = ClockMode::Manual;
  // Auto mode jumps to the next timer once no request or webhook has been in flight for this
  // long (wall time): long enough for a client to react to a webhook, short enough that a
  // 7-day flow takes milliseconds. A client polling in a tight loop holds the clock still.
  Millis auto_quiet{50};
  // Auto mode also waits, after a step changed an order, until the client has seen the change (a
  // read, or a webhook its receiver took), but no longer than this (wall time): a client polling
  // at any interval up to it sees every state. Zero: it does not wait.
  Millis auto_observe{10'000};
  // Virtual time at start and after every reset; fixed so runs are reproducible.
  TimePoint start_time = TimePoint(Millis(1'767'603'600'000));  // 2026-01-05T09:00:00Z, a Monday
  size_t max_body_bytes = 1024 * 1024;
  size_t max_upload_bytes = 10 * 1024 * 1024;
  size_t max_numbers_per_order = 5000;
  size_t journal_capacity = 10'000;
  size_t webhook_log_capacity = 10'000;
  size_t webhook_log_bytes = 64 * 1024 * 1024;
  // Webhooks waiting for one receiver (origin) take at most this; past it they are dropped,
  // logged and counted (GET /__hnemu/webhooks).
  size_t webhook_queue_bytes = 32 * 1024 * 1024;
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
  bool default_accounts = true;  // each provider's documented test credentials
  // Wall time a client's connection may sit idle between requests, and a request may take to
  // arrive whole (then 408), before the server closes it. Idle connections hold no thread.
  Millis idle_connection_timeout{5000};
  Millis request_timeout{5000};
  // Where `hnemu serve` prints: one line per request when log_requests (JSON when log_json),
  // and, with a manual clock, a hint when a client reads an order whose next change waits on
  // the clock. Null: nothing is printed.
  std::function<void(const std::string& line)> log;
  bool log_requests = false;
  bool log_json = false;
  std::shared_ptr<WebhookTransport> webhook_transport;  // null: real HTTP
};

// One input that may change the emulator's state: a request that is not a read (or a read an
// injected fault will answer), or a step the clock driver takes by itself. Replaying a run's
// inputs in order on the same base rebuilds its state, clock and pending timers exactly, since
// ids come from the seeded generator and time from the virtual clock.
struct RecordedInput {
  enum class Kind { Request, AdvanceTo };
  Kind kind = Kind::Request;
  TimePoint at;  // the virtual time it applies at (a step: the time the clock moves to)
  std::string method;
  std::string target;  // path and query as sent
  std::string path;    // decoded path, as the transport gave it
  Headers headers;     // as sent, but never the admin token
  std::string body;
};

// Where durable state goes (hnemu serve --state). Inputs are written ahead: append() is called
// in the order inputs will be applied, and an input is applied (and answered) only once
// waitSaved() says it is on disk. One that could not be saved is answered 503, not applied.
class InputLog {
 public:
  virtual ~InputLog() = default;
  virtual uint64_t append(const RecordedInput& input) = 0;
  [[nodiscard]] virtual bool waitSaved(uint64_t ticket) = 0;
};

// What a checkpoint of a durable run holds, taken between two inputs.
struct DurableSnapshot {
  uint64_t inputs_applied = 0;  // the saved inputs applied so far
  std::string state_digest;     // stateDigest(): the resources, the clock, the pending timers
  TimePoint now;
  ClockMode mode = ClockMode::Manual;
  std::vector<Delivery> webhooks;
  uint64_t next_webhook_id = 1;
};

// A snapshot of a durable run (--state compaction): what replaying its inputs rebuilds, as CBOR
// (strings keep whatever bytes clients sent), and the checkpoint for the same moment.
struct SavedState {
  DurableSnapshot checkpoint;
  std::string cbor;
};

// What the engine serves under /__hnemu/, above it: the control API. The engine routes those
// requests to it, records the ones that change state and replays them.
class ControlSurface {
 public:
  virtual ~ControlSurface() = default;
  // The answer to a request that may not use the control API at all, checked once, on arrival.
  virtual std::optional<HttpResponse> refusal(const HttpRequest& request) const = 0;
  // Turns a request into the input that is applied and recorded (a file reference into its
  // content), before it is recorded.
  virtual void prepare(HttpRequest& request) const = 0;
  virtual HttpResponse handle(HttpRequest& request) = 0;
  virtual HttpResponse errorForStatus(int status) const = 0;
};

// The emulator's core: the registered providers, the clock and its driver, ids, the journal,
// webhooks and faults, one request pipeline for both transports, and durable inputs.
class Engine {
 public:
  explicit Engine(EmulatorOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Answers one request, exactly as the HTTP server would.
  HttpResponse handle(HttpRequest& request);
  // Errors raised before a route runs, in the shape of whoever owns the path.
  HttpResponse errorFor(int status, const HttpRequest& request) const;
  // The answer to a request whose Content-Length rules it out, from its head alone, if any.
  std::optional<HttpResponse> refuseBeforeBody(const HttpRequest& head,
                                               uint64_t content_length) const;

  // Clock control, with the state lock held while timers fire.
  size_t advance(Millis by);
  Result<size_t> advanceTo(TimePoint target);
  size_t fireNextTimer();
  void setClockMode(ClockMode mode);
  TimePoint now() const;
  const Clock& clock() const { return clock_; }

  // Back to the loaded world's start: no resources, its faults re-armed, the clock at its start.
  void reset(std::optional<uint64_t> seed = std::nullopt);
  // Replaces the world (seed, clock, start time, each provider's section, faults), then resets.
  void loadWorld(const WorldFile& world);
  nlohmann::json state() const;
  // Each provider's lifecycles, keyed by provider name, for transition coverage.
  std::vector<std::pair<std::string, StateMachine>> stateMachines() const;
  // The resources changed after `after` in the change feed, oldest first, at most `limit`, of one
  // provider when it is not empty: {generation, cursor, more, changes: [{sequence, provider,
  // collection, id, item}]}, an item null once it is gone. A reader keeps the cursor and comes
  // back with it; a new generation (a reset) means reading again from zero.
  nlohmann::json stateChanges(uint64_t after, size_t limit, std::string_view provider) const;
  // The verification inbox and calls of every provider that has them.
  // The newest `newest` of each provider's.
  nlohmann::json inbox(const std::optional<std::string>& number, size_t newest = SIZE_MAX) const;
  nlohmann::json calls(size_t newest = SIZE_MAX) const;
  // The providers' routes (not the control API's).
  std::vector<RouteInfo> routes() const { return router_.routes(); }
  const std::vector<std::unique_ptr<Provider>>& providers() const { return providers_; }
  const Journal& journal() const { return journal_; }
  WebhookDispatcher& webhooks() { return *webhooks_; }
  [[nodiscard]] bool waitForWebhooks(Millis timeout) const;
  const EmulatorOptions& options() const { return options_; }
  uint64_t seed() const { return ids_.seed(); }
  FaultInjector& faults() { return faults_; }

  // Runs f with the state lock held: how control routes and tests reach providers' models.
  template <class F>
  auto locked(F&& f) {
    std::lock_guard lock(state_mutex_);
    return f();
  }
  // Runs f(provider) with the state lock held, for the provider of type P.
  template <class P, class F>
  auto withProvider(F&& f) {
    std::lock_guard lock(state_mutex_);
    for (const std::unique_ptr<Provider>& each : providers_) {
      if (auto* typed = dynamic_cast<P*>(each.get())) {
        return f(*typed);
      }
    }
    throw std::logic_error("withProvider: no such provider is registered");
  }

  // The control API, served under /__hnemu/ (null: none).
  void setControl(ControlSurface* control) { control_ = control; }

  // Durable state: from now on every state-changing input goes to `log` first (null: none).
  // Returns once no request is using the previous log; the new one's tickets start at 1.
  void setInputLog(InputLog* log);
  // Applies one recorded input as it was first applied: no journal entry, no webhook sent (each
  // is logged as not sent), no clock driver, time pinned to the inputs' times. Call it before
  // the emulator serves, while restoring.
  void replay(const RecordedInput& input);
  // Ends a replay: the clock runs in its mode again and webhooks are sent again; the deliveries
  // in `webhooks` (a checkpoint's log) replace the replayed entries with the same ids.
  void finishReplay(std::vector<Delivery> webhooks, uint64_t next_webhook_id);
  // Takes a checkpoint between two inputs.
  DurableSnapshot snapshot();
  // Waits until `inputs` saved inputs are applied, then saves the state (--state compaction):
  // the providers' models, their pending timers as data, the clock, ids, faults and the loaded
  // world's settings. Null when a provider or a pending timer cannot be saved. It holds the state
  // lock while it copies the state, so it costs the store once, not per input.
  std::optional<SavedState> saveState(uint64_t inputs);
  // Takes saved state back into an emulator started on the same base, before it serves, in place
  // of replaying the first `inputs_applied` inputs; the rest are replayed after it, then
  // finishReplay(). An error leaves the emulator part-way: discard it.
  Status restoreState(std::string_view cbor, uint64_t inputs_applied);
  // A digest of every resource (kept up to date from the change feed, so it costs what changed
  // since it was last asked), the clock and its pending timers: what a checkpoint records.
  std::string stateDigest() const;
  // The digest earlier state files recorded (of the whole state dump, costing the store): their
  // checkpoints carry no "digest" field and are checked with this.
  std::string wholeStateDigest() const;

 private:
  Provider* provider(std::string_view name) const;
  static bool isControl(const HttpRequest& request);
  // Whether the request may change state: not a read, or a read an injected fault answers.
  bool changesState(HttpRequest& request) const;
  // With faults_allowed false, a fault that matches is left for a request that may take it.
  HttpResponse dispatch(HttpRequest& request, JournalEntry& entry, bool faults_allowed = true);
  HttpResponse dispatchLocked(HttpRequest& request, const RouteMatch& match, JournalEntry& entry,
                              bool faults_allowed);
  // Writes the input ahead to the log, waits for its turn, applies it; 503 if it was not saved.
  HttpResponse applyDurably(InputLog& log, RecordedInput input, HttpRequest* request,
                            JournalEntry& entry);
  HttpResponse applyAt(TimePoint at, HttpRequest* request, JournalEntry& entry);
  // Moves the clock to `at` as one input (the auto and realtime drivers' steps).
  void step(TimePoint at);
  nlohmann::json stateLocked() const;
  // Mutes webhooks and pauses the clock driver while saved state is taken back.
  void beginReplay();
  std::string stateDigestLocked() const;
  std::string wholeStateDigestLocked() const;
  nlohmann::json digestedClockLocked() const;
  void logRequest(const HttpRequest& request, const HttpResponse& response,
                  const JournalEntry& entry, double milliseconds) const;
  // With a manual clock, says once per order that its next change waits on the clock.
  void hintIfWaiting(const std::string& key);
  // After a reset every resource there is counts as changed, so a reader from zero sees it all.
  void touchEverythingLocked();
  // With HNEMU_VERIFY_CHANGE_FEED=1 (tests): after each input, the state rebuilt from the change
  // feed must equal the state; a difference (a change a provider did not say) aborts.
  void verifyChangeFeed();

  EmulatorOptions options_;
  Clock clock_;
  IdGenerator ids_;
  Journal journal_;
  std::unique_ptr<WebhookDispatcher> webhooks_;
  Router router_;
  FaultInjector faults_;
  ResourceWatch watch_;
  ChangeFeed changes_;       // guarded by state_mutex_
  std::mutex hinted_mutex_;  // reads hint under a shared state lock
  std::set<std::string> hinted_;
  // What the change feed has said so far, per provider and collection (HNEMU_VERIFY_CHANGE_FEED).
  struct FeedMirror {
    uint64_t generation = 0;
    uint64_t cursor = 0;
    std::map<std::string, std::map<std::string, std::map<std::string, nlohmann::json>>> items;
  };
  std::unique_ptr<FeedMirror> feed_mirror_;  // guarded by state_mutex_
  // The resources' digest, brought up to date from the change feed when a checkpoint asks for it;
  // guarded by state_mutex_.
  mutable ResourceDigest resource_digest_;
  mutable uint64_t digest_generation_ = 0;
  mutable uint64_t digest_cursor_ = 0;
  std::vector<FaultRule> world_faults_;
  int world_tamper_webhooks_ = 0;
  int world_duplicate_webhooks_ = 0;
  int world_delay_webhooks_ = 0;
  Millis world_delay_webhooks_by_{0};
  std::vector<std::unique_ptr<Provider>> providers_;
  ControlSurface* control_ = nullptr;

  // Guards every provider's state; timers fire under it. A provider's read (a fetch or list that
  // no fault answers) holds it shared, anything else alone.
  mutable StateLock state_mutex_;

  // Durable runs: inputs are stamped and appended in one order (order_mutex_), and applied in
  // that order, one at a time (the turn, then apply_mutex_), each once it is saved.
  // Held shared by every request while it uses the log, so that setInputLog() can wait for them.
  std::shared_mutex input_log_mutex_;
  InputLog* input_log_ = nullptr;
  std::mutex order_mutex_;
  std::mutex turn_mutex_;
  std::condition_variable turn_cv_;
  uint64_t next_turn_ = 1;
  std::mutex apply_mutex_;
  uint64_t inputs_applied_ = 0;         // guarded by apply_mutex_
  std::condition_variable applied_cv_;  // inputs_applied_ grew
  std::atomic<bool> replaying_{false};

  std::atomic<Millis> auto_observe_;
  std::unique_ptr<ClockDriver> driver_;  // last: it stops before the rest goes
};

}  // namespace hnemu
