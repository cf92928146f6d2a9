// Parsing and printing of the units users type: sizes ("25MiB", "2G"),
// durations ("30s", "5m", "3d") and points in time for --since
// ("3d", "2026-11-20", "2026-11-20T10:00:00Z").
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.h"

namespace vmsupport {

using Clock = std::chrono::system_clock;
using Seconds = std::chrono::duration<double>;

// A time stamp read from a file system, an archive or a log, clamped to what the
// clock holds (nanoseconds since 1970: years 1678..2261). A file dated 3000 on a
// host or in a tar header is kept at the clock's edge, not overflowed.
Clock::time_point clock_from_unix(std::int64_t seconds, std::int64_t nanos = 0);

// Bytes from "123", "10k", "25MiB", "2G", "1.5GB". Units are binary (k = KiB).
// Fails on anything else, with a message naming the text.
Result<std::uint64_t> parse_size(std::string_view text);

// Duration from "500ms", "30s", "5m", "2h", "3d", "1w" or a plain number of seconds.
Result<std::chrono::milliseconds> parse_duration(std::string_view text);

// --since: a duration back from `now`, or an absolute UTC date / date-time.
Result<Clock::time_point> parse_since(std::string_view text, Clock::time_point now);

// "25.0 MiB", "512 B": for people.
std::string format_size(std::uint64_t bytes);

// "0.5 s", "30 s", "2.5 min": for people.
std::string format_duration(std::chrono::milliseconds duration);

// "20261123T065400Z": for bundle names.
std::string format_compact_utc(Clock::time_point when);

// "2026-11-23T06:54:00Z": for manifest.json.
std::string format_iso_utc(Clock::time_point when);

}  // namespace vmsupport
