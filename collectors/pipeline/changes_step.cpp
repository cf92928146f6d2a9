// The recent-changes step of a collect (see changes_step.h).
#include "pipeline/changes_step.h"

#include <spdlog/spdlog.h>

#include "changes/baseline_store.h"
#include "host/glob_walk.h"
#include "kinds/changes.h"

namespace vmsupport {
namespace {

constexpr auto k_default_window = std::chrono::hours(24 * 7);
constexpr std::uint64_t k_history_bytes = 8ull << 20;  // the newest part of each history log

}  // namespace

void read_history(const Manifest& manifest, FileSystem& fs, Clock::time_point since, ChangeReport& report) {
  for (const HistorySpec& spec : manifest.history) {
    for (const std::string& path : expand_glob(fs, spec.glob)) {
      auto content = fs.read(path, k_history_bytes);
      if (!content) continue;
      for (HistoryEvent& event : parse_history(content->bytes, spec.format, since, report.now)) {
        report.history.push_back(HistoryFinding{spec.area, path, std::move(event)});
      }
    }
  }
  std::stable_sort(report.history.begin(), report.history.end(),
                   [](const HistoryFinding& a, const HistoryFinding& b) { return a.event.when < b.event.when; });
}

Result<void> check_baseline_id(const ChangesOptions& options) {
  if (!options.enabled || options.baseline_id.empty()) return {};
  for (const BaselineInfo& info : list_baselines(options.state_dir)) {
    if (info.id == options.baseline_id) return {};
  }
  auto missing = load_baseline(options.state_dir, options.baseline_id, "", "");  // for its message and hint
  if (!missing) return std::unexpected(missing.error());
  return {};
}

Result<ChangeReport> gather_changes(const Manifest& manifest, const PlanOptions& plan_options, FileSystem& fs,
                                    ProcessRunner& runner, const ChangesOptions& options,
                                    std::chrono::steady_clock::time_point deadline, const std::atomic<bool>* cancel) {
  ChangeReport report;
  report.now = Clock::now();
  auto baseline = load_baseline(options.state_dir, options.baseline_id, fs.root(), manifest.platform);
  if (!baseline) return std::unexpected(baseline.error());
  const Snapshot now = take_snapshot(manifest, plan_options, fs, runner, deadline, cancel);
  if (cancel && cancel->load()) {  // a cut-short snapshot would show false changes, and make a bad baseline
    report.record_error = "interrupted while taking the snapshot: no comparison, no baseline recorded";
    return report;
  }
  if (*baseline) {
    compare_with_baseline(**baseline, now, report);
    spdlog::info("changes: {} since baseline {}", report.changes.size(), (*baseline)->info.id);
    return report;
  }
  const Clock::time_point since = options.since.value_or(report.now - k_default_window);
  recent_tracked_files(now, since, report);
  read_history(manifest, fs, since, report);
  auto recorded = save_baseline(options.state_dir, now, "recorded by collect", fs.root(), options.keep);
  if (recorded) {
    report.recorded_baseline = recorded->id;
    spdlog::info("changes: no baseline yet; recorded {}", recorded->id);
  } else {
    report.record_error = recorded.error().message;
    spdlog::warn("no baseline recorded: {}", recorded.error().message);
  }
  return report;
}

}  // namespace vmsupport
