// spawn_child and read_setup_failure. Everything the child needs (argv, envp,
// chroot directory, the highest descriptor to close) is prepared before fork, so
// that between fork and exec the child only makes async-signal-safe calls. A
// setup step that fails writes {step, errno} to the close-on-exec report pipe
// and exits 127; a successful exec closes the pipe with nothing written.
#include "host/spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <utility>
#include <vector>

namespace vmsupport::detail {
namespace {

constexpr int k_fallback_max_fd = 1 << 16;

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
// argv and chroot_dir point into the request, which outlives the child's exec.
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

}  // namespace

// --- In the parent. ---

Result<SpawnedChild> spawn_child(const ProcessRequest& request, std::string path) {
  const ExecPlan plan = make_plan(request, std::move(path));
  Result<Pipe> output = make_pipe();
  if (!output) return std::unexpected(std::move(output.error()));
  Result<Pipe> report = make_pipe();
  if (!report) return std::unexpected(std::move(report.error()));
  SpawnedChild child;  // filled before fork: nothing can throw once a child runs
  child.path = plan.path;
  child.chroot_dir = request.chroot_dir;

  child.pid = ::fork();
  if (child.pid < 0) return fail("fork: ", errno_text(errno));
  if (child.pid == 0) exec_child(plan, output->write_end.get(), report->write_end.get());
  child.output = std::move(output->read_end);
  child.report = std::move(report->read_end);
  return child;  // the write ends close here: the child holds the only ones
}

std::optional<std::string> read_setup_failure(const SpawnedChild& child) {
  ChildFailure failed{};
  if (::read(child.report.get(), &failed, sizeof failed) != static_cast<ssize_t>(sizeof failed))
    return std::nullopt;
  const std::string reason = errno_text(failed.error);
  switch (failed.step) {
    case SetupStep::session: return "setsid: " + reason;
    case SetupStep::stdio: return "redirecting stdin, stdout and stderr: " + reason;
    case SetupStep::chroot: return "chroot " + child.chroot_dir + ": " + reason;
    case SetupStep::chdir: return "chdir /: " + reason;
    case SetupStep::exec: return "exec " + child.path + ": " + reason;
  }
  return "child setup: " + reason;
}

}  // namespace vmsupport::detail
