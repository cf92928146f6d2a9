// Baselines: snapshots of tracked files and command outputs kept on the
// customer's side, raw, in STATE_DIR/baselines/<id>/ (directories 0700, files
// 0600): baseline.json (what each entry is) and one file per content. A new
// baseline is written under a temporary name and renamed whole; only the
// newest `keep` are kept.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "kinds/changes.h"
#include "util/result.h"

namespace vmsupport {

struct BaselineInfo {
  std::string id;        // "20261123T091406Z" (UTC time taken; "-2"... when taken in the same second)
  std::string label;     // --label
  Clock::time_point taken{};
  std::string platform;
  std::string root;      // the --root it was taken of
  std::size_t entries = 0;
};

struct Baseline {
  BaselineInfo info;
  Snapshot snapshot;
};

// Stores `snapshot` as a new baseline; prunes all but the newest `keep`.
// Fails when the state directory cannot be created or written (the message names it).
Result<BaselineInfo> save_baseline(const std::string& state_dir, const Snapshot& snapshot, const std::string& label,
                                   const std::string& root, std::size_t keep);

// Every readable baseline of the state directory, newest first (none: empty).
std::vector<BaselineInfo> list_baselines(const std::string& state_dir);

// The baseline `id`, or (id empty) the newest one taken of `root` on
// `platform`; nullopt when there is none. Fails when `id` is given and
// cannot be read (the message lists the ids there are).
Result<std::optional<Baseline>> load_baseline(const std::string& state_dir, const std::string& id,
                                              const std::string& root, const std::string& platform);

}  // namespace vmsupport
