// The collector kinds, in one explicit table (no self-registering statics).
// Each kind has a pure parse step (one YAML list item -> EntrySpec) and a plan
// step (EntrySpec -> Tasks, metadata only); collect_task() does the I/O.
// The table drives manifest loading, `vmsupport list` and manifests/README.md.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory_resource>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include "manifest/spec.h"
#include "manifest/yaml_reader.h"
#include "plan/plan.h"
#include "util/string_index.h"

namespace vmsupport {

// What a plan step may use and extend.
struct PlanContext {
  const PlanOptions& options;
  FileSystem& fs;
  ProcessRunner& runner;
  Plan& plan;
  const GroupSpec* group = nullptr;
  std::size_t collector = 0;                        // current Plan::collectors index
  // What planning remembers while it runs: the tasks by member path and the
  // file tasks by source (indexes into plan.tasks, which hold the strings),
  // and the directories walked, in an arena freed whole with the context.
  StringIndex members;    // archive paths already planned
  StringIndex collected;  // resolved paths with a file task (its member: relative_member(path))
  std::pmr::monotonic_buffer_resource arena{};
  using PathSet = std::pmr::set<std::pmr::string, std::less<>>;
  PathSet walked{&arena};  // directories a recursive entry has walked

  // Whether a task has the member `archive_path` / a file task reads `resolved`.
  bool has_member(std::string_view archive_path) const;
  bool has_collected(std::string_view resolved) const;
  // Appends a task for the current collector.
  void add(std::string source, std::string archive_path,
           std::variant<FileTask, LinkTask, Boxed<CommandTask>, SkipTask> work);
  // The forbid rule that covers `path`, or nullptr.
  const ForbidSpec* forbidding(const std::string& path) const;
};

struct KindInfo {
  std::string_view key;      // the group key in YAML
  std::string_view summary;  // one line for `list` and the docs
  Result<EntrySpec> (*parse)(const YamlReader& reader, const YAML::Node& node);
  void (*plan)(const EntrySpec& spec, PlanContext& context);  // nullptr: nothing to gather
  std::string (*describe)(const EntrySpec& spec);              // glob or command line
};

// All kinds, in the order of EntrySpec's alternatives.
std::span<const KindInfo> collector_kinds();

// The kind an entry belongs to.
const KindInfo& kind_of(const EntrySpec& entry);

// Everything collect_task needs from the run.
struct CollectContext {
  FileSystem& fs;
  ProcessRunner& runner;
  std::chrono::steady_clock::time_point deadline;
  const std::atomic<bool>* cancel = nullptr;
};

// Runs one planned task: reads the file, runs the command, or records the skip.
// Never throws; every outcome is in the returned item.
CollectedItem collect_task(const Task& task, CollectContext& context);

// Kind-specific parse/plan/collect functions (one kind per file).
Result<EntrySpec> parse_file_entry(const YamlReader& reader, const YAML::Node& node);
void plan_file_entry(const EntrySpec& spec, PlanContext& context);
std::string describe_file_entry(const EntrySpec& spec);
CollectedItem collect_file(const Task& task, const FileTask& file, CollectContext& context);

Result<EntrySpec> parse_command_entry(const YamlReader& reader, const YAML::Node& node);
void plan_command_entry(const EntrySpec& spec, PlanContext& context);
std::string describe_command_entry(const EntrySpec& spec);
CollectedItem collect_command(const Task& task, const CommandTask& command,
                              CollectContext& context);

Result<EntrySpec> parse_forbid_entry(const YamlReader& reader, const YAML::Node& node);
std::string describe_forbid_entry(const EntrySpec& spec);

// The argv as one readable line ("esxcli software vib list").
std::string join_argv(const std::vector<std::string>& argv);

}  // namespace vmsupport
