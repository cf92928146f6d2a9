// Platform choice and plan building (see plan.h).
#include "plan/plan.h"

#include <algorithm>

#include "kinds/registry.h"
#include "manifest/yaml_reader.h"
#include "plan/vm_select.h"

namespace vmsupport {
namespace {

std::string platform_names(const std::vector<Manifest>& manifests) {
  std::string names;
  for (const Manifest& m : manifests) names += (names.empty() ? "" : ", ") + m.platform;
  return names;
}

// The marker files of `detect` found on the root; empty when it does not match.
std::vector<std::string> detect_markers(const DetectSpec& detect, FileSystem& fs) {
  for (const std::string& path : detect.all_files) {
    if (!fs.stat(path)) return {};
  }
  std::vector<std::string> found;
  for (const std::string& path : detect.any_file) {
    if (fs.stat(path)) found.push_back(path);
  }
  if (found.empty() && !detect.any_file.empty()) return {};
  found.insert(found.end(), detect.all_files.begin(), detect.all_files.end());
  return found;
}

const GroupSpec* find_group(const Manifest& manifest, const std::string& id) {
  for (const GroupSpec& group : manifest.groups) {
    if (group.id == id) return &group;
  }
  return nullptr;
}

Result<void> check_group_names(const Manifest& manifest, const std::vector<std::string>& names,
                               const char* option) {
  for (const std::string& name : names) {
    if (find_group(manifest, name)) continue;
    std::string known;
    for (const GroupSpec& g : manifest.groups) known += (known.empty() ? "" : ", ") + g.id;
    auto error = fail(option, ": platform '", manifest.platform, "' has no group '", name, "'");
    error.error().hint = "groups: " + known;
    return error;
  }
  return {};
}

// With --vm, a host group stays only when it carries one of the context tags.
bool vm_context(const GroupSpec& group, const Manifest& manifest) {
  return std::any_of(group.tags.begin(), group.tags.end(), [&](const std::string& tag) {
    const auto& context = manifest.vm->context_tags;
    return std::find(context.begin(), context.end(), tag) != context.end();
  });
}

Result<VmSelection> choose_vm(const Manifest& manifest, const std::string& name, FileSystem& fs) {
  if (!manifest.vm) {
    auto error = fail("--vm: platform '", manifest.platform, "' has no VMs to choose from");
    error.error().hint = "its manifest (" + manifest.source + ") has no `vm:` section";
    return error;
  }
  const std::vector<VmEntry> vms = find_vms(*manifest.vm, fs);
  auto chosen = select_vm(vms, name, fs);
  if (!chosen) return std::unexpected(chosen.error());
  VmSelection selection{chosen->display_name, chosen->directory, chosen->vmx, {}};
  if (selection.name.empty()) selection.name = chosen->directory.substr(chosen->directory.rfind('/') + 1);
  for (const VmEntry& vm : vms) {
    if (vm.directory != chosen->directory) selection.other_directories.push_back(vm.directory);
  }
  return selection;
}

// The chosen VM's own files: the manifest's vm.files patterns in its directory.
void plan_vm_files(const Manifest& manifest, PlanContext& context) {
  static const GroupSpec k_group{"VirtualMachine:Selected", "the VM chosen with --vm: its directory's files", true,
                                 {"vm"}, Priority::high, {}, {}};
  const VmSelection& vm = *context.plan.vm;
  context.plan.groups.push_back(k_group.id);
  context.group = &k_group;
  for (FileSpec spec : manifest.vm->files) {
    spec.glob = escape_glob(vm.directory) + "/" + spec.glob;
    const EntrySpec entry = spec;
    const KindInfo& kind = kind_of(entry);
    context.plan.collectors.push_back(CollectorPlan{k_group.id + " files " + spec.glob, k_group.id,
                                                    std::string(kind.key), kind.describe(entry), spec.mark,
                                                    spec.priority.value_or(k_group.priority)});
    context.collector = context.plan.collectors.size() - 1;
    kind.plan(entry, context);
  }
}

bool selected(const GroupSpec& group, const PlanOptions& options) {
  auto in = [](const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
  };
  if (in(options.exclude, group.id)) return false;
  if (!options.groups.empty()) return in(options.groups, group.id);
  if (!group.enabled && !options.all_groups) return false;
  if (options.tags.empty()) return true;
  return std::any_of(group.tags.begin(), group.tags.end(),
                     [&](const std::string& tag) { return in(options.tags, tag); });
}

}  // namespace

std::vector<DetectMatch> detect_platforms(const std::vector<Manifest>& manifests, FileSystem& fs) {
  std::vector<DetectMatch> matched;
  for (const Manifest& m : manifests) {
    std::vector<std::string> markers = detect_markers(m.detect, fs);
    if (!markers.empty()) matched.push_back(DetectMatch{&m, std::move(markers)});
  }
  std::sort(matched.begin(), matched.end(), [](const DetectMatch& a, const DetectMatch& b) {
    if (a.manifest->detect.priority != b.manifest->detect.priority) {
      return a.manifest->detect.priority > b.manifest->detect.priority;
    }
    return a.manifest->platform < b.manifest->platform;
  });
  return matched;
}

Result<PlatformChoice> choose_platform(const std::vector<Manifest>& manifests, FileSystem& fs,
                                       const std::string& forced) {
  if (!forced.empty()) {
    for (const Manifest& m : manifests) {
      if (m.platform == forced) return PlatformChoice{&m, "--platform " + forced, {}};
    }
    auto error = fail("--platform: unknown platform '", forced, "'");
    error.error().hint = "known platforms: " + platform_names(manifests);
    return error;
  }
  std::vector<DetectMatch> matched = detect_platforms(manifests, fs);
  if (!matched.empty()) {
    const DetectMatch& best = matched.front();
    return PlatformChoice{best.manifest, best.markers.front() + " exists", std::move(matched)};
  }
  for (const Manifest& m : manifests) {
    if (m.detect.fallback) {
      return PlatformChoice{&m, "no platform's markers found; " + m.platform + " is the fallback", {}};
    }
  }
  auto error = fail("cannot tell the platform of ", fs.root(), ": no manifest's markers found");
  error.error().hint = "name it with --platform (" + platform_names(manifests) + ")";
  return error;
}

Result<Plan> build_plan(const PlatformChoice& platform, const PlanOptions& options,
                        FileSystem& fs, ProcessRunner& runner) {
  const Manifest& manifest = *platform.manifest;
  if (auto ok = check_group_names(manifest, options.groups, "-g/--group"); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = check_group_names(manifest, options.exclude, "-e/--exclude"); !ok) {
    return std::unexpected(ok.error());
  }
  Plan plan;
  plan.platform = platform;
  plan.forbid = manifest.forbid;
  if (!options.vm.empty()) {
    auto vm = choose_vm(manifest, options.vm, fs);
    if (!vm) return std::unexpected(vm.error());
    plan.vm = std::move(*vm);
  }
  PlanContext context{options, fs, runner, plan, nullptr, 0, {}, {}};
  for (const GroupSpec& group : manifest.groups) {
    if (!selected(group, options) || (plan.vm && !vm_context(group, manifest))) continue;
    plan.groups.push_back(group.id);
    context.group = &group;
    for (const EntrySpec& entry : group.entries) {
      const KindInfo& kind = kind_of(entry);
      if (!kind.plan) continue;
      const std::string spec = kind.describe(entry);
      const SourceMark mark = std::visit([](const auto& e) { return e.mark; }, entry);
      const auto* command = std::get_if<CommandSpec>(&entry);
      const std::string name = command ? command->id : spec;
      const auto priority = std::visit(
          [](const auto& e) -> std::optional<Priority> {
            if constexpr (requires { e.priority; }) return e.priority;
            return std::nullopt;
          },
          entry);
      plan.collectors.push_back(CollectorPlan{group.id + " " + std::string(kind.key) + " " + name, group.id,
                                              std::string(kind.key), spec, mark, priority.value_or(group.priority)});
      context.collector = plan.collectors.size() - 1;
      kind.plan(entry, context);
    }
  }
  if (plan.vm) plan_vm_files(manifest, context);
  if (plan.groups.empty()) {
    auto error = fail("no group selected for platform '", manifest.platform, "'");
    error.error().hint = "check -g, -e and --tags; `vmsupport list` shows the groups";
    return error;
  }
  order_by_priority(plan);
  return plan;
}

void order_by_priority(Plan& plan) {
  const auto newest_first = [](const Task& task) {
    const auto* file = std::get_if<FileTask>(&task.work);
    return file ? file->mtime : Clock::time_point::max();  // skips and links keep their place, first
  };
  std::stable_sort(plan.tasks.begin(), plan.tasks.end(), [&](const Task& a, const Task& b) {
    const Priority pa = plan.collectors[a.collector].priority;
    const Priority pb = plan.collectors[b.collector].priority;
    if (pa != pb) return pa > pb;
    if (a.collector != b.collector) return a.collector < b.collector;
    return newest_first(a) > newest_first(b);
  });
}

bool in_other_vm(const Plan& plan, const std::string& path) {
  if (!plan.vm) return false;
  return std::any_of(plan.vm->other_directories.begin(), plan.vm->other_directories.end(),
                     [&](const std::string& dir) { return path.starts_with(dir + "/"); });
}

}  // namespace vmsupport
