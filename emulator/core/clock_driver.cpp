#include "core/clock_driver.h"

namespace hnemu {

ClockDriver::ClockDriver(const Clock& clock, Hooks hooks, Millis quiet)
    : clock_(clock), hooks_(std::move(hooks)), quiet_(quiet), thread_([this] { run(); }) {}

ClockDriver::~ClockDriver() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void ClockDriver::requestStarted() {
  std::lock_guard lock(mutex_);
  ++in_flight_;
}

void ClockDriver::requestFinished() {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    --in_flight_;
    last_activity_ = std::chrono::steady_clock::now();
    wake = waiting_for_requests_;
  }
  // Waking the driver costs a context switch per request; most of its waits cannot end sooner
  // because a request did (a manual clock, or an auto clock's quiet spell, which a request only
  // lengthens).
  if (wake) {
    cv_.notify_all();
  }
}

void ClockDriver::wake() {
  {
    std::lock_guard lock(mutex_);
    last_activity_ = std::chrono::steady_clock::now();
  }
  cv_.notify_all();
}

void ClockDriver::setQuiet(Millis quiet) {
  std::lock_guard lock(mutex_);
  quiet_ = quiet;
}

Millis ClockDriver::quiet() const {
  std::lock_guard lock(mutex_);
  return quiet_;
}

void ClockDriver::setPaused(bool paused) {
  {
    std::lock_guard lock(mutex_);
    paused_ = paused;
  }
  cv_.notify_all();
}

void ClockDriver::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    waiting_for_requests_ = false;
    if (paused_) {
      cv_.wait_for(lock, Millis(100));
      continue;
    }
    const ClockMode mode = clock_.mode();
    const std::optional<TimePoint> next_due = hooks_.next_due();
    if (mode == ClockMode::Auto && next_due && in_flight_ == 0 && !hooks_.busy()) {
      const auto quiet_until = last_activity_ + quiet_;
      if (std::chrono::steady_clock::now() < quiet_until) {
        cv_.wait_until(lock, quiet_until);
        continue;
      }
      if (const auto hold = hooks_.hold_until(); hold && std::chrono::steady_clock::now() < *hold) {
        waiting_for_requests_ = true;  // the client's read that ends the hold
        cv_.wait_until(lock, std::min(*hold, std::chrono::steady_clock::now() + Millis(100)));
        continue;
      }
      lock.unlock();
      hooks_.step(*next_due);
      lock.lock();
      last_activity_ = std::chrono::steady_clock::now();  // the client gets a turn after each step
      continue;
    }
    if (mode == ClockMode::Realtime && next_due) {
      const TimePoint now = clock_.now();
      if (*next_due <= now) {
        lock.unlock();
        hooks_.step(now);
        lock.lock();
        continue;
      }
      waiting_for_requests_ = true;  // a request may have set an earlier timer
      cv_.wait_for(lock, std::min<Millis>(*next_due - now, Millis(100)));
      continue;
    }
    // An auto clock waits here for the last request to end or for a timer to be set.
    waiting_for_requests_ = mode != ClockMode::Manual;
    // Bounded wait: a timer scheduled from another thread is noticed even without a wake-up.
    cv_.wait_for(lock, Millis(100));
  }
}

}  // namespace hnemu
