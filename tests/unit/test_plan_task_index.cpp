// TaskIndex: the plan's tasks found by a string they hold, exactly.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "plan/task_index.h"

using namespace vmsupport;

TEST_SUITE("unit") {
  TEST_CASE("TaskIndex finds every inserted key through a growth, and nothing else") {
    std::vector<std::string> keys;
    TaskIndex index;
    const auto key_of = [&keys](std::size_t task) -> std::string_view { return keys[task]; };
    CHECK_FALSE(index.find("var/log/a.log", key_of).has_value());
    for (int i = 0; i < 20000; ++i) {
      keys.push_back("var/log/many/d" + std::to_string(i % 97) + "/f" + std::to_string(i) + ".log");
      index.insert(keys.back(), keys.size() - 1);
    }
    CHECK(index.size() == 20000);
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const auto found = index.find(keys[i], key_of);
      REQUIRE(found.has_value());
      CHECK(*found == i);
    }
    // Near misses: a prefix, a longer path, another case, the empty string.
    for (const char* absent : {"var/log/many/d0/f0", "var/log/many/d0/f0.log.1", "VAR/log/many/d0/f0.log", "",
                               "var/log/many/d1/f0.log"}) {
      CHECK_MESSAGE(!index.find(absent, key_of).has_value(), absent);
    }
  }

  TEST_CASE("TaskIndex compares the task's own string: keys of one hash are told apart") {
    // Tasks whose strings differ but are indexed under the same key behave
    // as a hash collision does: only the task whose string matches is found.
    std::vector<std::string> keys = {"etc/hosts", "etc/hostname"};
    TaskIndex index;
    const auto key_of = [&keys](std::size_t task) -> std::string_view { return keys[task]; };
    index.insert("etc/hostname", 0);  // indexed as "etc/hostname", but holds "etc/hosts"
    index.insert("etc/hostname", 1);
    const auto found = index.find("etc/hostname", key_of);
    REQUIRE(found.has_value());
    CHECK(*found == 1);
    CHECK_FALSE(index.find("etc/hosts", key_of).has_value());
  }
}
