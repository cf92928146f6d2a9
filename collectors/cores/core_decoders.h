// CoreDecoder: one streaming decompressor (zstd, xz, lz4 frame, gzip) reading
// its compressed input front to back from a CoreByteSource. Internal to
// collectors/cores: the sequential source in core_source.cpp is built on it.
#pragma once

#include <memory>
#include <span>

#include "cores/core_source.h"
#include "util/result.h"

namespace vmsupport {

class CoreDecoder {
 public:
  virtual ~CoreDecoder() = default;

  // Decompresses the next bytes into `out` (not empty) and returns how many:
  // at least one, or 0 once the compressed data has ended cleanly. Fails on
  // corrupt data, on data that ends inside a frame, and on input errors; after
  // a failure the decoder is not called again.
  virtual Result<std::size_t> decode(std::span<char> out) = 0;
};

// A decoder for `compression` (not none) over `input`, which must outlive it.
// gzip goes through libarchive's raw format (zlib is not linked into the
// engine) and fails here when libarchive would need an external program.
Result<std::unique_ptr<CoreDecoder>> make_core_decoder(CoreCompression compression,
                                                       CoreByteSource& input);

}  // namespace vmsupport
