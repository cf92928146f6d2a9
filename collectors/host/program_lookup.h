// Program lookup for PosixProcessRunner::find_program: the fixed k_command_path
// searched on the host, or inside a chroot directory without leaving it.
#pragma once

#include <optional>
#include <string>

namespace vmsupport::detail {

// The path `program` would be executed as: itself if it contains a '/', else the
// first k_command_path entry holding a regular file with an execute bit. With a
// non-empty `chroot_dir` the lookup resolves inside it (symlinks included) and
// the answer is relative to it. nullopt if there is no such executable.
std::optional<std::string> find_executable(const std::string& program,
                                           const std::string& chroot_dir);

}  // namespace vmsupport::detail
