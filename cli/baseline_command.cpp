// `vmsupport baseline`: record a snapshot of the tracked files and command
// outputs in the state directory, for later collects to diff against; --list.
#include <iostream>

#include "changes/baseline_store.h"
#include "commands.h"
#include "kinds/changes.h"

namespace vmsupport::cli {
namespace {

int list(const std::string& state_dir) {
  const std::vector<BaselineInfo> all = list_baselines(state_dir);
  if (all.empty()) {
    std::cout << "no baselines in " << state_dir << "/baselines\n";
    return 0;
  }
  for (const BaselineInfo& info : all) {
    std::cout << info.id << "  " << format_iso_utc(info.taken) << "  " << info.platform << "  root " << info.root << "  "
              << info.entries << " entries" << (info.label.empty() ? "" : "  \"" + info.label + "\"") << "\n";
  }
  return 0;
}

}  // namespace

int run_baseline(const RawOptions& raw) {
  const std::string state_dir = raw.state_dir.empty() ? default_state_dir() : raw.state_dir;
  if (raw.list_baselines) return list(state_dir);
  RunLog log(raw.verbosity, false, colour_allowed());
  auto manifests = load_manifests(raw.manifests);
  if (!manifests) {
    print_error(manifests.error());
    return k_exit_usage;
  }
  RootedFileSystem fs(raw.root.empty() ? "/" : raw.root);
  PosixProcessRunner runner;
  auto platform = choose_platform(*manifests, fs, raw.platform);
  if (!platform) {
    print_error(platform.error());
    return k_exit_usage;
  }
  auto lock_options = to_lock_options(raw, state_dir);
  if (!lock_options) {
    print_error(lock_options.error());
    return k_exit_usage;
  }
  auto lock = RunLock::acquire(*lock_options);
  if (!lock) {
    print_error(lock.error());
    return lock_exit_code(lock.error());
  }
  PlanOptions options;
  options.platform = raw.platform;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(10);
  const Snapshot snapshot = take_snapshot(*platform->manifest, options, fs, runner, deadline, nullptr);
  auto saved = save_baseline(state_dir, snapshot, raw.label, fs.root(), raw.keep_baselines);
  if (!saved) {
    print_error(saved.error());
    return k_exit_no_bundle;
  }
  std::size_t present = 0;
  for (const SnapshotEntry& entry : snapshot.entries) present += entry.present ? 1 : 0;
  std::cout << "recorded baseline " << saved->id << " of " << platform->manifest->platform << " root " << fs.root()
            << ": " << present << " tracked files and command outputs (" << snapshot.entries.size() - present
            << " absent or not run), in " << state_dir << "/baselines/" << saved->id << "\n";
  return 0;
}

}  // namespace vmsupport::cli
