// Reading a small text file that a person gave (a manifest, the site config)
// without trusting it: only a regular file (a FIFO would block, a device could
// be endless), and at most a cap, checked before reading and while reading
// (the file may grow).
#pragma once

#include <cstdint>
#include <string>

#include "util/result.h"

namespace vmsupport {

// The whole content of `path`. Fails naming the path: cannot open it (Error::code
// is errno), not a regular file, or larger than `max_bytes` ("what" names the
// kind of file in that message: "a manifest").
Result<std::string> read_small_file(const std::string& path, std::uint64_t max_bytes, const std::string& what);

}  // namespace vmsupport
