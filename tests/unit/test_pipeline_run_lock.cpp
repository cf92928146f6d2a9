// Tests for pipeline/run_lock: the state directory's lock — taken and
// recorded, refused naming the holder, waited for, given up, interrupted,
// freed by a holder's death (kill -9), a stale record overwritten, an
// unusable state directory tolerated — and the command line it records.
#include <doctest/doctest.h>

#include "../support/temp_tree.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "pipeline/run_lock.h"

namespace vmsupport {
namespace {

using vmsupport::testing::TempDir;
namespace stdfs = std::filesystem;

std::string slurp(const stdfs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

LockOptions options_for(const stdfs::path& state_dir, std::chrono::milliseconds wait = {}) {
  LockOptions options;
  options.state_dir = state_dir.string();
  options.command_line = "vmsupport collect --case 42";
  options.wait = wait;
  return options;
}

TEST_SUITE("unit") {

TEST_CASE("the lock is taken in a new state directory (mode 0700) and records who holds it") {
  TempDir tmp;
  const stdfs::path state = tmp.path() / "var/lib/vmsupport";
  auto lock = RunLock::acquire(options_for(state));
  REQUIRE(lock);
  CHECK(lock->held());
  CHECK(lock->path() == (state / "lock").string());
  struct stat st {};
  REQUIRE(::stat(state.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  const std::string record = slurp(state / "lock");
  CHECK(record.find("pid: " + std::to_string(::getpid()) + "\n") == 0);
  CHECK(record.find("command: vmsupport collect --case 42\n") != std::string::npos);
  CHECK(record.find("started: 20") != std::string::npos);
  CHECK(record.find(" UTC\n") != std::string::npos);
}

TEST_CASE("a second run is refused, naming the holder's pid, command line and start time") {
  TempDir tmp;
  auto first = RunLock::acquire(options_for(tmp.path()));
  REQUIRE(first);
  auto second = RunLock::acquire(options_for(tmp.path()));
  REQUIRE_FALSE(second);
  CHECK(second.error().code == k_lock_busy);
  const std::string& message = second.error().message;
  CHECK(message.find("another vmsupport run holds " + (tmp.path() / "lock").string() + ": pid " +
                     std::to_string(::getpid()) + ", `vmsupport collect --case 42`, started 20") == 0);
  CHECK(message.ends_with(" UTC"));
  CHECK(second.error().hint.find("--wait-lock") != std::string::npos);
}

TEST_CASE("the lock is free again, its record emptied, once the holder is gone") {
  TempDir tmp;
  { auto first = RunLock::acquire(options_for(tmp.path())); REQUIRE(first); }
  CHECK(slurp(tmp.path() / "lock").empty());
  auto again = RunLock::acquire(options_for(tmp.path()));
  REQUIRE(again);
  CHECK(again->held());
}

TEST_CASE("--wait-lock waits for the holder and takes the lock when it is released") {
  TempDir tmp;
  std::optional<Result<RunLock>> first(RunLock::acquire(options_for(tmp.path())));
  REQUIRE(*first);
  std::thread release([&first] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    first.reset();
  });
  const auto start = std::chrono::steady_clock::now();
  auto second = RunLock::acquire(options_for(tmp.path(), std::chrono::seconds(10)));
  const auto waited = std::chrono::steady_clock::now() - start;
  release.join();
  REQUIRE(second);
  CHECK(second->held());
  CHECK(waited >= std::chrono::milliseconds(250));
  CHECK(waited < std::chrono::seconds(5));
}

TEST_CASE("--wait-lock gives up after its time, still naming the holder") {
  TempDir tmp;
  auto first = RunLock::acquire(options_for(tmp.path()));
  REQUIRE(first);
  auto second = RunLock::acquire(options_for(tmp.path(), std::chrono::milliseconds(300)));
  REQUIRE_FALSE(second);
  CHECK(second.error().code == k_lock_busy);
  CHECK(second.error().message.find("still holds") != std::string::npos);
  CHECK(second.error().message.find("after waiting 0.3 s: pid " + std::to_string(::getpid())) != std::string::npos);
}

TEST_CASE("a cancelled run stops waiting at once") {
  TempDir tmp;
  auto first = RunLock::acquire(options_for(tmp.path()));
  REQUIRE(first);
  std::atomic<bool> cancel{false};
  std::thread interrupt([&cancel] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cancel.store(true);
  });
  const auto start = std::chrono::steady_clock::now();
  auto second = RunLock::acquire(options_for(tmp.path(), std::chrono::minutes(5)), &cancel);
  interrupt.join();
  REQUIRE_FALSE(second);
  CHECK(second.error().code == k_lock_interrupted);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}

TEST_CASE("a holder killed with SIGKILL leaves its record but never blocks the next run") {
  TempDir tmp;
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    auto lock = RunLock::acquire(options_for(tmp.path()));
    const char byte = lock ? 'y' : 'n';
    [[maybe_unused]] const ssize_t n = ::write(ready[1], &byte, 1);
    ::pause();
    ::_exit(0);
  }
  ::close(ready[1]);
  char byte = 0;
  REQUIRE(::read(ready[0], &byte, 1) == 1);
  ::close(ready[0]);
  REQUIRE(byte == 'y');
  auto refused = RunLock::acquire(options_for(tmp.path()));
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("pid " + std::to_string(child)) != std::string::npos);
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK(slurp(tmp.path() / "lock").find("pid: " + std::to_string(child)) == 0);  // the dead run's record
  auto lock = RunLock::acquire(options_for(tmp.path()));
  REQUIRE(lock);
  CHECK(lock->held());
  CHECK(slurp(tmp.path() / "lock").find("pid: " + std::to_string(::getpid()) + "\n") == 0);
}

TEST_CASE("a state directory that cannot be made is no failure: the run goes on unlocked") {
  TempDir tmp;
  std::ofstream(tmp.path() / "file") << "x";
  auto lock = RunLock::acquire(options_for(tmp.path() / "file/state"));
  REQUIRE(lock);
  CHECK_FALSE(lock->held());
  CHECK(lock->not_held_reason().find("cannot create " + (tmp.path() / "file/state").string()) == 0);
  LockOptions none;
  auto unlocked = RunLock::acquire(none);
  REQUIRE(unlocked);
  CHECK_FALSE(unlocked->held());
}

TEST_CASE("a lock file that is a symlink is not followed") {
  TempDir tmp;
  stdfs::create_symlink(tmp.path() / "elsewhere", tmp.path() / "lock");
  auto lock = RunLock::acquire(options_for(tmp.path()));
  REQUIRE(lock);
  CHECK_FALSE(lock->held());
  CHECK_FALSE(stdfs::exists(tmp.path() / "elsewhere"));
}

TEST_CASE("holder records are read back; an empty one says so") {
  TempDir tmp;
  const stdfs::path path = tmp.path() / "lock";
  std::ofstream(path) << "pid: 1234\ncommand: vmsupport scrub b.tgz\nstarted: 2026-12-05 04:31:02 UTC\n";
  const int fd = ::open(path.c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  const LockHolder holder = read_lock_holder(fd);
  ::close(fd);
  CHECK(holder.pid == 1234);
  CHECK(describe_holder(holder) == "pid 1234, `vmsupport scrub b.tgz`, started 2026-12-05 04:31:02 UTC");
  CHECK(describe_holder(LockHolder{}).find("has not written who it is") != std::string::npos);
}

TEST_CASE("the command line is recorded as a person would type it") {
  const char* argv[] = {"vmsupport", "collect", "--case", "42", "--description", "it's down\nagain", ""};
  CHECK(command_line_of(7, argv) == "vmsupport collect --case 42 --description 'it'\\''s down?again' ''");
  const char* plain[] = {"/usr/bin/vmsupport", "collect", "-o", "/var/tmp/", "--wait-lock=10m"};
  CHECK(command_line_of(5, plain) == "/usr/bin/vmsupport collect -o /var/tmp/ --wait-lock=10m");
}

}  // TEST_SUITE
}  // namespace
}  // namespace vmsupport
