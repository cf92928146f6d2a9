// The collect's "recent changes" step: snapshot the tracked state, compare it
// with the baseline (the newest of this root, or --baseline ID), or — with no
// baseline yet — report tracked files modified within the window and the
// package/VIB history logs, then record a first baseline.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>

#include "changes/compare.h"
#include "host/filesystem.h"
#include "host/process.h"
#include "plan/plan.h"

namespace vmsupport {

struct ChangesOptions {
  bool enabled = true;                       // --no-changes turns the step off
  std::string state_dir;
  std::string baseline_id;                   // --baseline ID; "" = the newest of this root
  std::optional<Clock::time_point> since;    // --since; default: 7 days back
  std::size_t keep = 5;                      // baselines kept
};

// Runs the step. Fails only on a --baseline ID that does not exist (nothing
// has been written then); everything else is recorded in the report.
Result<ChangeReport> gather_changes(const Manifest& manifest, const PlanOptions& plan_options, FileSystem& fs,
                                    ProcessRunner& runner, const ChangesOptions& options,
                                    std::chrono::steady_clock::time_point deadline, const std::atomic<bool>* cancel);

// Fails, as gather_changes would, when --baseline names a baseline that does
// not exist: checked before the run takes the lock and writes anything.
Result<void> check_baseline_id(const ChangesOptions& options);

// Package and VIB history within the window, from the manifest's `history:` logs.
void read_history(const Manifest& manifest, FileSystem& fs, Clock::time_point since, ChangeReport& report);

}  // namespace vmsupport
