// Parsing and printing of sizes, durations and --since times (see units.h).
#include "util/units.h"
#include "util/text.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>
#include <string>

namespace vmsupport {
namespace {

// Splits "25MiB" into 25 and "MiB"; fails when no number leads.
bool split_number(std::string_view text, double& number, std::string_view& unit) {
  std::size_t end = 0;
  while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) ||
                               text[end] == '.')) {
    ++end;
  }
  if (end == 0) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + end, number);
  if (ec != std::errc() || ptr != text.data() + end) return false;
  unit = text.substr(end);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  return true;
}

}  // namespace

Result<std::uint64_t> parse_size(std::string_view text) {
  double number = 0;
  std::string_view unit;
  if (!split_number(text, number, unit)) {
    return fail("'", text, "' is not a size (expected e.g. 4096, 512k, 25MiB, 2G)");
  }
  const std::string u = ascii_lower(unit);
  double scale = 0;
  if (u.empty() || u == "b") scale = 1;
  else if (u == "k" || u == "kb" || u == "kib") scale = 1024.0;
  else if (u == "m" || u == "mb" || u == "mib") scale = 1024.0 * 1024;
  else if (u == "g" || u == "gb" || u == "gib") scale = 1024.0 * 1024 * 1024;
  else if (u == "t" || u == "tb" || u == "tib") scale = 1024.0 * 1024 * 1024 * 1024;
  else return fail("'", text, "' has an unknown size unit '", unit, "' (use k, M, G or T)");
  const double bytes = std::floor(number * scale);
  if (bytes > 1.8e19) return fail("'", text, "' is too large");
  return static_cast<std::uint64_t>(bytes);
}

Result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  double number = 0;
  std::string_view unit;
  if (!split_number(text, number, unit)) {
    return fail("'", text, "' is not a duration (expected e.g. 30s, 5m, 2h, 3d)");
  }
  const std::string u = ascii_lower(unit);
  double ms = 0;
  if (u == "ms") ms = number;
  else if (u.empty() || u == "s" || u == "sec") ms = number * 1e3;
  else if (u == "m" || u == "min") ms = number * 60e3;
  else if (u == "h") ms = number * 3600e3;
  else if (u == "d") ms = number * 86400e3;
  else if (u == "w") ms = number * 7 * 86400e3;
  else return fail("'", text, "' has an unknown duration unit '", unit, "' (use ms, s, m, h, d or w)");
  // A century is more than any timeout or look-back needs, and keeps a time
  // point now +/- the duration inside the clock's range (nanoseconds, +/-292 years).
  if (ms > 100 * 365.25 * 86400e3) return fail("'", text, "' is too long (at most 100 years)");
  return std::chrono::milliseconds(static_cast<std::int64_t>(ms));
}

Clock::time_point clock_from_unix(std::int64_t seconds, std::int64_t nanos) {
  // The clock counts nanoseconds in 64 bits: about 9.2e9 seconds either side of 1970.
  constexpr std::int64_t k_limit = std::numeric_limits<Clock::rep>::max() / 1'000'000'000 - 1;
  if (seconds > k_limit) return Clock::time_point(Clock::duration(std::chrono::seconds(k_limit)));
  if (seconds < -k_limit) return Clock::time_point(Clock::duration(std::chrono::seconds(-k_limit)));
  if (nanos < 0 || nanos >= 1'000'000'000) nanos = 0;
  return Clock::time_point(std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(seconds) +
                                                                       std::chrono::nanoseconds(nanos)));
}

Result<Clock::time_point> parse_since(std::string_view text, Clock::time_point now) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  const std::string s(text);
  char tail = 0;
  const int fields = std::sscanf(s.c_str(), "%4d-%2d-%2d%*[T ]%2d:%2d:%2d%c", &year, &month,
                                 &day, &hour, &minute, &second, &tail);
  const bool date_only = fields == 3 && s.size() == 10;
  const bool date_time = (fields == 6 && s.size() == 19) || (fields == 7 && tail == 'Z' && s.size() == 20);
  if (date_only || date_time) {
    // Years outside 1900..2200 do not fit the clock (nanoseconds since 1970).
    if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 ||
        hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) {
      return fail("'", text, "' is not a valid date");
    }
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    const std::time_t t = timegm(&tm);
    std::tm check{};
    gmtime_r(&t, &check);
    if (check.tm_mday != day || check.tm_mon != month - 1) return fail("'", text, "' is not a valid date");
    return clock_from_unix(t);
  }
  auto duration = parse_duration(text);
  if (!duration) {
    return fail("'", text,
                "' is neither a duration (3d, 12h) nor a UTC date (2026-11-20, "
                "2026-11-20T10:00:00Z)");
  }
  return now - *duration;
}

std::string format_size(std::uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1023.95 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char buffer[32];
  if (unit == 0) std::snprintf(buffer, sizeof buffer, "%llu B", static_cast<unsigned long long>(bytes));
  else std::snprintf(buffer, sizeof buffer, "%.1f %s", value, units[unit]);
  return buffer;
}

std::string format_duration(std::chrono::milliseconds duration) {
  const double seconds = static_cast<double>(duration.count()) / 1000.0;
  char buffer[32];
  if (seconds < 120) std::snprintf(buffer, sizeof buffer, "%g s", seconds);
  else std::snprintf(buffer, sizeof buffer, "%.1f min", seconds / 60);
  return buffer;
}

static std::string format_utc(Clock::time_point when, const char* format) {
  const std::time_t t = Clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[40];
  std::strftime(buffer, sizeof buffer, format, &tm);
  return buffer;
}

std::string format_compact_utc(Clock::time_point when) {
  return format_utc(when, "%Y%m%dT%H%M%SZ");
}

std::string format_iso_utc(Clock::time_point when) {
  return format_utc(when, "%Y-%m-%dT%H:%M:%SZ");
}

}  // namespace vmsupport
