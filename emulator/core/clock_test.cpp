#include "core/clock.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace hnemu;

namespace {
const TimePoint kStart = TimePoint(Millis(1'767'603'600'000));
}

TEST_CASE("timers fire in due order, ties by scheduling order", "[clock]") {
  Clock clock(kStart);
  std::vector<std::string> fired;
  clock.scheduleAfter(Millis(2000), "b", [&] { fired.push_back("b"); });
  clock.scheduleAfter(Millis(1000), "a", [&] { fired.push_back("a"); });
  clock.scheduleAfter(Millis(2000), "c", [&] { fired.push_back("c"); });
  REQUIRE(clock.advance(Millis(1500)) == 1);
  REQUIRE(fired == std::vector<std::string>{"a"});
  REQUIRE(clock.now() == kStart + Millis(1500));
  REQUIRE(clock.advance(Millis(500)) == 2);
  REQUIRE(fired == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("a timer sees the clock at its own due time", "[clock]") {
  Clock clock(kStart);
  TimePoint seen;
  clock.scheduleAfter(std::chrono::hours(24), "day", [&] { seen = clock.now(); });
  clock.advance(std::chrono::hours(24 * 7));
  REQUIRE(seen == kStart + std::chrono::hours(24));
  REQUIRE(clock.now() == kStart + std::chrono::hours(24 * 7));
}

TEST_CASE("timers scheduled by timers fire in the same advance when due", "[clock]") {
  Clock clock(kStart);
  int chain = 0;
  std::function<void()> step = [&] {
    if (++chain < 3) {
      clock.scheduleAfter(Millis(10), "next", step);
    }
  };
  clock.scheduleAfter(Millis(10), "first", step);
  clock.advance(Millis(25));
  REQUIRE(chain == 2);
  clock.advance(Millis(5));
  REQUIRE(chain == 3);
}

TEST_CASE("cancel, fireNext and reset", "[clock]") {
  Clock clock(kStart);
  int fired = 0;
  const uint64_t id = clock.scheduleAfter(Millis(10), "x", [&] { ++fired; });
  clock.scheduleAfter(Millis(50), "y", [&] { ++fired; });
  REQUIRE(clock.cancel(id));
  REQUIRE_FALSE(clock.cancel(id));
  REQUIRE(clock.pendingTimers().size() == 1);
  REQUIRE(clock.fireNext() == 1);
  REQUIRE(clock.now() == kStart + Millis(50));
  REQUIRE(fired == 1);
  REQUIRE(clock.fireNext() == 0);
  clock.scheduleAfter(Millis(1), "z", [&] { ++fired; });
  clock.reset(kStart);
  REQUIRE(clock.now() == kStart);
  REQUIRE(clock.pendingTimers().empty());
}

TEST_CASE("the clock never goes back", "[clock]") {
  Clock clock(kStart);
  clock.advance(Millis(100));
  const auto moved = clock.advanceTo(kStart);
  REQUIRE_FALSE(moved.ok());
  REQUIRE(clock.now() == kStart + Millis(100));
}

TEST_CASE("clock modes parse and print", "[clock]") {
  for (const char* name : {"manual", "auto", "realtime"}) {
    const auto mode = parseClockMode(name);
    REQUIRE(mode.ok());
    REQUIRE(clockModeName(mode.value()) == name);
  }
  REQUIRE_FALSE(parseClockMode("fast").ok());
}

TEST_CASE("realtime mode moves with the wall clock and can still be advanced", "[clock]") {
  Clock clock(kStart, ClockMode::Realtime);
  const TimePoint first = clock.now();
  REQUIRE(first >= kStart);
  clock.advance(std::chrono::hours(1));
  REQUIRE(clock.now() >= kStart + std::chrono::hours(1));
}

TEST_CASE("the timers' digest follows the state timers as they come and go", "[clock]") {
  const TimePoint start = parseIso8601("2026-01-05T09:00:00Z").value();
  Clock clock(start);
  const std::string empty = clock.timersDigest();
  const uint64_t verification = clock.scheduleAfter(Millis(60'000), "verification", [] {});
  const std::string one = clock.timersDigest();
  CHECK(one != empty);
  clock.schedule(
      start + Millis(5'000), "webhook retry", [] {}, /*is_state=*/false);
  CHECK(clock.timersDigest() == one);  // delivery, not state
  clock.scheduleAfter(Millis(120'000), "carrier", [] {});
  CHECK(clock.timersDigest() != one);
  REQUIRE(clock.cancel(verification));
  Clock other(start);
  other.scheduleAfter(Millis(120'000), "carrier", [] {});
  CHECK(clock.timersDigest() == other.timersDigest());
  clock.advance(Millis(200'000));  // fires the carrier and the retry
  CHECK(clock.timersDigest() == empty);
  clock.scheduleAfter(Millis(1'000), "later", [] {});
  clock.reset(start);
  CHECK(clock.timersDigest() == empty);
}
