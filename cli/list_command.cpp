// `vmsupport list`: platforms, groups and entries; --detect; --plan.
#include <algorithm>
#include <iostream>
#include <numeric>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "json_result.h"
#include "kinds/registry.h"
#include "manifest/loader.h"

namespace vmsupport::cli {
namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string entry_details(const EntrySpec& entry) {
  if (const auto* file = std::get_if<FileSpec>(&entry)) {
    std::string details;
    if (file->max_bytes) details += " max " + format_size(*file->max_bytes);
    if (file->optional) details += " optional";
    if (!file->since) details += " ignores --since";
    return details;
  }
  if (const auto* command = std::get_if<CommandSpec>(&entry)) {
    std::string details = " timeout " + std::to_string(command->timeout.count() / 1000) + "s";
    if (command->optional) details += " optional";
    if (command->files_only) details += " files_only";
    return details;
  }
  return {};
}

void print_manifest(const Manifest& m) {
  std::cout << m.platform << " - " << m.description << " (" << m.source << ")\n";
  std::cout << "  detect: priority " << m.detect.priority << (m.detect.fallback ? ", fallback" : "");
  if (!m.detect.any_file.empty()) std::cout << "; any of " << joined(m.detect.any_file);
  if (!m.detect.all_files.empty()) std::cout << "; all of " << joined(m.detect.all_files);
  std::cout << "\n";
  if (!m.includes.empty()) {
    std::vector<std::string> names;
    for (const IncludeSpec& include : m.includes) names.push_back(include.platform);
    std::cout << "  includes: " << joined(names) << " (their groups are listed below with its own)\n";
  }
  for (const GroupSpec& group : m.groups) {
    std::cout << "  " << group.id << (group.enabled ? "" : " [disabled by default]");
    if (!group.tags.empty()) {
      std::cout << " tags:";
      for (const std::string& tag : group.tags) std::cout << " " << tag;
    }
    std::cout << (group.description.empty() ? "" : " - " + group.description) << "\n";
    for (const EntrySpec& entry : group.entries) {
      const KindInfo& kind = kind_of(entry);
      std::cout << "      " << kind.key << ": " << kind.describe(entry) << entry_details(entry) << "\n";
    }
  }
}

void print_task(const Task& task) {
  if (const auto* file = std::get_if<FileTask>(&task.work)) {
    std::cout << "    + " << task.archive_path << "  " << format_size(std::min(file->size, file->max_bytes))
              << (file->size > file->max_bytes ? " (newest of " + format_size(file->size) + ")" : "")
              << (file->size == 0 ? " (size unknown until read)" : "") << "\n";
  } else if (const auto* link = std::get_if<LinkTask>(&task.work)) {
    std::cout << "    @ " << task.archive_path << " -> " << link->target << "\n";
  } else if (const auto* command = command_task(task)) {
    std::cout << "    $ " << task.archive_path << "  " << join_argv(command->argv) << " [" << command->mode << "]\n";
  } else {
    const auto& skip = std::get<SkipTask>(task.work);
    std::cout << "    - " << task.source << "  " << status_name(skip.status) << ": " << skip.reason << "\n";
  }
}

// Each collector with its tasks, in gathering order: the tasks are sorted by
// priority (order_by_priority), so a collector's tasks need not follow the
// previous collector's; collectors are printed high priority first, then in
// manifest order, as they are gathered.
void print_plan(const Plan& plan) {
  std::cout << "platform " << plan.platform.manifest->platform << " (" << plan.platform.reason << ")\n";
  std::vector<std::vector<const Task*>> tasks_of(plan.collectors.size());
  for (const Task& task : plan.tasks) tasks_of[task.collector].push_back(&task);
  std::vector<std::size_t> order(plan.collectors.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return plan.collectors[a].priority > plan.collectors[b].priority;
  });
  for (std::size_t c : order) {
    std::cout << "  " << plan.collectors[c].id << "\n";
    for (const Task* task : tasks_of[c]) print_task(*task);
  }
  std::cout << "estimated bundle size: " << format_size(plan.estimated_bytes) << " before compression, from "
            << plan.tasks.size() << " tasks (--max-file-size and manifest caps applied; command output and\n"
            << "  files of unknown size count as 0; compression usually makes text logs several times smaller,\n"
            << "  but how much depends on the data, so no compressed size is promised)\n";
}

nlohmann::ordered_json plan_json(const Plan& plan) {
  std::size_t files = 0, commands = 0, skipped = 0;
  for (const Task& task : plan.tasks) {
    if (std::holds_alternative<FileTask>(task.work)) ++files;
    else if (command_task(task) != nullptr) ++commands;
    else if (std::holds_alternative<SkipTask>(task.work)) ++skipped;
  }
  return {{"format_version", 1},
          {"command", "list"},
          {"exit_code", 0},
          {"platform", plan.platform.manifest->platform},
          {"groups", plan.groups},
          {"files", files},
          {"commands", commands},
          {"skipped", skipped},
          {"estimated_bytes", plan.estimated_bytes},
          {"estimate_is", "uncompressed"}};
}

// Every platform by precedence (highest detect priority first, ties by name).
std::vector<const Manifest*> by_precedence(const std::vector<Manifest>& manifests) {
  std::vector<const Manifest*> order;
  for (const Manifest& m : manifests) order.push_back(&m);
  std::stable_sort(order.begin(), order.end(), [](const Manifest* a, const Manifest* b) {
    if (a->detect.priority != b->detect.priority) return a->detect.priority > b->detect.priority;
    return a->platform < b->platform;
  });
  return order;
}

std::string precedence_line(const std::vector<Manifest>& manifests) {
  std::string line;
  const Manifest* previous = nullptr;
  for (const Manifest* m : by_precedence(manifests)) {
    if (previous) line += previous->detect.priority == m->detect.priority ? " = " : " > ";
    line += m->platform + " (" + std::to_string(m->detect.priority) + (m->detect.fallback ? ", fallback" : "") + ")";
    previous = m;
  }
  return line + "; equal priorities are ordered by name";
}

void print_detect(const PlatformChoice& choice, const std::vector<Manifest>& manifests) {
  std::cout << "platform " << choice.manifest->platform << ": " << choice.reason << "\n";
  if (!choice.matched.empty()) {
    const DetectMatch& best = choice.matched.front();
    std::cout << "  markers found: " << joined(best.markers) << " (priority " << best.manifest->detect.priority
              << ")\n";
    for (std::size_t i = 1; i < choice.matched.size(); ++i) {
      const DetectMatch& other = choice.matched[i];
      std::cout << "  also matched: " << other.manifest->platform << " (priority " << other.manifest->detect.priority
                << "): " << joined(other.markers) << " - ruled out by " << best.manifest->platform << "'s "
                << (other.manifest->detect.priority == best.manifest->detect.priority ? "name (equal priority)"
                                                                                      : "higher priority")
                << "\n";
    }
  }
  std::cout << "precedence: " << precedence_line(manifests) << "\n";
}

nlohmann::json detect_json(const PlatformChoice& choice, const std::vector<Manifest>& manifests) {
  nlohmann::json out = {{"platform", choice.manifest->platform}, {"reason", choice.reason},
                        {"markers", nlohmann::json::array()}, {"also_matched", nlohmann::json::array()},
                        {"precedence", nlohmann::json::array()}};
  for (std::size_t i = 0; i < choice.matched.size(); ++i) {
    const DetectMatch& match = choice.matched[i];
    if (i == 0) {
      out["markers"] = match.markers;
    } else {
      out["also_matched"].push_back({{"platform", match.manifest->platform},
                                     {"priority", match.manifest->detect.priority},
                                     {"markers", match.markers}});
    }
  }
  for (const Manifest* m : by_precedence(manifests)) {
    out["precedence"].push_back({{"platform", m->platform}, {"priority", m->detect.priority},
                                 {"fallback", m->detect.fallback}});
  }
  return out;
}

}  // namespace

int run_list(const RawOptions& raw) {
  auto options = to_collect_options(raw);
  if (!options) {
    print_error(options.error());
    return k_exit_usage;
  }
  auto manifests = load_manifests(options->manifests_dir);
  if (!manifests) {
    print_error(manifests.error());
    return k_exit_usage;
  }
  if (!raw.plan && !raw.detect) {
    for (const Manifest& m : *manifests) {
      if (raw.platform.empty() || raw.platform == m.platform) print_manifest(m);
    }
    return 0;
  }
  RootedFileSystem fs(options->root);
  auto platform = choose_platform(*manifests, fs, options->plan.platform);
  if (!platform) {
    print_error(platform.error());
    return k_exit_usage;
  }
  if (raw.detect) {
    if (raw.json) {
      std::cout << detect_json(*platform, *manifests).dump(2) << "\n";
    } else {
      print_detect(*platform, *manifests);
    }
    return 0;
  }
  PosixProcessRunner runner;
  auto plan = build_plan(*platform, options->plan, fs, runner);
  if (!plan) {
    print_error(plan.error());
    return k_exit_usage;
  }
  if (raw.json) {
    print_json(plan_json(*plan));
  } else {
    print_plan(*plan);
  }
  return 0;
}

int run_list_config(const RawOptions& raw, const CLI::App& command) {
  const ConfigChoice choice = choose_config(raw.config_path);
  std::cout << "config file: " << choice.path << (raw.config.path.empty() ? " (not present: defaults only)" : "")
            << "\n";
  for (const EffectiveSetting& setting : effective_settings(raw.config, command, raw)) {
    std::cout << "  " << setting.key << " = " << (setting.value.empty() ? "(none)" : setting.value) << "  ["
              << setting.origin << "]\n";
  }
  return 0;
}

}  // namespace vmsupport::cli
