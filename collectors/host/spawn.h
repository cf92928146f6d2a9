// Starting one command for PosixProcessRunner: fork + execve in a new session,
// stdin from /dev/null, stdout and stderr on one pipe, a minimal fixed
// environment, an optional chroot. Setup failures in the child come back as an
// errno on a close-on-exec pipe.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "host/process.h"
#include "host/unique_fd.h"
#include "util/result.h"

namespace vmsupport::detail {

// A forked child, in the parent. The parent's write ends of both pipes are
// already closed, so end of file on `output` means every writer is gone.
struct SpawnedChild {
  pid_t pid = -1;
  UniqueFd output;         // read end of the child's stdout + stderr; non-blocking
  UniqueFd report;         // read end of the close-on-exec error pipe; non-blocking
  std::string path;        // the program executed
  std::string chroot_dir;  // empty: none
};

// Forks a child that executes `path` with request.argv (and chroot_dir, if set).
// Fails, with a message naming the call ("pipe: …", "fork: …"), only if the
// child could not be forked; a failure inside the child shows in
// read_setup_failure().
Result<SpawnedChild> spawn_child(const ProcessRequest& request, std::string path);

// Why the child's setup before exec failed ("chroot /x: No such file or
// directory"), or nullopt if it did not (exec succeeded, or nothing was
// reported yet). Meant for once the child has exited or been killed.
std::optional<std::string> read_setup_failure(const SpawnedChild& child);

}  // namespace vmsupport::detail
