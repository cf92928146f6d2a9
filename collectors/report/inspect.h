// Reading a bundle for `vmsupport inspect`, as one stream through the
// archive (nothing is extracted): the report's inputs, or one member's content.
#pragma once

#include <cstddef>
#include <expected>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "report/report_model.h"
#include "util/result.h"

namespace vmsupport {

struct InspectError {
  enum class Kind {
    unreadable,    // missing, encrypted, not an archive, damaged or cut short
    not_a_bundle,  // no manifest.json at the top, or one that is not JSON
    no_member,     // --file: no such member, or a directory
  };
  Kind kind = Kind::unreadable;
  Error error;
};

template <typename T>
using InspectResult = std::expected<T, InspectError>;

// The name inspect reads standard input by.
inline constexpr std::string_view k_stdin_bundle = "-";

// --file copies a member in pieces of this size: constant memory whatever its
// size, and a pager shows the first screen at once.
inline constexpr std::size_t k_member_chunk = 1 << 20;

// manifest.json, the members the report reads and the list of every member
// of the bundle at `path` ("-": standard input). Fails as described by
// InspectError::Kind; a missing file is "no such file", an OpenPGP file is
// "encrypted" with the gpg command that decrypts it.
InspectResult<ReportInputs> read_report_inputs(const std::string& path);

// Hands the content of member `member` (relative to the top directory, or
// the full name with it) to `sink` in pieces of k_member_chunk bytes, until
// the end or until `sink` returns false. A symlink member is followed
// (another pass through the archive) when it points to a member. Fails with
// no_member, whose hint lists the closest names (or, for a directory, some
// members under it), or unreadable.
InspectResult<void> copy_member(const std::string& path, const std::string& member,
                                const std::function<bool(std::string_view)>& sink, int depth = 0);

// Up to `count` member paths close to `wanted`: same file name first, then
// by edit distance (for "no such member" hints).
std::vector<std::string> close_matches(const std::string& wanted, const std::vector<std::string>& paths,
                                       std::size_t count = 5);

}  // namespace vmsupport
