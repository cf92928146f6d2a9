// End-to-end tests of two runs on one host and of the run's priority: a
// collect holding the state directory's lock (its manifest command sleeps)
// makes a second collect (and scrub, baseline) exit 5 naming it; --wait-lock
// waits for it; a holder killed with SIGKILL blocks nobody. The commands a
// collect starts run at nice 10 and I/O best-effort 7, or as started with
// --priority normal.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include "e2e_support.h"

namespace e2e {
namespace {

// A manifest whose one command writes its pid to `pid_file`, then sleeps `seconds`.
void write_sleeper_manifest(const fs::path& dir, const fs::path& pid_file, int seconds) {
  write_file(dir / "sleeper.yaml",
             "platform: sleeper\ndetect: { fallback: true }\ngroups:\n"
             "  - id: Test:Sleep\n    commands:\n"
             "      - { id: sleep, argv: [sh, -c, 'echo $$ > " + pid_file.string() + "; exec sleep " +
                 std::to_string(seconds) + "'], timeout: 2m }\n");
}

// Starts `vmsupport collect` in the background; its exit code goes to WORK/holder.rc.
long start_holder(const fs::path& work, const fs::path& manifests, const fs::path& state) {
  const std::string command = "(" + quote(k_binary.string()) + " collect --manifests " + quote(manifests.string()) +
                              " --state-dir " + quote(state.string()) + " -o " + quote((work / "holder-out").string() + "/") +
                              " --case 42 -q >/dev/null 2>" + quote((work / "holder.err").string()) +
                              "; echo $? > " + quote((work / "holder.rc").string()) + ") & echo $! > " +
                              quote((work / "holder.pid").string());
  fs::create_directories(work / "holder-out");
  REQUIRE(std::system(command.c_str()) == 0);
  return std::stol(read_file(work / "holder.pid"));
}

// Waits (at most 20 s) until `path` exists with some content.
bool wait_for_content(const fs::path& path) {
  for (int i = 0; i < 200; ++i) {
    if (fs::exists(path) && !read_file(path).empty() && read_file(path).back() == '\n') return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// The pid of the vmsupport process holding the lock, as its record says.
long holder_pid(const fs::path& state) { return std::stol(read_file(state / "lock").substr(5)); }

bool wait_for_exit(long pid) {
  for (int i = 0; i < 200; ++i) {
    if (::kill(static_cast<pid_t>(pid), 0) != 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

TEST_SUITE("e2e") {

TEST_CASE("a second run while one holds the state directory exits 5 naming it; a SIGKILLed holder blocks nobody") {
  TempDir work;
  const fs::path manifests = work.path() / "manifests";
  const fs::path state = work.path() / "state";
  const Collected raw = collect_quiet({"--root", (k_source_dir / "tests/fixtures/linux").string(), "--no-scrub"},
                                     work.path() / "raw", {});
  REQUIRE_MESSAGE(raw.run.exit_code == 0, raw.run.err);
  write_sleeper_manifest(manifests, work.path() / "sleep.pid", 60);
  start_holder(work.path(), manifests, state);
  REQUIRE_MESSAGE(wait_for_content(work.path() / "sleep.pid"), read_file(work.path() / "holder.err"));
  const long pid = holder_pid(state);
  fs::create_directories(work.path() / "out");
  const std::vector<std::string> second{"collect", "--manifests", manifests.string(), "--state-dir", state.string(),
                                        "-o", (work.path() / "out").string() + "/"};
  RunResult r = run(second);
  CHECK(r.exit_code == 5);
  CHECK(r.err.find("vmsupport: error: another vmsupport run holds " + (state / "lock").string() + ": pid " +
                   std::to_string(pid) + ", `") != std::string::npos);
  CHECK(r.err.find(" collect --manifests " + manifests.string()) != std::string::npos);
  CHECK(r.err.find("--case 42 -q`, started 20") != std::string::npos);
  CHECK(r.err.find("vmsupport: hint: wait for it, or use --wait-lock") != std::string::npos);
  CHECK(fs::is_empty(work.path() / "out"));

  auto json_args = second;
  json_args.push_back("--json");
  r = run(json_args);
  CHECK(r.exit_code == 5);
  const auto doc = nlohmann::json::parse(r.out, nullptr, false);
  CHECK(doc["status"] == "locked");
  CHECK(doc["exit_code"] == 5);
  CHECK(doc["error"].get<std::string>().find("pid " + std::to_string(pid)) != std::string::npos);

  r = run({"baseline", "--root", "/", "--manifests", manifests.string(), "--state-dir", state.string()});
  CHECK(r.exit_code == 5);
  CHECK(r.err.find("pid " + std::to_string(pid)) != std::string::npos);
  r = run({"scrub", raw.path.string(), "--state-dir", state.string(), "-o", (work.path() / "out").string() + "/"});
  CHECK(r.exit_code == 5);
  CHECK(r.err.find("another vmsupport run holds " + (state / "lock").string() + ": pid " + std::to_string(pid)) !=
        std::string::npos);
  CHECK(fs::is_empty(work.path() / "out"));

  // A run that keeps no state (no map, no baseline) does not need the lock.
  auto stateless = second;
  stateless.insert(stateless.end(), {"--no-scrub", "--no-changes", "-q"});
  write_sleeper_manifest(manifests, work.path() / "unused.pid", 0);
  r = run(stateless);
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  fs::remove_all(work.path() / "out");
  fs::create_directories(work.path() / "out");

  // kill -9: no handler runs, the lock file keeps the dead run's record, the kernel drops the lock.
  ::kill(static_cast<pid_t>(pid), SIGKILL);
  REQUIRE(wait_for_exit(pid));
  ::kill(static_cast<pid_t>(std::stol(read_file(work.path() / "sleep.pid"))), SIGKILL);  // its orphaned command
  CHECK(read_file(state / "lock").starts_with("pid: " + std::to_string(pid) + "\n"));
  write_sleeper_manifest(manifests, work.path() / "sleep2.pid", 0);
  r = run(second);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(read_file(state / "lock").empty());  // emptied when the run ended
}

TEST_CASE("--wait-lock waits for the holder, then runs; a short wait gives up with exit 5") {
  TempDir work;
  const fs::path manifests = work.path() / "manifests";
  const fs::path state = work.path() / "state";
  write_sleeper_manifest(manifests, work.path() / "sleep.pid", 3);
  start_holder(work.path(), manifests, state);
  REQUIRE_MESSAGE(wait_for_content(work.path() / "sleep.pid"), read_file(work.path() / "holder.err"));
  const long pid = holder_pid(state);
  fs::create_directories(work.path() / "out");
  const std::vector<std::string> second{"collect", "--manifests", manifests.string(), "--state-dir", state.string(),
                                        "-o", (work.path() / "out").string() + "/", "-q"};
  auto short_wait = second;
  short_wait.back() = "--wait-lock=200ms";
  RunResult r = run(short_wait);
  CHECK(r.exit_code == 5);
  CHECK(r.err.find("still holds " + (state / "lock").string() + " after waiting 0.2 s: pid " + std::to_string(pid)) !=
        std::string::npos);

  auto waiting = second;
  waiting.pop_back();
  waiting.push_back("--wait-lock");
  r = run(waiting);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("vmsupport: warning: waiting up to 30.0 min for " + (state / "lock").string() +
                   ", held by another run: pid " + std::to_string(pid)) != std::string::npos);
  REQUIRE(wait_for_content(work.path() / "holder.rc"));
  CHECK(read_file(work.path() / "holder.rc") == "0\n");
  CHECK(find_one(work.path() / "out", ".tgz") != fs::path());
  CHECK(find_one(work.path() / "holder-out", ".tgz") != fs::path());
}

TEST_CASE("commands run at nice 10 and I/O best-effort 7 by default, as started with --priority normal") {
  TempDir work;
  const fs::path manifests = work.path() / "manifests";
  write_file(manifests / "prio.yaml",
             "platform: prio\ndetect: { fallback: true }\ngroups:\n"
             "  - id: Test:Priority\n    commands:\n"
             "      - { id: priority, argv: [sh, -c, 'nice; ionice -p $$'] }\n");
  const int own_nice = ::getpriority(PRIO_PROCESS, 0);
  for (const char* choice : {"low", "normal"}) {
    CAPTURE(choice);
    fs::remove_all(work.path() / "out");
    const Collected c = collect_quiet({"--manifests", manifests.string(), "--priority", choice}, work.path(), {});
    REQUIRE_MESSAGE(c.bundle.error.empty(), c.run.err);
    const std::string output = c.bundle.members.at("commands/Test_Priority/priority.txt").content;
    const nlohmann::json& priority = c.bundle.manifest["options"]["priority"];
    const std::string log = c.bundle.members.at("vmsupport.log").content;
    if (std::string(choice) == "low") {
      CHECK(output.starts_with(std::to_string(std::max(10, own_nice)) + "\n"));
      CHECK(output.find("best-effort: prio 7") != std::string::npos);
      CHECK(priority["mode"] == "low");
      CHECK(priority["nice"] == std::max(10, own_nice));
      CHECK(priority["io_class"] == "best-effort");
      CHECK(priority["io_level"] == 7);
      CHECK(log.find("priority low: nice " + std::to_string(std::max(10, own_nice)) + ", I/O best-effort level 7") !=
            std::string::npos);
    } else {
      CHECK(output.starts_with(std::to_string(own_nice) + "\n"));
      CHECK(output.find("prio 7") == std::string::npos);
      CHECK(priority["mode"] == "normal");
      CHECK(priority["nice"] == own_nice);
      CHECK(log.find("priority normal: nice " + std::to_string(own_nice)) != std::string::npos);
    }
  }
}

}  // TEST_SUITE
}  // namespace
}  // namespace e2e
