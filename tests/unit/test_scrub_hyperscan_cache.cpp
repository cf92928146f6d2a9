// LiteralSet's database cache (scrub/hyperscan): a large literal set is stored
// in the cache directory on first compile and loaded from it next time, with
// the same matches; other literals get another file; small sets are not cached.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "../support/temp_tree.h"
#include "scrub/hyperscan.h"

using namespace vmsupport;

namespace {

std::vector<std::string> literals(std::size_t count, const std::string& prefix) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < count; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

std::size_t cached_files(const std::filesystem::path& dir) {
  std::size_t n = 0;
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ignored)) n += entry.path().extension() == ".hsdb";
  return n;
}

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("a large literal set is compiled once, then loaded from the cache with the same matches") {
    testing::TempDir dir;
    const std::string cache = (dir.path() / "cache").string();
    const auto names = literals(LiteralSet::k_cache_min + 10, "customer-project-");
    auto first = LiteralSet::compile(names, cache);
    REQUIRE(first);
    CHECK(cached_files(cache) == 1);
    auto second = LiteralSet::compile(names, cache);
    REQUIRE(second);
    CHECK(cached_files(cache) == 1);
    const std::string text = "x CUSTOMER-PROJECT-1005 y customer-project-7 z";
    auto a = first->scan(text);
    auto b = second->scan(text);
    REQUIRE(a.size() == b.size());
    CHECK(a.size() >= 2);
    auto other = LiteralSet::compile(literals(LiteralSet::k_cache_min, "vm-name-"), cache);
    REQUIRE(other);
    CHECK(cached_files(cache) == 2);
    REQUIRE(LiteralSet::compile(literals(10, "small-"), cache));
    CHECK(cached_files(cache) == 2);
  }

  TEST_CASE("a damaged cache file is compiled again, not trusted") {
    testing::TempDir dir;
    const std::string cache = (dir.path() / "cache").string();
    const auto names = literals(LiteralSet::k_cache_min, "host-");
    REQUIRE(LiteralSet::compile(names, cache));
    for (const auto& entry : std::filesystem::directory_iterator(cache)) {
      std::filesystem::resize_file(entry.path(), 10);
    }
    auto again = LiteralSet::compile(names, cache);
    REQUIRE(again);
    CHECK(again->scan("a host-42 b").size() >= 1);
  }

  TEST_CASE("a set larger than one part is compiled in parts: every literal matches with its own id, cached or not") {
    testing::TempDir dir;
    const std::string cache = (dir.path() / "cache").string();
    const std::size_t count = LiteralSet::k_part_literals * 2 + 7;  // three parts
    const auto names = literals(count, "vm-");
    const std::string text = "a VM-0 b vm-" + std::to_string(LiteralSet::k_part_literals) + " c vm-" +
                             std::to_string(count - 1) + " d";
    for (int run = 0; run < 2; ++run) {
      CAPTURE(run);
      auto set = LiteralSet::compile(names, cache);
      REQUIRE(set);
      CHECK(cached_files(cache) == 3);
      std::vector<unsigned> whole;  // ids of hits that are a whole token here
      for (const LiteralHit& hit : set->scan(text)) {
        CHECK(text.substr(hit.begin, hit.end - hit.begin).size() == names[hit.id].size());
        const char after = hit.end < text.size() ? text[hit.end] : ' ';
        if (after == ' ') whole.push_back(hit.id);
      }
      std::sort(whole.begin(), whole.end());
      CHECK(whole == std::vector<unsigned>{0, static_cast<unsigned>(LiteralSet::k_part_literals),
                                           static_cast<unsigned>(count - 1)});
    }
  }

  TEST_CASE("the cache keeps the parts of the four sets used last, whole") {
    testing::TempDir dir;
    const std::string cache = (dir.path() / "cache").string();
    const std::size_t count = LiteralSet::k_part_literals + 1;  // two parts each
    for (int set = 0; set < 6; ++set) {
      REQUIRE(LiteralSet::compile(literals(count, "site" + std::to_string(set) + "-"), cache));
    }
    CHECK(cached_files(cache) == 8);
  }
}
