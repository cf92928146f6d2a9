// Streaming gzip and zstd compression (libdeflate and libzstd used directly):
// bytes in, compressed bytes out to a sink; gzip as one complete member per
// 256 KiB of input, zstd as one frame per finish(). A file of such members
// (frames) one after the other is a valid .tgz (.tar.zst): that is how
// members compressed on different threads make one archive. Levels are those
// of `tar czf` and of libarchive's zstd filter: gzip 6, zstd 3.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "util/result.h"

namespace vmsupport {

enum class Compression { gzip, zstd, none };

// Where encoded bytes go, in order; a failure stops the producer.
using ByteSink = std::function<Result<void>(std::string_view)>;

class Compressor {
 public:
  // A compressor for `compression` (gzip or zstd; none is a programming error).
  // Fails only when the library cannot set up its state (out of memory).
  static Result<Compressor> create(Compression compression);
  Compressor(Compressor&& other) noexcept;
  Compressor& operator=(Compressor&& other) noexcept;
  ~Compressor();

  // Compresses `bytes`, passing output to `sink` whenever its buffer fills.
  // Fails with the sink's failure, or on a library error.
  Result<void> write(std::string_view bytes, const ByteSink& sink);
  // Ends the current member (frame) and passes the rest of it to `sink`; the
  // next write() starts a new one. Fails as write() does. gzip: passes
  // nothing when nothing was written since the last finish().
  Result<void> finish(const ByteSink& sink);
  // True when bytes were written since the last finish().
  bool pending() const;

  struct State;

 private:
  explicit Compressor(std::unique_ptr<State> state);
  std::unique_ptr<State> m_state;
};

}  // namespace vmsupport
