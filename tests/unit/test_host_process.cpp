// Tests for host/process: PosixProcessRunner against real commands (output
// capture and cap, exit status, timeout and cancel kill sequences, children that
// outlive or ignore them, environment, descriptors, chroot) and FakeProcessRunner.
#include <doctest/doctest.h>

#include "../support/temp_tree.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "host/process.h"

namespace vmsupport {
namespace {

using vmsupport::testing::TempDir;

using std::chrono::milliseconds;
using std::chrono::seconds;
using End = ProcessOutcome::End;
namespace fs = std::filesystem;

ProcessOutcome run_shell(const std::string& script, milliseconds timeout = seconds(30),
                         std::uint64_t max_bytes = 1 << 20) {
  PosixProcessRunner runner;
  ProcessRequest request;
  request.argv = {"sh", "-c", script};
  request.timeout = timeout;
  request.max_bytes = max_bytes;
  return runner.run(request);
}

// The pid a script printed on its first line (`echo $!`).
pid_t first_line_pid(const std::string& output) {
  return static_cast<pid_t>(std::stol(output.substr(0, output.find('\n'))));
}

// Gone, or a zombie waiting for an init that may be slow (or absent) to reap it.
bool process_is_gone(pid_t pid) {
  if (::kill(pid, 0) != 0) return errno == ESRCH;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  const std::size_t close_paren = line.rfind(')');
  return close_paren == std::string::npos || line.substr(close_paren + 2, 1) == "Z";
}

bool becomes_gone(pid_t pid, milliseconds within = seconds(2)) {
  const auto until = std::chrono::steady_clock::now() + within;
  while (!process_is_gone(pid)) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return true;
}

long max_rss_kib() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

void write_file(const fs::path& path, const std::string& text, fs::perms perms) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
  fs::permissions(path, perms);
}

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("stdout and stderr are captured as one interleaved stream") {
    const ProcessOutcome outcome = run_shell("echo out; echo err >&2; echo again");
    CHECK(outcome.end == End::exited);
    CHECK(outcome.exit_code == 0);
    CHECK(outcome.output == "out\nerr\nagain\n");
    CHECK(outcome.total_bytes == outcome.output.size());
    CHECK_FALSE(outcome.truncated);
  }

  TEST_CASE("a command's exit code is reported") {
    const ProcessOutcome outcome = run_shell("echo failing; exit 3");
    CHECK(outcome.end == End::exited);
    CHECK(outcome.exit_code == 3);
    CHECK(outcome.output == "failing\n");
  }

  TEST_CASE("a command killed by a signal is reported as signaled") {
    const ProcessOutcome outcome = run_shell("kill -KILL $$");
    CHECK(outcome.end == End::signaled);
    CHECK(outcome.signal == SIGKILL);
  }

  TEST_CASE("a program that is not on the path is not found") {
    PosixProcessRunner runner;
    ProcessRequest request;
    request.argv = {"vmsupport-no-such-program", "--help"};
    ProcessOutcome outcome = runner.run(request);
    CHECK(outcome.end == End::not_found);
    CHECK(outcome.error == "program not found: vmsupport-no-such-program");

    request.argv = {"/nonexistent/vmsupport-no-such-program"};
    outcome = runner.run(request);
    CHECK(outcome.end == End::not_found);
    CHECK(outcome.error == "program not found: /nonexistent/vmsupport-no-such-program");
  }

  TEST_CASE("an empty argv fails to start") {
    PosixProcessRunner runner;
    const ProcessOutcome outcome = runner.run(ProcessRequest{});
    CHECK(outcome.end == End::failed_to_start);
    CHECK_FALSE(outcome.error.empty());
  }

  TEST_CASE("an exec failure in the child is reported with its reason") {
    TempDir dir;
    const fs::path script = dir.path() / "not-a-program";
    write_file(script, "\x7f" "ELF garbage", fs::perms::owner_all);
    PosixProcessRunner runner;
    ProcessRequest request;
    request.argv = {script.string()};
    const ProcessOutcome outcome = runner.run(request);
    CHECK(outcome.end == End::failed_to_start);
    CHECK(outcome.error == "exec " + script.string() + ": Exec format error");
  }

  TEST_CASE("a program found on the path runs with its arguments") {
    PosixProcessRunner runner;
    ProcessRequest request;
    request.argv = {"echo", "one", "two words"};
    const ProcessOutcome outcome = runner.run(request);
    CHECK(outcome.end == End::exited);
    CHECK(outcome.output == "one two words\n");
  }

  TEST_CASE("the environment is minimal and fixed") {
    PosixProcessRunner runner;
    ProcessRequest request;
    request.argv = {"env"};
    const ProcessOutcome outcome = runner.run(request);
    CHECK(outcome.output == std::string("LC_ALL=C\nLANG=C\nPATH=") + k_command_path +
                                "\nTERM=dumb\nHOME=/\n");
  }

  TEST_CASE("stdin of a command is /dev/null") {
    PosixProcessRunner runner;
    ProcessRequest request;
    request.argv = {"cat"};
    request.timeout = seconds(20);
    const ProcessOutcome outcome = runner.run(request);
    CHECK(outcome.end == End::exited);
    CHECK(outcome.output.empty());
    CHECK(outcome.duration < seconds(10));
  }

  TEST_CASE("a command inherits none of the runner's other file descriptors") {
    const int leaked = ::open("/dev/null", O_RDONLY);  // deliberately not O_CLOEXEC
    REQUIRE(leaked > 2);
    const ProcessOutcome outcome =
        run_shell("test -e /proc/$$/fd/" + std::to_string(leaked) + " && echo open || echo closed");
    ::close(leaked);
    CHECK(outcome.output == "closed\n");
  }

  TEST_CASE("a command starts with default signal dispositions and an empty mask") {
    struct sigaction ignore {};
    struct sigaction previous {};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, &previous);
    sigset_t blocked;
    sigset_t previous_mask;
    ::sigemptyset(&blocked);
    ::sigaddset(&blocked, SIGUSR1);
    ::pthread_sigmask(SIG_BLOCK, &blocked, &previous_mask);

    const ProcessOutcome outcome = run_shell("exec grep -E '^Sig(Ign|Blk)' /proc/self/status");

    ::pthread_sigmask(SIG_SETMASK, &previous_mask, nullptr);
    ::sigaction(SIGPIPE, &previous, nullptr);
    CHECK(outcome.output == "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
  }

  TEST_CASE("a command leads its own session and process group") {
    const ProcessOutcome outcome =
        run_shell("read -r pid comm state ppid pgrp session rest < /proc/$$/stat; "
                  "echo $pid $pgrp $session");
    std::istringstream fields(outcome.output);
    long pid = 0, group = 0, session = 0;
    fields >> pid >> group >> session;
    CHECK(pid > 0);
    CHECK(group == pid);
    CHECK(session == pid);
  }

  TEST_CASE("output beyond max_bytes keeps the newest bytes") {
    const ProcessOutcome outcome = run_shell("printf abcdefghij", seconds(30), 4);
    CHECK(outcome.output == "ghij");
    CHECK(outcome.total_bytes == 10);
    CHECK(outcome.truncated);
  }

  TEST_CASE("a ring that wraps many times keeps the newest bytes in order") {
    std::string expected;
    for (int number = 1; number <= 100000; ++number) expected += std::to_string(number) + "\n";
    const ProcessOutcome outcome = run_shell("seq 1 100000", seconds(30), 1000);
    CHECK(outcome.total_bytes == expected.size());
    CHECK(outcome.output == expected.substr(expected.size() - 1000));
    CHECK(outcome.truncated);
  }

  TEST_CASE("a max_bytes of zero keeps nothing but counts everything") {
    const ProcessOutcome outcome = run_shell("printf 12345", seconds(30), 0);
    CHECK(outcome.output.empty());
    CHECK(outcome.total_bytes == 5);
    CHECK(outcome.truncated);
  }

  TEST_CASE("a command printing 50 MB is capped with bounded memory") {
    const long rss_before = max_rss_kib();
    const ProcessOutcome outcome =
        run_shell("head -c 50000000 /dev/zero | tr '\\0' x; echo END", seconds(60), 1 << 20);
    const long rss_growth_kib = max_rss_kib() - rss_before;
    CHECK(outcome.end == End::exited);
    CHECK(outcome.total_bytes == 50000004);
    CHECK(outcome.output.size() == (1u << 20));
    CHECK(outcome.truncated);
    CHECK(outcome.output.ends_with("xxxxEND\n"));
    CHECK(std::count(outcome.output.begin(), outcome.output.end(), 'x') == (1 << 20) - 4);
#ifdef VMSUPPORT_SANITIZED
    MESSAGE("sanitizer build: the RSS growth (" << rss_growth_kib << " KiB) is checked by the normal build only");
#else
    CHECK(rss_growth_kib < 20 * 1024);
#endif
    MESSAGE("50 MB through the runner took " << outcome.duration.count() << " ms");
  }

  TEST_CASE("a command that sleeps is killed at its timeout") {
    PosixProcessRunner runner;
    ProcessRequest request;
    request.argv = {"sleep", "100"};
    request.timeout = milliseconds(500);
    const ProcessOutcome outcome = runner.run(request);
    CHECK(outcome.end == End::timed_out);
    CHECK(outcome.duration >= milliseconds(500));
    CHECK(outcome.duration < seconds(5));
    MESSAGE("sleep 100 with a 500 ms timeout took " << outcome.duration.count() << " ms");
  }

  TEST_CASE("a command that closes its output is still killed at its timeout") {
    const ProcessOutcome outcome = run_shell("exec >&- 2>&-; sleep 300", milliseconds(500));
    CHECK(outcome.end == End::timed_out);
    CHECK(outcome.duration < seconds(5));
  }

  TEST_CASE("the children of a timed-out command are killed too") {
    const ProcessOutcome outcome = run_shell("sleep 300 & echo $!; sleep 300", seconds(1));
    CHECK(outcome.end == End::timed_out);
    CHECK(outcome.duration < seconds(6));
    REQUIRE_FALSE(outcome.output.empty());
    CHECK(becomes_gone(first_line_pid(outcome.output)));
  }

  TEST_CASE("a command that exits while its child holds the pipe returns soon") {
    const ProcessOutcome outcome = run_shell("sleep 300 & echo $!; echo done", seconds(60));
    CHECK(outcome.end == End::exited);
    CHECK(outcome.exit_code == 0);
    CHECK(outcome.output.ends_with("done\n"));
    CHECK(outcome.duration < seconds(10));
    REQUIRE_FALSE(outcome.output.empty());
    CHECK(becomes_gone(first_line_pid(outcome.output)));
    MESSAGE("exit with a child holding the pipe took " << outcome.duration.count() << " ms");
  }

  TEST_CASE("the draining after exit stops at the timeout") {
    const ProcessOutcome outcome = run_shell("sleep 300 & echo started", milliseconds(200));
    CHECK(outcome.end == End::exited);
    CHECK(outcome.output == "started\n");
    CHECK(outcome.duration < seconds(5));
  }

  TEST_CASE("a command that ignores SIGTERM is killed with SIGKILL") {
    const ProcessOutcome outcome =
        run_shell("trap '' TERM; echo $$; exec sleep 300", milliseconds(500));
    CHECK(outcome.end == End::timed_out);
    CHECK(outcome.duration >= milliseconds(2500));
    CHECK(outcome.duration < seconds(8));
    REQUIRE_FALSE(outcome.output.empty());
    CHECK(becomes_gone(first_line_pid(outcome.output)));
    MESSAGE("a SIGTERM-ignoring command with a 500 ms timeout took "
            << outcome.duration.count() << " ms");
  }

  TEST_CASE("setting the cancel flag stops a running command") {
    std::atomic<bool> cancel{false};
    PosixProcessRunner runner;
    ProcessRequest request;
    request.argv = {"sleep", "100"};
    request.timeout = seconds(60);
    request.cancel = &cancel;
    std::thread canceller([&cancel] {
      std::this_thread::sleep_for(milliseconds(300));
      cancel = true;
    });
    const ProcessOutcome outcome = runner.run(request);
    canceller.join();
    CHECK(outcome.end == End::cancelled);
    CHECK(outcome.duration < seconds(5));
    MESSAGE("cancel after 300 ms took " << outcome.duration.count() << " ms");
  }

  TEST_CASE("a command is not started when cancel is already set") {
    const std::atomic<bool> cancel{true};
    PosixProcessRunner runner;
    ProcessRequest request;
    request.argv = {"echo", "never"};
    request.cancel = &cancel;
    const ProcessOutcome outcome = runner.run(request);
    CHECK(outcome.end == End::cancelled);
    CHECK(outcome.output.empty());
  }

  TEST_CASE("commands can run in parallel threads") {
    std::vector<std::thread> threads;
    std::atomic<int> good{0};
    for (int thread = 0; thread < 8; ++thread) {
      threads.emplace_back([&good, thread] {
        for (int round = 0; round < 10; ++round) {
          const ProcessOutcome outcome = run_shell("echo " + std::to_string(thread));
          if (outcome.end == End::exited && outcome.output == std::to_string(thread) + "\n")
            ++good;
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    CHECK(good == 80);
  }

  TEST_CASE("find_program searches the fixed path and checks absolute paths") {
    PosixProcessRunner runner;
    const std::optional<std::string> sh = runner.find_program("sh", "");
    REQUIRE(sh.has_value());
    CHECK(sh->starts_with('/'));
    CHECK(sh->ends_with("/sh"));
    CHECK(runner.find_program("/bin/sh", "") == "/bin/sh");
    CHECK_FALSE(runner.find_program("/etc/passwd", ""));
    CHECK_FALSE(runner.find_program("/tmp", ""));
    CHECK_FALSE(runner.find_program("", ""));
    CHECK_FALSE(runner.find_program("vmsupport-no-such-program", ""));
  }

  TEST_CASE("find_program looks inside a root and answers relative to it") {
    TempDir root;
    write_file(root.path() / "bin/tool", "#!/bin/sh\n", fs::perms::owner_all);
    write_file(root.path() / "opt/inside", "#!/bin/sh\n", fs::perms::owner_all);
    write_file(root.path() / "usr/bin/plain", "", fs::perms::owner_read);
    fs::create_symlink("/opt/inside", root.path() / "usr/bin/linked");
    fs::create_symlink("/bin/sh", root.path() / "usr/bin/host-only");
    PosixProcessRunner runner;
    const std::string dir = root.path().string();
    CHECK(runner.find_program("tool", dir) == "/bin/tool");
    CHECK(runner.find_program("/bin/tool", dir) == "/bin/tool");
    CHECK(runner.find_program("linked", dir) == "/usr/bin/linked");
    CHECK_FALSE(runner.find_program("plain", dir));
    CHECK_FALSE(runner.find_program("host-only", dir));
    CHECK_FALSE(runner.find_program("sh", dir));
  }

  TEST_CASE("a command runs inside a chroot when asked (root only)") {
    if (::geteuid() != 0) {
      MESSAGE("skipped: needs root");
      return;
    }
    PosixProcessRunner runner;
    ProcessRequest request;
    request.argv = {"sh", "-c", "echo inside"};
    request.chroot_dir = "/";
    ProcessOutcome outcome = runner.run(request);
    CHECK(outcome.end == End::exited);
    CHECK(outcome.output == "inside\n");

    TempDir empty;
    request.chroot_dir = empty.path().string();
    outcome = runner.run(request);
    CHECK(outcome.end == End::not_found);
    CHECK(outcome.error == "program not found: sh");
  }

  TEST_CASE("the fake runner records calls and returns canned outcomes") {
    FakeProcessRunner runner;
    ProcessOutcome canned;
    canned.exit_code = 2;
    canned.output = "canned\n";
    runner.programs["esxcli"] = canned;

    ProcessRequest request;
    request.argv = {"esxcli", "network", "ip", "interface", "list"};
    const ProcessOutcome found = runner.run(request);
    CHECK(found.exit_code == 2);
    CHECK(found.output == "canned\n");

    request.argv = {"vmkping"};
    const ProcessOutcome missing = runner.run(request);
    CHECK(missing.end == End::not_found);
    CHECK(missing.error == "program not found: vmkping");

    REQUIRE(runner.calls.size() == 2);
    CHECK(runner.calls[0].argv.size() == 5);
    CHECK(runner.calls[1].argv[0] == "vmkping");
    CHECK(runner.find_program("esxcli", "") == "esxcli");
    CHECK_FALSE(runner.find_program("vmkping", "/"));
  }
}

}  // namespace vmsupport
