// tar_header(): a simple entry's one ustar block made here, as libarchive
// would make it; any other, one libarchive pax_restricted writer, unblocked,
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

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>

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

// The ustar fields (POSIX.1-1988 layout).
constexpr std::size_t k_name_size = 100;
constexpr std::size_t k_mode_offset = 100;      // 6 octal digits, space, NUL; then uid and gid alike
constexpr std::size_t k_size_offset = 124;      // 11 octal digits and a space
constexpr std::size_t k_mtime_offset = 136;     // 11 octal digits and a space
constexpr std::size_t k_checksum_offset = 148;  // 6 octal digits, NUL, space
constexpr std::size_t k_type_offset = 156;
constexpr std::size_t k_link_offset = 157;      // 100 bytes
constexpr std::size_t k_magic_offset = 257;     // "ustar\0" "00"
constexpr std::size_t k_uname_offset = 265;     // 32 bytes, then gname
constexpr std::size_t k_gname_offset = 297;
constexpr std::size_t k_devmajor_offset = 329;  // as the mode, then devminor
constexpr std::uint64_t k_largest_ustar_size = 077777777777;

// Sets the checksum of a ustar header block.
void set_checksum(char* block) {
  std::memset(block + k_checksum_offset, ' ', 8);
  unsigned sum = 0;
  for (std::size_t i = 0; i < k_tar_block; ++i) sum += static_cast<unsigned char>(block[i]);
  std::snprintf(block + k_checksum_offset, 7, "%06o", sum);  // the NUL lands at offset 6; offset 7 stays ' '
}

// Writes `value` in `digits` octal digits followed by a space (libarchive's
// form of size and mtime).
void put_octal(char* field, std::size_t digits, std::uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "%0*llo", static_cast<int>(digits), static_cast<unsigned long long>(value));
  std::memcpy(field, text, digits);
  field[digits] = ' ';
}

// Sets the size of the ustar header block that ends `header`, and its checksum.
void set_ustar_size(std::string& header, std::uint64_t size) {
  char* block = header.data() + header.size() - k_tar_block;
  put_octal(block + k_size_offset, 11, size);
  set_checksum(block);
}

bool plain_ascii(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

// The header of an entry that needs nothing of pax (a short ASCII name and
// link, a size under 8 GiB, an mtime that fits), made here: it is one ustar
// block, byte for byte what libarchive's pax_restricted writer makes (the
// unit test compares them). A libarchive writer made and freed for each
// member was an eighth of the time of a run of 100,000 small files.
std::optional<std::string> simple_header(const CollectedItem& item, const std::string& name, std::time_t mtime) {
  const bool link = !item.link_target.empty();
  const std::uint64_t size = link ? 0 : item.content_size();
  if (name.size() > k_name_size || !plain_ascii(name) || item.link_target.size() > k_name_size ||
      !plain_ascii(item.link_target) || size > k_largest_ustar_size || mtime < 0 ||
      static_cast<std::uint64_t>(mtime) > k_largest_ustar_size) {
    return std::nullopt;
  }
  std::string header(k_tar_block, '\0');
  char* block = header.data();
  std::memcpy(block, name.data(), name.size());
  for (const std::size_t field : {k_mode_offset, k_mode_offset + 8, k_mode_offset + 16, k_devmajor_offset,
                                  k_devmajor_offset + 8}) {
    std::memcpy(block + field, "000000 ", 7);
  }
  block[k_mode_offset + 3] = link ? '7' : '6';
  block[k_mode_offset + 4] = link ? '7' : '4';
  block[k_mode_offset + 5] = link ? '7' : '4';
  put_octal(block + k_size_offset, 11, size);
  put_octal(block + k_mtime_offset, 11, static_cast<std::uint64_t>(mtime));
  block[k_type_offset] = link ? '2' : '0';
  std::memcpy(block + k_link_offset, item.link_target.data(), item.link_target.size());
  std::memcpy(block + k_magic_offset, "ustar\0" "00", 8);
  std::memcpy(block + k_uname_offset, "root", 4);
  std::memcpy(block + k_gname_offset, "root", 4);
  set_checksum(block);
  return header;
}

struct EntryFree {
  void operator()(archive_entry* entry) const { archive_entry_free(entry); }
};

std::unique_ptr<archive_entry, EntryFree> entry_of(const CollectedItem& item, const std::string& top_dir,
                                                   std::time_t mtime) {
  std::unique_ptr<archive_entry, EntryFree> entry(archive_entry_new());
  archive_entry* e = entry.get();
  const std::string name = top_dir + "/" + item.archive_path;
  archive_entry_copy_pathname(e, name.c_str());
  archive_entry_set_uname(e, "root");
  archive_entry_set_gname(e, "root");
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
  const auto mtime = Clock::to_time_t(item.mtime == Clock::time_point{} ? Clock::now() : item.mtime);
  if (auto simple = simple_header(item, top_dir + "/" + item.archive_path, mtime)) return std::move(*simple);
  Output output;
  std::unique_ptr<archive, ArchiveFree> writer(archive_write_new());
  archive* a = writer.get();
  auto entry = entry_of(item, top_dir, mtime);
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
