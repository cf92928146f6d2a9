// The collect step that refuses to start a bundle that cannot fit: the
// output directory's free space (statvfs) against the plan's estimate, with
// suggestions (another -o, -o -, --exclude of the largest groups) when it
// does not. --no-space-check skips it.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "bundle/archive_writer.h"
#include "plan/plan.h"
#include "util/result.h"

namespace vmsupport {

// Bytes the bundle of `plan` is expected to need at most: planned file sizes
// (caps applied) plus an allowance per command, at the compression ratio
// assumed for `compression`, plus room for the documents; at most `max_size`
// when that is not 0.
std::uint64_t needed_bytes(const Plan& plan, Compression compression, std::uint64_t max_size);

// The selected groups by their planned bytes (files, caps applied), largest first.
std::vector<std::pair<std::string, std::uint64_t>> group_sizes(const Plan& plan);

// Succeeds when the file system holding `bundle_path` (a file path; "-" is
// never checked) has room for needed_bytes(); fails with how much is needed,
// how much is free, and what to do instead; fails "output not writable" when
// the directory is a virtual file system (/proc, /sys) or not writable. A directory that cannot be
// examined is not refused here (opening the bundle will say what is wrong).
Result<void> check_free_space(const Plan& plan, const std::string& bundle_path, Compression compression,
                              std::uint64_t max_size);

}  // namespace vmsupport
