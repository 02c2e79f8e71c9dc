#include "core/clock.h"

namespace hnemu {

int64_t wallClockUnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string_view clockModeName(ClockMode mode) {
  switch (mode) {
    case ClockMode::Manual:
      return "manual";
    case ClockMode::Auto:
      return "auto";
    case ClockMode::Realtime:
      return "realtime";
  }
  return "manual";
}

Result<ClockMode> parseClockMode(std::string_view text) {
  if (text == "manual") {
    return ClockMode::Manual;
  }
  if (text == "auto") {
    return ClockMode::Auto;
  }
  if (text == "realtime") {
    return ClockMode::Realtime;
  }
  return makeError(ErrorCode::InvalidArgument,
                   "clock mode must be manual, auto or realtime, got '" + std::string(text) + "'");
}

Clock::Clock(TimePoint start, ClockMode mode)
    : mode_(mode), virtual_now_(start), realtime_base_(std::chrono::steady_clock::now()) {}

TimePoint Clock::nowLocked() const {
  if (!runningLocked()) {
    return virtual_now_;
  }
  // The realtime mode is the one place that reads the wall clock.
  const auto elapsed = std::chrono::steady_clock::now() - realtime_base_;
  return virtual_now_ + std::chrono::duration_cast<Millis>(elapsed);
}

TimePoint Clock::now() const {
  std::lock_guard lock(mutex_);
  return nowLocked();
}

TimePoint Clock::committedNow() const {
  std::lock_guard lock(mutex_);
  return virtual_now_;
}

ClockMode Clock::mode() const {
  std::lock_guard lock(mutex_);
  return mode_;
}

void Clock::setMode(ClockMode mode) {
  std::lock_guard lock(mutex_);
  virtual_now_ = nowLocked();
  realtime_base_ = std::chrono::steady_clock::now();
  mode_ = mode;
}

uint64_t Clock::schedule(TimePoint due, std::string label, Callback callback, bool is_state) {
  std::optional<MultisetDigest::Sum> digested;
  if (is_state) {
    digested = MultisetDigest::hashOf(formatIso8601Millis(due) + '\0' + label);
  }
  std::lock_guard lock(mutex_);
  const uint64_t id = next_sequence_++;
  const Key key{due, id};
  if (digested) {
    timers_digest_.add(*digested);
  }
  timers_.emplace(key, Timer{std::move(label), std::move(callback), digested});
  keys_by_id_.emplace(id, key);
  return id;
}

uint64_t Clock::scheduleAfter(Millis delay, std::string label, Callback callback) {
  return schedule(now() + delay, std::move(label), std::move(callback));
}

bool Clock::cancel(uint64_t timer_id) {
  std::lock_guard lock(mutex_);
  const auto it = keys_by_id_.find(timer_id);
  if (it == keys_by_id_.end()) {
    return false;
  }
  const auto timer = timers_.find(it->second);
  if (timer->second.digested) {
    timers_digest_.remove(*timer->second.digested);
  }
  timers_.erase(timer);
  keys_by_id_.erase(it);
  return true;
}

size_t Clock::fireUntil(TimePoint target) {
  size_t fired = 0;
  for (;;) {
    Callback callback;
    {
      std::lock_guard lock(mutex_);
      const auto first = timers_.begin();
      if (first == timers_.end() || first->first.first > target) {
        if (!runningLocked() && virtual_now_ < target) {
          virtual_now_ = target;
        }
        return fired;
      }
      if (!runningLocked() && virtual_now_ < first->first.first) {
        virtual_now_ = first->first.first;
      }
      callback = std::move(first->second.callback);
      if (first->second.digested) {
        timers_digest_.remove(*first->second.digested);
      }
      keys_by_id_.erase(first->first.second);
      timers_.erase(first);
    }
    callback();
    ++fired;
  }
}

size_t Clock::advance(Millis by) {
  TimePoint target;
  {
    std::lock_guard lock(mutex_);
    if (runningLocked()) {
      // Skipping ahead in realtime mode shifts the base, then fires what became due.
      virtual_now_ += by;
    }
    target = nowLocked() + (runningLocked() ? Millis(0) : by);
  }
  return fireUntil(target);
}

Result<size_t> Clock::advanceTo(TimePoint target) {
  const TimePoint current = now();
  if (target < current) {
    return makeError(ErrorCode::InvalidArgument, "the clock cannot go back: it is " +
                                                     formatIso8601Millis(current) + ", asked for " +
                                                     formatIso8601Millis(target));
  }
  return advance(target - current);
}

size_t Clock::fireNext() {
  const auto due = nextDue();
  if (!due) {
    return 0;
  }
  const TimePoint current = now();
  return advance(*due > current ? *due - current : Millis(0));
}

size_t Clock::pin(TimePoint at) {
  TimePoint target;
  {
    std::lock_guard lock(mutex_);
    // Not nowLocked(): a realtime clock's wall-clock progress since the last pin is not part of
    // any input, so a replay could not repeat it; `at` (read from now() when the input was
    // recorded) carries it.
    pinned_ = true;
    target = std::max(virtual_now_, at);
  }
  return fireUntil(target);
}

void Clock::release() {
  std::lock_guard lock(mutex_);
  if (pinned_) {
    pinned_ = false;
    realtime_base_ = std::chrono::steady_clock::now();
  }
}

std::optional<TimePoint> Clock::nextDue() const {
  std::lock_guard lock(mutex_);
  if (timers_.empty()) {
    return std::nullopt;
  }
  return timers_.begin()->first.first;
}

std::vector<PendingTimer> Clock::pendingTimers() const {
  std::lock_guard lock(mutex_);
  std::vector<PendingTimer> out;
  out.reserve(timers_.size());
  for (const auto& [key, timer] : timers_) {
    out.push_back(PendingTimer{key.second, key.first, timer.label});
  }
  return out;
}

bool Clock::isPending(uint64_t timer_id) const {
  std::lock_guard lock(mutex_);
  return keys_by_id_.count(timer_id) != 0;
}

std::string Clock::timersDigest() const {
  std::lock_guard lock(mutex_);
  return timers_digest_.hex();
}

void Clock::reset(TimePoint start) {
  std::lock_guard lock(mutex_);
  timers_.clear();
  keys_by_id_.clear();
  timers_digest_.clear();
  virtual_now_ = start;
  realtime_base_ = std::chrono::steady_clock::now();
}

}  // namespace hnemu
