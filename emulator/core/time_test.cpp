#include "core/time.h"

#include <catch2/catch.hpp>

using namespace hnemu;

TEST_CASE("ISO 8601 and RFC 2822 formatting", "[time]") {
  const TimePoint t = TimePoint(Millis(1'490'731'599'123));  // 2017-03-28T20:06:39.123Z
  REQUIRE(formatIso8601(t) == "2017-03-28T20:06:39Z");
  REQUIRE(formatIso8601Millis(t) == "2017-03-28T20:06:39.123Z");
  REQUIRE(formatRfc2822(t) == "Tue, 28 Mar 2017 20:06:39 +0000");
}

TEST_CASE("ISO 8601 parsing round-trips and rejects junk", "[time]") {
  const auto parsed = parseIso8601("2026-01-05T09:00:00Z");
  REQUIRE(parsed.ok());
  REQUIRE(parsed.value().time_since_epoch().count() == 1'767'603'600'000);
  REQUIRE(parseIso8601("2017-03-28T20:06:39.123Z").value().time_since_epoch().count() ==
          1'490'731'599'123);
  REQUIRE(parseIso8601("2017-03-28T20:06:39+00:00").ok());
  REQUIRE_FALSE(parseIso8601("2017-03-28").ok());
  REQUIRE_FALSE(parseIso8601("2017-13-28T20:06:39Z").ok());
  REQUIRE_FALSE(parseIso8601("2017-03-28T20:06:39+02:00").ok());
}

TEST_CASE("durations", "[time]") {
  REQUIRE(parseDuration("7d").value() == std::chrono::hours(24 * 7));
  REQUIRE(parseDuration("1d12h").value() == std::chrono::hours(36));
  REQUIRE(parseDuration("250ms").value() == Millis(250));
  // A bare number is an error that says which unit is missing, not a guess.
  REQUIRE(parseDuration("90").error().message.find("'90' needs a unit") != std::string::npos);
  REQUIRE(parseDuration("36500d").ok());
  REQUIRE(parseDuration("36526d").error().message.find("100 years") != std::string::npos);
  REQUIRE(parseDuration("2w").value() == std::chrono::hours(24 * 14));
  REQUIRE_FALSE(parseDuration("").ok());
  REQUIRE_FALSE(parseDuration("7x").ok());
  REQUIRE_FALSE(parseDuration("-1d").ok());
  REQUIRE_FALSE(parseDuration("d").ok());
  REQUIRE_FALSE(parseDuration("99999999999999999999d").ok());
  REQUIRE(formatDuration(std::chrono::hours(36)) == "1d12h");
  REQUIRE(formatDuration(Millis(0)) == "0s");
}
