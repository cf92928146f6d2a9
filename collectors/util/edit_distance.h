// The edit distance between two words, for "did you mean" hints (manifest
// keys, member names of `inspect --file`).
#pragma once

#include <cstddef>
#include <string_view>

namespace vmsupport {

// The Levenshtein distance between `a` and `b`: insertions, deletions and
// substitutions of single bytes.
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace vmsupport
