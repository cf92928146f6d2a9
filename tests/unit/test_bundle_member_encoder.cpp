// Members encoded ahead of the writer (bundle/member_encoder, archive_writer):
// encoded on several threads and appended in order, they make an archive that
// libarchive reads back exactly (contents, modes, symlinks, mtimes, long and
// non-ASCII names) for gzip, zstd and none; the system's gzip, zstd and tar
// accept the concatenated members (frames); a large member streams from its
// file range (and spools when encoded); a range that shrank is padded.
#include <archive.h>
#include <archive_entry.h>
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <thread>
#include <vector>

#include "../support/temp_tree.h"
#include "bundle/archive_writer.h"
#include "bundle/member_encoder.h"
#include "util/sha256.h"

using namespace vmsupport;

namespace {

const Clock::time_point k_mtime = Clock::from_time_t(1795000000);

struct ReadMember {
  std::string path;
  std::string content;
  unsigned perm = 0;
  bool symlink = false;
  std::string link;
  std::time_t mtime = 0;
  std::string owner;
};

// Every entry of the archive at `path`, in order, read with libarchive.
std::vector<ReadMember> read_back(const std::string& path) {
  archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_all(a);
  REQUIRE(archive_read_open_filename(a, path.c_str(), 1 << 16) == ARCHIVE_OK);
  std::vector<ReadMember> members;
  archive_entry* entry = nullptr;
  int status = ARCHIVE_OK;
  while ((status = archive_read_next_header(a, &entry)) == ARCHIVE_OK) {
    ReadMember m{archive_entry_pathname(entry), {}, archive_entry_perm(entry),
                 archive_entry_filetype(entry) == AE_IFLNK, {}, archive_entry_mtime(entry),
                 std::string(archive_entry_uname(entry)) + ":" + archive_entry_gname(entry)};
    if (m.symlink) m.link = archive_entry_symlink(entry);
    char buffer[1 << 16];
    la_ssize_t n = 0;
    while ((n = archive_read_data(a, buffer, sizeof buffer)) > 0) m.content.append(buffer, static_cast<std::size_t>(n));
    REQUIRE(n == 0);
    members.push_back(std::move(m));
  }
  CHECK(status == ARCHIVE_EOF);
  archive_read_free(a);
  return members;
}

FileRange spooled(std::string_view text) {
  auto spool = Spool::create("");
  REQUIRE(spool.has_value());
  REQUIRE(spool->write(text).has_value());
  return spool->range();
}

// Log-like lines (compress well), or noise (hardly compresses) when `noise`.
std::string sample_text(std::size_t bytes, unsigned seed, bool noise = false) {
  std::string out;
  std::uint32_t state = seed * 2654435761u + 1;
  while (out.size() < bytes) {
    state = state * 1664525u + 1013904223u;
    if (noise) out += static_cast<char>(state >> 24);
    else out += "2026-11-23T10:00:00Z hostd[" + std::to_string(state % 9000) + "] task " + std::to_string(state) + " done\n";
  }
  out.resize(bytes);
  return out;
}

CollectedItem file_item(const std::string& path, std::string content) {
  CollectedItem item;
  item.archive_path = path;
  item.content = std::move(content);
  item.mtime = k_mtime;
  return item;
}

CollectedItem link_item(const std::string& path, const std::string& target) {
  CollectedItem item;
  item.archive_path = path;
  item.link_target = target;
  item.mtime = k_mtime;
  return item;
}

CollectedItem range_item(const std::string& path, FileRange range) {
  CollectedItem item;
  item.archive_path = path;
  item.body = std::move(range);
  item.mtime = k_mtime;
  return item;
}

// Encodes each item on a thread of its own, then appends them in order; returns the digests.
std::vector<MemberDigest> write_parallel(const std::string& path, Compression compression,
                                         std::vector<CollectedItem> items, std::uint64_t memory_limit = k_in_memory_limit) {
  auto writer = ArchiveWriter::open(path, compression, "top");
  REQUIRE(writer);
  EncodeSettings settings = (*writer)->encode_settings();
  settings.memory_limit = memory_limit;
  PassThroughScrubber pass("test input");
  std::vector<ScrubbedItem> members;
  for (CollectedItem& item : items) members.push_back(pass.scrub(std::move(item)));
  std::vector<std::optional<Result<EncodedMember>>> encoded(members.size());
  {
    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < members.size(); ++i) {
      threads.emplace_back([&, i] { encoded[i] = encode_member(members[i], settings); });
    }
  }
  std::vector<MemberDigest> digests;
  for (auto& one : encoded) {
    REQUIRE(*one);
    if (memory_limit < (64 << 10) && (*one)->compressed()) CHECK((*one)->held_bytes() == 0);
    auto digest = (*writer)->append(**one);
    REQUIRE(digest);
    digests.push_back(*digest);
  }
  auto committed = (*writer)->commit();
  REQUIRE(committed);
  CHECK(committed->size == std::filesystem::file_size(path));
  return digests;
}

bool have(const char* tool) { return std::system(("command -v " + std::string(tool) + " >/dev/null 2>&1").c_str()) == 0; }

int run_quietly(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()); }

struct Case {
  Compression compression;
  const char* extension;
};
constexpr Case k_cases[] = {{Compression::gzip, ".tgz"}, {Compression::zstd, ".tar.zst"}, {Compression::none, ".tar"}};

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("members encoded on several threads and appended in order read back exactly") {
    const std::string long_dir = "vmfs/volumes/" + std::string(120, 'd');
    const std::string german = "vmfs/volumes/ds1/M\xc3\xbcller-Buchhaltung/M\xc3\xbcller.vmx";
    const std::string big = sample_text(5 << 20, 7);
    std::vector<CollectedItem> items;
    items.push_back(file_item("etc/hosts", "127.0.0.1 localhost\n"));
    items.push_back(file_item("var/log/medium.log", sample_text(200 << 10, 1)));
    items.push_back(file_item(long_dir + "/vmware.log", "long name\n"));
    items.push_back(file_item(german, "displayName = \"x\"\n"));
    items.push_back(link_item("var/log/hosts", "../../etc/hosts"));
    items.push_back(range_item("var/log/big.log", spooled(big)));
    items.push_back(file_item("etc/empty", ""));
    items.push_back(file_item("etc/after-big", "small again\n"));
    const std::vector<CollectedItem> expected = items;
    for (const Case& c : k_cases) {
      CAPTURE(c.extension);
      testing::TempDir dir;
      const std::string path = (dir.path() / ("b" + std::string(c.extension))).string();
      const std::vector<MemberDigest> digests = write_parallel(path, c.compression, items);
      const std::vector<ReadMember> read = read_back(path);
      REQUIRE(read.size() == expected.size());
      for (std::size_t i = 0; i < read.size(); ++i) {
        const CollectedItem& want = expected[i];
        const std::string content = want.body ? big : want.content;
        CAPTURE(want.archive_path);
        CHECK(read[i].path == "top/" + want.archive_path);
        CHECK(read[i].content == content);
        CHECK(read[i].symlink == !want.link_target.empty());
        CHECK(read[i].link == want.link_target);
        CHECK(read[i].perm == (want.link_target.empty() ? 0644u : 0777u));
        CHECK(read[i].mtime == Clock::to_time_t(k_mtime));
        CHECK(read[i].owner == "root:root");
        CHECK(digests[i].size == content.size());
        CHECK(digests[i].sha256 == sha256_hex(content));
        CHECK(digests[i].padded == 0);
      }
    }
  }

  TEST_CASE("small members are left for the writer, large ones are compressed on their own") {
    PassThroughScrubber pass("test input");
    EncodeSettings settings{Compression::gzip, "top", "", 64 << 10, k_in_memory_limit};
    const auto small = encode_member(pass.scrub(file_item("a", sample_text(1000, 1))), settings);
    const auto large = encode_member(pass.scrub(file_item("b", sample_text(100 << 10, 2))), settings);
    REQUIRE(small);
    REQUIRE(large);
    CHECK_FALSE(small->compressed());
    CHECK(large->compressed());
    CHECK(large->held_bytes() < (100 << 10));
    settings.compression = Compression::none;
    const auto plain = encode_member(pass.scrub(file_item("b", sample_text(100 << 10, 2))), settings);
    REQUIRE(plain);
    CHECK_FALSE(plain->compressed());
  }

  TEST_CASE("concatenated members pass gzip -t, zstd -t and tar's listing") {
    std::vector<CollectedItem> items;
    for (int i = 0; i < 6; ++i) {
      items.push_back(file_item("small/" + std::to_string(i), sample_text(100, static_cast<unsigned>(i))));
      items.push_back(file_item("large/" + std::to_string(i), sample_text(300 << 10, static_cast<unsigned>(i))));
    }
    for (const Case& c : k_cases) {
      CAPTURE(c.extension);
      testing::TempDir dir;
      const std::string path = (dir.path() / ("b" + std::string(c.extension))).string();
      write_parallel(path, c.compression, items);
      const char* tool = c.compression == Compression::gzip ? "gzip" : c.compression == Compression::zstd ? "zstd" : "";
      if (*tool && !have(tool)) {
        MESSAGE("skipped: no ", tool, " on this machine");
      } else if (*tool) {
        CHECK(run_quietly(std::string(tool) + " -t '" + path + "'") == 0);
      }
      const char* list = c.compression == Compression::gzip   ? "tar -tzf"
                         : c.compression == Compression::zstd ? "tar --zstd -tf"
                                                              : "tar -tf";
      if (!have("tar") || (*tool && !have(tool))) {
        MESSAGE("skipped: no tar (or ", tool, ") on this machine");
        continue;
      }
      CHECK(run_quietly(std::string(list) + " '" + path + "'") == 0);
      CHECK(std::system(("test \"$(" + std::string(list) + " '" + path + "' | wc -l)\" -eq 12").c_str()) == 0);
    }
  }

  TEST_CASE("a large member that hardly compresses is spooled when encoded and read back exactly") {
    const std::string noise = sample_text(6 << 20, 3, true);
    for (const Case& c : k_cases) {
      CAPTURE(c.extension);
      testing::TempDir dir;
      const std::string path = (dir.path() / ("b" + std::string(c.extension))).string();
      std::vector<CollectedItem> items;
      items.push_back(range_item("var/core/noise", spooled(noise)));
      items.push_back(file_item("etc/noise", noise.substr(0, 1 << 20)));
      const std::vector<MemberDigest> digests = write_parallel(path, c.compression, items, 32 << 10);
      const std::vector<ReadMember> read = read_back(path);
      REQUIRE(read.size() == 2);
      CHECK(read[0].content == noise);
      CHECK(read[1].content == noise.substr(0, 1 << 20));
      CHECK(digests[0].sha256 == sha256_hex(noise));
    }
  }

  TEST_CASE("a file range that shrank is padded with NUL bytes to its planned size") {
    const std::string text = sample_text(300 << 10, 4);
    for (const Case& c : k_cases) {
      CAPTURE(c.extension);
      testing::TempDir dir;
      const std::string path = (dir.path() / ("b" + std::string(c.extension))).string();
      FileRange range = spooled(text);
      range.length += 5000;  // as if the file had shrunk since it was opened
      std::vector<CollectedItem> items;
      items.push_back(range_item("var/log/shrunk.log", range));
      items.push_back(file_item("etc/next", "next\n"));
      const std::vector<MemberDigest> digests = write_parallel(path, c.compression, items);
      const std::string padded = text + std::string(5000, '\0');
      CHECK(digests[0].size == padded.size());
      CHECK(digests[0].padded == 5000);
      CHECK(digests[0].sha256 == sha256_hex(padded));
      const std::vector<ReadMember> read = read_back(path);
      REQUIRE(read.size() == 2);
      CHECK(read[0].content == padded);
      CHECK(read[1].content == "next\n");
    }
  }

  TEST_CASE("an uncompressed archive is a plain tar padded to whole records") {
    testing::TempDir dir;
    const std::string path = (dir.path() / "b.tar").string();
    write_parallel(path, Compression::none, {file_item("etc/hosts", "127.0.0.1 localhost\n")});
    const std::string bytes = [&] {
      std::ifstream in(path, std::ios::binary);
      return std::string(std::istreambuf_iterator<char>(in), {});
    }();
    CHECK(bytes.size() % 10240 == 0);
    CHECK(bytes.substr(257, 5) == "ustar");
    CHECK(bytes.find_first_not_of('\0', 1024) == std::string::npos);
  }
}
