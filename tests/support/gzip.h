// Test helper: `data` as a gzip stream, written by libarchive (raw format,
// gzip filter), for tests of compressed members.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <doctest/doctest.h>

#include <string>
#include <string_view>

namespace vmsupport::testing {

inline std::string gzip(std::string_view data) {
  archive* writer = archive_write_new();
  archive_write_add_filter_gzip(writer);
  archive_write_set_format_raw(writer);
  archive_write_set_bytes_in_last_block(writer, 1);
  std::string buffer(data.size() + 4096, '\0');
  std::size_t used = 0;
  REQUIRE(archive_write_open_memory(writer, buffer.data(), buffer.size(), &used) == ARCHIVE_OK);
  archive_entry* entry = archive_entry_new();
  archive_entry_set_pathname(entry, "member");
  archive_entry_set_filetype(entry, AE_IFREG);
  archive_entry_set_size(entry, static_cast<la_int64_t>(data.size()));
  REQUIRE(archive_write_header(writer, entry) == ARCHIVE_OK);
  REQUIRE(archive_write_data(writer, data.data(), data.size()) == static_cast<la_ssize_t>(data.size()));
  REQUIRE(archive_write_close(writer) == ARCHIVE_OK);
  archive_entry_free(entry);
  archive_write_free(writer);
  buffer.resize(used);
  return buffer;
}

}  // namespace vmsupport::testing
