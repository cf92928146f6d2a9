// What memory this process holds: its resident set now, and its peak.
#pragma once

#include <cstdint>

namespace vmsupport {

// The resident set now (from /proc/self/statm), 0 when unknown.
std::uint64_t resident_bytes();

// The largest resident set so far (getrusage's ru_maxrss).
std::uint64_t peak_resident_bytes();

}  // namespace vmsupport
