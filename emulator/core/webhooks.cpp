#include "core/webhooks.h"

#include <algorithm>
#include <cctype>
#include <optional>

namespace hnemu {
namespace {

constexpr size_t kResponseBodyLimit = 2048;
// What a queued webhook holds besides its body (its record, headers and callbacks), counted so
// that a flood of small webhooks is bounded too.
constexpr size_t kQueuedOverheadBytes = 1024;

bool shouldRetry(const RetryPolicy& policy, const TransportResult& result) {
  switch (policy.retry_on) {
    case RetryOn::Never:
      return false;
    case RetryOn::ConnectionFailure:
      return !result.connected;
    case RetryOn::AnyFailure:
      return true;
  }
  return false;
}

bool isProofHeader(std::string_view name) {
  if (iequals(name, "Authorization")) {
    return true;
  }
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("signature") != std::string::npos;
}

// Changes one character, keeping the value well-formed (base64 stays base64).
std::string corrupt(std::string value) {
  if (value.empty()) {
    return "forged";
  }
  char& last = value[value.size() / 2];
  last = last == 'A' ? 'B' : 'A';
  return value;
}

// scheme://host[:port] of a URL: deliveries to one origin are serialised.
std::string originOf(const std::string& url) {
  const size_t scheme_end = url.find("://");
  const size_t path_start = url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  return url.substr(0, path_start);
}

size_t headerBytes(const Headers& headers) {
  size_t bytes = 0;
  for (const auto& [name, value] : headers) {
    bytes += name.size() + value.size();
  }
  return bytes;
}

size_t attemptBytes(const DeliveryAttempt& attempt) {
  return sizeof attempt + attempt.url.size() + attempt.body.size() + attempt.response_body.size() +
         attempt.error.size() + headerBytes(attempt.request_headers);
}

// What an entry of the delivery log holds, as counted against its byte limit.
size_t entryBytes(const Delivery& delivery) {
  size_t bytes = sizeof delivery + delivery.body.size() + delivery.url.size() +
                 delivery.failover_url.size() + delivery.event.size() + delivery.dropped.size();
  for (const DeliveryAttempt& attempt : delivery.attempts) {
    bytes += attemptBytes(attempt);
  }
  return bytes;
}

}  // namespace

std::string_view deliveryStateName(DeliveryState state) {
  switch (state) {
    case DeliveryState::Pending:
      return "pending";
    case DeliveryState::Retrying:
      return "retrying";
    case DeliveryState::Delivered:
      return "delivered";
    case DeliveryState::Failed:
      return "failed";
  }
  return "pending";
}

WebhookDispatcher::WebhookDispatcher(Clock& clock, std::shared_ptr<WebhookTransport> transport,
                                     WebhookLimits limits, size_t workers)
    : clock_(clock), transport_(std::move(transport)), limits_(limits) {
  for (size_t i = 0; i < std::max<size_t>(1, workers); ++i) {
    workers_.emplace_back([this] { run(); });
  }
}

WebhookDispatcher::~WebhookDispatcher() { stop(); }

void WebhookDispatcher::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      return;
    }
    stopping_ = true;
  }
  wake_.notify_all();
  transport_->cancelAll();  // a receiver that never answers must not hold the stop
  for (std::thread& worker : workers_) {
    if (worker.joinable()) {
      worker.join();
    }
  }
  idle_cv_.notify_all();
}

uint64_t WebhookDispatcher::enqueue(Webhook webhook) {
  Delivery delivery;
  delivery.created = clock_.now();
  delivery.provider = webhook.provider;
  delivery.account = webhook.account;
  delivery.event = webhook.event;
  delivery.resource_id = webhook.resource_id;
  delivery.status = webhook.status;
  delivery.tag = webhook.tag;
  delivery.method = webhook.method;
  delivery.url = webhook.url;
  delivery.failover_url = webhook.failover_url;
  delivery.content_type = webhook.content_type;
  delivery.body = webhook.render_body ? webhook.render_body(webhook.url, 1) : webhook.body;
  uint64_t id = 0;
  std::string drop_line;
  std::function<void(const std::string&)> drop_listener;
  std::vector<Job> held;  // first attempts held back on the clock
  uint64_t generation = 0;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
    delivery.id = id;
    generation = generation_;
    if (muted_) {
      // Replayed: it was sent, or not, before the restart; a checkpoint's log may say which.
      delivery.state = DeliveryState::Failed;
      appendLogLocked(std::move(delivery));
      return id;
    }
    if (tamper_remaining_ > 0 && webhook.sign) {
      --tamper_remaining_;
      delivery.tampered = true;
    }
    if (delay_remaining_ > 0) {
      --delay_remaining_;
      delivery.delayed = delay_by_;
    }
    std::optional<Delivery> repeat;
    std::optional<Webhook> repeated;
    if (repeat_remaining_ > 0) {
      --repeat_remaining_;
      repeat = delivery;
      repeat->id = next_id_++;
      repeat->repeats = id;
      repeat->tampered = false;  // a forger's copy would not be sent twice
      repeated = webhook;
    }
    addLocked(std::move(delivery), std::move(webhook), held, &drop_line);
    if (repeat) {
      addLocked(std::move(*repeat), std::move(*repeated), held, &drop_line);
    }
    if (!drop_line.empty()) {
      drop_listener = drop_listener_;
    }
  }
  if (!drop_line.empty() && drop_listener) {
    drop_listener(drop_line);
  }
  for (const Job& job : held) {
    queueAt(job, generation);
  }
  wake_.notify_one();
  return id;
}

void WebhookDispatcher::addLocked(Delivery delivery, Webhook webhook, std::vector<Job>& held,
                                  std::string* drop_line) {
  const uint64_t id = delivery.id;
  const Millis delayed = delivery.delayed;
  const Job job{id, webhook.url, 1, delivery.created + delayed,
                delivery.body.size() + kQueuedOverheadBytes};
  appendLogLocked(std::move(delivery));
  auto pending = std::make_shared<Pending>();
  pending->webhook = std::move(webhook);
  pending_.emplace(id, std::move(pending));
  if (delayed.count() > 0) {
    held.push_back(job);
  } else {
    pushLocked(job, drop_line);
  }
}

void WebhookDispatcher::queueAt(const Job& job, uint64_t generation) {
  // The attempt waits on the virtual clock until it is due (a clock that has already passed that
  // fires it at its next move); then the job goes on its receiver's queue.
  clock_.schedule(
      job.due, std::string(kWebhookRetryLabel) + std::to_string(job.delivery_id),
      [this, job, generation] {
        std::string drop_line;
        std::function<void(const std::string&)> drop_listener;
        {
          std::lock_guard lock(mutex_);
          if (generation != generation_ || stopping_) {
            return;
          }
          if (!pushLocked(job, &drop_line)) {
            drop_listener = drop_listener_;
          }
        }
        if (!drop_line.empty() && drop_listener) {
          drop_listener(drop_line);
        }
        wake_.notify_one();
      },
      /*is_state=*/false);
}

void WebhookDispatcher::appendLogLocked(Delivery delivery) {
  log_bytes_ += entryBytes(delivery);
  log_.push_back(std::move(delivery));
  trimLogLocked();
}

void WebhookDispatcher::trimLogLocked() {
  // The newest entry stays, however large: the log shows at least what happened last.
  while (log_.size() > std::max<size_t>(1, limits_.log_entries) ||
         (log_.size() > 1 && log_bytes_ > limits_.log_bytes)) {
    log_bytes_ -= std::min(log_bytes_, entryBytes(log_.front()));
    pending_.erase(log_.front().id);
    log_.pop_front();
  }
}

bool WebhookDispatcher::pushLocked(Job job, std::string* drop_line) {
  const std::string origin = originOf(job.url);
  Receiver& receiver = receivers_[origin];
  // A webhook larger than the limit still goes to a receiver with nothing queued.
  if (!receiver.jobs.empty() && receiver.bytes + job.bytes > limits_.queue_bytes_per_receiver) {
    ++receiver.dropped;
    ++dropped_;
    pending_.erase(job.delivery_id);
    if (Delivery* delivery = findLocked(job.delivery_id)) {
      delivery->state = DeliveryState::Failed;
      delivery->dropped = "not sent: " + std::to_string(receiver.jobs.size()) + " deliveries (" +
                          std::to_string(receiver.bytes) + " bytes) were already waiting for " +
                          origin;
      // Said once per receiver, then every 1,000 drops: a dead receiver must not flood the log.
      if (receiver.dropped == 1 || receiver.dropped % 1000 == 0) {
        *drop_line = "hnemu: webhook #" + std::to_string(job.delivery_id) + " to " + origin +
                     " dropped: " + delivery->dropped + " (" + std::to_string(receiver.dropped) +
                     " dropped for it so far)";
      }
    }
    if (receiver.jobs.empty() && !receiver.busy) {
      receivers_.erase(origin);
    }
    return false;
  }
  receiver.bytes += job.bytes;
  receiver.jobs.push_back(std::move(job));
  ++queued_;
  if (!receiver.busy && !receiver.ready) {
    receiver.ready = true;
    ready_.push_back(origin);
  }
  return true;
}

Delivery* WebhookDispatcher::findLocked(uint64_t id) {
  // Ids are increasing and the log is ordered, so a binary search finds the entry.
  const auto it = std::lower_bound(log_.begin(), log_.end(), id,
                                   [](const Delivery& d, uint64_t value) { return d.id < value; });
  return it != log_.end() && it->id == id ? &*it : nullptr;
}

std::optional<WebhookDispatcher::Job> WebhookDispatcher::takeRunnableLocked() {
  while (!ready_.empty()) {
    const auto found = receivers_.find(ready_.front());
    ready_.pop_front();
    if (found == receivers_.end()) {
      continue;
    }
    Receiver& receiver = found->second;
    receiver.ready = false;
    if (receiver.busy || receiver.jobs.empty()) {
      continue;
    }
    Job job = std::move(receiver.jobs.front());
    receiver.jobs.pop_front();
    receiver.bytes -= std::min(receiver.bytes, job.bytes);
    receiver.busy = true;
    --queued_;
    ++busy_;
    return job;
  }
  return std::nullopt;
}

void WebhookDispatcher::finishedLocked(const std::string& origin) {
  --busy_;
  const auto found = receivers_.find(origin);
  if (found == receivers_.end()) {
    return;
  }
  Receiver& receiver = found->second;
  receiver.busy = false;
  if (receiver.jobs.empty()) {
    if (receiver.dropped == 0) {
      receivers_.erase(found);  // an idle receiver costs nothing; one that dropped keeps its count
    }
  } else if (!receiver.ready) {
    receiver.ready = true;
    ready_.push_back(origin);
  }
}

void WebhookDispatcher::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    std::optional<Job> job;
    wake_.wait(lock, [&] { return stopping_ || (job = takeRunnableLocked()).has_value(); });
    if (stopping_) {
      return;
    }
    lock.unlock();
    deliver(*job);
    lock.lock();
    finishedLocked(originOf(job->url));
    wake_.notify_one();  // the next job for this origin may run now
    if (idleLocked()) {
      const auto listener = idle_listener_;
      lock.unlock();
      idle_cv_.notify_all();
      if (listener) {
        listener();
      }
      lock.lock();
    }
  }
}

void WebhookDispatcher::deliver(const Job& job) {
  std::shared_ptr<Pending> pending;
  uint64_t generation = 0;
  {
    std::lock_guard lock(mutex_);
    const auto it = pending_.find(job.delivery_id);
    if (it == pending_.end()) {
      return;  // cleared by a reset, or pushed out of the log
    }
    pending = it->second;
    generation = generation_;
  }
  const Webhook& hook = pending->webhook;
  OutgoingRequest request;
  request.method = hook.method;
  request.url = job.url;
  if (!hook.content_type.empty()) {
    request.headers.emplace("Content-Type", hook.content_type);
  }
  int attempt_number = 0;
  bool tamper = false;
  {
    std::lock_guard lock(mutex_);
    if (Delivery* delivery = findLocked(job.delivery_id)) {
      attempt_number = static_cast<int>(delivery->attempts.size()) + 1;
      tamper = delivery->tampered && attempt_number == 1;
    }
  }
  request.body = hook.render_body ? hook.render_body(job.url, attempt_number) : hook.body;
  if (hook.sign) {
    for (auto& [name, value] : hook.sign(job.url, request.body, attempt_number)) {
      request.headers.emplace(name, tamper && isProofHeader(name) ? corrupt(value) : value);
    }
  }
  Millis connect_timeout = hook.policy.connect_timeout;
  Millis read_timeout = hook.policy.read_timeout;
  {
    std::lock_guard lock(mutex_);
    if (timeout_cap_.count() > 0) {
      connect_timeout = std::min(connect_timeout, timeout_cap_);
      read_timeout = std::min(read_timeout, timeout_cap_);
    }
  }
  const TransportResult result = transport_->send(request, connect_timeout, read_timeout);

  DeliveryAttempt attempt;
  attempt.number = attempt_number;
  attempt.url = job.url;
  attempt.time = job.due;
  attempt.request_headers = request.headers;
  attempt.body = request.body;
  attempt.connected = result.connected;
  attempt.status = result.status;
  attempt.response_body = result.body.substr(0, kResponseBodyLimit);
  attempt.error = result.error;
  attempt.tampered = tamper;
  const bool success = result.connected && result.status >= 200 && result.status < 300;

  std::optional<Job> next;
  Millis delay{0};
  std::optional<std::string> delivered;  // its resource, for the listener (called unlocked)
  std::function<void(const std::string&)> delivered_listener;
  {
    std::lock_guard lock(mutex_);
    if (generation != generation_) {
      return;
    }
    Delivery* delivery = findLocked(job.delivery_id);
    if (delivery == nullptr) {
      return;
    }
    log_bytes_ += attemptBytes(attempt);
    if (!delivery->tag.empty()) {
      last_attempt_by_tag_[delivery->tag] =
          AttemptOutcome{attempt.connected, attempt.status, attempt.error, attempt.response_body};
    }
    delivery->attempts.push_back(std::move(attempt));
    const bool on_primary = job.url == hook.url;
    if (stopping_ && !success) {
      delivery->state = DeliveryState::Failed;  // cut short by the stop: no retry will run
    } else if (success) {
      delivery->state = DeliveryState::Delivered;
      if (delivered_listener_) {
        delivered = delivery->resource_id;
        delivered_listener = delivered_listener_;
      }
    } else if (job.attempt_on_url < hook.policy.max_attempts && shouldRetry(hook.policy, result)) {
      const auto& backoff = hook.policy.backoff;
      if (!backoff.empty()) {
        delay = backoff[std::min(static_cast<size_t>(job.attempt_on_url - 1), backoff.size() - 1)];
      }
      next = Job{job.delivery_id, job.url, job.attempt_on_url + 1, job.due + delay, job.bytes};
      delivery->state = DeliveryState::Retrying;
    } else if (on_primary && !hook.failover_url.empty()) {
      next = Job{job.delivery_id, hook.failover_url, 1, job.due, job.bytes};
      delivery->state = DeliveryState::Retrying;
    } else {
      delivery->state = DeliveryState::Failed;
    }
    if (!next) {
      pending_.erase(job.delivery_id);
    } else if (delay.count() == 0) {
      std::string unused;
      (void)pushLocked(*next, &unused);
      next.reset();
    }
    trimLogLocked();
  }
  if (delivered) {
    delivered_listener(*delivered);
  }
  if (next) {
    queueAt(*next, generation);
  }
}

std::vector<Delivery> WebhookDispatcher::log() const {
  std::lock_guard lock(mutex_);
  return {log_.begin(), log_.end()};
}

std::vector<Delivery> WebhookDispatcher::newest(size_t count) const {
  std::lock_guard lock(mutex_);
  const size_t skip = log_.size() > count ? log_.size() - count : 0;
  return {log_.begin() + static_cast<std::ptrdiff_t>(skip), log_.end()};
}

std::optional<AttemptOutcome> WebhookDispatcher::lastAttemptTagged(const std::string& tag) const {
  std::lock_guard lock(mutex_);
  const auto found = last_attempt_by_tag_.find(tag);
  return found == last_attempt_by_tag_.end() ? std::nullopt
                                             : std::optional<AttemptOutcome>(found->second);
}

WebhookCounts WebhookDispatcher::counts() const {
  std::lock_guard lock(mutex_);
  return WebhookCounts{queued_, busy_, dropped_, log_.size(), log_bytes_};
}

void WebhookDispatcher::setDropListener(std::function<void(const std::string& line)> listener) {
  std::lock_guard lock(mutex_);
  drop_listener_ = std::move(listener);
}

bool WebhookDispatcher::idle() const {
  std::lock_guard lock(mutex_);
  return idleLocked();
}

bool WebhookDispatcher::waitIdle(Millis timeout) const {
  std::unique_lock lock(mutex_);
  return idle_cv_.wait_for(lock, timeout, [this] { return stopping_ || idleLocked(); });
}

void WebhookDispatcher::setIdleListener(std::function<void()> listener) {
  std::lock_guard lock(mutex_);
  idle_listener_ = std::move(listener);
}

void WebhookDispatcher::setDeliveredListener(
    std::function<void(const std::string& resource_id)> listener) {
  std::lock_guard lock(mutex_);
  delivered_listener_ = std::move(listener);
}

WebhookDispatcher::DeliveryFaults WebhookDispatcher::deliveryFaults() const {
  std::lock_guard lock(mutex_);
  return {tamper_remaining_, repeat_remaining_, delay_remaining_, delay_by_};
}

void WebhookDispatcher::tamperSignatures(int count) {
  std::lock_guard lock(mutex_);
  tamper_remaining_ = count;
}

void WebhookDispatcher::repeatDeliveries(int count) {
  std::lock_guard lock(mutex_);
  repeat_remaining_ = count;
}

void WebhookDispatcher::delayDeliveries(int count, Millis by) {
  std::lock_guard lock(mutex_);
  delay_remaining_ = by.count() > 0 ? count : 0;
  delay_by_ = by;
}

void WebhookDispatcher::capTimeouts(Millis cap) {
  std::lock_guard lock(mutex_);
  timeout_cap_ = cap;
}

void WebhookDispatcher::setMuted(bool muted) {
  std::lock_guard lock(mutex_);
  muted_ = muted;
}

void WebhookDispatcher::restoreLog(std::vector<Delivery> log, uint64_t next_id) {
  std::lock_guard lock(mutex_);
  for (Delivery& delivery : log) {
    if (delivery.state == DeliveryState::Pending || delivery.state == DeliveryState::Retrying) {
      delivery.state = DeliveryState::Failed;
    }
    const auto at =
        std::lower_bound(log_.begin(), log_.end(), delivery.id,
                         [](const Delivery& entry, uint64_t id) { return entry.id < id; });
    log_bytes_ += entryBytes(delivery);
    if (at != log_.end() && at->id == delivery.id) {
      log_bytes_ -= std::min(log_bytes_, entryBytes(*at));
      *at = std::move(delivery);
    } else {
      log_.insert(at, std::move(delivery));
    }
  }
  trimLogLocked();
  for (const Delivery& delivery : log_) {
    if (!delivery.tag.empty() && !delivery.attempts.empty()) {
      const DeliveryAttempt& last = delivery.attempts.back();
      last_attempt_by_tag_[delivery.tag] =
          AttemptOutcome{last.connected, last.status, last.error, last.response_body};
    }
  }
  next_id_ = std::max(next_id_, next_id);
}

uint64_t WebhookDispatcher::nextId() const {
  std::lock_guard lock(mutex_);
  return next_id_;
}

void WebhookDispatcher::clear() {
  std::lock_guard lock(mutex_);
  ++generation_;
  tamper_remaining_ = 0;
  repeat_remaining_ = 0;
  delay_remaining_ = 0;
  // A delivery in flight stays its receiver's until it returns: the next one waits for it.
  for (auto it = receivers_.begin(); it != receivers_.end();) {
    if (it->second.busy) {
      it->second = Receiver{{}, 0, true, false, 0};
      ++it;
    } else {
      it = receivers_.erase(it);
    }
  }
  ready_.clear();
  queued_ = 0;
  dropped_ = 0;
  pending_.clear();
  log_.clear();
  log_bytes_ = 0;
  last_attempt_by_tag_.clear();
}

}  // namespace hnemu
