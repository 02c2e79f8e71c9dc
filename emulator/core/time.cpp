#include "core/time.h"

#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>

namespace hnemu {
namespace {

constexpr std::array<const char*, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::tm toUtc(TimePoint t) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch());
  const std::time_t tt = static_cast<std::time_t>(seconds.count());
  std::tm out{};
  gmtime_r(&tt, &out);
  return out;
}

// Days from civil, after Howard Hinnant's algorithm: timegm without the process's TZ.
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

std::string formatIso8601(TimePoint t) {
  const std::tm tm = toUtc(t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string formatIso8601Millis(TimePoint t) {
  const std::tm tm = toUtc(t);
  const auto ms = t.time_since_epoch().count() % 1000;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms < 0 ? ms + 1000 : ms));
  return buf;
}

std::string formatRfc2822(TimePoint t) {
  const std::tm tm = toUtc(t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kWeekdays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

Result<TimePoint> parseIso8601(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int consumed = 0;
  const std::string s(text);
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute,
                  &second, &consumed) != 6 ||
      month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return makeError(ErrorCode::InvalidArgument,
                     "expected an ISO 8601 UTC time such as 2026-11-23T08:00:00Z, got '" + s + "'");
  }
  size_t pos = static_cast<size_t>(consumed);
  int64_t millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      if (digits < 3) {
        millis = millis * 10 + (s[pos] - '0');
      }
      ++digits;
      ++pos;
    }
    for (; digits < 3; ++digits) {
      millis *= 10;
    }
  }
  if (!(pos + 1 == s.size() && s[pos] == 'Z') && s.substr(pos) != "+00:00") {
    return makeError(ErrorCode::InvalidArgument,
                     "expected a UTC time ending in Z, got '" + s + "'");
  }
  const int64_t days =
      daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const int64_t total = ((days * 24 + hour) * 60 + minute) * 60 + second;
  return TimePoint(Millis(total * 1000 + millis));
}

Result<Millis> parseDuration(std::string_view text) {
  auto invalid = [&] {
    return makeError(
        ErrorCode::InvalidArgument,
        "expected a duration such as 7d, 36h, 90m, 15s or 250ms, got '" + std::string(text) + "'");
  };
  if (text.empty()) {
    return invalid();
  }
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
      return invalid();
    }
    int64_t value = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (value > 1'000'000'000) {
        return invalid();
      }
      value = value * 10 + (text[i] - '0');
      ++i;
    }
    std::string_view unit;
    const size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) {
      ++i;
    }
    unit = text.substr(unit_start, i - unit_start);
    int64_t scale = 0;
    if (unit.empty()) {
      return makeError(ErrorCode::InvalidArgument,
                       "'" + std::string(text) + "' needs a unit: ms, s, m, h, d or w (" +
                           std::string(text) + "ms, " + std::string(text) + "s, ...)");
    }
    if (unit == "ms") {
      scale = 1;
    } else if (unit == "s") {
      scale = 1000;
    } else if (unit == "m") {
      scale = 60'000;
    } else if (unit == "h") {
      scale = 3'600'000;
    } else if (unit == "d") {
      scale = 86'400'000;
    } else if (unit == "w") {
      scale = 7 * 86'400'000LL;
    } else {
      return invalid();
    }
    total += value * scale;
    if (total > kLongestDuration.count()) {
      return makeError(ErrorCode::InvalidArgument,
                       "'" + std::string(text) + "' is longer than hnemu's limit, 100 years");
    }
  }
  return Millis(total);
}

std::string formatDuration(Millis d) {
  int64_t ms = d.count();
  if (ms == 0) {
    return "0s";
  }
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  const std::array<std::pair<int64_t, const char*>, 5> units = {
      {{86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}, {1, "ms"}}};
  for (const auto& [scale, name] : units) {
    if (ms >= scale) {
      out += std::to_string(ms / scale) + name;
      ms %= scale;
    }
  }
  return out;
}

}  // namespace hnemu
