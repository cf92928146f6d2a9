// The kinds table and the task dispatcher (see registry.h).
#include "kinds/registry.h"

#include "manifest/glob.h"

namespace vmsupport {

namespace {

const KindInfo k_kinds[] = {
    {"files", "files by glob, optionally recursive, newest bytes kept past max_bytes",
     parse_file_entry, plan_file_entry, describe_file_entry},
    {"commands", "a program run with argv (no shell), timeout and output cap",
     parse_command_entry, plan_command_entry, describe_command_entry},
    {"forbid", "paths never read, whatever else matches them", parse_forbid_entry, nullptr,
     describe_forbid_entry},
};

static_assert(std::size(k_kinds) == std::variant_size_v<EntrySpec>,
              "one kind per EntrySpec alternative, in the same order");

}  // namespace

std::span<const KindInfo> collector_kinds() { return k_kinds; }

const KindInfo& kind_of(const EntrySpec& entry) { return k_kinds[entry.index()]; }

void PlanContext::add(std::string source, std::string archive_path,
                      std::variant<FileTask, LinkTask, Boxed<CommandTask>, SkipTask> work) {
  const std::size_t number = plan.tasks.size();
  if (!archive_path.empty()) members.insert(StringIndex::hash_of(archive_path), number);
  if (std::holds_alternative<FileTask>(work)) collected.insert(StringIndex::hash_of(source), number);
  plan.tasks.push_back(Task{collector, std::move(source), std::move(archive_path), std::move(work)});
}

bool PlanContext::has_member(std::string_view archive_path) const {
  return members.find(StringIndex::hash_of(archive_path), [&](std::size_t task) {
    return plan.tasks[task].archive_path == archive_path;
  }).has_value();
}

bool PlanContext::has_collected(std::string_view resolved) const {
  return collected.find(StringIndex::hash_of(resolved), [&](std::size_t task) {
    return plan.tasks[task].source == resolved;
  }).has_value();
}

const ForbidSpec* PlanContext::forbidding(const std::string& path) const {
  for (const ForbidSpec& rule : plan.forbid) {
    if (matches_or_under(rule.glob, path)) return &rule;
  }
  return nullptr;
}

std::string join_argv(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& arg : argv) {
    if (!line.empty()) line += ' ';
    const bool quote = arg.empty() || arg.find_first_of(" \t'\"") != std::string::npos;
    line += quote ? "'" + arg + "'" : arg;
  }
  return line;
}

CollectedItem collect_task(const Task& task, CollectContext& context) {
  if (const auto* file = std::get_if<FileTask>(&task.work)) {
    return collect_file(task, *file, context);
  }
  if (const auto* command = command_task(task)) {
    return collect_command(task, *command, context);
  }
  CollectedItem item;
  item.collector = task.collector;
  item.source = task.source;
  if (const auto* link = std::get_if<LinkTask>(&task.work)) {
    item.archive_path = task.archive_path;
    item.link_target = link->target;
    item.reason = "symlink to " + link->target;
    return item;
  }
  const auto& skip = std::get<SkipTask>(task.work);
  item.status = skip.status;
  item.reason = skip.reason;
  item.permission_denied = skip.permission_denied;
  return item;
}

}  // namespace vmsupport
