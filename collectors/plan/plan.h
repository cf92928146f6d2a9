// The Plan: which platform, which groups, and every concrete task a collect
// will run (each matched file, each command, each skip with its reason), in
// the order the bundle will hold them. Building it reads only metadata
// (directory listings, stat), so `vmsupport list --plan` can print it safely.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "host/filesystem.h"
#include "host/process.h"
#include "kinds/item.h"
#include "manifest/spec.h"
#include "util/result.h"

namespace vmsupport {

struct PlanOptions {
  std::string platform;                       // forced with --platform; "" = detect
  std::vector<std::string> groups;            // -g: only these (disabled ones too)
  std::vector<std::string> exclude;           // -e: not these
  std::vector<std::string> tags;              // --tags: only groups with one of these
  bool all_groups = false;                    // --all-groups: disabled ones too
  std::optional<Clock::time_point> since;     // --since
  std::uint64_t max_file_size = 25ull << 20;  // default cap per file / command output
  bool chroot = false;                        // --chroot: run commands inside the root
  std::string vm;                             // --vm: one VM (name, directory or .vmx path)
};

// A file's task reads Task::source: its path inside the root after symlinks
// (a symlink is a LinkTask to the file's own task).
struct FileTask {
  std::uint64_t size = 0;
  Clock::time_point mtime{};
  std::uint64_t max_bytes = 0;
};

struct LinkTask {
  std::string target;        // relative path from the link's directory to the content
};

struct CommandTask {
  std::vector<std::string> argv;  // {root} substituted, argv[0] resolved
  std::string mode;               // host, files_only, chroot
  std::string chroot_dir;
  std::chrono::milliseconds timeout{0};
  std::uint64_t max_bytes = 0;
};

struct SkipTask {
  Status status = Status::skipped;
  std::string reason;
  bool permission_denied = false;  // failed for lack of permission (see CollectedItem)
};

// A value kept on the heap and copied whole: a large alternative of a variant
// that few hold (a command, 104 bytes) would otherwise size every task (a
// plan of 100,000 files held 6 MB for nothing).
template <class T>
class Boxed {
 public:
  Boxed(T value) : m_value(std::make_unique<T>(std::move(value))) {}  // NOLINT: converts like T
  Boxed(const Boxed& other) : m_value(std::make_unique<T>(*other.m_value)) {}
  Boxed(Boxed&&) noexcept = default;
  Boxed& operator=(const Boxed& other) { return *this = Boxed(other); }
  Boxed& operator=(Boxed&&) noexcept = default;
  ~Boxed() = default;
  const T& operator*() const { return *m_value; }
  const T* operator->() const { return m_value.get(); }

 private:
  std::unique_ptr<T> m_value;  // never null but after a move
};

struct Task {
  std::size_t collector = 0;     // index into Plan::collectors
  std::string source;            // a path inside the root, or the command line
  std::string archive_path;      // relative member path; "" for skips
  std::variant<FileTask, LinkTask, Boxed<CommandTask>, SkipTask> work;
};
// A plan holds one task per file: keep it small (its strings aside).
static_assert(sizeof(Task) <= 128, "a Task grew: box the large alternative");

// The task's command, or nullptr when it is no command.
inline const CommandTask* command_task(const Task& task) {
  const auto* boxed = std::get_if<Boxed<CommandTask>>(&task.work);
  return boxed != nullptr ? &**boxed : nullptr;
}

// One manifest entry that gathers (a files glob or a command).
struct CollectorPlan {
  std::string id;      // "Logs:Host files /var/run/log/*.log", "Logs:Host commands vib-list"
  std::string group;
  std::string kind;    // the registry key: files, commands
  std::string spec;    // the glob, or the argv joined
  SourceMark mark;
  Priority priority = Priority::normal;  // the entry's, else its group's
};

// A platform whose detect rules match the root, and the markers found.
struct DetectMatch {
  const Manifest* manifest = nullptr;
  std::vector<std::string> markers;  // the any_file markers found, then the all_files ones
};

struct PlatformChoice {
  const Manifest* manifest = nullptr;
  std::string reason;  // "/etc/vmware/esx.conf exists" or "--platform esxi"
  std::vector<DetectMatch> matched;  // every matching platform, the winner first (empty with --platform)
};

// Every platform whose detect rules match on the root, in precedence order:
// highest priority first, ties by name. The fallback platform is listed only
// when its own markers are found.
std::vector<DetectMatch> detect_platforms(const std::vector<Manifest>& manifests, FileSystem& fs);

// The VM of a one-VM plan (--vm).
struct VmSelection {
  std::string name;                            // its display name (else its directory name)
  std::string directory;                       // inside the root
  std::string vmx;
  std::vector<std::string> other_directories;  // the other VMs', whose files stay out
};

struct Plan {
  PlatformChoice platform;
  std::vector<std::string> groups;  // selected group ids, manifest order
  std::vector<CollectorPlan> collectors;
  std::vector<Task> tasks;
  std::vector<ForbidSpec> forbid;
  std::uint64_t estimated_bytes = 0;  // sum of planned sizes with caps applied
  std::optional<VmSelection> vm;      // set with --vm
};

// Picks the platform for the root: the forced name, else the highest-priority
// manifest whose detect rules match, else the fallback. Fails on an unknown
// --platform name (listing the known ones) or when nothing matches.
Result<PlatformChoice> choose_platform(const std::vector<Manifest>& manifests,
                                       FileSystem& fs, const std::string& forced);

// Builds the plan: selects groups (fails on unknown -g/-e names), expands
// globs, applies forbid rules, --since, caps and the --root rules for commands.
// With --vm: only the host groups tagged with one of the manifest's
// vm.context_tags, plus the chosen VM's directory files; fails when the
// manifest has no `vm:` section or when no VM, or several, match.
Result<Plan> build_plan(const PlatformChoice& platform, const PlanOptions& options,
                        FileSystem& fs, ProcessRunner& runner);

// Puts the tasks in gathering order: higher priority first (manifest order
// within a priority), and within one collector the newest files first, so
// that what matters most is in the bundle when --max-size or an interrupt
// cuts the run short. build_plan calls it; stable, so a plan sorts the same
// way every time.
void order_by_priority(Plan& plan);

// True when the plan is for one VM and `path` lies in another VM's directory
// (its cores, for instance, stay out of a one-VM bundle).
bool in_other_vm(const Plan& plan, const std::string& path);

}  // namespace vmsupport
