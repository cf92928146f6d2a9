// Writing the bundle: a POSIX (pax) tar, gzip/zstd/none, streamed straight
// from memory (no staging tree), into NAME.partial that is renamed to NAME
// only when complete, or to stdout. Members come only from the scrubber, as
// EncodedMembers: large ones compressed on worker threads into gzip members
// (zstd frames) of their own, which the writer appends as they are; runs of
// small ones compressed here, together, into one member (frame). The
// archive's SHA-256 is computed while writing.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bundle/member_encoder.h"
#include "scrub/scrubber.h"
#include "util/result.h"

namespace vmsupport {

// ".tgz", ".tar.zst", ".tar"
const char* compression_extension(Compression compression);

// One file of a split bundle: NAME.part-001, NAME.part-002, ...
struct BundlePart {
  std::string path;
  std::uint64_t size = 0;
  std::string sha256;
};

// "NAME.part-001" for number 1: `width` digits (at least three), from 001.
std::string part_path(const std::string& bundle_path, std::size_t number, std::size_t width = 3);

// The digits every part's number is written with when there are `count`
// parts: three, or more past 999, so that all have the same width and
// `cat NAME.part-*` joins them in order.
std::size_t part_width(std::size_t count);

// The smallest --split size: parts of less make thousands of files to attach.
inline constexpr std::uint64_t k_least_split_bytes = 1 << 20;

struct CommittedBundle {
  std::string path;         // final path, or "-" for stdout; a split bundle's joined name
  std::uint64_t size = 0;   // bytes of the compressed archive
  std::string sha256;       // of the compressed archive
  std::string sha256_path;  // the NAME.sha256 file beside it ("" for stdout)
  std::vector<BundlePart> parts;  // when split: the files written, in order (NAME itself is not)
};

class ArchiveWriter {
 public:
  // Opens `path` + ".partial" for writing (exclusive), or stdout when path is "-".
  // Every member is placed under `top_dir/`. Fails when the file cannot be created.
  // With `split_bytes` > 0 the byte stream goes into parts of at most that
  // size instead, part_path(path, n) + ".partial", each created when its
  // first byte is written (so a part is never empty); stdout cannot be split.
  static Result<std::unique_ptr<ArchiveWriter>> open(const std::string& path,
                                                     Compression compression,
                                                     const std::string& top_dir,
                                                     std::uint64_t split_bytes = 0);
  ~ArchiveWriter();  // aborts when not committed
  ArchiveWriter(const ArchiveWriter&) = delete;
  ArchiveWriter& operator=(const ArchiveWriter&) = delete;

  // How members of this archive are encoded, for encode_member() on other threads.
  const EncodeSettings& encode_settings() const;
  // Appends one member (a file, or a symlink when link_target is set): encodes
  // it, then appends it. Fails as encode_member() and append() do.
  Result<MemberDigest> add(const ScrubbedItem& member);
  // Appends a member encoded with encode_settings(); members are in the
  // archive in the order of the calls. Returns its digest. Fails on a write
  // error (the message names the file and the errno text).
  Result<MemberDigest> append(const EncodedMember& member);
  // At least the bytes the archive would have if it ended now, without its
  // end-of-archive blocks: what is written, buffered, and (as an upper bound)
  // what the running compressor holds. For --max-size.
  std::uint64_t size_bound() const;
  // Ends the running member (frame) of small members, so that size_bound()
  // is exact: what is written and buffered. Fails on a write error.
  Result<void> settle();
  // Finishes the archive, fsyncs, renames NAME.partial to NAME, writes NAME.sha256.
  // Split: renames every part (NAME.part-NNN.partial, numbered as they came,
  // to NAME.part-NNN with part_width() digits), and NAME.sha256 lists NAME
  // (the joined stream) and then each part, in sha256sum's format.
  Result<CommittedBundle> commit();
  // Stops and removes NAME.partial. Safe to call more than once.
  void abort();

  struct State;

 private:
  explicit ArchiveWriter(std::unique_ptr<State> state);
  Result<void> finish_archive();
  Result<CommittedBundle> commit_parts(CommittedBundle bundle);
  std::unique_ptr<State> m_state;
};

}  // namespace vmsupport
