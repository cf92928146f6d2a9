// Tests for host/interrupt: stop_at_once (run in a forked child, as it
// _exit()s) kills the registered process groups and removes the registered
// bundles' partial files (parts too, and the renamed files once committing),
// leaving unregistered files and finished bundles alone.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "../support/temp_tree.h"
#include "host/interrupt.h"

namespace vmsupport {
namespace {

namespace stdfs = std::filesystem;

void touch(const stdfs::path& path) { std::ofstream(path) << "x"; }

// Runs stop_at_once in a child process; returns its exit code.
int stop_in_child() {
  const pid_t pid = ::fork();
  if (pid == 0) interrupt::stop_at_once(nullptr, 3);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("stop_at_once removes a bundle's partial file, every part, and exits with the code") {
    testing::TempTree tree;
    const stdfs::path single = stdfs::path(tree.path()) / "a.tgz";
    const stdfs::path split = stdfs::path(tree.path()) / "b.tgz";
    touch(single.string() + ".partial");
    for (const char* part : {".part-001.partial", ".part-002.partial", ".part-003.partial"}) touch(split.string() + part);
    touch(stdfs::path(tree.path()) / "other.partial");
    const int a = interrupt::add_bundle(single.string());
    const int b = interrupt::add_bundle(split.string());
    REQUIRE(a >= 0);
    REQUIRE(b >= 0);
    interrupt::set_parts(b, 3);
    CHECK(stop_in_child() == 3);
    CHECK_FALSE(stdfs::exists(single.string() + ".partial"));
    CHECK_FALSE(stdfs::exists(split.string() + ".part-001.partial"));
    CHECK_FALSE(stdfs::exists(split.string() + ".part-003.partial"));
    CHECK(stdfs::exists(stdfs::path(tree.path()) / "other.partial"));
    interrupt::remove_bundle(a);
    interrupt::remove_bundle(b);
  }

  TEST_CASE("stop_at_once leaves a finished bundle, and removes one caught while committing") {
    testing::TempTree tree;
    const stdfs::path done = stdfs::path(tree.path()) / "done.tgz";
    const stdfs::path committing = stdfs::path(tree.path()) / "c.tgz";
    touch(done);
    touch(committing);
    touch(committing.string() + ".sha256");
    const int d = interrupt::add_bundle(done.string());
    interrupt::remove_bundle(d);
    const int c = interrupt::add_bundle(committing.string());
    interrupt::set_committing(c);
    CHECK(stop_in_child() == 3);
    CHECK(stdfs::exists(done));
    CHECK_FALSE(stdfs::exists(committing));
    CHECK_FALSE(stdfs::exists(committing.string() + ".sha256"));
    interrupt::remove_bundle(c);
  }

  TEST_CASE("stop_at_once kills a registered process group, its leader") {
    const pid_t leader = ::fork();
    if (leader == 0) {
      ::setsid();
      ::pause();
      ::_exit(0);
    }
    ::usleep(100 * 1000);  // let it reach setsid
    interrupt::add_group(leader);
    CHECK(stop_in_child() == 3);
    int status = 0;
    REQUIRE(::waitpid(leader, &status, 0) == leader);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);
    interrupt::remove_group(leader);
  }

  TEST_CASE("reason names the signal seen first") {
    CHECK(interrupt::reason().starts_with("interrupted"));
    interrupt::note_signal(SIGTERM);
    interrupt::note_signal(SIGINT);
    CHECK(interrupt::reason() == "interrupted by SIGTERM");
  }
}

}  // namespace vmsupport
