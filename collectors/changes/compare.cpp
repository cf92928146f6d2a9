// Comparing snapshots and rendering what changed (see compare.h).
#include "changes/compare.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "util/text.h"

namespace vmsupport {
namespace {

constexpr std::size_t k_glance_lines = 3;   // a change this small is quoted in the summary
constexpr std::size_t k_glance_width = 160;

std::string glance(std::string_view line) {
  std::string out(line.substr(0, k_glance_width));
  return line.size() > k_glance_width ? out + "…" : out;
}

std::string diff_member_for(const std::string& key) {
  if (key.starts_with("command:")) return "changes/diffs/commands/" + key.substr(8) + ".diff";
  return "changes/diffs/" + (key.starts_with("/") ? key.substr(1) : key) + ".diff";
}

// The -/+ lines of a small diff, for the summary.
void quote_small_change(EntryChange& change) {
  std::vector<std::string> removed;
  std::vector<std::string> added;
  for (std::string_view line : split_lines(change.diff.text)) {
    if (line.starts_with("---") || line.starts_with("+++")) continue;
    if (line.starts_with("-")) removed.push_back(glance(line.substr(1)));
    if (line.starts_with("+")) added.push_back(glance(line.substr(1)));
  }
  if (removed.size() <= k_glance_lines && added.size() <= k_glance_lines) {
    change.removed_lines = std::move(removed);
    change.added_lines = std::move(added);
  }
}

std::vector<PackageChange> package_changes(std::string_view before, std::string_view after) {
  std::map<std::string, std::string> old_versions;
  std::map<std::string, std::string> new_versions;
  for (auto& [name, version] : package_versions(before)) old_versions[name] = version;
  for (auto& [name, version] : package_versions(after)) new_versions[name] = version;
  std::vector<PackageChange> changes;
  for (const auto& [name, version] : new_versions) {
    auto old = old_versions.find(name);
    if (old == old_versions.end()) changes.push_back({name, "", version});
    else if (old->second != version) changes.push_back({name, old->second, version});
  }
  for (const auto& [name, version] : old_versions) {
    if (!new_versions.contains(name)) changes.push_back({name, version, ""});
  }
  return changes;
}

EntryChange change_of(const SnapshotEntry* before, const SnapshotEntry* after, const std::string& baseline_time,
                      const std::string& now_time) {
  const SnapshotEntry& any = after ? *after : *before;
  EntryChange change;
  change.key = any.key;
  change.source = any.source;
  change.area = any.area;
  if (after && !after->present && before && before->present) {
    change.kind = EntryChange::Kind::not_compared;
    change.note = after->note.empty() ? "not gathered in this run" : after->note;
    return change;
  }
  const bool had = before && before->present;
  const bool has = after && after->present;
  change.kind = !had ? EntryChange::Kind::added : !has ? EntryChange::Kind::removed : EntryChange::Kind::changed;
  const std::string_view old_text = had ? std::string_view(before->content) : std::string_view();
  const std::string_view new_text = has ? std::string_view(after->content) : std::string_view();
  change.diff = unified_diff(old_text, new_text, any.key.starts_with("command:") ? "commands/" + any.key.substr(8) : any.key,
                             "baseline " + baseline_time, "now " + now_time);
  change.diff_member = diff_member_for(any.key);
  quote_small_change(change);
  if (any.format == "packages") change.packages = package_changes(old_text, new_text);
  return change;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> package_versions(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  for (std::string_view line : split_lines(text)) {
    std::istringstream words{std::string(line)};
    std::string name;
    std::string version;
    if (!(words >> name >> version)) continue;
    if (name == "Name" || name.starts_with("-") || name.starts_with("#")) continue;
    out.emplace_back(name, version);
  }
  return out;
}

void compare_with_baseline(const Baseline& baseline, const Snapshot& now, ChangeReport& report) {
  report.baseline = baseline.info;
  const std::string then_text = format_iso_utc(baseline.info.taken);
  const std::string now_text = format_iso_utc(now.taken);
  std::map<std::string, const SnapshotEntry*> old_entries;
  for (const SnapshotEntry& entry : baseline.snapshot.entries) old_entries[entry.key] = &entry;
  for (const SnapshotEntry& entry : now.entries) {
    auto old = old_entries.find(entry.key);
    const SnapshotEntry* before = old == old_entries.end() ? nullptr : old->second;
    if (old != old_entries.end()) old_entries.erase(old);
    const bool same = before && before->present == entry.present && before->content == entry.content;
    if (same || (!entry.present && !(before && before->present))) {
      ++report.unchanged;
      continue;
    }
    report.changes.push_back(change_of(before, &entry, then_text, now_text));
  }
  for (const SnapshotEntry& gone : baseline.snapshot.entries) {
    if (old_entries.contains(gone.key) && gone.present) report.changes.push_back(change_of(&gone, nullptr, then_text, now_text));
  }
}

void recent_tracked_files(const Snapshot& now, Clock::time_point since, ChangeReport& report) {
  report.since = since;
  for (const SnapshotEntry& entry : now.entries) {
    // /proc and /sys report the boot or read time, not a change.
    const bool pseudo = entry.key.starts_with("/proc/") || entry.key.starts_with("/sys/");
    if (entry.present && !pseudo && !entry.key.starts_with("command:") && entry.mtime >= since) {
      report.recent_files.push_back(RecentFile{entry.key, entry.area, entry.mtime});
    }
  }
  std::sort(report.recent_files.begin(), report.recent_files.end(),
            [](const RecentFile& a, const RecentFile& b) { return a.mtime > b.mtime; });
}

}  // namespace vmsupport
