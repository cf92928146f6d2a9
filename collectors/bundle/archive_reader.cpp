// ArchiveReader: libarchive's streaming reader (see archive_reader.h).
#include "bundle/archive_reader.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "bundle/archive_writer.h"
#include "util/units.h"

namespace vmsupport {
namespace {

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

std::string archive_error_text(archive* a) {
  const char* text = archive_error_string(a);
  return text ? text : "read error";
}

std::string joined_bundle_path(const std::string& path) {
  const std::size_t at = path.rfind(".part-");
  if (at == std::string::npos || at + 6 == path.size()) return path;
  for (std::size_t i = at + 6; i < path.size(); ++i) {
    if (path[i] < '0' || path[i] > '9') return path;
  }
  return path.substr(0, at);
}

std::vector<std::string> bundle_files(const std::string& path) {
  const std::string joined = joined_bundle_path(path);
  struct stat st {};
  if (joined == path && ::stat(path.c_str(), &st) == 0) return {path};
  std::vector<std::string> parts;
  // Three digits, or as many as past 999 parts (part_width): found from the first part.
  std::size_t width = 3;
  while (width < 9 && ::stat(part_path(joined, 1, width).c_str(), &st) != 0) ++width;
  for (std::size_t n = 1;; ++n) {
    std::string part = part_path(joined, n, width);
    if (::stat(part.c_str(), &st) != 0) break;
    parts.push_back(std::move(part));
  }
  return parts.empty() ? std::vector<std::string>{path} : parts;
}

Result<void> check_bundle_exists(const std::string& path) {
  const std::vector<std::string> files = bundle_files(path);
  for (const std::string& file : files) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) {
      const int error = errno;
      if (error != ENOENT) return fail_errno(error, file, ": ", errno_text(error));
      auto missing = fail_errno(ENOENT, file, ": no such file");
      if (file != path) missing.error().hint = "the bundle's parts must be numbered from 001 without a gap";
      return missing;
    }
    if (S_ISDIR(st.st_mode)) return fail(file, ": is a directory, not a bundle file");
    if (::access(file.c_str(), R_OK) != 0) return fail_errno(errno, file, ": ", errno_text(errno));
  }
  return {};
}

namespace {

// The parts of a split bundle as one stream, for libarchive's callbacks
// (archive_read_open_filenames crashes in Debian 12's libarchive 3.6.2).
struct PartStream {
  std::vector<std::string> files;
  std::size_t next = 0;
  int fd = -1;
  std::vector<char> buffer = std::vector<char>(1 << 16);
};

la_ssize_t read_parts(archive* a, void* data, const void** block) {
  auto* stream = static_cast<PartStream*>(data);
  while (true) {
    if (stream->fd < 0) {
      if (stream->next == stream->files.size()) return 0;
      const std::string& file = stream->files[stream->next++];
      stream->fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
      if (stream->fd < 0) {
        archive_set_error(a, errno, "cannot open %s", file.c_str());
        return -1;
      }
    }
    const ssize_t n = ::read(stream->fd, stream->buffer.data(), stream->buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      archive_set_error(a, errno, "cannot read %s", stream->files[stream->next - 1].c_str());
      return -1;
    }
    if (n > 0) {
      *block = stream->buffer.data();
      return n;
    }
    ::close(stream->fd);
    stream->fd = -1;
  }
}

int close_parts(archive*, void* data) {
  auto* stream = static_cast<PartStream*>(data);
  if (stream->fd >= 0) ::close(stream->fd);
  delete stream;
  return ARCHIVE_OK;
}

}  // namespace

int open_bundle_files(archive* a, const std::vector<std::string>& files) {
  if (files.size() == 1) return archive_read_open_filename(a, files.front().c_str(), 1 << 16);
  auto* stream = new PartStream{files};
  return archive_read_open(a, stream, nullptr, read_parts, close_parts);
}

Result<std::unique_ptr<ArchiveReader>> ArchiveReader::open(const std::string& path) {
  if (auto there = check_bundle_exists(path); !there) return std::unexpected(there.error());
  archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_tar(a);
  archive_read_support_format_gnutar(a);
  if (open_bundle_files(a, bundle_files(path)) != ARCHIVE_OK) {
    auto error = fail("cannot read ", path, ": ", archive_error_text(a));
    archive_read_free(a);
    return error;
  }
  return std::unique_ptr<ArchiveReader>(new ArchiveReader(a, path));
}

Result<std::unique_ptr<ArchiveReader>> ArchiveReader::open_stdin() {
  archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_tar(a);
  archive_read_support_format_gnutar(a);
  if (archive_read_open_fd(a, 0, 1 << 16) != ARCHIVE_OK) {
    auto error = fail("cannot read standard input: ", archive_error_text(a));
    archive_read_free(a);
    return error;
  }
  return std::unique_ptr<ArchiveReader>(new ArchiveReader(a, "standard input"));
}

ArchiveReader::~ArchiveReader() {
  archive_read_free(m_archive);
}

std::unexpected<Error> ArchiveReader::damage(const std::string& where) {
  m_damaged = true;
  auto error =
      fail(m_path, ": archive is damaged or cut short", where, ": ", archive_error_text(m_archive));
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
  out.mtime = clock_from_unix(archive_entry_mtime(entry), archive_entry_mtime_nsec(entry));
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

Result<void> ArchiveReader::stream(std::size_t chunk, const std::function<bool(std::string_view)>& sink) {
  const std::string zeros(chunk, '\0');
  std::uint64_t written = 0;  // bytes handed to sink, holes included
  const void* block = nullptr;
  size_t size = 0;
  la_int64_t offset = 0;
  while (true) {
    const int status = archive_read_data_block(m_archive, &block, &size, &offset);
    if (status == ARCHIVE_EOF) return {};
    if (status < ARCHIVE_WARN) return damage(" at " + m_current);
    for (auto at = static_cast<std::uint64_t>(offset); written < at;) {  // a hole before this block
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(chunk, at - written));
      if (!sink(std::string_view(zeros).substr(0, n))) return {};
      written += n;
    }
    const std::string_view data(static_cast<const char*>(block), size);
    for (std::size_t from = 0; from < data.size(); from += chunk) {
      if (!sink(data.substr(from, chunk))) return {};
    }
    written += size;
  }
}

}  // namespace vmsupport
