// The run lock: one vmsupport run at a time writes the state directory (the
// pseudonym map, the baselines, the name matcher cache). An flock(2) on
// STATE_DIR/lock, held for the run; the kernel drops it when the process dies,
// however it dies, so a killed run never blocks the next one. The holder
// writes its pid, command line and start time into the file, for the run that
// finds it taken to say who holds it.
#pragma once

#include <atomic>
#include <cerrno>
#include <chrono>
#include <string>

#include "host/unique_fd.h"
#include "util/result.h"

namespace vmsupport {

// Who holds the lock, as its holder wrote it into the lock file.
struct LockHolder {
  long pid = 0;            // 0 when the file says nothing (yet)
  std::string command;     // "vmsupport collect --case 42"
  std::string started;     // "2026-12-05 04:31:02 UTC"
};

struct LockOptions {
  std::string state_dir;                 // "" = no lock (nothing is kept between runs)
  std::string command_line;              // this run's, written for the next run to read
  std::chrono::milliseconds wait{0};     // --wait-lock: how long to wait for the holder; 0 = not at all
};

// errno-like codes in Error::code, for the caller to choose its exit code.
inline constexpr int k_lock_busy = EWOULDBLOCK;   // another run holds it
inline constexpr int k_lock_interrupted = EINTR;   // cancelled while waiting

// The lock of one run; released (and the file emptied) when destroyed.
class RunLock {
 public:
  // Takes the lock of options.state_dir (making the directory, mode 0700, when
  // missing). Fails with code k_lock_busy, naming the holder, when another run
  // holds it (after waiting up to options.wait: a warning is logged when the
  // wait starts, naming the holder), or k_lock_interrupted when
  // `cancel` is set while waiting. A state directory that cannot be made or
  // opened is no failure: nothing can be written to it either, so the run goes
  // on unlocked (held() false, not_held_reason() says why).
  static Result<RunLock> acquire(const LockOptions& options, const std::atomic<bool>* cancel = nullptr);

  RunLock(RunLock&&) noexcept = default;
  RunLock& operator=(RunLock&&) noexcept = default;
  ~RunLock();

  bool held() const { return m_fd.valid(); }
  const std::string& path() const { return m_path; }
  const std::string& not_held_reason() const { return m_not_held; }

 private:
  RunLock() = default;
  static Result<RunLock> take(const LockOptions& options, const std::atomic<bool>* cancel);
  detail::UniqueFd m_fd;
  bool m_writable = false;
  std::string m_path;
  std::string m_not_held;
};

// Reads the holder's record from an open lock file; pid 0 when it is empty or unreadable.
LockHolder read_lock_holder(int fd);

// "pid 1234, `vmsupport collect --case 42`, started 2026-12-05 04:31:02 UTC".
std::string describe_holder(const LockHolder& holder);

// argv as one line a person can paste back: arguments quoted for sh where
// needed, control characters replaced by '?'.
std::string command_line_of(int argc, const char* const* argv);

}  // namespace vmsupport
