// Tests for host/priority: lowering the CPU and I/O priority (in a thread of
// its own: both are per thread on Linux, and the test process must keep its
// own), never raising them, and their description.
#include <doctest/doctest.h>

#include <sys/resource.h>

#include <algorithm>
#include <string>
#include <thread>

#include "host/priority.h"

namespace vmsupport {
namespace {

// Runs `body` on a fresh thread (which starts with this thread's priority).
template <typename Body>
void on_own_thread(Body body) {
  std::thread thread(body);
  thread.join();
}

TEST_SUITE("unit") {

TEST_CASE("low priority is nice 10 and I/O best-effort level 7, for what is started afterwards too") {
  const ProcessPriority mine = current_priority();
  on_own_thread([&] {
    const PriorityChange change = lower_priority();
    CHECK(change.problem == "");
    CHECK(change.before.nice == mine.nice);
    CHECK(change.after.nice == std::max(10, mine.nice));
    CHECK(std::string(io_class_name(change.after.io_class)) == "best-effort");
    CHECK(change.after.io_level == 7);
    ProcessPriority inherited;
    on_own_thread([&] { inherited = current_priority(); });
    CHECK(inherited.nice == change.after.nice);
    CHECK(inherited.io_class == change.after.io_class);
    CHECK(inherited.io_level == 7);
  });
  CHECK(current_priority().nice == mine.nice);  // the test's own thread is untouched
}

TEST_CASE("a lower priority than that is kept, never raised") {
  on_own_thread([] {
    REQUIRE(::setpriority(PRIO_PROCESS, 0, 15) == 0);
    const PriorityChange change = lower_priority();
    CHECK(change.after.nice == 15);
  });
}

TEST_CASE("priorities are described for the log") {
  CHECK(describe_priority({10, 2, 7}) == "nice 10, I/O best-effort level 7");
  CHECK(describe_priority({0, 0, 0}) == "nice 0, I/O none (follows nice)");
  CHECK(describe_priority({19, 3, 0}) == "nice 19, I/O idle");
}

}  // TEST_SUITE
}  // namespace
}  // namespace vmsupport
