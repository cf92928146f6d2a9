// Tests for util/units: sizes, durations and --since times as users type
// them (valid and invalid, errors naming the input), and their printing for
// people (format_size, format_duration) and for bundles (UTC timestamps).
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>

#include "util/units.h"

namespace vmsupport {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr std::uint64_t k_kib = 1024;
constexpr std::uint64_t k_mib = k_kib * 1024;
constexpr std::uint64_t k_gib = k_mib * 1024;
constexpr std::uint64_t k_tib = k_gib * 1024;

// 2026-11-23T06:54:00Z
const Clock::time_point k_now = Clock::from_time_t(1795416840);

struct SizeCase {
  const char* text;
  std::uint64_t bytes;
};

const SizeCase k_sizes[] = {
    {"0", 0},
    {"4096", 4096},
    {"100B", 100},
    {"100b", 100},
    {"512k", 512 * k_kib},
    {"512K", 512 * k_kib},
    {"10kb", 10 * k_kib},
    {"10KiB", 10 * k_kib},
    {"25MiB", 25 * k_mib},
    {"25M", 25 * k_mib},
    {"25mb", 25 * k_mib},
    {"25 MiB", 25 * k_mib},
    {"2G", 2 * k_gib},
    {"1.5G", 3 * k_gib / 2},
    {"0.5k", 512},
    {"1.0001k", 1024},
    {"1T", k_tib},
    {"1TiB", k_tib},
};

struct BadCase {
  const char* text;
  const char* says;  // a part of the expected message
};

const BadCase k_bad_sizes[] = {
    {"", "is not a size"},
    {"lots", "is not a size"},
    {"-1", "is not a size"},
    {"MiB", "is not a size"},
    {" 25M", "is not a size"},
    {"1.2.3", "is not a size"},
    {"25XB", "unknown size unit 'XB'"},
    {"1e3", "unknown size unit 'e3'"},
    {"25M ", "unknown size unit"},
    {"10 apples", "unknown size unit 'apples'"},
    {"99999999T", "is too large"},
    {"18446744073709551615", "is too large"},
};

struct DurationCase {
  const char* text;
  milliseconds duration;
};

const DurationCase k_durations[] = {
    {"0", milliseconds(0)},
    {"500ms", milliseconds(500)},
    {"30s", seconds(30)},
    {"30", seconds(30)},
    {"30sec", seconds(30)},
    {"30S", seconds(30)},
    {"1.5s", milliseconds(1500)},
    {"0.5ms", milliseconds(0)},
    {"5m", minutes(5)},
    {"5min", minutes(5)},
    {"2h", hours(2)},
    {"2H", hours(2)},
    {"3d", hours(72)},
    {"1w", hours(168)},
};

const BadCase k_bad_durations[] = {
    {"", "is not a duration"},
    {"soon", "is not a duration"},
    {"-5s", "is not a duration"},
    {"s", "is not a duration"},
    {"5y", "unknown duration unit 'y'"},
    {"5 fortnights", "unknown duration unit 'fortnights'"},
    {"36525.1d", "is too long (at most 100 years)"},
    // Found by fuzz_site_config: 8.64e+110 ms does not fit a 64-bit count.
    {"10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000d",
     "is too long"},
};

struct SinceCase {
  const char* text;
  Clock::time_point when;
};

const SinceCase k_sinces[] = {
    {"3d", k_now - hours(72)},
    {"12h", k_now - hours(12)},
    {"90m", k_now - minutes(90)},
    {"2026-11-20", Clock::from_time_t(1795132800)},
    {"2026-11-20T10:00:00Z", Clock::from_time_t(1795168800)},
    {"2026-11-20T10:00:00", Clock::from_time_t(1795168800)},
    {"2026-11-20 10:00:00", Clock::from_time_t(1795168800)},
    {"1970-01-01", Clock::from_time_t(0)},
};

const BadCase k_bad_sinces[] = {
    {"yesterday", "is neither a duration"},
    {"", "is neither a duration"},
    {"2026-11-20T10:00", "is neither a duration"},
    {"2026-11-20T10:00:00+02:00", "is neither a duration"},
    {"2026-11-20x", "is neither a duration"},
    {"2026-13-01", "is not a valid date"},
    {"2026-00-10", "is not a valid date"},
    {"2026-11-32", "is not a valid date"},
    {"2026-11-20T24:00:00Z", "is not a valid date"},
    {"2026-11-20T10:60:00Z", "is not a valid date"},
    {"2026-02-30", "is not a valid date"},
    {"2026-04-31", "is not a valid date"},
    {"2026-11-20T10:00:00Zjunk", "is neither a duration"},
};

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("parse_size reads bytes with binary units") {
    for (const SizeCase& c : k_sizes) {
      const std::string text = c.text;
      CAPTURE(text);
      auto bytes = parse_size(c.text);
      REQUIRE_MESSAGE(bytes.has_value(), (bytes ? "" : bytes.error().message));
      CHECK(*bytes == c.bytes);
    }
  }

  TEST_CASE("parse_size rejects what is not a size and quotes the input") {
    for (const BadCase& c : k_bad_sizes) {
      const std::string text = c.text;
      CAPTURE(text);
      auto bytes = parse_size(c.text);
      REQUIRE_FALSE(bytes.has_value());
      const std::string& message = bytes.error().message;
      CHECK(message.find("'" + std::string(c.text) + "'") == 0);
      CHECK(message.find(c.says) != std::string::npos);
    }
  }

  TEST_CASE("parse_duration reads ms, s, m, h, d, w and plain seconds") {
    for (const DurationCase& c : k_durations) {
      const std::string text = c.text;
      CAPTURE(text);
      auto duration = parse_duration(c.text);
      REQUIRE_MESSAGE(duration.has_value(), (duration ? "" : duration.error().message));
      CHECK(duration->count() == c.duration.count());
    }
  }

  TEST_CASE("parse_duration rejects what is not a duration and quotes the input") {
    for (const BadCase& c : k_bad_durations) {
      const std::string text = c.text;
      CAPTURE(text);
      auto duration = parse_duration(c.text);
      REQUIRE_FALSE(duration.has_value());
      const std::string& message = duration.error().message;
      CHECK(message.find("'" + std::string(c.text) + "'") == 0);
      CHECK(message.find(c.says) != std::string::npos);
    }
  }

  TEST_CASE("parse_since takes a duration back from now or a UTC date") {
    for (const SinceCase& c : k_sinces) {
      const std::string text = c.text;
      CAPTURE(text);
      auto when = parse_since(c.text, k_now);
      REQUIRE_MESSAGE(when.has_value(), (when ? "" : when.error().message));
      CHECK(format_iso_utc(*when) == format_iso_utc(c.when));
      CHECK(*when == c.when);
    }
  }

  TEST_CASE("parse_since rejects other text and quotes the input") {
    for (const BadCase& c : k_bad_sinces) {
      const std::string text = c.text;
      CAPTURE(text);
      auto when = parse_since(c.text, k_now);
      REQUIRE_FALSE(when.has_value());
      const std::string& message = when.error().message;
      CHECK(message.find("'" + std::string(c.text) + "'") == 0);
      CHECK(message.find(c.says) != std::string::npos);
    }
  }

  TEST_CASE("the parse_since error shows both accepted forms") {
    auto when = parse_since("yesterday", k_now);
    REQUIRE_FALSE(when.has_value());
    CHECK(when.error().message ==
          "'yesterday' is neither a duration (3d, 12h) nor a UTC date (2026-11-20, "
          "2026-11-20T10:00:00Z)");
  }

  TEST_CASE("format_size prints bytes below 1 KiB exactly and larger sizes with one decimal") {
    const struct {
      std::uint64_t bytes;
      const char* text;
    } cases[] = {
        {0, "0 B"},
        {512, "512 B"},
        {1023, "1023 B"},
        {1024, "1.0 KiB"},
        {1536, "1.5 KiB"},
        {1048575, "1.0 MiB"},
        {25 * k_mib, "25.0 MiB"},
        {2 * k_gib, "2.0 GiB"},
        {k_tib, "1.0 TiB"},
        {1024 * k_tib, "1024.0 TiB"},
    };
    for (const auto& c : cases) {
      CAPTURE(c.bytes);
      CHECK(format_size(c.bytes) == std::string(c.text));
    }
  }

  TEST_CASE("format_duration prints seconds below two minutes, then minutes") {
    const struct {
      milliseconds duration;
      const char* text;
    } cases[] = {
        {milliseconds(0), "0 s"},
        {milliseconds(500), "0.5 s"},
        {milliseconds(1500), "1.5 s"},
        {seconds(30), "30 s"},
        {seconds(119), "119 s"},
        {seconds(120), "2.0 min"},
        {seconds(150), "2.5 min"},
        {hours(1), "60.0 min"},
    };
    for (const auto& c : cases) {
      const std::string text = c.text;
      CAPTURE(text);
      CHECK(format_duration(c.duration) == std::string(c.text));
    }
  }

  TEST_CASE("UTC timestamps print in compact and ISO form") {
    CHECK(format_compact_utc(k_now) == "20261123T065400Z");
    CHECK(format_iso_utc(k_now) == "2026-11-23T06:54:00Z");
    CHECK(format_compact_utc(Clock::from_time_t(0)) == "19700101T000000Z");
    CHECK(format_iso_utc(Clock::from_time_t(0)) == "1970-01-01T00:00:00Z");
    // Fractions of a second are dropped, not rounded.
    CHECK(format_iso_utc(k_now + milliseconds(999)) == "2026-11-23T06:54:00Z");
  }

  TEST_CASE("a time stamp beyond the clock's range is clamped to its edge, not overflowed") {
    CHECK(clock_from_unix(1795416840) == k_now);
    CHECK(clock_from_unix(0, 500'000'000) == Clock::from_time_t(0) + milliseconds(500));
    CHECK(clock_from_unix(0, -1) == Clock::from_time_t(0));  // a broken nanosecond field is dropped
    const Clock::time_point far = clock_from_unix(32'503'680'000);  // the year 3000
    CHECK(far > Clock::from_time_t(9'000'000'000));
    CHECK(far == clock_from_unix(std::numeric_limits<std::int64_t>::max()));
    CHECK(clock_from_unix(std::numeric_limits<std::int64_t>::min()) < Clock::from_time_t(-9'000'000'000));
  }

  TEST_CASE("a --since date printed in ISO form reads back to the same time") {
    auto when = parse_since(format_iso_utc(k_now), Clock::from_time_t(0));
    REQUIRE(when.has_value());
    CHECK(*when == k_now);
  }
}

}  // namespace vmsupport
