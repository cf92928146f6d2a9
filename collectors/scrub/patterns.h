// Values found by their shape anywhere in text: IPv4, IPv6, MAC addresses and
// e-mail addresses. Candidates are validated and checked against the traps
// that make other tools mangle logs: version strings (7.0.3,
// 12.1.5.20735119), OIDs (1.2.840.113549.1.1.11), UUIDs, PCI addresses
// (0000:3b:00.0), hex ids, timestamps (08:20:00.123), naa. device ids.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "scrub/category.h"

namespace vmsupport {

struct PatternMatch {
  std::size_t begin = 0;   // byte offset of the value
  std::size_t end = 0;     // one past its last byte (an IPv6 zone id "%eth0" is not included)
  Category category = Category::ipv4;  // ipv4, ipv6, mac or email
};

// Every address in `text`, validated, in order, not overlapping. Thread-safe,
// allocation only for the result. Never throws.
std::vector<PatternMatch> find_patterns(std::string_view text);
// The same into `found` (cleared first), which keeps its capacity from one
// text to the next: a chunk's matches fill hundreds of KiB.
void find_patterns(std::string_view text, std::vector<PatternMatch>& found);

namespace detail {
// The first position from `i` where an address may start (a hex digit or ':'
// not after a letter or digit) or an '@' stands; text.size() when none.
// Vectorised where the CPU allows; next_candidate_scalar() is its definition.
std::size_t next_candidate(std::string_view text, std::size_t i);
std::size_t next_candidate_scalar(std::string_view text, std::size_t i);
}  // namespace detail

}  // namespace vmsupport
