// Writing the bundle: a POSIX (pax) tar through libarchive, gzip/zstd/none,
// streamed straight from memory (no staging tree), into NAME.partial that is
// renamed to NAME only when complete, or to stdout. The archive's SHA-256 is
// computed while writing. Members come only from the scrubber.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "scrub/scrubber.h"
#include "util/result.h"

namespace vmsupport {

enum class Compression { gzip, zstd, none };

// ".tgz", ".tar.zst", ".tar"
const char* compression_extension(Compression compression);

struct MemberDigest {
  std::uint64_t size = 0;
  std::string sha256;
  std::uint64_t padded = 0;  // NUL bytes written for a file that shrank (or failed) while read
};

struct CommittedBundle {
  std::string path;         // final path, or "-" for stdout
  std::uint64_t size = 0;   // bytes of the compressed archive
  std::string sha256;       // of the compressed archive
  std::string sha256_path;  // the NAME.sha256 file beside it ("" for stdout)
};

class ArchiveWriter {
 public:
  // Opens `path` + ".partial" for writing (exclusive), or stdout when path is "-".
  // Every member is placed under `top_dir/`. Fails when the file cannot be created.
  static Result<std::unique_ptr<ArchiveWriter>> open(const std::string& path,
                                                     Compression compression,
                                                     const std::string& top_dir);
  ~ArchiveWriter();  // aborts when not committed
  ArchiveWriter(const ArchiveWriter&) = delete;
  ArchiveWriter& operator=(const ArchiveWriter&) = delete;

  // Appends one member (a file, or a symlink when link_target is set).
  // Fails on a write error (the message names the file and the errno text).
  Result<MemberDigest> add(const ScrubbedItem& member);
  // Finishes the archive, fsyncs, renames NAME.partial to NAME, writes NAME.sha256.
  Result<CommittedBundle> commit();
  // Stops and removes NAME.partial. Safe to call more than once.
  void abort();

  struct State;

 private:
  explicit ArchiveWriter(std::unique_ptr<State> state);
  Result<void> write_data(std::string_view bytes);
  Result<MemberDigest> write_range(const FileRange& range);
  std::unique_ptr<State> m_state;
};

}  // namespace vmsupport
