#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace hnemu {

// Virtual time: milliseconds since the Unix epoch. Only the clock produces values of this type.
using Millis = std::chrono::milliseconds;
using TimePoint = std::chrono::time_point<std::chrono::system_clock, Millis>;

std::string formatIso8601(TimePoint t);        // 2026-11-23T08:00:00Z
std::string formatIso8601Millis(TimePoint t);  // 2026-11-23T08:00:00.000Z
std::string formatRfc2822(TimePoint t);        // Mon, 23 Nov 2026 08:00:00 +0000
Result<TimePoint> parseIso8601(std::string_view text);

// The latest time the virtual clock may reach: later ones have no ISO 8601 form that reads back.
inline constexpr TimePoint kLatestTime = TimePoint(Millis(253'402'300'799'999));  // 9999-12-31
// The longest duration any input may give.
inline constexpr Millis kLongestDuration = std::chrono::hours(24 * 36525);  // 100 years

// "7d", "36h", "90m", "15s", "250ms", "1d12h": always with a unit; at most 100 years.
Result<Millis> parseDuration(std::string_view text);
std::string formatDuration(Millis d);

}  // namespace hnemu
