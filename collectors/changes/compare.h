// What changed since the baseline: the tracked state now against the
// baseline's, entry by entry — unified diffs for files and command outputs,
// per-package changes for package lists — or, with no baseline yet, the
// tracked files modified within the window and the package/VIB history logs.
// Rendered as changes/summary.txt (grouped by area, readable at a glance),
// changes/changes.json and changes/diffs/<path>.diff; all of it goes through
// the scrubber like any member.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "changes/baseline_store.h"
#include "changes/history.h"
#include "changes/unified_diff.h"

namespace vmsupport {

struct PackageChange {
  std::string name;
  std::string from;  // "" = added
  std::string to;    // "" = removed
};

struct EntryChange {
  enum class Kind { added, removed, changed, not_compared };
  Kind kind = Kind::changed;
  std::string key;
  std::string source;
  ChangeArea area = ChangeArea::config;
  UnifiedDiff diff;
  std::string diff_member;  // "changes/diffs/etc/hosts.diff", "" when there is none
  std::vector<std::string> removed_lines;  // the lines themselves when few (a glance in the summary)
  std::vector<std::string> added_lines;
  std::vector<PackageChange> packages;     // format: packages
  std::string note;                        // not_compared: why
};

struct RecentFile {
  std::string path;
  ChangeArea area = ChangeArea::config;
  Clock::time_point mtime{};
};

struct HistoryFinding {
  ChangeArea area = ChangeArea::packages;
  std::string log;  // the log's path
  HistoryEvent event;
};

struct ChangeReport {
  Clock::time_point now{};
  std::optional<BaselineInfo> baseline;   // compared with this one
  std::vector<EntryChange> changes;       // with a baseline
  std::size_t unchanged = 0;
  Clock::time_point since{};              // without one: the window
  std::vector<RecentFile> recent_files;
  std::vector<HistoryFinding> history;
  std::string recorded_baseline;          // the id this collect recorded, if it did
  std::string record_error;               // why it could not
};

// Compares the tracked state now with the baseline's.
void compare_with_baseline(const Baseline& baseline, const Snapshot& now, ChangeReport& report);

// Without a baseline: tracked files of `now` modified at or after `since`.
void recent_tracked_files(const Snapshot& now, Clock::time_point since, ChangeReport& report);

// The bundle members of the report: (path, content), summary first.
std::vector<std::pair<std::string, std::string>> change_members(const ChangeReport& report);

// Parses "NAME VERSION …" lines (package lists, `esxcli software vib list`):
// header and rule lines are skipped. Exposed for tests.
std::vector<std::pair<std::string, std::string>> package_versions(std::string_view text);

}  // namespace vmsupport
