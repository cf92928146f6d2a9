// The free-space check before writing (see space_check.h).
#include "pipeline/space_check.h"

#include "util/units.h"

#include <spdlog/spdlog.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <cerrno>
#include <map>

namespace vmsupport {
namespace {

// A command's output is not known before it runs: most are a few KiB, some
// (process lists, esxcli dumps) a few hundred; this is a generous average.
constexpr std::uint64_t k_command_allowance = 256 << 10;
// The documents (manifest.json, index.html, README.txt, vmsupport.log...),
// and per member its tar header, its manifest.json entry and framing.
constexpr std::uint64_t k_document_allowance = 1 << 20;
constexpr std::uint64_t k_member_allowance = 1 << 10;
// Logs and configuration compress 5-10x with gzip or zstd; binary files far
// less. Assuming only 2:1 keeps the estimate on the safe side without
// refusing runs that would plainly fit.
constexpr std::uint64_t k_assumed_ratio = 2;
// Groups named in the hint.
constexpr std::size_t k_groups_named = 3;

std::uint64_t task_bytes(const Task& task) {
  if (const auto* file = std::get_if<FileTask>(&task.work)) return std::min(file->size, file->max_bytes);
  if (const auto* command = command_task(task)) {
    return std::min(command->max_bytes, k_command_allowance);
  }
  return 0;
}

std::string directory_of(const std::string& bundle_path) {
  const std::string parent = std::filesystem::path(bundle_path).parent_path().string();
  return parent.empty() ? "." : parent;
}

// A file system that reports no blocks (/proc, /sys, some FUSE mounts) says
// nothing of its room: a file made and removed there says whether it takes files.
Result<void> check_writable(const std::string& directory, const struct statvfs& vfs) {
  int code = 0;
  if (vfs.f_blocks == 0) {
    std::string probe = directory + "/.vmsupport-probe-XXXXXX";
    const int fd = ::mkstemp(probe.data());
    if (fd < 0) code = errno;
    else {
      ::close(fd);
      ::unlink(probe.c_str());
    }
  } else if (::access(directory.c_str(), W_OK) != 0) {
    code = errno;
  }
  if (code == 0) return {};
  auto error = fail_errno(code, "output not writable: ", directory, ": ",
                          vfs.f_blocks == 0 ? "a virtual file system (like /proc) that takes no files" : errno_text(code));
  error.error().hint = "give a directory on a disk with -o (e.g. -o /var/tmp/), or stream the bundle with -o -";
  return error;
}

std::string largest_groups(const Plan& plan) {
  std::string named;
  const auto sizes = group_sizes(plan);
  for (std::size_t i = 0; i < sizes.size() && i < k_groups_named; ++i) {
    if (sizes[i].second == 0) break;
    named += (named.empty() ? "" : ", ") + sizes[i].first + " (" + format_size(sizes[i].second) + ")";
  }
  return named;
}

}  // namespace

std::vector<std::pair<std::string, std::uint64_t>> group_sizes(const Plan& plan) {
  std::map<std::string, std::uint64_t> by_group;
  for (const Task& task : plan.tasks) by_group[plan.collectors[task.collector].group] += task_bytes(task);
  std::vector<std::pair<std::string, std::uint64_t>> sizes(by_group.begin(), by_group.end());
  std::stable_sort(sizes.begin(), sizes.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return sizes;
}

std::uint64_t needed_bytes(const Plan& plan, Compression compression, std::uint64_t max_size) {
  std::uint64_t data = 0;
  for (const Task& task : plan.tasks) data += task_bytes(task);
  const std::uint64_t ratio = compression == Compression::none ? 1 : k_assumed_ratio;
  const std::uint64_t needed = data / ratio + k_document_allowance + k_member_allowance * plan.tasks.size();
  return max_size == 0 ? needed : std::min(needed, max_size);
}

Result<void> check_free_space(const Plan& plan, const std::string& bundle_path, Compression compression,
                              std::uint64_t max_size) {
  if (bundle_path == "-") return {};
  const std::string directory = directory_of(bundle_path);
  struct statvfs vfs {};
  if (::statvfs(directory.c_str(), &vfs) != 0) {
    spdlog::info("free space of {} unknown: {}", directory, errno_text(errno));
    return {};
  }
  // "not writable" says what is wrong with /proc, /sys or a read-only mount, not "no space".
  if (auto ok = check_writable(directory, vfs); !ok || vfs.f_blocks == 0) return ok;
  const std::uint64_t free_bytes = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
  const std::uint64_t needed = needed_bytes(plan, compression, max_size);
  spdlog::info("free space in {}: {}, the bundle needs about {}", directory, format_size(free_bytes),
               format_size(needed));
  if (needed <= free_bytes) return {};
  std::string hint = "write it where there is room with -o (a mounted datastore, e.g. -o /vmfs/volumes/DATASTORE/), "
                     "stream it with -o - (ssh HOST vmsupport collect -o - > bundle.tgz)";
  const std::string groups = largest_groups(plan);
  if (!groups.empty()) hint += ", leave out the largest groups with --exclude GROUP: " + groups;
  hint += ", cap it with --max-size SIZE, or try anyway with --no-space-check";
  auto error = fail("not enough free space in ", directory, ": the bundle needs about ", format_size(needed),
                    " (", format_size(plan.estimated_bytes), " of files planned, compressed at 2:1 at worst, "
                    "plus command output and documents), only ", format_size(free_bytes), " is free");
  error.error().hint = std::move(hint);
  return error;
}

}  // namespace vmsupport
