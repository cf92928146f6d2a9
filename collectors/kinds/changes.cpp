// The `tracked:`, `history:` and `cores:` manifest sections (see changes.h).
// A snapshot reuses the ordinary machinery: the tracked entries become one
// synthetic group that is planned (forbid rules, --root rules for commands)
// and collected like any other, only kept raw instead of written.
#include "kinds/changes.h"

#include <array>

#include "changes/history.h"
#include "kinds/registry.h"

namespace vmsupport {
namespace {

constexpr std::uint64_t k_tracked_max_bytes = 4ull << 20;
constexpr std::string_view k_tracked_group = "Changes:Tracked";

struct AreaName {
  ChangeArea area;
  const char* key;
  const char* title;
};
constexpr std::array<AreaName, 6> k_areas = {{{ChangeArea::host_os, "host_os", "Host OS"},
                                              {ChangeArea::guest_vm, "guest_vm", "Guest / VMs"},
                                              {ChangeArea::network, "network", "Network"},
                                              {ChangeArea::storage, "storage", "Storage"},
                                              {ChangeArea::packages, "packages", "Applications / packages"},
                                              {ChangeArea::config, "config", "Configuration files"}}};

Result<ChangeArea> parse_area(const YamlReader& reader, const YAML::Node& node) {
  auto text = reader.string(node, "area");
  if (!text) return std::unexpected(text.error());
  for (const AreaName& a : k_areas) {
    if (*text == a.key) return a.area;
  }
  return reader.error(node, "'area' must be host_os, guest_vm, network, storage, packages or config, got '" + *text + "'");
}

// The entry without the keys that are ours, for the files or commands parser.
YAML::Node without(const YAML::Node& node, std::initializer_list<std::string_view> keys) {
  YAML::Node copy(YAML::NodeType::Map);
  for (const auto& pair : node) {
    const std::string key = pair.first.Scalar();
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) copy[pair.first] = pair.second;
  }
  return copy;
}

}  // namespace

const char* change_area_key(ChangeArea area) {
  for (const AreaName& a : k_areas) {
    if (a.area == area) return a.key;
  }
  return "config";
}

const char* change_area_title(ChangeArea area) {
  for (const AreaName& a : k_areas) {
    if (a.area == area) return a.title;
  }
  return "Configuration files";
}

Result<TrackedSpec> parse_tracked_entry(const YamlReader& reader, const YAML::Node& node) {
  TrackedSpec spec;
  spec.mark = reader.mark(node);
  const bool command = node.IsMap() && node["argv"];
  const std::initializer_list<std::string_view> file_keys = {"area", "format", "glob", "listed_in", "recursive", "max_bytes"};
  const std::initializer_list<std::string_view> command_keys = {"area",    "format",   "id",       "argv",
                                                                "timeout", "optional", "files_only", "requires"};
  if (auto ok = reader.check_map(node, "tracked entry", command ? command_keys : file_keys); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = reader.require(node, "area", "tracked entry"); !ok) return std::unexpected(ok.error());
  for (const char* key : {command ? "id" : "glob"}) {
    if (auto ok = reader.require(node, key, "tracked entry"); !ok) return std::unexpected(ok.error());
  }
  auto area = parse_area(reader, node["area"]);
  if (!area) return std::unexpected(area.error());
  spec.area = *area;
  if (node["format"]) {
    auto format = reader.string(node["format"], "format");
    if (!format) return std::unexpected(format.error());
    if (*format != "packages" && *format != "lines") {
      return reader.error(node["format"], "'format' must be lines or packages, got '" + *format + "'");
    }
    spec.format = *format == "packages" ? "packages" : "";
  }
  const YAML::Node rest = without(node, {"area", "format"});
  auto entry = command ? parse_command_entry(reader, rest) : parse_file_entry(reader, rest);
  if (!entry) return std::unexpected(entry.error());
  if (auto* file = std::get_if<FileSpec>(&*entry)) {
    file->optional = true;
    file->since = false;
    file->max_bytes = std::min(file->max_bytes.value_or(k_tracked_max_bytes), k_tracked_max_bytes);
    file->mark = spec.mark;
    spec.what = *file;
  } else {
    auto& run = std::get<CommandSpec>(*entry);
    run.optional = true;
    run.max_bytes = k_tracked_max_bytes;
    run.mark = spec.mark;
    spec.what = run;
  }
  return spec;
}

Result<HistorySpec> parse_history_entry(const YamlReader& reader, const YAML::Node& node) {
  HistorySpec spec;
  spec.mark = reader.mark(node);
  if (auto ok = reader.check_map(node, "history entry", {"area", "glob", "format"}); !ok) return std::unexpected(ok.error());
  for (const char* key : {"area", "glob", "format"}) {
    if (auto ok = reader.require(node, key, "history entry"); !ok) return std::unexpected(ok.error());
  }
  auto area = parse_area(reader, node["area"]);
  if (!area) return std::unexpected(area.error());
  spec.area = *area;
  auto glob = reader.glob(node["glob"], "glob");
  if (!glob) return std::unexpected(glob.error());
  spec.glob = *glob;
  auto format = reader.string(node["format"], "format");
  if (!format) return std::unexpected(format.error());
  if (!is_history_format(*format)) {
    return reader.error(node["format"], "'format' must be dpkg, apt, dnf, yum or esxupdate, got '" + *format + "'");
  }
  spec.format = *format;
  return spec;
}

Result<CoreSpec> parse_core_entry(const YamlReader& reader, const YAML::Node& node) {
  if (node.IsMap()) {
    if (auto ok = reader.check_map(node, "cores entry", {"glob", "listed_in", "recursive"}); !ok) {
      return std::unexpected(ok.error());
    }
  }
  auto entry = parse_file_entry(reader, node);  // a glob, or {glob, recursive}: a file entry's shape
  if (!entry) return std::unexpected(entry.error());
  const auto& file = std::get<FileSpec>(*entry);
  return CoreSpec{file.glob, file.listed_in, file.recursive, file.mark};
}

namespace {

// The entry a task of the tracked group yields, or nothing (links, no match).
std::optional<SnapshotEntry> snapshot_entry(const Task& task, const TrackedSpec& spec, CollectContext& context) {
  SnapshotEntry entry;
  entry.area = spec.area;
  entry.format = spec.format;
  entry.source = task.source;
  const auto* command = std::get_if<CommandSpec>(&spec.what);
  entry.key = command ? "command:" + command->id : task.source;
  if (std::holds_alternative<LinkTask>(task.work)) return std::nullopt;
  if (const auto* skip = std::get_if<SkipTask>(&task.work)) {
    if (!command && skip->reason == "no file matches") return std::nullopt;
    entry.note = skip->reason;
    return entry;
  }
  CollectedItem item = collect_task(task, context);
  entry.present = !item.archive_path.empty() || (command && item.status != Status::skipped);
  entry.content = std::move(item.content);
  entry.truncated = item.truncated;
  entry.mtime = item.mtime;
  entry.note = item.reason;
  if (command && item.exit_code && *item.exit_code != 0) {
    entry.note += std::string(entry.note.empty() ? "" : "; ") + "exit status " + std::to_string(*item.exit_code);
  }
  return entry;
}

}  // namespace

Snapshot take_snapshot(const Manifest& manifest, const PlanOptions& options, FileSystem& fs, ProcessRunner& runner,
                       std::chrono::steady_clock::time_point deadline, const std::atomic<bool>* cancel) {
  Snapshot snapshot;
  snapshot.taken = Clock::now();
  snapshot.platform = manifest.platform;
  if (manifest.tracked.empty()) return snapshot;
  Manifest tracked;
  tracked.platform = manifest.platform;
  tracked.forbid = manifest.forbid;
  GroupSpec group;
  group.id = std::string(k_tracked_group);
  for (const TrackedSpec& spec : manifest.tracked) {
    std::visit([&](const auto& what) { group.entries.emplace_back(what); }, spec.what);
  }
  tracked.groups.push_back(std::move(group));
  PlanOptions only_tracked = options;
  only_tracked.groups = {std::string(k_tracked_group)};
  only_tracked.exclude.clear();
  only_tracked.tags.clear();
  only_tracked.since.reset();
  auto plan = build_plan(PlatformChoice{&tracked, "tracked", {}}, only_tracked, fs, runner);
  if (!plan) return snapshot;
  CollectContext context{fs, runner, deadline, cancel};
  for (const Task& task : plan->tasks) {
    if (task.collector >= manifest.tracked.size()) continue;
    if (auto entry = snapshot_entry(task, manifest.tracked[task.collector], context)) {
      snapshot.entries.push_back(std::move(*entry));
    }
  }
  return snapshot;
}

}  // namespace vmsupport
