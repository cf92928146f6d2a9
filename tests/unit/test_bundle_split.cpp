// Tests for split bundles (--split): the stream rotates into NAME.part-001,
// -002 ... of at most the size asked; nothing looks complete before commit;
// NAME.sha256 covers the whole and each part; an abort leaves nothing; the
// parts read back, in order, as one archive; past 999 parts every name has the
// same number of digits; and a written file (the .gpg) is cut the same way.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "../support/temp_tree.h"
#include "bundle/archive_reader.h"
#include "bundle/archive_writer.h"
#include "bundle/split_file.h"
#include "util/sha256.h"

using namespace vmsupport;

namespace {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

// Incompressible-ish text, so that a few members need several small parts.
std::string noisy_text(std::size_t size, unsigned seed) {
  std::string out;
  std::uint32_t x = seed * 2654435761u + 1;
  while (out.size() < size) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    out += std::to_string(x) + (x % 7 == 0 ? "\n" : " ");
  }
  out.resize(size);
  return out;
}

std::unique_ptr<ArchiveWriter> open_split(const std::string& path, std::uint64_t split) {
  auto writer = ArchiveWriter::open(path, Compression::gzip, "top", split);
  REQUIRE(writer);
  PassThroughScrubber pass("test input");
  for (unsigned i = 0; i < 4; ++i) {
    CollectedItem item;
    item.archive_path = "var/log/m" + std::to_string(i) + ".log";
    item.content = noisy_text(60 << 10, i);
    REQUIRE((*writer)->add(pass.scrub(std::move(item))));
  }
  return std::move(*writer);
}

}  // namespace

TEST_SUITE("unit") {

TEST_CASE("part names have three digits from 001, and name their whole") {
  CHECK(part_path("/x/b.tgz", 1) == "/x/b.tgz.part-001");
  CHECK(part_path("/x/b.tgz", 42) == "/x/b.tgz.part-042");
  CHECK(part_path("/x/b.tgz", 1000) == "/x/b.tgz.part-1000");
  CHECK(joined_bundle_path("/x/b.tgz.part-007") == "/x/b.tgz");
  CHECK(joined_bundle_path("/x/b.tgz") == "/x/b.tgz");
  CHECK(joined_bundle_path("/x/b.tgz.part-") == "/x/b.tgz.part-");
  CHECK(joined_bundle_path("/x/b.tgz.part-1a") == "/x/b.tgz.part-1a");
}

TEST_CASE("a split bundle is written as parts of at most the size, committed together") {
  testing::TempDir dir;
  const std::string path = (dir.path() / "b.tgz").string();
  constexpr std::uint64_t k_split = 50 << 10;
  auto writer = open_split(path, k_split);
  // Before commit: only .partial files, nothing that looks complete.
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    CHECK(entry.path().string().ends_with(".partial"));
  }
  auto committed = writer->commit();
  REQUIRE(committed);
  REQUIRE(committed->parts.size() >= 3);
  CHECK(committed->path == path);
  CHECK_FALSE(std::filesystem::exists(path));
  std::string joined;
  std::string sums = committed->sha256 + "  b.tgz\n";
  for (std::size_t i = 0; i < committed->parts.size(); ++i) {
    const BundlePart& part = committed->parts[i];
    CHECK(part.path == part_path(path, i + 1));
    const std::string bytes = slurp(part.path);
    CHECK(bytes.size() == part.size);
    CHECK(part.size <= k_split);
    if (i + 1 < committed->parts.size()) CHECK(part.size == k_split);
    CHECK(sha256_hex(bytes) == part.sha256);
    sums += part.sha256 + "  b.tgz.part-" + std::string(i < 9 ? "00" : "0") + std::to_string(i + 1) + "\n";
    joined += bytes;
  }
  CHECK(joined.size() == committed->size);
  CHECK(sha256_hex(joined) == committed->sha256);
  CHECK(slurp(committed->sha256_path) == sums);
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    CHECK_FALSE(entry.path().string().ends_with(".partial"));
  }
  // Read back from the parts, by the whole's name and by the first part's.
  for (const std::string& name : {path, part_path(path, 1)}) {
    CHECK(bundle_files(name).size() == committed->parts.size());
    auto reader = ArchiveReader::open(name);
    REQUIRE(reader);
    std::size_t members = 0;
    while (true) {
      auto entry = (*reader)->next();
      REQUIRE(entry);
      if (!*entry) break;
      if ((*entry)->type == EntryType::regular) {
        auto data = (*reader)->read(1 << 20);
        REQUIRE(data);
        CHECK(data->size() == 60u << 10);
        ++members;
      }
    }
    CHECK(members == 4);
  }
}

TEST_CASE("an aborted split bundle leaves no part behind") {
  testing::TempDir dir;
  auto writer = open_split((dir.path() / "b.tgz").string(), 20 << 10);
  writer->abort();
  CHECK(std::filesystem::is_empty(dir.path()));
}

TEST_CASE("past 999 parts every part has as many digits, so that the names sort in order") {
  CHECK(part_width(1) == 3);
  CHECK(part_width(999) == 3);
  CHECK(part_width(1000) == 4);
  CHECK(part_width(123456) == 6);
  CHECK(part_path("/x/b.tgz", 7, 4) == "/x/b.tgz.part-0007");
  CHECK(part_path("/x/b.tgz", 7, 2) == "/x/b.tgz.part-007");
  testing::TempDir dir;
  const std::string path = (dir.path() / "b.tgz").string();
  auto committed = open_split(path, 100)->commit();
  REQUIRE(committed);
  REQUIRE(committed->parts.size() > 999);
  REQUIRE(committed->parts.size() < 9999);
  std::vector<std::string> listed;  // as `ls NAME.part-*` (and so `cat NAME.part-*`) orders them
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("b.tgz.part-")) listed.push_back(entry.path().string());
  }
  std::sort(listed.begin(), listed.end());
  std::vector<std::string> in_order;
  std::string joined;
  for (const BundlePart& part : committed->parts) {
    in_order.push_back(part.path);
    joined += slurp(part.path);
  }
  CHECK(listed == in_order);
  CHECK(committed->parts.front().path == path + ".part-0001");
  CHECK(sha256_hex(joined) == committed->sha256);
  CHECK(slurp(committed->sha256_path).find("  b.tgz.part-0999\n") != std::string::npos);
  CHECK(bundle_files(path) == in_order);
  CHECK(bundle_files(path + ".part-0001") == in_order);
}

TEST_CASE("a written file is cut into parts with the same .sha256 as a split bundle") {
  testing::TempDir dir;
  const std::string path = (dir.path() / "b.tgz.gpg").string();
  const std::string content = noisy_text(2500, 3);
  std::ofstream(path, std::ios::binary) << content;
  std::ofstream(path + ".sha256") << sha256_hex(content) << "  b.tgz.gpg\n";
  const CommittedBundle whole{path, content.size(), sha256_hex(content), path + ".sha256", {}};
  auto split = split_committed_file(whole, 1000);
  REQUIRE(split);
  REQUIRE(split->parts.size() == 3);
  CHECK(split->path == path);
  CHECK(split->sha256 == whole.sha256);
  CHECK_FALSE(std::filesystem::exists(path));
  std::string sums = whole.sha256 + "  b.tgz.gpg\n";
  std::string joined;
  for (std::size_t i = 0; i < 3; ++i) {
    const BundlePart& part = split->parts[i];
    CHECK(part.path == part_path(path, i + 1));
    CHECK(part.size == (i < 2 ? 1000u : 500u));
    const std::string bytes = slurp(part.path);
    CHECK(sha256_hex(bytes) == part.sha256);
    sums += part.sha256 + "  b.tgz.gpg.part-00" + std::to_string(i + 1) + "\n";
    joined += bytes;
  }
  CHECK(joined == content);
  CHECK(slurp(path + ".sha256") == sums);
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    CHECK_FALSE(entry.path().string().ends_with(".partial"));
  }
  // One part when it fits; a file that cannot be read fails and leaves no part.
  const std::string small = (dir.path() / "s.gpg").string();
  std::ofstream(small, std::ios::binary) << "abc";
  auto one = split_committed_file({small, 3, sha256_hex("abc"), small + ".sha256", {}}, 1000);
  REQUIRE(one);
  CHECK(one->parts.size() == 1);
  auto missing = split_committed_file({(dir.path() / "none.gpg").string(), 10, "", "", {}}, 1000);
  CHECK_FALSE(missing);
}

TEST_CASE("standard output cannot be split") {
  CHECK_FALSE(ArchiveWriter::open("-", Compression::gzip, "top", 1 << 20).has_value());
}

}  // TEST_SUITE
