#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/resource_digest.h"
#include "core/time.h"

namespace hnemu {

// Unix seconds from the wall clock. Only for values receivers compare with their own wall clock
// (Telnyx's telnyx-timestamp, checked within 300 s); emulator time is the virtual clock's.
int64_t wallClockUnixSeconds();

enum class ClockMode { Manual, Auto, Realtime };

std::string_view clockModeName(ClockMode mode);
Result<ClockMode> parseClockMode(std::string_view text);

struct PendingTimer {
  uint64_t id = 0;
  TimePoint due;
  std::string label;
};

// The emulator's only source of time. Timers fire in (due time, sequence) order and only when
// the clock is moved (advance, advanceTo) — by the control API, by the auto-mode driver, or by the
// realtime driver. Timer callbacks run on the thread that moves the clock, without the clock's own
// lock held, so they may schedule further timers.
class Clock {
 public:
  using Callback = std::function<void()>;

  explicit Clock(TimePoint start, ClockMode mode = ClockMode::Manual);

  TimePoint now() const;
  // The time of the last move: now() without a realtime clock's wall-clock progress since, which
  // no recorded input carries (what a durable run's digest holds).
  TimePoint committedNow() const;
  ClockMode mode() const;
  void setMode(ClockMode mode);

  // A timer that is delivery rather than state (a webhook retry) says so with `is_state` false:
  // it is left out of timersDigest().
  uint64_t schedule(TimePoint due, std::string label, Callback callback, bool is_state = true);
  uint64_t scheduleAfter(Millis delay, std::string label, Callback callback);
  bool cancel(uint64_t timer_id);

  // Moves time forward and fires every timer due on the way; returns how many fired.
  size_t advance(Millis by);
  Result<size_t> advanceTo(TimePoint target);
  // Jumps to the earliest pending timer and fires every timer due at that instant.
  size_t fireNext();

  // For applying one recorded input at exactly the instant it was recorded at: time stands still
  // (also in realtime mode) at max(now, at), and timers due by then fire. release() lets a
  // realtime clock run on from there.
  size_t pin(TimePoint at);
  void release();

  std::optional<TimePoint> nextDue() const;
  bool isPending(uint64_t timer_id) const;
  std::vector<PendingTimer> pendingTimers() const;
  // A digest of the pending state timers (due time and label), kept up to date as they come and
  // go, so that a checkpoint does not list them all.
  std::string timersDigest() const;
  void reset(TimePoint start);

 private:
  struct Timer {
    std::string label;
    Callback callback;
    std::optional<MultisetDigest::Sum> digested;  // set for a state timer
  };
  using Key = std::pair<TimePoint, uint64_t>;  // (due, sequence): the deterministic order

  TimePoint nowLocked() const;
  bool runningLocked() const { return mode_ == ClockMode::Realtime && !pinned_; }
  size_t fireUntil(TimePoint target);

  mutable std::mutex mutex_;
  ClockMode mode_;
  TimePoint virtual_now_;
  // Realtime mode: virtual_now_ is the virtual time at realtime_base_ on the steady clock.
  std::chrono::steady_clock::time_point realtime_base_;
  bool pinned_ = false;
  uint64_t next_sequence_ = 1;  // not reset: a timer's id is never reused
  std::map<Key, Timer> timers_;
  std::map<uint64_t, Key> keys_by_id_;
  MultisetDigest timers_digest_;
};

}  // namespace hnemu
