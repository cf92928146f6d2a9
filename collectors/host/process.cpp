// PosixProcessRunner::run: starts the command (host/spawn.h), then a poll loop
// reads its output into an OutputTail and enforces the timeout and the cancel
// flag with SIGTERM, then SIGKILL, to the whole process group, and reaps the
// child. find_program is host/program_lookup.h. FakeProcessRunner hands out
// canned outcomes for tests.
#include "host/process.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <string_view>
#include <thread>
#include <utility>

#include "host/interrupt.h"
#include "host/output_tail.h"
#include "host/program_lookup.h"
#include "host/spawn.h"
#include "host/unique_fd.h"

namespace vmsupport {
namespace {

using detail::OutputTail;
using detail::UniqueFd;

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

ProcessOutcome failure(End end, std::string error) {
  ProcessOutcome outcome;
  outcome.end = end;
  outcome.error = std::move(error);
  return outcome;
}

bool is_cancelled(const std::atomic<bool>* cancel) {
  return cancel != nullptr && cancel->load(std::memory_order_relaxed);
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
        m_chunk(k_read_chunk) {
    interrupt::add_group(m_pid);  // a second Ctrl-C kills it at once
  }
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  ~Supervisor() {
    if (m_reaped) return;
    signal_group(SIGKILL);
    interrupt::remove_group(m_pid);
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
    if (m_exited) interrupt::remove_group(m_pid);  // before its pid can be reused
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
  OutputTail m_buffer;
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
  Result<detail::SpawnedChild> child = detail::spawn_child(request, std::move(*path));
  if (!child) return failure(End::failed_to_start, child.error().message);

  Supervisor supervisor(child->pid, std::move(child->output), request, start);
  supervisor.supervise();
  ProcessOutcome outcome = supervisor.finish();
  if (std::optional<std::string> reason = detail::read_setup_failure(*child))
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
  return detail::find_executable(program, chroot_dir);
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
