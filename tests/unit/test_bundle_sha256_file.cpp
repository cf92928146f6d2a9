// Tests for bundle/sha256_file: reading sha256sum files and comparing a
// bundle, whole or in parts, with the NAME.sha256 beside it.
#include <doctest/doctest.h>

#include <cctype>
#include <string>

#include "../support/temp_tree.h"
#include "bundle/sha256_file.h"
#include "util/sha256.h"

namespace vmsupport {

using testing::TempTree;

TEST_SUITE("unit") {
  TEST_CASE("sha256sum lines are read in order, binary-mode '*' and upper case accepted") {
    TempTree tree;
    const std::string a = sha256_hex("a");
    std::string upper = sha256_hex("b");
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    tree.file("/s.sha256", sha256_line(a, "b.tgz") + upper + " *b.tgz.part-001\r\n\n");
    auto sums = read_sha256_file(tree.host("/s.sha256"));
    REQUIRE(sums);
    REQUIRE(sums->lines.size() == 2);
    CHECK(*sums->find("b.tgz") == a);
    CHECK(*sums->find("b.tgz.part-001") == sha256_hex("b"));
    CHECK(sums->find("b.tgz.part-002") == nullptr);
  }

  TEST_CASE("a line that is not HASH  NAME fails with file:line") {
    TempTree tree;
    tree.file("/s.sha256", sha256_line(sha256_hex("a"), "b.tgz") + "abc  b.tgz\n");
    auto sums = read_sha256_file(tree.host("/s.sha256"));
    REQUIRE_FALSE(sums);
    CHECK(sums.error().message == tree.host("/s.sha256") + ":2: not a sha256sum line (HASH  NAME)");
  }

  TEST_CASE("sha256_of_files hashes the concatenation") {
    TempTree tree;
    tree.file("/p1", "hello ");
    tree.file("/p2", "world");
    CHECK(*sha256_of_files({tree.host("/p1"), tree.host("/p2")}) == sha256_hex("hello world"));
    CHECK(*sha256_of_file(tree.host("/p2")) == sha256_hex("world"));
    CHECK_FALSE(sha256_of_file(tree.host("/none")));
  }

  TEST_CASE("a bundle in parts is compared whole and part by part with NAME.sha256") {
    TempTree tree;
    tree.file("/b.tgz.part-001", "hello ");
    tree.file("/b.tgz.part-002", "world");
    const std::vector<std::string> parts{tree.host("/b.tgz.part-001"), tree.host("/b.tgz.part-002")};
    const std::string whole = sha256_hex("hello world");
    CHECK_FALSE(compare_with_sha256_file(tree.host("/b.tgz"), parts, whole));  // no .sha256
    tree.file("/b.tgz.sha256", sha256_line(whole, "b.tgz") + sha256_line(sha256_hex("hello "), "b.tgz.part-001") +
                                   sha256_line(sha256_hex("world"), "b.tgz.part-002"));
    auto good = compare_with_sha256_file(tree.host("/b.tgz"), parts, whole);
    REQUIRE(good);
    CHECK(good->empty());
    tree.file("/b.tgz.part-002", "World");
    auto bad = compare_with_sha256_file(tree.host("/b.tgz"), parts, sha256_hex("hello World"));
    REQUIRE(bad);
    CHECK(*bad == std::vector<std::string>{tree.host("/b.tgz.sha256") + " does not match the bundle",
                                           "b.tgz.part-002: does not match " + tree.host("/b.tgz.sha256")});
  }

  TEST_CASE("a whole bundle renamed is compared with the first line") {
    TempTree tree;
    tree.file("/renamed.tgz", "data");
    tree.file("/renamed.tgz.sha256", sha256_line(sha256_hex("data"), "original.tgz"));
    auto problems = compare_with_sha256_file(tree.host("/renamed.tgz"), {tree.host("/renamed.tgz")}, sha256_hex("data"));
    REQUIRE(problems);
    CHECK(problems->empty());
  }
}

}  // namespace vmsupport
