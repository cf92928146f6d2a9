// TaskThread (util/task_thread.h): tasks run on one other thread, in the
// order given, each result (or exception) through its future; the destructor
// runs what is still queued.
#include <doctest/doctest.h>

#include <atomic>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "util/task_thread.h"

using namespace vmsupport;

TEST_SUITE("unit") {
  TEST_CASE("tasks run in order on one thread that is not the caller's") {
    TaskThread thread;
    std::vector<int> order;  // written by the task thread only
    std::vector<std::future<std::thread::id>> results;
    for (int i = 0; i < 50; ++i) {
      results.push_back(thread.run([&order, i] {
        order.push_back(i);
        return std::this_thread::get_id();
      }));
    }
    const std::thread::id first = results.front().get();
    CHECK(first != std::this_thread::get_id());
    for (std::size_t i = 1; i < results.size(); ++i) CHECK(results[i].get() == first);
    std::vector<int> expected(50);
    for (int i = 0; i < 50; ++i) expected[static_cast<std::size_t>(i)] = i;
    CHECK(order == expected);
  }

  TEST_CASE("a task's exception reaches its future and the thread goes on") {
    TaskThread thread;
    auto failing = thread.run([]() -> std::string { throw std::runtime_error("no memory"); });
    auto next = thread.run([] { return std::string("fine"); });
    CHECK_THROWS_WITH_AS(failing.get(), "no memory", std::runtime_error);
    CHECK(next.get() == "fine");
  }

  TEST_CASE("destroying the thread runs the tasks still queued") {
    std::atomic<int> ran{0};
    {
      TaskThread thread;
      for (int i = 0; i < 20; ++i) (void)thread.run([&ran] { ++ran; });
    }
    CHECK(ran.load() == 20);
  }
}
