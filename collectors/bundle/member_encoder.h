// One archive member, encoded ahead of the archive writer (on any thread): its
// tar header, data and padding, compressed into a gzip member (zstd frame) of
// its own when it is large, else left as tar bytes that the writer compresses
// together with its small neighbours (one gzip member per tiny file would
// cost compression ratio). Only a ScrubbedItem can be encoded, so only what
// the scrubber produced reaches the archive. Encoded bytes stay in memory up
// to a limit, beyond it in an unnamed spool file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "bundle/compressor.h"
#include "host/spool.h"
#include "scrub/scrubber.h"
#include "util/result.h"

namespace vmsupport {

struct MemberDigest {
  std::uint64_t size = 0;
  std::string sha256;
  std::uint64_t padded = 0;  // NUL bytes written for a file that shrank (or failed) while read
};

struct EncodeSettings {
  Compression compression = Compression::gzip;
  std::string top_dir;    // every member is placed under top_dir/
  std::string spool_dir;  // where large encoded members are kept ("" = $TMPDIR)
  // Members with at least this many tar bytes are compressed on their own.
  std::uint64_t compress_alone_from = 64 << 10;
  // Encoded bytes kept in memory; a member with more goes to a spool file.
  std::uint64_t memory_limit = k_in_memory_limit;
};

class EncodedMember {
 public:
  EncodedMember(EncodedMember&&) noexcept = default;
  EncodedMember& operator=(EncodedMember&&) noexcept = default;
  EncodedMember(const EncodedMember&) = delete;
  EncodedMember& operator=(const EncodedMember&) = delete;

  // True: complete gzip members (zstd frames), to be appended as they are.
  // False: plain tar bytes, for the writer to compress with its neighbours
  // (or to write as they are in an uncompressed archive).
  bool compressed() const { return m_compressed; }
  // Bytes of the encoding held in memory (for the collection's memory budget).
  std::uint64_t held_bytes() const { return m_memory.size(); }
  // Bytes the encoding will pass to the sink: exact when compressed(); else
  // the tar bytes, an upper bound of what they add to a compressed archive.
  std::uint64_t encoded_bytes() const {
    return m_memory.size() + (m_spool ? m_spool->length : 0) + (m_source ? m_source->length + 512 : 0);
  }
  // Passes the encoded bytes to `sink`, in order and in chunks, and returns
  // the member's digest: size, SHA-256 of its (uncompressed) content, padding.
  // A large member of an uncompressed archive is read from its source only
  // now, and hashed as it is read. Fails with the sink's first failure, or
  // when a spool file cannot be read.
  Result<MemberDigest> emit(const ByteSink& sink) const;

 private:
  friend Result<EncodedMember> encode_member(const ScrubbedItem& member, const EncodeSettings& settings);
  EncodedMember() = default;

  bool m_compressed = false;
  std::string m_memory;              // encoded bytes; with m_source: the tar header
  std::optional<FileRange> m_spool;  // encoded bytes too large for memory
  std::optional<FileRange> m_source; // data still to read (large member, uncompressed archive)
  MemberDigest m_digest;             // unknown (empty sha256) while m_source is set
};

// Encodes `member` as settings say. Thread-safe. Fails when libarchive cannot
// make its header, or a spool file cannot be created or written (the message
// names its directory and the errno text). A file range that has shrunk
// since it was opened is padded with NUL bytes to its planned size.
Result<EncodedMember> encode_member(const ScrubbedItem& member, const EncodeSettings& settings);

}  // namespace vmsupport
