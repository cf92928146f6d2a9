// Decompressing gzip members (rotated logs such as vmkernel.0.gz) so they can
// be scrubbed: nothing compressed passes through unscrubbed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.h"

namespace vmsupport {

// True when `bytes` starts with the gzip magic number.
bool is_gzip(std::string_view bytes);

struct Decompressed {
  std::string bytes;              // the newest `max_bytes` of the decompressed data
  std::uint64_t total = 0;        // decompressed size
  bool truncated = false;
};

// Decompresses a gzip stream (concatenated members too). Fails on corrupt data.
Result<Decompressed> gunzip(std::string_view compressed, std::uint64_t max_bytes);

}  // namespace vmsupport
