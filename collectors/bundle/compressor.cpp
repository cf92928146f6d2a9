// Compressor (see compressor.h): gzip with libdeflate, one gzip member per
// 256 KiB of input (libdeflate compresses whole buffers, at level 6 in about
// two thirds of zlib's time and a little smaller; a member per 256 KiB costs
// under 1% of the ratio on logs), or zstd with a ZSTD_CCtx.
#include "bundle/compressor.h"

#include <libdeflate.h>
#include <zstd.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace vmsupport {

namespace {

constexpr int k_gzip_level = 6;  // as gzip's and `tar czf`'s default
constexpr int k_zstd_level = 3;  // libarchive's and zstd's default
constexpr std::size_t k_buffer_size = 128 << 10;
// Input of one gzip member.
constexpr std::size_t k_gzip_member = 256 << 10;

struct DeflateFree {
  void operator()(libdeflate_compressor* c) const { libdeflate_free_compressor(c); }
};

// libdeflate's state (about 0.5 MiB at level 6) is made once per thread and
// reused: members are compressed on a few long-lived threads.
libdeflate_compressor* thread_deflater() {
  thread_local std::unique_ptr<libdeflate_compressor, DeflateFree> deflater(
      libdeflate_alloc_compressor(k_gzip_level));
  return deflater.get();
}

}  // namespace

struct Compressor::State {
  Compression compression = Compression::gzip;
  std::string input;  // gzip: what the next member will hold
  ZSTD_CCtx* zstd = nullptr;
  std::vector<unsigned char> buffer;  // zstd's output
  bool pending = false;

  ~State() { ZSTD_freeCCtx(zstd); }

  Result<void> drain(std::size_t used, const ByteSink& sink) {
    if (used == 0) return {};
    return sink(std::string_view(reinterpret_cast<const char*>(buffer.data()), used));
  }

  // `bytes` as one gzip member to `sink`, through the thread's output buffer
  // (the sink does not compress on this thread while it holds it).
  Result<void> gzip_member(std::string_view bytes, const ByteSink& sink) {
    libdeflate_compressor* deflater = thread_deflater();
    if (!deflater) return fail("cannot start gzip compression: out of memory");
    thread_local std::vector<char> output;
    output.resize(std::max(output.size(), libdeflate_gzip_compress_bound(deflater, bytes.size())));
    const std::size_t size = libdeflate_gzip_compress(deflater, bytes.data(), bytes.size(), output.data(), output.size());
    if (size == 0) return fail("gzip compression failed: output larger than its bound");
    return sink(std::string_view(output.data(), size));
  }

  // Adds `bytes` to the member being gathered; passes on each member that is full.
  Result<void> gzip_all(std::string_view bytes, const ByteSink& sink) {
    if (input.empty() && bytes.size() >= k_gzip_member) {
      // Whole members straight from the caller's buffer, without a copy.
      while (bytes.size() >= k_gzip_member) {
        if (auto ok = gzip_member(bytes.substr(0, k_gzip_member), sink); !ok) return ok;
        bytes.remove_prefix(k_gzip_member);
      }
    }
    while (!bytes.empty()) {
      const std::size_t take = std::min(bytes.size(), k_gzip_member - input.size());
      input.append(bytes.substr(0, take));
      bytes.remove_prefix(take);
      if (input.size() == k_gzip_member) {
        if (auto ok = gzip_member(input, sink); !ok) return ok;
        input.clear();
      }
    }
    return {};
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
    if (!thread_deflater()) return fail("cannot start gzip compression: out of memory");
  } else if (compression == Compression::zstd) {
    state->buffer.resize(k_buffer_size);
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
  if (bytes.empty()) return {};
  auto ok = state.compression == Compression::gzip ? state.gzip_all(bytes, sink)
                                                   : state.zstd_all(bytes, ZSTD_e_continue, sink);
  if (!ok) return ok;
  state.pending = true;
  return {};
}

Result<void> Compressor::finish(const ByteSink& sink) {
  State& state = *m_state;
  state.pending = false;
  if (state.compression == Compression::zstd) return state.zstd_all({}, ZSTD_e_end, sink);
  if (state.input.empty()) return {};  // every byte written is in a complete member
  auto ok = state.gzip_member(state.input, sink);
  state.input.clear();
  return ok;
}

bool Compressor::pending() const { return m_state->pending; }

}  // namespace vmsupport
