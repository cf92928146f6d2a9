// Reading an existing bundle (ours, or one made by another tool such as
// ESXi's vm-support) as a stream through libarchive: tar, compressed with
// any filter libarchive knows (gzip, zstd, xz, bzip2, none). One entry at a
// time; an entry's data is read only when asked for, otherwise skipped.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/result.h"
#include "util/units.h"

struct archive;  // libarchive's handle

namespace vmsupport {

enum class EntryType { regular, directory, symlink, hardlink, other };

struct ArchiveEntry {
  std::string path;  // as stored, without a leading "./" or "/"
  EntryType type = EntryType::regular;
  std::uint64_t size = 0;  // bytes of data, for regular files
  Clock::time_point mtime{};
  std::string link_target;  // symlink target, or the path a hard link names
};

// libarchive's message for its last error; "read error" when it has none
// (archive_error_string() is null then).
std::string archive_error_text(archive* a);

// The name of the whole bundle: `path` without a ".part-NNN" suffix.
std::string joined_bundle_path(const std::string& path);

// The files that hold the bundle `path`, in order: {path} for a whole file;
// NAME.part-001, NAME.part-002, ... (up to the first missing number) when
// `path` is NAME and only its parts exist, or when `path` is one of them.
std::vector<std::string> bundle_files(const std::string& path);

// Succeeds when the bundle `path` is there to read: the file, or (for NAME
// or NAME.part-NNN) its parts. Fails with "PATH: no such file" (what verify,
// scrub, inspect and upload all say), "PATH: is a directory", or the errno
// text ("PATH: Permission denied"), with a hint when a close name exists.
Result<void> check_bundle_exists(const std::string& path);

// Opens `files` on the libarchive handle `a` as one stream, in order.
// Returns libarchive's status (ARCHIVE_OK on success).
int open_bundle_files(archive* a, const std::vector<std::string>& files);

class ArchiveReader {
 public:
  // Opens `path` (or its parts, see bundle_files) for reading. Fails when it
  // cannot be opened or is not an archive.
  static Result<std::unique_ptr<ArchiveReader>> open(const std::string& path);
  // Reads the archive from standard input (`inspect -`): one pass only.
  static Result<std::unique_ptr<ArchiveReader>> open_stdin();
  ~ArchiveReader();
  ArchiveReader(const ArchiveReader&) = delete;
  ArchiveReader& operator=(const ArchiveReader&) = delete;

  // The next entry, or nullopt at the end of the archive. Fails when the
  // archive is damaged or cut short (the message names the file and where).
  Result<std::optional<ArchiveEntry>> next();
  // The current entry's data, at most `max_bytes` of it (the rest is skipped).
  // Fails when the data cannot be read (damaged or cut short).
  Result<std::string> read(std::uint64_t max_bytes);
  // The current entry's data handed to `sink` in pieces of at most `chunk`
  // bytes, in order (holes of a sparse file as zeros), so that a member of
  // any size costs `chunk` bytes of memory. Stops early, without an error,
  // when `sink` returns false. Fails as read() does.
  Result<void> stream(std::size_t chunk, const std::function<bool(std::string_view)>& sink);
  // True once next() or read() has failed: the input, not the output, is at fault.
  bool damaged() const { return m_damaged; }
  const std::string& path() const { return m_path; }

 private:
  ArchiveReader(archive* handle, std::string path) : m_archive(handle), m_path(std::move(path)) {}
  std::unexpected<Error> damage(const std::string& where);

  archive* m_archive;
  std::string m_path;
  std::string m_current;
  bool m_damaged = false;
};

}  // namespace vmsupport
