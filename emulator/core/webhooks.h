#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/http_types.h"

namespace hnemu {

// The label of the clock timers a delivery's retry (or delayed first attempt) waits on
// ("webhook retry #12").
inline constexpr std::string_view kWebhookRetryLabel = "webhook retry #";

struct OutgoingRequest {
  std::string method;
  std::string url;
  Headers headers;
  std::string body;
};

struct TransportResult {
  bool connected = false;  // false: refused, unreachable or timed out before a status arrived
  int status = 0;
  std::string body;
  std::string error;
};

// Sends one HTTP request. The server supplies the real one (httplib); tests supply fakes.
class WebhookTransport {
 public:
  virtual ~WebhookTransport() = default;
  virtual TransportResult send(const OutgoingRequest& request, Millis connect_timeout,
                               Millis read_timeout) = 0;
  // Cuts short every send in flight and refuses new ones: the emulator is stopping.
  virtual void cancelAll() {}
};

enum class RetryOn { Never, ConnectionFailure, AnyFailure };

struct RetryPolicy {
  int max_attempts = 1;         // per URL
  std::vector<Millis> backoff;  // virtual delay before attempt n+1 (last value repeats)
  RetryOn retry_on = RetryOn::Never;
  Millis connect_timeout{5000};
  Millis read_timeout{15000};
};

struct Webhook {
  std::string provider;
  std::string account;
  std::string event;  // e.g. "hosted_number_order.status" or a provider's event type
  std::string resource_id;
  std::string status;  // the resource's status the webhook announces, in the provider's words
  std::string tag;     // free for the provider: e.g. the subscription a notification belongs to
  std::string method = "POST";
  std::string url;
  std::string failover_url;  // tried after url's attempts are used up, if set
  std::string content_type;
  std::string body;
  // Renders the body of one attempt, for providers whose payload names the attempt and URL
  // (Telnyx's meta.attempt, meta.delivered_to). Unset: every attempt sends `body`.
  std::function<std::string(const std::string& url, int attempt)> render_body;
  // Signs one attempt (url, body, attempt number) into headers. Run at send time, because
  // some providers sign a wall-clock timestamp.
  std::function<Headers(const std::string& url, const std::string& body, int attempt)> sign;
  RetryPolicy policy;
};

struct DeliveryAttempt {
  int number = 0;
  std::string url;
  TimePoint time;  // virtual
  Headers request_headers;
  std::string body;
  bool connected = false;
  int status = 0;
  std::string response_body;
  std::string error;
  bool tampered = false;  // sent with a corrupted signature, as a forger would
};

enum class DeliveryState { Pending, Retrying, Delivered, Failed };
std::string_view deliveryStateName(DeliveryState state);

struct Delivery {
  uint64_t id = 0;
  TimePoint created;
  std::string provider;
  std::string account;
  std::string event;
  std::string resource_id;
  std::string status;
  std::string tag;
  std::string method;
  std::string url;
  std::string failover_url;
  std::string content_type;
  std::string body;
  bool tampered = false;  // its first attempt carries a corrupted signature
  uint64_t repeats = 0;   // the delivery this one sends a second time (0: none)
  Millis delayed{0};      // how long its first attempt was held back (virtual time)
  DeliveryState state = DeliveryState::Pending;
  std::vector<DeliveryAttempt> attempts;
  // Why it was never sent (its receiver's queue was full), when it was not.
  std::string dropped;
};

// What the dispatcher holds at most: deliveries waiting for one receiver (so that a receiver
// that never answers cannot make the emulator hold every webhook it would send it), and the
// delivery log, in entries and in bytes (bodies and answers).
struct WebhookLimits {
  size_t log_entries = 10'000;
  size_t log_bytes = 64 * 1024 * 1024;
  size_t queue_bytes_per_receiver = 32 * 1024 * 1024;
};

// How the last attempt of any delivery with a tag went (a Bandwidth subscription's status).
struct AttemptOutcome {
  bool connected = false;
  int status = 0;
  std::string error;
  std::string response_body;  // as the log keeps it (bounded)
};

struct WebhookCounts {
  size_t queued = 0;  // waiting to be sent, over all receivers
  size_t in_flight = 0;
  uint64_t dropped = 0;  // never sent: their receiver's queue was full
  size_t log_entries = 0;
  size_t log_bytes = 0;
};

// Queues webhooks and delivers them on a few threads of its own, so that no API request ever waits
// for a receiver. Deliveries to one origin (scheme://host:port) go one at a time, in order, so a
// receiver sees its events in the order they happened; a slow or dead receiver holds up only its
// own origin, whose queue is bounded in bytes (past it a webhook is dropped, logged and counted).
// Enqueueing and taking the next delivery cost the same however many are queued. Retries wait
// on the virtual clock, not the wall clock.
class WebhookDispatcher {
 public:
  static constexpr size_t kDefaultWorkers = 4;

  WebhookDispatcher(Clock& clock, std::shared_ptr<WebhookTransport> transport,
                    WebhookLimits limits = {}, size_t workers = kDefaultWorkers);
  ~WebhookDispatcher();
  WebhookDispatcher(const WebhookDispatcher&) = delete;
  WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

  uint64_t enqueue(Webhook webhook);
  std::vector<Delivery> log() const;
  // The newest `count` deliveries of the log.
  std::vector<Delivery> newest(size_t count) const;
  WebhookCounts counts() const;
  std::optional<AttemptOutcome> lastAttemptTagged(const std::string& tag) const;
  // Told (unlocked, on the enqueuing thread) of each webhook dropped for a full queue.
  void setDropListener(std::function<void(const std::string& line)> listener);
  bool idle() const;
  // For tests and the auto clock: waits (bounded by a wall-clock timeout) for the queue to drain.
  [[nodiscard]] bool waitIdle(Millis timeout) const;
  void setIdleListener(std::function<void()> listener);
  // Called (on a delivery thread) with the delivery's resource each time a receiver answers 2xx.
  void setDeliveredListener(std::function<void(const std::string& resource_id)> listener);
  // The next `count` signed deliveries go out first with a corrupted signature (or
  // Authorization) header, so a test sees whether the receiver checks it; retries are genuine.
  void tamperSignatures(int count);
  // The next `count` deliveries are each sent twice, as a provider that delivers at least once
  // may: the second is a delivery of its own, right behind the first.
  void repeatDeliveries(int count);
  // The next `count` deliveries go out `by` later (virtual time), so later ones overtake them.
  void delayDeliveries(int count, Millis by);
  // What is left of those three (--state snapshots).
  struct DeliveryFaults {
    int tamper = 0;
    int repeat = 0;
    int delay = 0;
    Millis delay_by{0};
  };
  DeliveryFaults deliveryFaults() const;
  // Caps every provider's connect and read timeouts (wall time), so that a test of a receiver
  // slower than, say, Twilio's 15 s read timeout does not take 15 s. Zero: the providers' own.
  void capTimeouts(Millis cap);
  // While muted (replaying saved inputs), enqueue() logs a webhook as failed and sends nothing:
  // it was sent, or not, before the restart.
  void setMuted(bool muted);
  // Puts saved deliveries back over the entries with the same ids. Deliveries that had not
  // finished when they were saved are marked failed: what they would have sent did not survive
  // the restart.
  void restoreLog(std::vector<Delivery> log, uint64_t next_id);
  uint64_t nextId() const;
  void clear();
  void stop();

 private:
  struct Job {
    uint64_t delivery_id;
    std::string url;
    int attempt_on_url;
    TimePoint due;  // the virtual time of the attempt: its event's, or its retry timer's
    size_t bytes;   // what it holds while queued, counted against its receiver's queue
  };
  struct Pending {
    Webhook webhook;
    int attempts_on_primary = 0;
  };
  struct Receiver {
    std::deque<Job> jobs;
    size_t bytes = 0;
    bool busy = false;   // a delivery to it is in flight
    bool ready = false;  // listed in ready_
    uint64_t dropped = 0;
  };

  void run();
  void deliver(const Job& job);
  Delivery* findLocked(uint64_t id);
  // Logs a delivery of `webhook` and queues its first attempt, or adds it to `held` when that
  // attempt is held back on the clock.
  void addLocked(Delivery delivery, Webhook webhook, std::vector<Job>& held,
                 std::string* drop_line);
  // Queues the job once the virtual clock reaches its due time (unless a reset came first).
  void queueAt(const Job& job, uint64_t generation);
  // Queues a job on its receiver's queue, or drops it (and says why) when that queue is full.
  bool pushLocked(Job job, std::string* drop_line);
  // The next job of the receiver that has waited longest with none in flight; marks it busy.
  std::optional<Job> takeRunnableLocked();
  void finishedLocked(const std::string& origin);
  void appendLogLocked(Delivery delivery);
  void trimLogLocked();
  bool idleLocked() const { return queued_ == 0 && busy_ == 0; }

  Clock& clock_;
  std::shared_ptr<WebhookTransport> transport_;
  const WebhookLimits limits_;

  mutable std::mutex mutex_;
  mutable std::condition_variable wake_;
  mutable std::condition_variable idle_cv_;
  std::unordered_map<std::string, Receiver> receivers_;  // by origin
  std::deque<std::string> ready_;  // origins with a job queued and none in flight, oldest first
  size_t queued_ = 0;
  uint64_t dropped_ = 0;
  std::deque<Delivery> log_;
  size_t log_bytes_ = 0;
  std::unordered_map<std::string, AttemptOutcome> last_attempt_by_tag_;
  std::map<uint64_t, std::shared_ptr<Pending>> pending_;
  uint64_t next_id_ = 1;
  int tamper_remaining_ = 0;
  int repeat_remaining_ = 0;
  int delay_remaining_ = 0;
  Millis delay_by_{0};
  Millis timeout_cap_{0};
  bool muted_ = false;
  size_t busy_ = 0;  // deliveries in flight
  bool stopping_ = false;
  uint64_t generation_ = 0;  // bumped by clear(): retries from before a reset are dropped
  std::function<void()> idle_listener_;
  std::function<void(const std::string&)> delivered_listener_;
  std::function<void(const std::string&)> drop_listener_;
  std::vector<std::thread> workers_;
};

}  // namespace hnemu
