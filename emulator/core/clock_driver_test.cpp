#include "core/clock_driver.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

namespace hnemu {
namespace {

struct Counted {
  std::atomic<int> looks{0};  // times the driver looked at the timers
  std::atomic<int> steps{0};
};

ClockDriver::Hooks hooksFor(Clock& clock, Counted& counted) {
  ClockDriver::Hooks hooks;
  hooks.next_due = [&] {
    ++counted.looks;
    return clock.nextDue();
  };
  hooks.step = [&](TimePoint at) {
    ++counted.steps;
    (void)clock.advanceTo(at);
  };
  hooks.busy = [] { return false; };
  hooks.hold_until = [] { return std::optional<std::chrono::steady_clock::time_point>(); };
  return hooks;
}

}  // namespace

TEST_CASE("clock driver: requests do not wake a driver that has nothing to do for them",
          "[clock][driver]") {
  Clock clock(TimePoint(Millis(0)), ClockMode::Manual);
  clock.scheduleAfter(Millis(1000), "timer", [] {});
  Counted counted;
  ClockDriver driver(clock, hooksFor(clock, counted), Millis(1));
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 200; ++i) {
    driver.requestStarted();
    driver.requestFinished();
    std::this_thread::sleep_for(std::chrono::microseconds(200));  // the driver may run
  }
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  // It looks again only when its bounded wait (100 ms) ends: a context switch per request
  // would show here as about one look per request.
  CHECK(counted.looks <= 3 + static_cast<int>(seconds * 10 * 2));
  CHECK(counted.steps == 0);
}

TEST_CASE("clock driver: an auto clock steps soon after the last request ends", "[clock][driver]") {
  Clock clock(TimePoint(Millis(0)), ClockMode::Auto);
  Counted counted;
  ClockDriver driver(clock, hooksFor(clock, counted), Millis(1));
  driver.requestStarted();
  clock.scheduleAfter(Millis(1000), "timer", [] {});
  // Let the driver settle into its wait for the request to end.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE(counted.steps == 0);
  const auto ended = std::chrono::steady_clock::now();
  driver.requestFinished();
  while (counted.steps == 0 && std::chrono::steady_clock::now() - ended < std::chrono::seconds(5)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  REQUIRE(counted.steps == 1);
  // Woken by the request's end, not by its bounded 100 ms wait running out.
  CHECK(std::chrono::steady_clock::now() - ended < std::chrono::milliseconds(60));
}

}  // namespace hnemu
