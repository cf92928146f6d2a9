// PosixProcessRunner: runs argv with fork + execve in a new session (stdin from
// /dev/null, stdout and stderr on one pipe, a minimal fixed environment, optional
// chroot). A poll loop keeps only the newest output bytes and enforces the timeout
// and the cancel flag with SIGTERM, then SIGKILL, to the whole process group.
// Between fork and exec the child only makes async-signal-safe calls: everything
// it needs is prepared beforehand, and setup failures travel back as an errno on
// a close-on-exec pipe. FakeProcessRunner hands out canned outcomes for tests.
#include "host/process.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string_view>
#include <thread>
#include <utility>

namespace vmsupport {
namespace {

using SteadyClock = std::chrono::steady_clock;
using TimePoint = SteadyClock::time_point;
using std::chrono::milliseconds;
using End = ProcessOutcome::End;

constexpr milliseconds k_term_grace{2000};        // SIGTERM → SIGKILL
constexpr milliseconds k_kill_grace{500};         // SIGKILL → give up waiting (D state)
constexpr milliseconds k_drain_after_exit{1000};  // children may hold the pipe this long
constexpr milliseconds k_cancel_check{100};
constexpr milliseconds k_exit_check{5};           // pipe closed, child not yet reaped
constexpr milliseconds k_max_timeout = std::chrono::hours(24 * 365);
constexpr std::size_t k_read_chunk = 64 * 1024;
constexpr int k_final_drain_reads = 64;
constexpr int k_fallback_max_fd = 1 << 16;

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : m_fd(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(std::exchange(other.m_fd, -1));
    return *this;
  }
  ~UniqueFd() { reset(); }
  int get() const { return m_fd; }
  bool valid() const { return m_fd >= 0; }
  void reset(int fd = -1) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = fd;
  }

 private:
  int m_fd = -1;
};

// The newest `limit` bytes of everything appended, in a ring that never grows
// past `limit`.
class TailBuffer {
 public:
  explicit TailBuffer(std::uint64_t limit) : m_limit(limit) {}

  void append(std::string_view bytes) {
    m_total += bytes.size();
    if (m_limit == 0) return;
    if (bytes.size() >= m_limit) {
      m_ring.assign(bytes.substr(bytes.size() - m_limit));
      m_head = 0;
      return;
    }
    fill(bytes);
    overwrite(bytes);
  }

  std::uint64_t total() const { return m_total; }

  std::string take() {
    std::rotate(m_ring.begin(), m_ring.begin() + static_cast<std::ptrdiff_t>(m_head),
                m_ring.end());
    m_head = 0;
    return std::move(m_ring);
  }

 private:
  // Appends while the ring is not yet full; consumes what it used.
  void fill(std::string_view& bytes) {
    const std::size_t used = std::min(m_limit - m_ring.size(), bytes.size());
    if (used == 0) return;
    if (m_ring.capacity() < m_ring.size() + used)
      m_ring.reserve(std::min(m_limit, std::max(2 * m_ring.capacity(), m_ring.size() + used)));
    m_ring.append(bytes.substr(0, used));
    bytes.remove_prefix(used);
  }

  // The ring is full: the oldest bytes, at m_head, make way.
  void overwrite(std::string_view bytes) {
    while (!bytes.empty()) {
      const std::size_t count = std::min(m_limit - m_head, bytes.size());
      std::copy_n(bytes.data(), count, m_ring.begin() + static_cast<std::ptrdiff_t>(m_head));
      m_head = (m_head + count) % m_limit;
      bytes.remove_prefix(count);
    }
  }

  std::size_t m_limit;
  std::string m_ring;
  std::size_t m_head = 0;  // oldest byte once the ring is full
  std::uint64_t m_total = 0;
};

ProcessOutcome failure(End end, std::string error) {
  ProcessOutcome outcome;
  outcome.end = end;
  outcome.error = std::move(error);
  return outcome;
}

bool is_cancelled(const std::atomic<bool>* cancel) {
  return cancel != nullptr && cancel->load(std::memory_order_relaxed);
}

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

// Moves a fresh descriptor above 0-2 so that the child's dup2 onto stdio
// cannot clobber it.
bool lift_above_stdio(UniqueFd& fd) {
  if (fd.get() > STDERR_FILENO) return true;
  const int lifted = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
  if (lifted < 0) return false;
  fd.reset(lifted);
  return true;
}

struct Pipe {
  UniqueFd read_end;   // non-blocking
  UniqueFd write_end;
};

Result<Pipe> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return fail("pipe: ", errno_text(errno));
  Pipe pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
  if (!lift_above_stdio(pipe.read_end) || !lift_above_stdio(pipe.write_end) ||
      ::fcntl(pipe.read_end.get(), F_SETFL, O_NONBLOCK) != 0)
    return fail("pipe: ", errno_text(errno));
  return pipe;
}

// Everything the child needs, built before fork so the child never allocates.
struct ExecPlan {
  std::string path;
  std::vector<char*> argv;
  std::vector<char*> envp;
  const char* chroot_dir = nullptr;  // null: no chroot
  int max_fd = k_fallback_max_fd;    // for closing fds when close_range is missing
};

const char* path_variable() {
  static const std::string variable = std::string("PATH=") + k_command_path;
  return variable.c_str();
}

ExecPlan make_plan(const ProcessRequest& request, std::string path) {
  ExecPlan plan;
  plan.path = std::move(path);
  for (const std::string& argument : request.argv)
    plan.argv.push_back(const_cast<char*>(argument.c_str()));
  plan.argv.push_back(nullptr);
  plan.envp = {const_cast<char*>("LC_ALL=C"), const_cast<char*>("LANG=C"),
               const_cast<char*>(path_variable()), const_cast<char*>("TERM=dumb"),
               const_cast<char*>("HOME=/"), nullptr};
  if (!request.chroot_dir.empty()) plan.chroot_dir = request.chroot_dir.c_str();
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < rlim_t{k_fallback_max_fd})
    plan.max_fd = static_cast<int>(limit.rlim_cur);
  return plan;
}

enum class SetupStep : int { session, stdio, chroot, chdir, exec };

struct ChildFailure {
  SetupStep step;
  int error;
};

// --- In the child: async-signal-safe calls only. ---

[[noreturn]] void report_and_exit(int report_fd, SetupStep step) {
  const ChildFailure failed{step, errno};
  [[maybe_unused]] const ssize_t written = ::write(report_fd, &failed, sizeof failed);
  ::_exit(127);
}

void reset_signals() {
  struct sigaction action {};
  action.sa_handler = SIG_DFL;
  ::sigemptyset(&action.sa_mask);
  for (int signal_number = 1; signal_number < NSIG; ++signal_number)
    ::sigaction(signal_number, &action, nullptr);  // fails harmlessly for KILL, STOP, …
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

bool redirect_stdio(int output_fd) {
  const int null_fd = ::open("/dev/null", O_RDONLY);
  return null_fd >= 0 && ::dup2(null_fd, STDIN_FILENO) >= 0 &&
         ::dup2(output_fd, STDOUT_FILENO) >= 0 && ::dup2(output_fd, STDERR_FILENO) >= 0;
}

void close_other_fds(int keep, int max_fd) {
  const auto first = static_cast<unsigned>(STDERR_FILENO + 1);
  const auto kept = static_cast<unsigned>(keep);
  const bool closed = (kept == first || ::close_range(first, kept - 1, 0) == 0) &&
                      ::close_range(kept + 1, ~0u, 0) == 0;
  if (closed) return;
  for (int fd = STDERR_FILENO + 1; fd < max_fd; ++fd)
    if (fd != keep) ::close(fd);
}

[[noreturn]] void exec_child(const ExecPlan& plan, int output_fd, int report_fd) {
  if (::setsid() < 0) report_and_exit(report_fd, SetupStep::session);
  reset_signals();
  if (!redirect_stdio(output_fd)) report_and_exit(report_fd, SetupStep::stdio);
  close_other_fds(report_fd, plan.max_fd);
  if (plan.chroot_dir != nullptr) {
    if (::chroot(plan.chroot_dir) != 0) report_and_exit(report_fd, SetupStep::chroot);
    if (::chdir("/") != 0) report_and_exit(report_fd, SetupStep::chdir);
  }
  ::execve(plan.path.c_str(), plan.argv.data(), plan.envp.data());
  report_and_exit(report_fd, SetupStep::exec);
}

// --- In the parent. ---

std::optional<std::string> read_child_failure(int report_fd, const ExecPlan& plan) {
  ChildFailure failed{};
  if (::read(report_fd, &failed, sizeof failed) != static_cast<ssize_t>(sizeof failed))
    return std::nullopt;
  const std::string reason = errno_text(failed.error);
  switch (failed.step) {
    case SetupStep::session: return "setsid: " + reason;
    case SetupStep::stdio: return "redirecting stdin, stdout and stderr: " + reason;
    case SetupStep::chroot: return "chroot " + std::string(plan.chroot_dir) + ": " + reason;
    case SetupStep::chdir: return "chdir /: " + reason;
    case SetupStep::exec: return "exec " + plan.path + ": " + reason;
  }
  return "child setup: " + reason;
}

void reap_in_background(pid_t pid) noexcept {
  try {
    std::thread([pid] {
      int status = 0;
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
    }).detach();
  } catch (...) {
  }
}

// Watches one started child: reads its output, enforces timeout and cancel,
// and reaps it. The destructor kills and reaps a child left behind.
class Supervisor {
 public:
  Supervisor(pid_t pid, UniqueFd output, const ProcessRequest& request, TimePoint start)
      : m_pid(pid),
        m_output(std::move(output)),
        m_cancel(request.cancel),
        m_deadline(start + std::clamp(request.timeout, milliseconds{0}, k_max_timeout)),
        m_buffer(request.max_bytes),
        m_chunk(k_read_chunk) {}
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  ~Supervisor() {
    if (m_reaped) return;
    signal_group(SIGKILL);
    reap_in_background(m_pid);
  }

  // Returns once the child has exited and its output is drained (at most
  // k_drain_after_exit later), or once the kill sequence has run its course.
  void supervise() {
    while (!finished(SteadyClock::now())) wait_for_output(SteadyClock::now());
  }

  // Kills what is left of the process group, reaps the child, reports.
  ProcessOutcome finish() {
    signal_group(SIGKILL);
    drain_available();
    ProcessOutcome outcome = reap();
    outcome.total_bytes = m_buffer.total();
    outcome.output = m_buffer.take();
    outcome.truncated = outcome.total_bytes > outcome.output.size();
    return outcome;
  }

 private:
  bool finished(TimePoint now) {
    if (!m_exited && child_has_exited()) on_exit(now);
    if (m_exited) return !m_output.valid() || now >= m_drain_until || is_cancelled(m_cancel);
    if (!m_stop) {
      check_stop(now);
      return false;
    }
    if (!m_killed && now >= m_kill_at) {
      signal_group(SIGKILL);
      m_killed = true;
      m_give_up_at = now + k_kill_grace;
      return false;
    }
    return m_killed && now >= m_give_up_at;
  }

  void on_exit(TimePoint now) {
    m_exited = true;
    m_drain_until = m_stop ? now : std::min(now + k_drain_after_exit, m_deadline);
  }

  void check_stop(TimePoint now) {
    if (is_cancelled(m_cancel))
      m_stop = End::cancelled;
    else if (now >= m_deadline)
      m_stop = End::timed_out;
    else
      return;
    signal_group(SIGTERM);
    m_kill_at = now + k_term_grace;
  }

  // Leaves the child a zombie (WNOWAIT) so its pid, the group id, cannot be reused
  // before the final SIGKILL to the group.
  bool child_has_exited() {
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(m_pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
      if (errno == EINTR) return false;
      m_status_lost = true;  // e.g. SIGCHLD ignored: the kernel reaped it
      return true;
    }
    return info.si_pid == m_pid;
  }

  TimePoint next_wakeup(TimePoint now) const {
    TimePoint until = now + k_cancel_check;
    if (m_exited)
      until = std::min(until, m_drain_until);
    else if (!m_stop)
      until = std::min(until, m_deadline);
    else
      until = std::min(until, m_killed ? m_give_up_at : m_kill_at);
    if (!m_output.valid()) until = std::min(until, now + k_exit_check);
    return until;
  }

  void wait_for_output(TimePoint now) {
    const auto wait = std::chrono::ceil<milliseconds>(std::max(next_wakeup(now) - now, SteadyClock::duration{0}));
    const int wait_ms = static_cast<int>(wait.count());
    if (!m_output.valid()) {
      ::poll(nullptr, 0, wait_ms);
      return;
    }
    pollfd watched{m_output.get(), POLLIN, 0};
    if (::poll(&watched, 1, wait_ms) > 0) read_chunk();
  }

  // Returns true if bytes were read; closes the pipe at end of file.
  bool read_chunk() {
    const ssize_t count = ::read(m_output.get(), m_chunk.data(), m_chunk.size());
    if (count > 0) {
      m_buffer.append(std::string_view(m_chunk.data(), static_cast<std::size_t>(count)));
      return true;
    }
    if (count == 0 || (errno != EAGAIN && errno != EINTR)) m_output.reset();
    return false;
  }

  // What killed writers left in the pipe; bounded in case a writer escaped the group.
  void drain_available() {
    for (int reads = 0; m_output.valid() && reads < k_final_drain_reads; ++reads)
      if (!read_chunk()) break;
    m_output.reset();
  }

  ProcessOutcome reap() {
    if (!m_exited)  // the destructor hands it to a background reaper
      return failure(m_stop.value_or(End::timed_out), "the command did not exit after SIGKILL");
    int status = 0;
    pid_t reaped = -1;
    if (!m_status_lost)
      while ((reaped = ::waitpid(m_pid, &status, 0)) < 0 && errno == EINTR) {
      }
    m_reaped = true;
    if (m_stop) return failure(*m_stop, "");
    if (reaped != m_pid) return failure(End::exited, "exit status lost (child reaped elsewhere)");
    return status_outcome(status);
  }

  static ProcessOutcome status_outcome(int status) {
    ProcessOutcome outcome;
    if (WIFSIGNALED(status)) {
      outcome.end = End::signaled;
      outcome.signal = WTERMSIG(status);
    } else {
      outcome.exit_code = WEXITSTATUS(status);
    }
    return outcome;
  }

  void signal_group(int signal_number) const {
    ::kill(-m_pid, signal_number);
    ::kill(m_pid, signal_number);  // in case the child has not reached setsid yet
  }

  pid_t m_pid;
  UniqueFd m_output;
  const std::atomic<bool>* m_cancel;
  TimePoint m_deadline;
  TailBuffer m_buffer;
  std::vector<char> m_chunk;
  std::optional<End> m_stop;  // timed_out or cancelled, once SIGTERM went out
  TimePoint m_kill_at{};
  TimePoint m_give_up_at{};
  TimePoint m_drain_until{};
  bool m_killed = false;
  bool m_exited = false;
  bool m_status_lost = false;
  bool m_reaped = false;
};

ProcessOutcome start_and_supervise(ProcessRunner& runner, const ProcessRequest& request,
                                   TimePoint start) {
  if (request.argv.empty()) return failure(End::failed_to_start, "empty argv");
  if (is_cancelled(request.cancel)) return failure(End::cancelled, "cancelled before start");
  std::optional<std::string> path = runner.find_program(request.argv[0], request.chroot_dir);
  if (!path) return failure(End::not_found, "program not found: " + request.argv[0]);
  const ExecPlan plan = make_plan(request, std::move(*path));
  Result<Pipe> output = make_pipe();
  if (!output) return failure(End::failed_to_start, output.error().message);
  Result<Pipe> report = make_pipe();
  if (!report) return failure(End::failed_to_start, report.error().message);

  const pid_t pid = ::fork();
  if (pid < 0) return failure(End::failed_to_start, "fork: " + errno_text(errno));
  if (pid == 0) exec_child(plan, output->write_end.get(), report->write_end.get());
  output->write_end.reset();
  report->write_end.reset();

  Supervisor supervisor(pid, std::move(output->read_end), request, start);
  supervisor.supervise();
  ProcessOutcome outcome = supervisor.finish();
  if (std::optional<std::string> reason = read_child_failure(report->read_end.get(), plan))
    outcome = failure(End::failed_to_start, std::move(*reason));
  return outcome;
}

}  // namespace

ProcessOutcome PosixProcessRunner::run(const ProcessRequest& request) {
  const TimePoint start = SteadyClock::now();
  ProcessOutcome outcome;
  try {
    outcome = start_and_supervise(*this, request, start);
  } catch (const std::exception& error) {
    outcome = failure(End::failed_to_start, std::string("internal error: ") + error.what());
  } catch (...) {
    outcome = failure(End::failed_to_start, "internal error");
  }
  outcome.duration = std::chrono::duration_cast<milliseconds>(SteadyClock::now() - start);
  return outcome;
}

std::optional<std::string> PosixProcessRunner::find_program(const std::string& program,
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

ProcessOutcome FakeProcessRunner::run(const ProcessRequest& request) {
  calls.push_back(request);
  if (request.argv.empty()) return failure(End::failed_to_start, "empty argv");
  const auto found = programs.find(request.argv[0]);
  if (found == programs.end())
    return failure(End::not_found, "program not found: " + request.argv[0]);
  return found->second;
}

std::optional<std::string> FakeProcessRunner::find_program(const std::string& program,
                                                           const std::string& /*chroot_dir*/) {
  if (programs.contains(program)) return program;
  return std::nullopt;
}

}  // namespace vmsupport
