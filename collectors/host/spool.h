// Contents too large to hold in memory live in files: a FileRange is a range
// of an open file (a source file kept open until it is written, or a spool
// file), read back in chunks. A Spool is an unnamed temporary file
// (O_TMPFILE: nothing is left behind, even after a crash). A Body collects
// bytes in memory and moves them into a spool once they pass a limit, so a
// 2 GB log never sits in memory whole.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "host/unique_fd.h"
#include "util/result.h"

namespace vmsupport {

// Contents above this size are kept in files rather than memory, and scrubbed
// chunk by chunk: with a worker per core and the items waiting for the writer,
// this keeps a collect under 64 MiB of peak memory (scripts/bench-collect.sh).
inline constexpr std::uint64_t k_in_memory_limit = 1ull << 20;
// Files are read and written in chunks of this size.
inline constexpr std::size_t k_chunk_size = 1 << 20;

struct FileRange {
  std::shared_ptr<const detail::UniqueFd> fd;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

// Where large contents of a bundle written to `bundle_path` are spooled: its
// directory (the space is needed there anyway), or "" ($TMPDIR) for "-" (stdout).
std::string spool_directory_beside(const std::string& bundle_path);

// Reads up to `size` bytes at `at` (relative to the range's start) into
// `buffer`; returns how many were read: fewer at the end of the range, and
// fewer when the file shrank since it was opened. Fails on a read error.
Result<std::size_t> read_at(const FileRange& range, std::uint64_t at, char* buffer, std::size_t size);

// Calls `sink` with the range's bytes in chunks of at most `chunk` bytes, in
// order; returns the number of bytes passed. Stops at the first failure (of
// the read or of `sink`) and returns it.
Result<std::uint64_t> for_each_chunk(const FileRange& range, std::size_t chunk,
                                     const std::function<Result<void>(std::string_view)>& sink);

// An unnamed temporary file in `directory` ("" = $TMPDIR, else /tmp),
// written once from the start, then read as a FileRange.
class Spool {
 public:
  // Fails when no temporary file can be created there (the message names the directory).
  static Result<Spool> create(const std::string& directory);
  // Appends; fails with the errno text (e.g. "No space left on device").
  Result<void> write(std::string_view bytes);
  std::uint64_t size() const { return m_size; }
  // The bytes written so far.
  FileRange range() const { return FileRange{m_fd, 0, m_size}; }

 private:
  Spool(std::shared_ptr<detail::UniqueFd> fd, std::string directory)
      : m_fd(std::move(fd)), m_directory(std::move(directory)) {}
  std::shared_ptr<detail::UniqueFd> m_fd;
  std::string m_directory;
  std::uint64_t m_size = 0;
};

// Bytes gathered in memory up to `memory_limit`, then in a spool file.
class Body {
 public:
  explicit Body(std::string spool_directory, std::uint64_t memory_limit = k_in_memory_limit)
      : m_directory(std::move(spool_directory)), m_limit(memory_limit) {}
  // Appends; fails only when the bytes must go to a spool that cannot be written.
  Result<void> append(std::string_view bytes);
  std::uint64_t size() const { return (m_spool ? m_spool->size() : m_memory.size()) - m_skip; }
  bool in_memory() const { return !m_spool; }
  // Leaves out the first `count` bytes (keeping the newest of a log).
  void drop_front(std::uint64_t count);
  const std::string& directory() const { return m_directory; }
  std::uint64_t limit() const { return m_limit; }
  // The result: memory (when it stayed under the limit) ...
  std::string take_memory() { return std::move(m_memory); }
  // ... or a file range (when it did not).
  FileRange range() const;

 private:
  std::string m_directory;
  std::uint64_t m_limit;
  std::string m_memory;
  std::optional<Spool> m_spool;
  std::uint64_t m_skip = 0;  // spool bytes dropped from the front
};

}  // namespace vmsupport
