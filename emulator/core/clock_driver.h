#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "core/clock.h"

namespace hnemu {

// Moves the clock by itself: in auto mode, once no request has been in flight and nothing else
// has happened for a quiet spell (wall time), to the next timer; in realtime mode, as the wall
// clock reaches each timer. Manual mode leaves the clock alone. The driver only decides when;
// each move is a step its owner applies (and records) like any other input.
class ClockDriver {
 public:
  struct Hooks {
    std::function<std::optional<TimePoint>()> next_due;  // the next timer, if any
    std::function<void(TimePoint)> step;                 // move the clock to this instant
    std::function<bool()> busy;  // work the client may still react to (webhooks in flight)
    // Until when a change the client has not seen yet holds the auto clock, if one does.
    std::function<std::optional<std::chrono::steady_clock::time_point>()> hold_until;
  };

  ClockDriver(const Clock& clock, Hooks hooks, Millis quiet);
  ~ClockDriver();
  ClockDriver(const ClockDriver&) = delete;
  ClockDriver& operator=(const ClockDriver&) = delete;

  // A request is being answered: the auto clock holds still until it is done.
  void requestStarted();
  void requestFinished();
  // Something happened (a webhook answered, the clock moved, a mode changed): the quiet spell
  // starts over, and the driver looks again.
  void wake();
  void setQuiet(Millis quiet);
  Millis quiet() const;
  // While paused (a state file replays), the driver takes no step.
  void setPaused(bool paused);

 private:
  void run();

  const Clock& clock_;
  const Hooks hooks_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  Millis quiet_;
  int in_flight_ = 0;
  bool paused_ = false;
  // Whether the driver's current wait is one that a request's end may cut short.
  bool waiting_for_requests_ = false;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point last_activity_ = std::chrono::steady_clock::now();
  std::thread thread_;
};

}  // namespace hnemu
