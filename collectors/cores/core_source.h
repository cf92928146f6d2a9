// CoreByteSource: where the core reader gets its bytes. The reader only ever
// asks for bytes at an offset, so one interface covers a core in memory, an
// uncompressed file read with pread(2), and a compressed file decompressed as a
// forward-only stream (zstd, xz, lz4, gzip) that never holds the whole core.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "util/result.h"

namespace vmsupport {

enum class CoreCompression { none, zstd, xz, lz4, gzip };

// Bytes of one (decompressed) core, read at offsets.
class CoreByteSource {
 public:
  virtual ~CoreByteSource() = default;

  // Copies the bytes at `offset` into `out` and returns how many were copied:
  // out.size(), or fewer only when the data ends first (0 at or past the end).
  // Fails on an I/O error, corrupt compressed data, or (sequential sources) an
  // offset the stream has already gone past and no longer holds.
  virtual Result<std::size_t> read_at(std::uint64_t offset, std::span<char> out) = 0;

  // The size of the data when it is known without reading it all (a file, a
  // buffer); nullopt for a compressed stream.
  virtual std::optional<std::uint64_t> size() const = 0;

  // True for a forward-only stream: reaching offset X means producing (and
  // paying for) every byte before X; going back is possible only within the
  // first 64 KiB and the bytes most recently produced.
  virtual bool sequential() const = 0;
};

// A source over `bytes`, which must outlive it.
std::unique_ptr<CoreByteSource> make_memory_source(std::string_view bytes);

// A source over the open descriptor `fd` (not owned, must outlive the source),
// read with pread(2); `size` is the file's size.
std::unique_ptr<CoreByteSource> make_fd_source(int fd, std::uint64_t size);

// A sequential source that decompresses `compressed` (read front to back) with
// the decoder for `compression`. Fails when that decoder cannot be set up (for
// gzip: when libarchive offers no built-in gzip support). With
// CoreCompression::none, returns `compressed` itself.
Result<std::unique_ptr<CoreByteSource>> make_decompressing_source(
    CoreCompression compression, std::unique_ptr<CoreByteSource> compressed);

}  // namespace vmsupport
