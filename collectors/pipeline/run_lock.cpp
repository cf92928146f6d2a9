// The run lock on STATE_DIR/lock (see run_lock.h).
#include "pipeline/run_lock.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <thread>

#include <spdlog/spdlog.h>

#include "util/units.h"

namespace vmsupport {
namespace {

constexpr auto k_poll = std::chrono::milliseconds(100);
constexpr std::size_t k_max_record = 16 << 10;  // a record is a few lines; never read more

std::string utc_now_text() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return text;
}

// Makes the state directory (mode 0700, like the map's) when it is missing.
Result<void> make_state_dir(const std::string& state_dir) {
  std::error_code ec;
  if (std::filesystem::is_directory(state_dir, ec)) return {};
  std::filesystem::create_directories(state_dir, ec);
  if (ec) return fail("cannot create ", state_dir, ": ", ec.message());
  ::chmod(state_dir.c_str(), 0700);
  return {};
}

// Opens the lock file read-write (made when missing), else read-only: an
// flock on a read-only descriptor still keeps out the other runs.
Result<int> open_lock_file(const std::string& path, bool& writable) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  writable = fd >= 0;
  if (fd >= 0) return fd;
  const int error = errno;
  fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd >= 0) return fd;
  return fail_errno(error, "cannot open ", path, ": ", errno_text(error));
}

// 0 taken, else the errno of flock (EWOULDBLOCK: another run holds it).
int try_lock(int fd) {
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EINTR) return errno;
  }
  return 0;
}

bool process_exists(long pid) { return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM); }

// The holder's record; the holder writes it just after it took the lock, so
// an empty record, or one of a process that is gone (a run killed earlier),
// is read again for a moment before it is believed.
LockHolder settled_holder(int fd) {
  LockHolder holder = read_lock_holder(fd);
  for (int attempt = 0; attempt < 10 && !process_exists(holder.pid); ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    holder = read_lock_holder(fd);
  }
  return holder;
}

void write_record(int fd, const std::string& command_line) {
  const std::string record = "pid: " + std::to_string(::getpid()) + "\ncommand: " + command_line +
                             "\nstarted: " + utc_now_text() + "\n";
  if (::ftruncate(fd, 0) != 0) return;
  [[maybe_unused]] const ssize_t written = ::pwrite(fd, record.data(), record.size(), 0);
}

std::unexpected<Error> busy(const std::string& path, int fd, const LockOptions& options) {
  const std::string holder = describe_holder(settled_holder(fd));
  if (options.wait.count() > 0) {
    auto error = fail_errno(k_lock_busy, "another vmsupport run still holds ", path, " after waiting ",
                            format_duration(options.wait), ": ", holder);
    error.error().hint = "wait longer (--wait-lock=2h), or see whether that run is stuck";
    return error;
  }
  auto error = fail_errno(k_lock_busy, "another vmsupport run holds ", path, ": ", holder);
  error.error().hint = "wait for it, or use --wait-lock (waits up to 30 min; --wait-lock=DURATION for another time)";
  return error;
}

// Polls the lock until it is free, the wait is over or the run is cancelled.
int wait_for_lock(int fd, const std::string& path, const LockOptions& options, const std::atomic<bool>* cancel) {
  spdlog::warn("waiting up to {} for {}, held by another run: {}", format_duration(options.wait), path,
               describe_holder(settled_holder(fd)));
  const auto deadline = std::chrono::steady_clock::now() + options.wait;
  int status = EWOULDBLOCK;
  while (status == EWOULDBLOCK && std::chrono::steady_clock::now() < deadline) {
    if (cancel && cancel->load()) return EINTR;
    std::this_thread::sleep_for(k_poll);
    status = try_lock(fd);
  }
  return status;
}

}  // namespace

Result<RunLock> RunLock::acquire(const LockOptions& options, const std::atomic<bool>* cancel) {
  auto lock = take(options, cancel);
  if (lock && !lock->held()) spdlog::info("state directory not locked: {}", lock->not_held_reason());
  if (lock && lock->held()) spdlog::debug("holding {}", lock->path());
  return lock;
}

Result<RunLock> RunLock::take(const LockOptions& options, const std::atomic<bool>* cancel) {
  RunLock lock;
  if (options.state_dir.empty()) {
    lock.m_not_held = "no state directory";
    return lock;
  }
  lock.m_path = (std::filesystem::path(options.state_dir) / "lock").string();
  if (auto made = make_state_dir(options.state_dir); !made) {
    lock.m_not_held = made.error().message;
    return lock;
  }
  auto fd = open_lock_file(lock.m_path, lock.m_writable);
  if (!fd) {
    lock.m_not_held = fd.error().message;
    return lock;
  }
  detail::UniqueFd owned(*fd);
  int status = try_lock(owned.get());
  if (status == EWOULDBLOCK && options.wait.count() > 0) status = wait_for_lock(owned.get(), lock.m_path, options, cancel);
  if (status == EINTR) return fail_errno(k_lock_interrupted, "interrupted while waiting for ", lock.m_path);
  if (status == EWOULDBLOCK) return busy(lock.m_path, owned.get(), options);
  if (status != 0) {  // e.g. ENOLCK: a file system without locks
    lock.m_not_held = "cannot lock " + lock.m_path + ": " + errno_text(status);
    return lock;
  }
  if (lock.m_writable) write_record(owned.get(), options.command_line);
  lock.m_fd = std::move(owned);
  return lock;
}

RunLock::~RunLock() {
  // Emptied while still held: the next holder's record is never lost to ours.
  if (!m_fd.valid() || !m_writable) return;
  if (::ftruncate(m_fd.get(), 0) != 0) return;  // the record then stays; the lock is released all the same
}

LockHolder read_lock_holder(int fd) {
  std::string text(k_max_record, '\0');
  const ssize_t n = ::pread(fd, text.data(), text.size(), 0);
  text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  LockHolder holder;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + start, end - start);
    start = end + 1;
    if (line.starts_with("pid: ")) holder.pid = std::strtol(std::string(line.substr(5)).c_str(), nullptr, 10);
    if (line.starts_with("command: ")) holder.command = line.substr(9);
    if (line.starts_with("started: ")) holder.started = line.substr(9);
  }
  return holder;
}

std::string describe_holder(const LockHolder& holder) {
  if (holder.pid <= 0) return "a run that has not written who it is (the lock file is empty)";
  std::string text = "pid " + std::to_string(holder.pid);
  if (!holder.command.empty()) text += ", `" + holder.command + "`";
  if (!holder.started.empty()) text += ", started " + holder.started;
  return text;
}

std::string command_line_of(int argc, const char* const* argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    for (char& c : arg) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    }
    const bool plain = !arg.empty() && arg.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                                             "0123456789_@%+=:,./-") == std::string::npos;
    if (!line.empty()) line += ' ';
    if (plain) {
      line += arg;
      continue;
    }
    line += '\'';
    for (char c : arg) line += c == '\'' ? std::string("'\\''") : std::string(1, c);
    line += '\'';
  }
  return line;
}

}  // namespace vmsupport
