// tar_header(): one libarchive pax_restricted writer per member, unblocked,
// writing into a string. The entry's data is never written: libarchive is
// given the entry with size 0 and closed as usual (its end blocks are not
// kept), then the ustar size field is set to the real size, with the header's
// checksum. A size of 8 GiB or more needs a pax size record, which only
// libarchive writes: then the entry has its real size, and whatever closing
// the writer passes on for the missing data is dropped by the callback
// (dropping the writer with archive_write_fail() instead would leak
// libarchive's client state).
#include "bundle/tar_header.h"

#include <archive.h>
#include <archive_entry.h>

#include <cstdio>
#include <cstring>
#include <memory>

namespace vmsupport {
namespace {

// Where libarchive's output goes: `header` until `done`, then nowhere (the
// end-of-archive blocks written when the writer is closed).
struct Output {
  std::string header;
  bool done = false;
};

la_ssize_t append_callback(archive*, void* client, const void* buffer, size_t length) {
  Output& output = *static_cast<Output*>(client);
  if (!output.done) output.header.append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}

struct ArchiveFree {
  void operator()(archive* a) const { archive_write_free(a); }
};

// The ustar fields that change with the size (POSIX.1-1988 layout).
constexpr std::size_t k_size_offset = 124;      // 11 octal digits and a space
constexpr std::size_t k_checksum_offset = 148;  // 6 octal digits, NUL, space
constexpr std::uint64_t k_largest_ustar_size = 077777777777;

// Sets the size of the ustar header block that ends `header`, and its checksum.
void set_ustar_size(std::string& header, std::uint64_t size) {
  char* block = header.data() + header.size() - k_tar_block;
  std::snprintf(block + k_size_offset, 12, "%011llo", static_cast<unsigned long long>(size));
  block[k_size_offset + 11] = ' ';  // libarchive ends the field with a space
  std::memset(block + k_checksum_offset, ' ', 8);
  unsigned sum = 0;
  for (std::size_t i = 0; i < k_tar_block; ++i) sum += static_cast<unsigned char>(block[i]);
  std::snprintf(block + k_checksum_offset, 7, "%06o", sum);  // the NUL lands at offset 6; offset 7 stays ' '
}

struct EntryFree {
  void operator()(archive_entry* entry) const { archive_entry_free(entry); }
};

std::unique_ptr<archive_entry, EntryFree> entry_of(const CollectedItem& item, const std::string& top_dir) {
  std::unique_ptr<archive_entry, EntryFree> entry(archive_entry_new());
  archive_entry* e = entry.get();
  const std::string name = top_dir + "/" + item.archive_path;
  archive_entry_copy_pathname(e, name.c_str());
  archive_entry_set_uname(e, "root");
  archive_entry_set_gname(e, "root");
  const auto mtime = Clock::to_time_t(item.mtime == Clock::time_point{} ? Clock::now() : item.mtime);
  archive_entry_set_mtime(e, mtime, 0);
  if (!item.link_target.empty()) {
    archive_entry_set_filetype(e, AE_IFLNK);
    archive_entry_set_perm(e, 0777);
    archive_entry_copy_symlink(e, item.link_target.c_str());
    archive_entry_set_size(e, 0);
  } else {
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    const std::uint64_t size = item.content_size();
    archive_entry_set_size(e, size > k_largest_ustar_size ? static_cast<la_int64_t>(size) : 0);
  }
  return entry;
}

}  // namespace

Result<std::string> tar_header(const CollectedItem& item, const std::string& top_dir) {
  Output output;
  std::unique_ptr<archive, ArchiveFree> writer(archive_write_new());
  archive* a = writer.get();
  auto entry = entry_of(item, top_dir);
  const auto failed = [&] {
    const char* why = archive_error_string(a);
    return fail("cannot make the tar header of ", item.archive_path, ": ", why ? why : "unknown error");
  };
  if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK || archive_write_add_filter_none(a) != ARCHIVE_OK ||
      archive_write_set_bytes_per_block(a, 0) != ARCHIVE_OK ||
      archive_write_open(a, &output, nullptr, append_callback, nullptr) != ARCHIVE_OK ||
      archive_write_header(a, entry.get()) < ARCHIVE_WARN) {
    return failed();
  }
  output.done = true;
  if (archive_write_close(a) != ARCHIVE_OK) return failed();
  const std::uint64_t size = item.link_target.empty() ? item.content_size() : 0;
  if (size > 0 && size <= k_largest_ustar_size) set_ustar_size(output.header, size);
  return std::move(output.header);
}

}  // namespace vmsupport
