// Tests for deliver/bundle_files: a bundle found whole or in parts, its
// .sha256, and the errors for missing ones.
#include <doctest/doctest.h>

#include <string>

#include "../support/temp_tree.h"
#include "deliver/bundle_files.h"

namespace vmsupport {

using testing::TempTree;

TEST_SUITE("unit") {
  TEST_CASE("a whole bundle is sent with the .sha256 beside it") {
    TempTree tree;
    tree.file("/b.tgz", "x");
    tree.file("/b.tgz.sha256", "y");
    auto files = find_bundle_files(tree.host("/b.tgz"));
    REQUIRE(files);
    CHECK_FALSE(files->split);
    CHECK(files->parts == std::vector<std::string>{tree.host("/b.tgz")});
    CHECK(files->sha256_path == tree.host("/b.tgz.sha256"));
    CHECK_FALSE(files->encrypted);
  }

  TEST_CASE("a bundle in parts is found from its name or from any part, parts in numeric order") {
    TempTree tree;
    for (const char* part : {"/b.tgz.part-002", "/b.tgz.part-001", "/b.tgz.part-010", "/b.tgz.part-003",
                             "/b.tgz.part-004", "/b.tgz.part-005", "/b.tgz.part-006", "/b.tgz.part-007",
                             "/b.tgz.part-008", "/b.tgz.part-009", "/other.tgz.part-001"}) {
      tree.file(part, "p");
    }
    for (const char* given : {"/b.tgz", "/b.tgz.part-001", "/b.tgz.part-007"}) {
      CAPTURE(given);
      auto files = find_bundle_files(tree.host(given));
      REQUIRE(files);
      CHECK(files->split);
      CHECK(files->path == tree.host("/b.tgz"));
      REQUIRE(files->parts.size() == 10);
      CHECK(files->parts.front() == tree.host("/b.tgz.part-001"));
      CHECK(files->parts[8] == tree.host("/b.tgz.part-009"));
      CHECK(files->parts.back() == tree.host("/b.tgz.part-010"));
      CHECK(files->sha256_path.empty());
    }
  }

  TEST_CASE("an encrypted bundle in parts is recognised") {
    TempTree tree;
    tree.file("/b.tgz.gpg.part-001", "p");
    tree.file("/b.tgz.gpg.sha256", "s");
    auto files = find_bundle_files(tree.host("/b.tgz.gpg"));
    REQUIRE(files);
    CHECK(files->encrypted);
    CHECK(files->split);
    CHECK(files->sha256_path == tree.host("/b.tgz.gpg.sha256"));
  }

  TEST_CASE("a missing bundle, a missing part and a missing named part fail, saying which") {
    TempTree tree;
    auto none = find_bundle_files(tree.host("/b.tgz"));
    REQUIRE_FALSE(none);
    CHECK(none.error().message == tree.host("/b.tgz") + ": no such file");
    CHECK(none.error().hint.find("no parts b.tgz.part-001") != std::string::npos);
    tree.file("/b.tgz.part-001", "p");
    tree.file("/b.tgz.part-003", "p");
    auto gap = find_bundle_files(tree.host("/b.tgz"));
    REQUIRE_FALSE(gap);
    CHECK(gap.error().message.find("part 2 is missing") != std::string::npos);
    auto named = find_bundle_files(tree.host("/b.tgz.part-004"));
    REQUIRE_FALSE(named);
    CHECK(named.error().message.find("b.tgz.part-004: no such file") != std::string::npos);
  }

  TEST_CASE("part names have three or more digits from 001") {
    CHECK(whole_name_of_part("b.tgz.part-001") == "b.tgz");
    CHECK(whole_name_of_part("b.tgz.part-1234") == "b.tgz");
    CHECK(whole_name_of_part("b.tgz.part-01").empty());
    CHECK(whole_name_of_part("b.tgz.part-000").empty());
    CHECK(whole_name_of_part("b.tgz.part-00a").empty());
    CHECK(whole_name_of_part("b.tgz").empty());
  }
}

}  // namespace vmsupport
