// StringIndex: elements found by a string they hold, exactly.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "util/string_index.h"

using namespace vmsupport;

TEST_SUITE("unit") {
  TEST_CASE("StringIndex finds every inserted key through a growth, and nothing else") {
    std::vector<std::string> keys;
    StringIndex index;
    const auto find = [&](std::string_view key) {
      return index.find(StringIndex::hash_of(key), [&](std::size_t i) { return keys[i] == key; });
    };
    CHECK_FALSE(find("var/log/a.log").has_value());
    for (int i = 0; i < 20000; ++i) {
      keys.push_back("var/log/many/d" + std::to_string(i % 97) + "/f" + std::to_string(i) + ".log");
      index.insert(StringIndex::hash_of(keys.back()), keys.size() - 1);
    }
    CHECK(index.size() == 20000);
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const auto found = find(keys[i]);
      REQUIRE(found.has_value());
      CHECK(*found == i);
    }
    // Near misses: a prefix, a longer path, another case, the empty string.
    for (const char* absent : {"var/log/many/d0/f0", "var/log/many/d0/f0.log.1", "VAR/log/many/d0/f0.log", "",
                               "var/log/many/d1/f0.log"}) {
      CHECK_MESSAGE(!find(absent).has_value(), absent);
    }
  }

  TEST_CASE("StringIndex asks whether an element is the one: equal hashes are told apart, the first inserted wins") {
    // Every element under one hash, as if all collided: the caller's check
    // decides, and among elements that pass it the first inserted is found,
    // also after the table grew (and chains wrapped around its end).
    std::vector<std::string> keys;
    StringIndex index;
    constexpr std::uint32_t k_same = 0xffffffffu;
    for (int i = 0; i < 300; ++i) {
      keys.push_back(i % 2 == 0 ? "even" : "odd" + std::to_string(i));
      index.insert(k_same, keys.size() - 1);
    }
    const auto first_even = index.find(k_same, [&](std::size_t i) { return keys[i] == "even"; });
    REQUIRE(first_even.has_value());
    CHECK(*first_even == 0);
    const auto odd = index.find(k_same, [&](std::size_t i) { return keys[i] == "odd151"; });
    REQUIRE(odd.has_value());
    CHECK(*odd == 151);
    CHECK_FALSE(index.find(k_same, [&](std::size_t i) { return keys[i] == "odd150"; }).has_value());
    CHECK_FALSE(index.find(StringIndex::hash_of("even"), [&](std::size_t i) { return keys[i] == "even"; }).has_value());
  }

  TEST_CASE("StringIndex hashes keys of different seeds apart") {
    CHECK(StringIndex::hash_of("esx01", 1) != StringIndex::hash_of("esx01", 2));
    CHECK(StringIndex::hash_of("esx01") == StringIndex::hash_of(std::string("esx01")));
  }
}
