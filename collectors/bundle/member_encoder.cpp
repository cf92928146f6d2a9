// encode_member() and EncodedMember::emit() (see member_encoder.h). A member
// is header + data + zero padding to a block; the data comes from memory or
// is streamed from a file range chunk by chunk, hashed on the way.
#include "bundle/member_encoder.h"

#include <algorithm>

#include "bundle/tar_header.h"
#include "util/sha256.h"

namespace vmsupport {
namespace {

// Passes `count` NUL bytes to `sink` (and to `hash`, when given).
Result<void> write_zeros(std::uint64_t count, const ByteSink& sink, Sha256* hash = nullptr) {
  static const std::string zeros(k_chunk_size, '\0');
  for (std::uint64_t left = count; left > 0;) {
    const std::string_view part(zeros.data(), static_cast<std::size_t>(std::min<std::uint64_t>(left, zeros.size())));
    if (hash) hash->update(part);
    if (auto ok = sink(part); !ok) return ok;
    left -= part.size();
  }
  return {};
}

// Streams a file range to `sink`; a file that shrank since it was opened (or
// failed to read) is completed with NUL bytes to the size already written in
// the member's header. Fails only with the sink's failure.
Result<MemberDigest> stream_range(const FileRange& range, const ByteSink& sink) {
  Sha256 hash;
  std::uint64_t copied = 0;
  std::optional<Error> sink_error;
  (void)for_each_chunk(range, k_chunk_size, [&](std::string_view chunk) -> Result<void> {
    hash.update(chunk);
    auto ok = sink(chunk);
    if (!ok) sink_error = ok.error();
    copied += ok ? chunk.size() : 0;
    return ok;
  });
  if (sink_error) return std::unexpected(*sink_error);
  MemberDigest digest{range.length, {}, range.length - copied};
  if (auto ok = write_zeros(digest.padded, sink, &hash); !ok) return std::unexpected(ok.error());
  digest.sha256 = hash.hex_digest();
  return digest;
}

// The member's data (none for a symlink), then its padding to a whole block.
Result<MemberDigest> write_data(const CollectedItem& item, const ByteSink& sink) {
  MemberDigest digest{0, {}, 0};
  if (!item.link_target.empty()) {
    digest.sha256 = sha256_hex("");
  } else if (item.body) {
    auto streamed = stream_range(*item.body, sink);
    if (!streamed) return streamed;
    digest = std::move(*streamed);
  } else {
    if (auto ok = sink(item.content); !ok) return std::unexpected(ok.error());
    digest = MemberDigest{item.content.size(), sha256_hex(item.content), 0};
  }
  if (auto ok = write_zeros(tar_padding(digest.size), sink); !ok) return std::unexpected(ok.error());
  return digest;
}

// Header, data and padding through one new gzip member (zstd frame) into `out`.
Result<MemberDigest> compress_member(const CollectedItem& item, const std::string& header,
                                     Compression compression, Body& out) {
  auto compressor = Compressor::create(compression);
  if (!compressor) return std::unexpected(compressor.error());
  const ByteSink to_out = [&out](std::string_view bytes) { return out.append(bytes); };
  const ByteSink to_compressor = [&](std::string_view bytes) { return compressor->write(bytes, to_out); };
  if (auto ok = to_compressor(header); !ok) return std::unexpected(ok.error());
  auto digest = write_data(item, to_compressor);
  if (!digest) return digest;
  if (auto ok = compressor->finish(to_out); !ok) return std::unexpected(ok.error());
  return digest;
}

}  // namespace

Result<MemberDigest> EncodedMember::emit(const ByteSink& sink) const {
  if (!m_memory.empty()) {
    if (auto ok = sink(m_memory); !ok) return std::unexpected(ok.error());
  }
  if (m_spool) {
    auto copied = for_each_chunk(*m_spool, k_chunk_size, sink);
    if (!copied) return std::unexpected(copied.error());
    if (*copied != m_spool->length) return fail("a spool file of the archive was cut short");
  }
  if (!m_source) return m_digest;
  auto digest = stream_range(*m_source, sink);
  if (!digest) return digest;
  if (auto ok = write_zeros(tar_padding(digest->size), sink); !ok) return std::unexpected(ok.error());
  return digest;
}

Result<EncodedMember> encode_member(const ScrubbedItem& member, const EncodeSettings& settings) {
  const CollectedItem& item = member.item();
  auto header = tar_header(item, settings.top_dir);
  if (!header) return std::unexpected(header.error());
  EncodedMember encoded;
  const std::uint64_t size = item.link_target.empty() ? item.content_size() : 0;
  const std::uint64_t tar_bytes = header->size() + size + tar_padding(size);
  if (settings.compression == Compression::none && item.body && item.link_target.empty()) {
    // Nothing to gain from copying it ahead: the writer streams it from its file.
    encoded.m_memory = std::move(*header);
    encoded.m_source = item.body;
    encoded.m_digest.size = size;
    return encoded;
  }
  if (settings.compression == Compression::none || tar_bytes < settings.compress_alone_from) {
    header->reserve(static_cast<std::size_t>(tar_bytes));
    encoded.m_memory = std::move(*header);
    auto digest = write_data(item, [&encoded](std::string_view bytes) -> Result<void> {
      encoded.m_memory.append(bytes);
      return {};
    });
    if (!digest) return std::unexpected(digest.error());
    encoded.m_digest = std::move(*digest);
    return encoded;
  }
  Body out(settings.spool_dir, settings.memory_limit);
  auto digest = compress_member(item, *header, settings.compression, out);
  if (!digest) return std::unexpected(digest.error());
  encoded.m_compressed = true;
  encoded.m_digest = std::move(*digest);
  if (out.in_memory()) encoded.m_memory = out.take_memory();
  else encoded.m_spool = out.range();
  return encoded;
}

}  // namespace vmsupport
