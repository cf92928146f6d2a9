// The `tracked:`, `history:` and `cores:` sections of a manifest: parsing
// (pure, table-tested), and the snapshot of tracked files and command
// outputs that a baseline keeps and every collect compares with it.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "host/filesystem.h"
#include "host/process.h"
#include "manifest/spec.h"
#include "manifest/yaml_reader.h"
#include "plan/plan.h"

namespace vmsupport {

// "host_os", "guest_vm", ... as written in manifests and changes.json.
const char* change_area_key(ChangeArea area);
// "Host OS", "Guest / VMs", ... as the summary heads its groups.
const char* change_area_title(ChangeArea area);
inline constexpr ChangeArea k_change_areas[] = {ChangeArea::host_os, ChangeArea::guest_vm, ChangeArea::network,
                                                ChangeArea::storage, ChangeArea::packages, ChangeArea::config};

// One `tracked:` item: `{area: A, glob: G, ...file keys}` or `{area: A, id: I,
// argv: [...], ...command keys, format: packages}`. Tracked entries are
// optional by default and never filtered by --since.
Result<TrackedSpec> parse_tracked_entry(const YamlReader& reader, const YAML::Node& node);
// One `history:` item: `{area: packages, glob: /var/log/dpkg.log, format: dpkg}`.
Result<HistorySpec> parse_history_entry(const YamlReader& reader, const YAML::Node& node);
// One `cores:` item: a glob, or `{glob: G, recursive: true}`.
Result<CoreSpec> parse_core_entry(const YamlReader& reader, const YAML::Node& node);

// One tracked file or command output as it is now.
struct SnapshotEntry {
  std::string key;        // the file's path inside the root, or "command:<id>"
  std::string source;     // the path, or the command line
  ChangeArea area = ChangeArea::config;
  std::string format;     // "" or "packages"
  bool present = false;   // false: the file does not exist / the command did not run
  std::string content;    // raw, unscrubbed (stays on the customer's side)
  bool truncated = false;
  Clock::time_point mtime{};  // files only
  std::string note;       // why it is not present, or how it ran
};

struct Snapshot {
  Clock::time_point taken{};
  std::string platform;
  std::vector<SnapshotEntry> entries;  // manifest order; a glob gives one entry per file
};

// Reads every tracked file and runs every tracked command of `manifest` on
// the root (commands follow the --root rules of `options`: skipped for a
// foreign root unless files_only or --chroot). Never fails: what cannot be
// read is an entry that is not present, with its note.
Snapshot take_snapshot(const Manifest& manifest, const PlanOptions& options, FileSystem& fs, ProcessRunner& runner,
                       std::chrono::steady_clock::time_point deadline, const std::atomic<bool>* cancel);

}  // namespace vmsupport
