// End-to-end tests of interrupting a collect: the real binary is started on a
// test manifest whose commands sleep (writing their pids to files), then sent
// SIGINT or SIGTERM. One signal: a valid partial bundle, marked interrupted,
// exit 1, and no command left running (one that ignores SIGTERM included).
// Two signals: exit 3, nothing left behind, no bundle.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "e2e_support.h"

extern char** environ;

namespace e2e {
namespace {

using namespace std::chrono_literals;

// A started vmsupport, its stdout and stderr going to files.
struct Started {
  pid_t pid = -1;
  fs::path out;
  fs::path err;
};

Started start(const std::vector<std::string>& args, const fs::path& dir) {
  Started started{-1, dir / "stdout", dir / "stderr"};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, started.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, started.err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<std::string> argv{k_binary.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> pointers;
  for (std::string& arg : argv) pointers.push_back(arg.data());
  pointers.push_back(nullptr);
  const int error = posix_spawn(&started.pid, k_binary.c_str(), &actions, &attributes, pointers.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  REQUIRE_MESSAGE(error == 0, "posix_spawn: " << std::strerror(error));
  return started;
}

// The exit code, or -1 (after killing it) when it has not exited within `limit`.
int wait_exit(pid_t pid, std::chrono::seconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (std::chrono::steady_clock::now() < until) {
    if (::waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(20ms);
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return -1;
}

// The pid written in `file`, once it is there (0 when it never appears).
pid_t wait_pid_file(const fs::path& file, std::chrono::seconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    const std::string text = read_file(file);
    if (!text.empty() && text.back() == '\n') return static_cast<pid_t>(std::stol(text));
    std::this_thread::sleep_for(20ms);
  }
  return 0;
}

// True when `pid` is gone (or a zombie nobody reaps: it runs no more), within a second.
bool gone(pid_t pid) {
  for (int i = 0; i < 50; ++i) {
    const std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
    const std::size_t paren = stat.rfind(')');
    if (stat.empty() || (paren != std::string::npos && stat.substr(paren + 2, 1) == "Z")) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

// A manifest: a quick command (high priority, gathered first), then `slow`,
// then one that never starts. `slow` is a shell snippet; PID and CHILD name
// files it writes its pid and its background child's pid to.
fs::path slow_manifest(const fs::path& dir, const std::string& slow) {
  write_file(dir / "manifests/slow.yaml",
             "platform: slow\ndetect: { fallback: true }\ngroups:\n"
             "  - id: Test:Quick\n    priority: high\n    commands:\n"
             "      - { id: hello, argv: [echo, gathered before the interrupt] }\n"
             "  - id: Test:Slow\n    commands:\n"
             "      - id: sleeper\n        timeout: 10m\n        argv: [sh, -c, \"" + slow + "\"]\n"
             "      - { id: later, argv: [echo, never] }\n");
  return dir / "manifests";
}

// Starts a collect on the slow manifest, writing into DIR/out/ (or to stdout
// with `to_stdout`), and waits until the slow command runs.
struct SlowRun {
  Started started;
  pid_t command = 0;
  pid_t child = 0;
};

SlowRun start_slow(const fs::path& dir, const std::string& snippet, bool to_stdout = false) {
  const std::string pid_file = (dir / "pid").string();
  const std::string child_file = (dir / "child").string();
  const std::string slow = "sleep 300 & echo $! > " + child_file + "; " + snippet + " echo $$ > " + pid_file +
                           "; while :; do sleep 1; done";
  fs::create_directories(dir / "out");
  SlowRun started;
  started.started = start({"collect", "--manifests", slow_manifest(dir, slow).string(), "-j", "1", "--state-dir",
                       (dir / "state").string(), "-o", to_stdout ? "-" : (dir / "out").string() + "/"},
                      dir);
  started.command = wait_pid_file(pid_file, 20s);
  started.child = wait_pid_file(child_file, 5s);
  REQUIRE_MESSAGE(started.command > 0, "the slow command did not start; stderr: " << read_file(started.started.err));
  return started;
}

const nlohmann::json* item_of(const Bundle& bundle, const std::string& source_part) {
  for (const auto& item : bundle.manifest["items"]) {
    if (item.value("source", "").find(source_part) != std::string::npos) return &item;
  }
  return nullptr;
}

// The checks every one-signal run shares: exit 1, a valid bundle marked
// interrupted, the items not gathered said so, no command left.
void check_partial_bundle(const SlowRun& slow, int exit_code, const Bundle& bundle, const std::string& signal_name) {
  const std::string err = read_file(slow.started.err);
  INFO("stderr: " << err);
  CHECK(exit_code == 1);
  CHECK(err.find("press Ctrl-C again to stop at once") != std::string::npos);
  CHECK(err.find("interrupted: wrote a partial bundle") != std::string::npos);
  REQUIRE(bundle.error.empty());
  CHECK(bundle.manifest["interrupted"] == true);
  CHECK(bundle.members.at("commands/Test_Quick/hello.txt").content == "gathered before the interrupt\n");
  CHECK(bundle.members.at("README.txt").content.find("THIS BUNDLE IS INCOMPLETE") != std::string::npos);
  CHECK(bundle.members.at("index.html").content.find("interrupted") != std::string::npos);
  const nlohmann::json* sleeper = item_of(bundle, "sleep 300");
  REQUIRE(sleeper != nullptr);
  CHECK((*sleeper)["status"] == "skipped");
  CHECK((*sleeper)["reason"].get<std::string>().starts_with("interrupted by " + signal_name + ": stopped after"));
  const nlohmann::json* later = item_of(bundle, "never");
  REQUIRE(later != nullptr);
  CHECK((*later)["status"] == "skipped");
  CHECK((*later)["reason"] == "not run: interrupted by " + signal_name);
  CHECK(gone(slow.command));
  CHECK(gone(slow.child));
}

}  // namespace

TEST_SUITE("e2e") {
  TEST_CASE("the first SIGINT stops the commands and writes a valid partial bundle, exit 1") {
    TempDir work;
    const SlowRun slow = start_slow(work.path(), "");
    std::this_thread::sleep_for(300ms);
    ::kill(slow.started.pid, SIGINT);
    const int exit_code = wait_exit(slow.started.pid, 30s);
    const fs::path bundle_path = find_one(work.path() / "out", ".tgz");
    REQUIRE_MESSAGE(!bundle_path.empty(), "stderr: " << read_file(slow.started.err));
    check_partial_bundle(slow, exit_code, read_bundle(bundle_path), "SIGINT");
    CHECK(find_one(work.path() / "out", ".partial").empty());
    CHECK(std::system(("tar tzf " + quote(bundle_path.string()) + " >/dev/null").c_str()) == 0);
    const RunResult verified = run({"verify", bundle_path.string()});
    INFO("verify: " << verified.out << verified.err);
    CHECK(verified.exit_code == 0);
  }

  TEST_CASE("SIGTERM does the same, and a command that ignores SIGTERM is killed after the grace") {
    TempDir work;
    const SlowRun slow = start_slow(work.path(), "trap '' TERM;");
    std::this_thread::sleep_for(300ms);
    const auto sent = std::chrono::steady_clock::now();
    ::kill(slow.started.pid, SIGTERM);
    const int exit_code = wait_exit(slow.started.pid, 30s);
    CHECK(std::chrono::steady_clock::now() - sent < 15s);
    const fs::path bundle_path = find_one(work.path() / "out", ".tgz");
    REQUIRE_MESSAGE(!bundle_path.empty(), "stderr: " << read_file(slow.started.err));
    check_partial_bundle(slow, exit_code, read_bundle(bundle_path), "SIGTERM");
  }

  TEST_CASE("a second SIGINT while finishing stops at once: exit 3, no bundle, no partial file") {
    TempDir work;
    // The command ignores SIGTERM: after the first signal the run waits out the grace before SIGKILL.
    const SlowRun slow = start_slow(work.path(), "trap '' TERM;");
    std::this_thread::sleep_for(300ms);
    ::kill(slow.started.pid, SIGINT);
    std::this_thread::sleep_for(500ms);
    ::kill(slow.started.pid, SIGINT);
    const int exit_code = wait_exit(slow.started.pid, 30s);
    const std::string err = read_file(slow.started.err);
    INFO("stderr: " << err);
    CHECK(exit_code == 3);
    CHECK(err.find("interrupted twice: no bundle written") != std::string::npos);
    CHECK(find_one(work.path() / "out", ".tgz").empty());
    CHECK(find_one(work.path() / "out", ".partial").empty());
    CHECK(gone(slow.command));
    CHECK(gone(slow.child));
  }

  TEST_CASE("with -o - the first SIGINT still ends the stream as a valid archive") {
    TempDir work;
    const SlowRun slow = start_slow(work.path(), "", true);
    std::this_thread::sleep_for(300ms);
    ::kill(slow.started.pid, SIGINT);
    const int exit_code = wait_exit(slow.started.pid, 30s);
    const std::string err = read_file(slow.started.err);
    INFO("stderr: " << err);
    CHECK(err.find("interrupted: wrote a partial bundle to standard output") != std::string::npos);
    check_partial_bundle(slow, exit_code, read_bundle(slow.started.out), "SIGINT");
  }
}

}  // namespace e2e
