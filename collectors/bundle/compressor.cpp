// Compressor: a z_stream with a gzip wrapper (deflateInit2, windowBits 15+16)
// or a ZSTD_CCtx, and one output buffer (see compressor.h).
#include "bundle/compressor.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <vector>

namespace vmsupport {

namespace {

constexpr int k_gzip_level = 6;  // zlib's default, as gzip and `tar czf`
constexpr int k_zstd_level = 3;  // libarchive's and zstd's default
constexpr std::size_t k_buffer_size = 128 << 10;
// zlib counts in 32-bit unsigned ints: feed it at most this much at a time.
constexpr std::size_t k_zlib_step = 1u << 30;

}  // namespace

struct Compressor::State {
  Compression compression = Compression::gzip;
  z_stream zlib{};
  bool zlib_ready = false;
  ZSTD_CCtx* zstd = nullptr;
  std::vector<unsigned char> buffer = std::vector<unsigned char>(k_buffer_size);
  bool pending = false;

  ~State() {
    if (zlib_ready) deflateEnd(&zlib);
    ZSTD_freeCCtx(zstd);
  }

  Result<void> drain(std::size_t used, const ByteSink& sink) {
    if (used == 0) return {};
    return sink(std::string_view(reinterpret_cast<const char*>(buffer.data()), used));
  }

  // Runs deflate until the input is consumed (flush Z_NO_FLUSH) or the member ends (Z_FINISH).
  Result<void> deflate_all(std::string_view bytes, int flush, const ByteSink& sink) {
    zlib.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    zlib.avail_in = static_cast<uInt>(bytes.size());
    while (true) {
      zlib.next_out = buffer.data();
      zlib.avail_out = static_cast<uInt>(buffer.size());
      const int status = deflate(&zlib, flush);
      if (status == Z_STREAM_ERROR) return fail("gzip compression failed: ", zlib.msg ? zlib.msg : "stream error");
      if (auto ok = drain(buffer.size() - zlib.avail_out, sink); !ok) return ok;
      if (flush == Z_FINISH ? status == Z_STREAM_END : zlib.avail_in == 0 && zlib.avail_out > 0) return {};
    }
  }

  // Runs ZSTD_compressStream2 until the input is consumed (continue) or the frame ends (end).
  Result<void> zstd_all(std::string_view bytes, ZSTD_EndDirective mode, const ByteSink& sink) {
    ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
    while (true) {
      ZSTD_outBuffer out{buffer.data(), buffer.size(), 0};
      const std::size_t left = ZSTD_compressStream2(zstd, &out, &in, mode);
      if (ZSTD_isError(left)) return fail("zstd compression failed: ", ZSTD_getErrorName(left));
      if (auto ok = drain(out.pos, sink); !ok) return ok;
      if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size) return {};
    }
  }
};

Compressor::Compressor(std::unique_ptr<State> state) : m_state(std::move(state)) {}
Compressor::Compressor(Compressor&& other) noexcept = default;
Compressor& Compressor::operator=(Compressor&& other) noexcept = default;
Compressor::~Compressor() = default;

Result<Compressor> Compressor::create(Compression compression) {
  auto state = std::make_unique<State>();
  state->compression = compression;
  if (compression == Compression::gzip) {
    if (deflateInit2(&state->zlib, k_gzip_level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      return fail("cannot start gzip compression: out of memory");
    }
    state->zlib_ready = true;
  } else if (compression == Compression::zstd) {
    state->zstd = ZSTD_createCCtx();
    if (!state->zstd || ZSTD_isError(ZSTD_CCtx_setParameter(state->zstd, ZSTD_c_compressionLevel, k_zstd_level))) {
      return fail("cannot start zstd compression: out of memory");
    }
  } else {
    return fail("no compressor for an uncompressed archive");
  }
  return Compressor(std::move(state));
}

Result<void> Compressor::write(std::string_view bytes, const ByteSink& sink) {
  State& state = *m_state;
  while (!bytes.empty()) {
    const std::string_view step = bytes.substr(0, std::min(bytes.size(), k_zlib_step));
    auto ok = state.compression == Compression::gzip ? state.deflate_all(step, Z_NO_FLUSH, sink)
                                                     : state.zstd_all(step, ZSTD_e_continue, sink);
    if (!ok) return ok;
    state.pending = true;
    bytes.remove_prefix(step.size());
  }
  return {};
}

Result<void> Compressor::finish(const ByteSink& sink) {
  State& state = *m_state;
  state.pending = false;
  if (state.compression == Compression::zstd) return state.zstd_all({}, ZSTD_e_end, sink);
  auto ok = state.deflate_all({}, Z_FINISH, sink);
  deflateReset(&state.zlib);
  return ok;
}

bool Compressor::pending() const { return m_state->pending; }

}  // namespace vmsupport
