// ArchiveReader: libarchive's streaming reader (see archive_reader.h).
#include "bundle/archive_reader.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>

namespace vmsupport {
namespace {

std::string error_text(archive* a) {
  const char* text = archive_error_string(a);
  return text ? text : "read error";
}

// "./a/b" and "/a/b" are "a/b".
std::string normalise(std::string path) {
  while (path.starts_with("./") || path.starts_with("/"))
    path.erase(0, path.starts_with("/") ? 1 : 2);
  return path;
}

EntryType type_of(archive_entry* entry) {
  if (archive_entry_hardlink(entry) != nullptr) return EntryType::hardlink;
  switch (archive_entry_filetype(entry)) {
    case AE_IFREG:
      return EntryType::regular;
    case AE_IFDIR:
      return EntryType::directory;
    case AE_IFLNK:
      return EntryType::symlink;
    default:
      return EntryType::other;
  }
}

}  // namespace

Result<std::unique_ptr<ArchiveReader>> ArchiveReader::open(const std::string& path) {
  archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_tar(a);
  archive_read_support_format_gnutar(a);
  if (archive_read_open_filename(a, path.c_str(), 1 << 16) != ARCHIVE_OK) {
    auto error = fail("cannot read ", path, ": ", error_text(a));
    archive_read_free(a);
    return error;
  }
  return std::unique_ptr<ArchiveReader>(new ArchiveReader(a, path));
}

ArchiveReader::~ArchiveReader() {
  archive_read_free(m_archive);
}

std::unexpected<Error> ArchiveReader::damage(const std::string& where) {
  m_damaged = true;
  auto error =
      fail(m_path, ": archive is damaged or cut short", where, ": ", error_text(m_archive));
  error.error().hint =
      "is it a complete tar archive (.tgz, .tar.gz, .tar.zst, .tar)? compare it with its .sha256";
  return error;
}

Result<std::optional<ArchiveEntry>> ArchiveReader::next() {
  archive_entry* entry = nullptr;
  const int status = archive_read_next_header(m_archive, &entry);
  if (status == ARCHIVE_EOF) return std::nullopt;
  if (status < ARCHIVE_WARN) return damage(m_current.empty() ? "" : " after " + m_current);
  ArchiveEntry out;
  out.path = normalise(archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "");
  m_current = out.path;
  out.type = type_of(entry);
  out.size =
      archive_entry_size_is_set(entry) ? static_cast<std::uint64_t>(archive_entry_size(entry)) : 0;
  out.mtime = Clock::from_time_t(archive_entry_mtime(entry));
  if (out.type == EntryType::symlink && archive_entry_symlink(entry))
    out.link_target = archive_entry_symlink(entry);
  if (out.type == EntryType::hardlink) out.link_target = normalise(archive_entry_hardlink(entry));
  return out;
}

Result<std::string> ArchiveReader::read(std::uint64_t max_bytes) {
  std::string data;
  const void* block = nullptr;
  size_t size = 0;
  la_int64_t offset = 0;
  while (data.size() < max_bytes) {
    const int status = archive_read_data_block(m_archive, &block, &size, &offset);
    if (status == ARCHIVE_EOF) break;
    if (status < ARCHIVE_WARN) return damage(" at " + m_current);
    // Sparse files come in blocks at offsets: the holes are zeros.
    const auto at = static_cast<std::uint64_t>(offset);
    if (at > data.size())
      data.resize(static_cast<std::size_t>(std::min<std::uint64_t>(at, max_bytes)), '\0');
    data.append(static_cast<const char*>(block),
                std::min<std::uint64_t>(size, max_bytes - data.size()));
  }
  return data;
}

}  // namespace vmsupport
