// find_executable: walks k_command_path and checks each candidate. On the host
// that is stat + faccessat; inside a chroot directory the candidate is opened
// with openat2 RESOLVE_IN_ROOT so that absolute symlinks stay inside the root.
#include "host/program_lookup.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string_view>

#include "host/process.h"
#include "host/unique_fd.h"

namespace vmsupport::detail {
namespace {

std::string join_root(const std::string& root, const std::string& path) {
  if (root.empty()) return path;
  return path.starts_with('/') ? root + path : root + "/" + path;
}

// Resolves `path` as if `root` were "/" (absolute symlinks stay inside it).
// Kernels without openat2 resolve symlinks on the host instead.
UniqueFd open_in_root(const std::string& root, const std::string& path) {
  UniqueFd dir(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) return {};
  open_how how{};
  how.flags = O_PATH | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT;
  const long fd = ::syscall(SYS_openat2, dir.get(), path.c_str(), &how, sizeof how);
  if (fd >= 0) return UniqueFd(static_cast<int>(fd));
  if (errno != ENOSYS && errno != EPERM) return {};
  return UniqueFd(::open(join_root(root, path).c_str(), O_PATH | O_CLOEXEC));
}

bool is_executable_file(const std::string& path, const std::string& root) {
  struct stat info {};
  if (root.empty()) {
    return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
           ::faccessat(AT_FDCWD, path.c_str(), X_OK, AT_EACCESS) == 0;
  }
  const UniqueFd file = open_in_root(root, path);
  return file.valid() && ::fstat(file.get(), &info) == 0 && S_ISREG(info.st_mode) &&
         (info.st_mode & 0111) != 0;
}

}  // namespace

std::optional<std::string> find_executable(const std::string& program,
                                           const std::string& chroot_dir) {
  if (program.empty()) return std::nullopt;
  if (program.find('/') != std::string::npos) {
    if (is_executable_file(program, chroot_dir)) return program;
    return std::nullopt;
  }
  std::string_view directories = k_command_path;
  while (!directories.empty()) {
    const std::size_t colon = std::min(directories.find(':'), directories.size());
    const std::string_view directory = directories.substr(0, colon);
    directories.remove_prefix(std::min(colon + 1, directories.size()));
    if (directory.empty()) continue;
    std::string candidate = std::string(directory) + "/" + program;
    if (is_executable_file(candidate, chroot_dir)) return candidate;
  }
  return std::nullopt;
}

}  // namespace vmsupport::detail
