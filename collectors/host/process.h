// Running a command on the host: argv (never a shell), a timeout that kills the
// whole process group, an output cap that keeps the newest bytes, and an optional
// chroot. ProcessRunner is an interface so that unit tests can use FakeProcessRunner.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/result.h"

namespace vmsupport {

struct ProcessRequest {
  std::vector<std::string> argv;         // argv[0]: absolute path or a name looked up in PATH
  std::chrono::milliseconds timeout{60000};
  std::uint64_t max_bytes = 25ull << 20; // output beyond this keeps the newest bytes
  std::string chroot_dir;                // non-empty: chroot(2) there before exec (needs root)
  // Set from another thread (e.g. on SIGINT) to stop the command early; may be null.
  const std::atomic<bool>* cancel = nullptr;
};

struct ProcessOutcome {
  enum class End { exited, signaled, timed_out, cancelled, not_found, failed_to_start };
  End end = End::exited;
  int exit_code = 0;            // valid when end == exited
  int signal = 0;               // valid when end == signaled
  std::string output;           // stdout and stderr interleaved, the newest max_bytes
  std::uint64_t total_bytes = 0;// everything the command wrote, kept or not
  bool truncated = false;       // total_bytes > output.size()
  std::chrono::milliseconds duration{0};
  std::string error;            // for not_found / failed_to_start: why
};

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  // Runs the request to completion, timeout or cancellation. Never throws, never
  // blocks past timeout (+ a short kill grace). Children of the command are killed too.
  virtual ProcessOutcome run(const ProcessRequest& request) = 0;
  // Absolute path of `program` as it would be executed (PATH lookup inside
  // `chroot_dir` when given, the result then relative to it), or nullopt if absent.
  virtual std::optional<std::string> find_program(const std::string& program,
                                                  const std::string& chroot_dir) = 0;
};

// The real thing: fork/exec with setsid, poll-driven reads, SIGTERM then SIGKILL
// to the process group at the timeout. Environment: LC_ALL=C, a fixed PATH.
class PosixProcessRunner final : public ProcessRunner {
 public:
  ProcessOutcome run(const ProcessRequest& request) override;
  std::optional<std::string> find_program(const std::string& program,
                                          const std::string& chroot_dir) override;
};

// For unit tests: programs are a map from argv[0] to a canned outcome.
class FakeProcessRunner final : public ProcessRunner {
 public:
  std::map<std::string, ProcessOutcome> programs;
  std::vector<ProcessRequest> calls;  // every request seen, in order
  ProcessOutcome run(const ProcessRequest& request) override;
  std::optional<std::string> find_program(const std::string& program,
                                          const std::string& chroot_dir) override;
};

// The PATH commands are looked up in and run with.
inline constexpr const char* k_command_path =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/vmware/bin";

}  // namespace vmsupport
