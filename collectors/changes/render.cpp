// Rendering a ChangeReport as bundle members (see compare.h): summary.txt
// grouped by area, changes.json for machines, one .diff per changed entry.
#include <nlohmann/json.hpp>

#include "changes/compare.h"

namespace vmsupport {
namespace {

const char* kind_name(EntryChange::Kind kind) {
  switch (kind) {
    case EntryChange::Kind::added: return "added";
    case EntryChange::Kind::removed: return "removed";
    case EntryChange::Kind::changed: return "changed";
    case EntryChange::Kind::not_compared: return "not_compared";
  }
  return "changed";
}

// A file's path, or "output of <command id>".
std::string what(const EntryChange& change) {
  return change.key.starts_with("command:") ? "output of " + change.key.substr(8) : change.key;
}

std::string package_line(const PackageChange& p) {
  if (p.from.empty()) return p.name + " " + p.to + " added";
  if (p.to.empty()) return p.name + " " + p.from + " removed";
  return p.name + " " + p.from + " -> " + p.to;
}

void render_change(const EntryChange& change, std::string& out) {
  out += "  " + what(change) + " " + kind_name(change.kind);
  if (change.kind == EntryChange::Kind::not_compared) {
    out += ": " + change.note + "\n";
    return;
  }
  out += " (+" + std::to_string(change.diff.stats.added) + " -" + std::to_string(change.diff.stats.removed) +
         " lines; " + change.diff_member.substr(8) + ")\n";
  if (!change.packages.empty()) {
    for (std::size_t i = 0; i < change.packages.size() && i < 40; ++i) out += "      " + package_line(change.packages[i]) + "\n";
    if (change.packages.size() > 40) out += "      … " + std::to_string(change.packages.size() - 40) + " more (changes.json)\n";
    return;
  }
  for (const std::string& line : change.removed_lines) out += "      was: " + line + "\n";
  for (const std::string& line : change.added_lines) out += "      now: " + line + "\n";
}

std::string render_summary(const ChangeReport& report) {
  std::string out = "Recent changes on this host\n===========================\n\n";
  if (report.baseline) {
    out += "Compared with baseline " + report.baseline->id +
           (report.baseline->label.empty() ? "" : " (\"" + report.baseline->label + "\")") + ", taken " +
           format_iso_utc(report.baseline->taken) + "; now is " + format_iso_utc(report.now) + ".\n";
    out += std::to_string(report.changes.size()) + " tracked files or command outputs changed, " +
           std::to_string(report.unchanged) + " unchanged.\n";
  } else {
    out += "No baseline to compare with yet. Tracked files modified since " + format_iso_utc(report.since) +
           ", and package/VIB history since then, as the host itself records them.\n";
  }
  for (ChangeArea area : k_change_areas) {
    std::string lines;
    for (const EntryChange& change : report.changes) {
      if (change.area == area) render_change(change, lines);
    }
    for (const RecentFile& file : report.recent_files) {
      if (file.area == area) lines += "  " + file.path + " modified " + format_iso_utc(file.mtime) + "\n";
    }
    for (const HistoryFinding& h : report.history) {
      if (h.area != area) continue;
      const HistoryEvent& e = h.event;
      lines += "  " + format_iso_utc(e.when) + " " + e.action + " " + e.package +
               (e.from_version.empty() ? "" : " " + e.from_version) + (e.to_version.empty() ? "" : " -> " + e.to_version) +
               " (" + h.log + ")\n";
    }
    out += std::string("\n") + change_area_title(area) + "\n" + (lines.empty() ? "  no change\n" : lines);
  }
  if (!report.recorded_baseline.empty()) {
    out += "\nRecorded baseline " + report.recorded_baseline + " now: the next bundle shows diffs against it.\n";
  } else if (!report.record_error.empty()) {
    out += "\nNo baseline could be recorded: " + report.record_error + "\n";
  }
  return out;
}

nlohmann::ordered_json change_json(const EntryChange& change) {
  nlohmann::ordered_json item = {{"area", change_area_key(change.area)}, {"what", what(change)},
                                 {"status", kind_name(change.kind)}};
  if (change.kind == EntryChange::Kind::not_compared) {
    item["note"] = change.note;
    return item;
  }
  item["added_lines"] = change.diff.stats.added;
  item["removed_lines"] = change.diff.stats.removed;
  item["diff"] = change.diff_member;
  if (change.diff.truncated) item["diff_truncated"] = true;
  if (change.diff.too_large) item["too_large_to_diff"] = true;
  if (!change.removed_lines.empty() || !change.added_lines.empty()) {
    item["was"] = change.removed_lines;
    item["now"] = change.added_lines;
  }
  if (!change.packages.empty()) {
    item["packages"] = nlohmann::ordered_json::array();
    for (const PackageChange& p : change.packages) item["packages"].push_back({{"name", p.name}, {"from", p.from}, {"to", p.to}});
  }
  return item;
}

std::string render_json(const ChangeReport& report) {
  nlohmann::ordered_json out;
  out["now"] = format_iso_utc(report.now);
  if (report.baseline) {
    out["baseline"] = {{"id", report.baseline->id}, {"label", report.baseline->label},
                       {"taken", format_iso_utc(report.baseline->taken)}};
  } else {
    out["baseline"] = nullptr;
    out["since"] = format_iso_utc(report.since);
  }
  out["unchanged"] = report.unchanged;
  out["changes"] = nlohmann::ordered_json::array();
  for (const EntryChange& change : report.changes) out["changes"].push_back(change_json(change));
  out["recent_files"] = nlohmann::ordered_json::array();
  for (const RecentFile& f : report.recent_files) {
    out["recent_files"].push_back({{"area", change_area_key(f.area)}, {"path", f.path}, {"mtime", format_iso_utc(f.mtime)}});
  }
  out["history"] = nlohmann::ordered_json::array();
  for (const HistoryFinding& h : report.history) {
    out["history"].push_back({{"area", change_area_key(h.area)}, {"log", h.log}, {"when", format_iso_utc(h.event.when)},
                              {"action", h.event.action}, {"package", h.event.package},
                              {"from", h.event.from_version}, {"to", h.event.to_version}, {"line", h.event.line}});
  }
  out["recorded_baseline"] = report.recorded_baseline;
  return out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace

std::vector<std::pair<std::string, std::string>> change_members(const ChangeReport& report) {
  std::vector<std::pair<std::string, std::string>> members;
  members.emplace_back("changes/summary.txt", render_summary(report));
  members.emplace_back("changes/changes.json", render_json(report));
  for (const EntryChange& change : report.changes) {
    if (!change.diff_member.empty() && !change.diff.text.empty()) members.emplace_back(change.diff_member, change.diff.text);
  }
  return members;
}

}  // namespace vmsupport
