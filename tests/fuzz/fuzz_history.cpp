// Fuzz target for the package-history parsers (collectors/changes/history):
// dpkg.log, apt's history.log, dnf.rpm.log, yum.log and esxupdate.log come
// from the host as they are. The first byte picks the format; the events
// must come out oldest first, at or after `since`, with a known action.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

#include "changes/history.h"
#include "fuzz_support.h"

using namespace vmsupport;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static constexpr std::array<std::string_view, 5> k_formats = {"dpkg", "apt", "dnf", "yum", "esxupdate"};
  static constexpr std::array<std::string_view, 5> k_actions = {"install", "upgrade", "downgrade", "remove",
                                                                "reinstall"};
  if (size == 0) return 0;
  const std::string_view format = k_formats[data[0] % k_formats.size()];
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const Clock::time_point now = Clock::from_time_t(1764892800);  // 2025-12-05
  const Clock::time_point since = Clock::from_time_t(946684800);  // 2000-01-01
  const std::vector<HistoryEvent> events = parse_history(text, format, since, now);
  for (std::size_t i = 0; i < events.size(); ++i) {
    fuzz::expect(events[i].when >= since, "an event before `since`");
    fuzz::expect(i == 0 || events[i - 1].when <= events[i].when, "events out of order");
    fuzz::expect(std::find(k_actions.begin(), k_actions.end(), events[i].action) != k_actions.end(),
                 "an event with an unknown action");
  }
  return 0;
}
