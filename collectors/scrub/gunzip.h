// Decompressing gzip members (rotated logs such as vmkernel.0.gz) so they can
// be scrubbed: nothing compressed passes through unscrubbed. The output goes
// to a Body, so a large log is decompressed to a spool file, not to memory.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "host/spool.h"
#include "util/result.h"

namespace vmsupport {

// True when `bytes` starts with the gzip magic number.
bool is_gzip(std::string_view bytes);

// The compressed input, read from its start each time it is called: returns
// a function that yields the next chunk (empty at the end).
using GzipSource = std::function<std::function<Result<std::string_view>()>()>;

// A source over bytes in memory, and over a file range.
GzipSource gzip_source(std::string_view bytes);
GzipSource gzip_source(const FileRange& range);

struct Decompressed {
  std::uint64_t total = 0;  // decompressed size
  bool truncated = false;   // older bytes were left out (`out` holds the newest max_bytes)
};

// Decompresses a gzip stream (concatenated members too) into `out`, keeping
// its newest `max_bytes`; `out` must be empty. Large outputs are read twice
// rather than held. Fails on corrupt data and when `out` cannot be written.
Result<Decompressed> gunzip(const GzipSource& source, std::uint64_t max_bytes, Body& out);

}  // namespace vmsupport
