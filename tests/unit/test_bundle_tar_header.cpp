// tar_header() (bundle/tar_header): the header block(s) of one member are
// byte for byte what libarchive's pax_restricted writer makes for the entry
// with its real size — short, long and non-ASCII names, symlinks — and a size
// of 8 GiB or more gets libarchive's pax size record.
#include <archive.h>
#include <archive_entry.h>
#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <string>

#include "bundle/tar_header.h"

using namespace vmsupport;

namespace {

const Clock::time_point k_mtime = Clock::from_time_t(1795000000);

la_ssize_t keep(archive*, void* client, const void* buffer, size_t length) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}

// What libarchive writes for the whole entry, data (zeros) included: the
// reference the header must be a prefix of.
std::string libarchive_member(const std::string& name, std::uint64_t size, const std::string& link = "") {
  std::string out;
  archive* a = archive_write_new();
  REQUIRE(archive_write_set_format_pax_restricted(a) == ARCHIVE_OK);
  REQUIRE(archive_write_add_filter_none(a) == ARCHIVE_OK);
  REQUIRE(archive_write_set_bytes_per_block(a, 0) == ARCHIVE_OK);
  REQUIRE(archive_write_open(a, &out, nullptr, keep, nullptr) == ARCHIVE_OK);
  archive_entry* e = archive_entry_new();
  archive_entry_copy_pathname(e, name.c_str());
  archive_entry_set_uname(e, "root");
  archive_entry_set_gname(e, "root");
  archive_entry_set_mtime(e, Clock::to_time_t(k_mtime), 0);
  if (link.empty()) {
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(size));
  } else {
    archive_entry_set_filetype(e, AE_IFLNK);
    archive_entry_set_perm(e, 0777);
    archive_entry_copy_symlink(e, link.c_str());
    archive_entry_set_size(e, 0);
  }
  REQUIRE(archive_write_header(a, e) >= ARCHIVE_WARN);  // WARN: a name not in the locale's charset
  const std::string zeros(1 << 16, '\0');
  for (std::uint64_t left = size; left > 0;) {
    const std::size_t part = static_cast<std::size_t>(std::min<std::uint64_t>(left, zeros.size()));
    REQUIRE(archive_write_data(a, zeros.data(), part) == static_cast<la_ssize_t>(part));
    left -= part;
  }
  REQUIRE(archive_write_close(a) == ARCHIVE_OK);
  archive_write_free(a);
  archive_entry_free(e);
  return out;
}

CollectedItem item_of(const std::string& path, std::uint64_t size, const std::string& link = "") {
  CollectedItem item;
  item.archive_path = path;
  item.mtime = k_mtime;
  item.link_target = link;
  if (link.empty()) item.body = FileRange{nullptr, 0, size};  // only its length is read
  return item;
}

// The header block's checksum field holds the sum of its bytes (the field as spaces).
bool checksum_holds(const std::string& block) {
  unsigned sum = 0;
  for (std::size_t i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(block[i]);
  return std::stoul(block.substr(148, 6), nullptr, 8) == sum;
}

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("a member's header is what libarchive writes for the entry with its real size") {
    const std::string long_name = "var/log/" + std::string(150, 'a') + "/hostd.log";
    struct Case {
      std::string path;
      std::uint64_t size;
      std::string link;
    };
    const Case cases[] = {
        {"etc/hosts", 0, ""},
        {"etc/hosts", 1, ""},
        {"var/log/hostd.log", 511, ""},
        {"var/log/hostd.log", 512, ""},
        {"var/log/vmkernel.log", 3 << 20, ""},
        {long_name, 70000, ""},
        {"vmfs/volumes/ds1/Müller-Buchhaltung/vmware.log", 4097, ""},
        {"var/log/syslog.log", 0, "../run/log/syslog.log"},
        {"var/log/syslog.log", 0, std::string(100, 'l')},
        {"var/log/syslog.log", 0, std::string(101, 'l')},
        {"var/log/" + std::string(83, 'n'), 9, ""},  // bundle/var/log/nnn...: 100 bytes
        {"var/log/" + std::string(84, 'n'), 9, ""},  // 101 bytes: libarchive's split
        {"etc/with space & 'quotes'~", 77777, ""},
        {"var/log/tab\tname", 5, ""},
        {"var/core/vmx-zdump.3", 077777777777, ""},
    };
    for (const Case& c : cases) {
      CAPTURE(c.path);
      CAPTURE(c.size);
      auto header = tar_header(item_of(c.path, c.size, c.link), "bundle");
      REQUIRE(header);
      REQUIRE(header->size() % 512 == 0);
      const std::string reference = libarchive_member("bundle/" + c.path, c.size, c.link);
      CHECK(reference.compare(0, header->size(), *header) == 0);
      CHECK(checksum_holds(header->substr(header->size() - 512)));
    }
  }

  TEST_CASE("every short ASCII name, of every length, has libarchive's header") {
    for (std::size_t length = 1; length <= 110; ++length) {
      std::string path(length, 'x');
      for (std::size_t i = 7; i < length; i += 9) path[i] = '/';
      CAPTURE(path);
      for (const bool link : {false, true}) {
        const std::string target = link ? "../" + std::string(length % 100, 't') : "";
        auto header = tar_header(item_of(path, link ? 0 : length * 131, target), "b");
        REQUIRE(header);
        const std::string reference = libarchive_member("b/" + path, link ? 0 : length * 131, target);
        CHECK(reference.compare(0, header->size(), *header) == 0);
      }
    }
  }

  TEST_CASE("the largest ustar size is in the header; 8 GiB and more get libarchive's pax size record") {
    const std::uint64_t largest = 077777777777;
    auto header = tar_header(item_of("var/core/vmx-zdump.1", largest), "bundle");
    REQUIRE(header);
    CHECK(header->size() == 512);
    CHECK(header->substr(124, 12) == "77777777777 ");
    CHECK(checksum_holds(*header));
    auto huge = tar_header(item_of("var/core/vmx-zdump.2", largest + 1), "bundle");
    REQUIRE(huge);
    CHECK(huge->size() > 512);  // a pax extended header first
    CHECK(huge->find("size=8589934592\n") != std::string::npos);
    CHECK(checksum_holds(huge->substr(huge->size() - 512)));
  }
}
