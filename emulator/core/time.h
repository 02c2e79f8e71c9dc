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

// "7d", "36h", "90m", "15s", "250ms", "1d12h", or a bare number of seconds.
Result<Millis> parseDuration(std::string_view text);
std::string formatDuration(Millis d);

}  // namespace hnemu
