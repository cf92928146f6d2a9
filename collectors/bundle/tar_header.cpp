// tar_header(): one libarchive pax_restricted writer per member, unblocked,
// writing into a string; the entry's data is never written, so the archive is
// dropped with archive_write_fail() (no NUL data, no end-of-archive).
#include "bundle/tar_header.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

namespace vmsupport {
namespace {

la_ssize_t append_callback(archive*, void* client, const void* buffer, size_t length) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}

struct ArchiveFree {
  void operator()(archive* a) const {
    archive_write_fail(a);  // nothing more: not the entry's missing data, nor the end blocks
    archive_write_free(a);
  }
};

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
    archive_entry_set_size(e, static_cast<la_int64_t>(item.content_size()));
  }
  return entry;
}

}  // namespace

Result<std::string> tar_header(const CollectedItem& item, const std::string& top_dir) {
  std::string header;
  std::unique_ptr<archive, ArchiveFree> writer(archive_write_new());
  archive* a = writer.get();
  auto entry = entry_of(item, top_dir);
  if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK || archive_write_add_filter_none(a) != ARCHIVE_OK ||
      archive_write_set_bytes_per_block(a, 0) != ARCHIVE_OK ||
      archive_write_open(a, &header, nullptr, append_callback, nullptr) != ARCHIVE_OK ||
      archive_write_header(a, entry.get()) < ARCHIVE_WARN) {
    const char* why = archive_error_string(a);
    return fail("cannot make the tar header of ", item.archive_path, ": ", why ? why : "unknown error");
  }
  return header;
}

}  // namespace vmsupport
