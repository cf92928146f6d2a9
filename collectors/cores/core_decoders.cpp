// The four CoreDecoders: libzstd's ZSTD_decompressStream, liblzma's stream
// decoder (concatenated .xz streams, memory capped), liblz4's frame API, and
// gzip through libarchive's raw format with its built-in gzip filter. Each
// pulls its compressed input in 64 KiB chunks from a CoreByteSource, so memory
// stays at the input chunk plus the decoder's own window.
#include "cores/core_decoders.h"

#include <archive.h>
#include <archive_entry.h>
#include <lz4frame.h>
#include <lzma.h>
#include <zstd.h>

#include <cerrno>
#include <variant>
#include <vector>

namespace vmsupport {
namespace {

constexpr std::size_t k_input_chunk = 64 * 1024;
// liblzma refuses streams whose dictionary needs more than this (xz -9 needs
// 65 MiB; systemd-coredump uses the default preset, 9 MiB).
constexpr std::uint64_t k_xz_memory_limit = 256ull << 20;

// The compressed bytes, handed out one chunk at a time, front to back.
class CompressedInput {
 public:
  explicit CompressedInput(CoreByteSource& source) : m_source(source), m_buffer(k_input_chunk) {}

  // The next chunk of input; empty at the end of the input.
  Result<std::span<const char>> next() {
    auto got = m_source.read_at(m_offset, m_buffer);
    if (!got) return std::unexpected(got.error());
    m_offset += *got;
    return std::span<const char>(m_buffer.data(), *got);
  }

 private:
  CoreByteSource& m_source;
  std::uint64_t m_offset = 0;
  std::vector<char> m_buffer;
};

class ZstdDecoder final : public CoreDecoder {
 public:
  explicit ZstdDecoder(CoreByteSource& input) : m_input(input), m_context(ZSTD_createDStream()) {}
  ~ZstdDecoder() override { ZSTD_freeDStream(m_context); }
  ZstdDecoder(const ZstdDecoder&) = delete;
  ZstdDecoder& operator=(const ZstdDecoder&) = delete;

  bool ready() const { return m_context != nullptr; }

  Result<std::size_t> decode(std::span<char> out) override {
    ZSTD_outBuffer output{out.data(), out.size(), 0};
    for (;;) {
      const std::size_t consumed_before = m_in.pos;
      const std::size_t hint = ZSTD_decompressStream(m_context, &output, &m_in);
      if (ZSTD_isError(hint)) return fail("zstd: ", ZSTD_getErrorName(hint));
      // A call without input or output (past the last frame) says nothing.
      if (m_in.pos != consumed_before || output.pos > 0) m_frame_open = hint != 0;
      if (output.pos > 0) return output.pos;
      if (m_in.pos < m_in.size) continue;
      if (m_at_end) {
        if (m_frame_open) return fail("zstd: the compressed data ends inside a frame");
        return 0;
      }
      auto chunk = m_input.next();
      if (!chunk) return std::unexpected(chunk.error());
      m_in = ZSTD_inBuffer{chunk->data(), chunk->size(), 0};
      m_at_end = chunk->empty();
    }
  }

 private:
  CompressedInput m_input;
  ZSTD_DStream* m_context;
  ZSTD_inBuffer m_in{nullptr, 0, 0};
  bool m_at_end = false;
  bool m_frame_open = false;
};

const char* lzma_error_text(lzma_ret code) {
  switch (code) {
    case LZMA_MEM_ERROR:
      return "out of memory";
    case LZMA_MEMLIMIT_ERROR:
      return "the stream needs more memory than the 256 MiB allowed";
    case LZMA_FORMAT_ERROR:
      return "not in the .xz format";
    case LZMA_OPTIONS_ERROR:
      return "unsupported compression options";
    case LZMA_DATA_ERROR:
      return "corrupt compressed data";
    case LZMA_BUF_ERROR:
      return "the compressed data ends early";
    default:
      return "internal error";
  }
}

class XzDecoder final : public CoreDecoder {
 public:
  explicit XzDecoder(CoreByteSource& input) : m_input(input) {}
  ~XzDecoder() override { lzma_end(&m_stream); }
  XzDecoder(const XzDecoder&) = delete;
  XzDecoder& operator=(const XzDecoder&) = delete;

  Result<std::monostate> start() {
    const lzma_ret code = lzma_stream_decoder(&m_stream, k_xz_memory_limit, LZMA_CONCATENATED);
    if (code != LZMA_OK) return fail("xz: ", lzma_error_text(code));
    return std::monostate{};
  }

  Result<std::size_t> decode(std::span<char> out) override {
    if (m_ended) return 0;
    for (;;) {
      if (m_stream.avail_in == 0 && !m_at_end) {
        auto chunk = m_input.next();
        if (!chunk) return std::unexpected(chunk.error());
        m_stream.next_in = reinterpret_cast<const std::uint8_t*>(chunk->data());
        m_stream.avail_in = chunk->size();
        m_at_end = chunk->empty();
      }
      m_stream.next_out = reinterpret_cast<std::uint8_t*>(out.data());
      m_stream.avail_out = out.size();
      const lzma_ret code = lzma_code(&m_stream, m_at_end ? LZMA_FINISH : LZMA_RUN);
      const std::size_t produced = out.size() - m_stream.avail_out;
      if (code == LZMA_STREAM_END)
        m_ended = true;
      else if (code != LZMA_OK)
        return produced > 0 ? produced : fail_code(code);
      if (produced > 0 || m_ended) return produced;
    }
  }

 private:
  static Result<std::size_t> fail_code(lzma_ret code) {
    return fail("xz: ", lzma_error_text(code));
  }

  CompressedInput m_input;
  lzma_stream m_stream = LZMA_STREAM_INIT;
  bool m_at_end = false;
  bool m_ended = false;
};

class Lz4Decoder final : public CoreDecoder {
 public:
  explicit Lz4Decoder(CoreByteSource& input) : m_input(input) {
    if (LZ4F_isError(LZ4F_createDecompressionContext(&m_context, LZ4F_VERSION)))
      m_context = nullptr;
  }
  ~Lz4Decoder() override { LZ4F_freeDecompressionContext(m_context); }
  Lz4Decoder(const Lz4Decoder&) = delete;
  Lz4Decoder& operator=(const Lz4Decoder&) = delete;

  bool ready() const { return m_context != nullptr; }

  Result<std::size_t> decode(std::span<char> out) override {
    for (;;) {
      if (m_pending.empty() && !m_at_end) {
        auto chunk = m_input.next();
        if (!chunk) return std::unexpected(chunk.error());
        m_pending = *chunk;
        m_at_end = chunk->empty();
      }
      std::size_t produced = out.size();
      std::size_t consumed = m_pending.size();
      const std::size_t hint =
          LZ4F_decompress(m_context, out.data(), &produced, m_pending.data(), &consumed, nullptr);
      if (LZ4F_isError(hint)) return fail("lz4: ", LZ4F_getErrorName(hint));
      m_pending = m_pending.subspan(consumed);
      if (consumed > 0 || produced > 0) m_frame_open = hint != 0;
      if (produced > 0) return produced;
      if (m_at_end) {
        if (m_frame_open) return fail("lz4: the compressed data ends inside a frame");
        return 0;
      }
      if (consumed == 0 && !m_pending.empty()) return fail("lz4: the decoder made no progress");
    }
  }

 private:
  CompressedInput m_input;
  LZ4F_dctx* m_context = nullptr;
  std::span<const char> m_pending;
  bool m_at_end = false;
  bool m_frame_open = false;
};

// gzip through libarchive: the "raw" format hands out the filter's output as
// the data of one entry.
class GzipDecoder final : public CoreDecoder {
 public:
  explicit GzipDecoder(CoreByteSource& input) : m_input(input), m_archive(archive_read_new()) {}
  ~GzipDecoder() override { archive_read_free(m_archive); }
  GzipDecoder(const GzipDecoder&) = delete;
  GzipDecoder& operator=(const GzipDecoder&) = delete;

  Result<std::monostate> start() {
    if (m_archive == nullptr) return fail("gzip: libarchive could not be set up");
    // ARCHIVE_WARN means "would run the external gzip program": not here.
    if (archive_read_support_filter_gzip(m_archive) != ARCHIVE_OK)
      return fail("gzip: this libarchive has no built-in gzip support");
    if (archive_read_support_format_raw(m_archive) != ARCHIVE_OK ||
        archive_read_open(m_archive, this, nullptr, &GzipDecoder::read_input, nullptr) !=
            ARCHIVE_OK)
      return archive_failure();
    archive_entry* entry = nullptr;
    if (archive_read_next_header(m_archive, &entry) != ARCHIVE_OK) return archive_failure();
    return std::monostate{};
  }

  Result<std::size_t> decode(std::span<char> out) override {
    const la_ssize_t got = archive_read_data(m_archive, out.data(), out.size());
    if (got < 0) return archive_failure();
    return static_cast<std::size_t>(got);
  }

 private:
  std::unexpected<Error> archive_failure() {
    const char* text = archive_error_string(m_archive);
    return fail("gzip: ", text != nullptr ? text : "libarchive failed");
  }

  static la_ssize_t read_input(archive* handle, void* self, const void** buffer) {
    auto chunk = static_cast<GzipDecoder*>(self)->m_input.next();
    if (!chunk) {
      archive_set_error(handle, EIO, "%s", chunk.error().message.c_str());
      return -1;
    }
    *buffer = chunk->data();
    return static_cast<la_ssize_t>(chunk->size());
  }

  CompressedInput m_input;
  archive* m_archive;
};

}  // namespace

Result<std::unique_ptr<CoreDecoder>> make_core_decoder(CoreCompression compression,
                                                       CoreByteSource& input) {
  switch (compression) {
    case CoreCompression::zstd: {
      auto decoder = std::make_unique<ZstdDecoder>(input);
      if (!decoder->ready()) return fail("zstd: cannot create a decompression context");
      return decoder;
    }
    case CoreCompression::xz: {
      auto decoder = std::make_unique<XzDecoder>(input);
      if (auto started = decoder->start(); !started) return std::unexpected(started.error());
      return decoder;
    }
    case CoreCompression::lz4: {
      auto decoder = std::make_unique<Lz4Decoder>(input);
      if (!decoder->ready()) return fail("lz4: cannot create a decompression context");
      return decoder;
    }
    case CoreCompression::gzip: {
      auto decoder = std::make_unique<GzipDecoder>(input);
      if (auto started = decoder->start(); !started) return std::unexpected(started.error());
      return decoder;
    }
    case CoreCompression::none:
      break;
  }
  return fail("no decoder for uncompressed data");
}

}  // namespace vmsupport
