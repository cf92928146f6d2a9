// Reading a bundle for `vmsupport inspect`, as one stream through the
// archive (nothing is extracted): the report's inputs, or one member's content.
#pragma once

#include <expected>
#include <ostream>
#include <string>
#include <vector>

#include "report/report_model.h"
#include "util/result.h"

namespace vmsupport {

struct InspectError {
  enum class Kind {
    unreadable,    // missing, not an archive, damaged or cut short
    not_a_bundle,  // no manifest.json at the top, or one that is not JSON
    no_member,     // --file: no such member
  };
  Kind kind = Kind::unreadable;
  Error error;
};

template <typename T>
using InspectResult = std::expected<T, InspectError>;

// manifest.json, the members the report reads and the list of every member
// of the bundle at `path`. Fails as described by InspectError::Kind.
InspectResult<ReportInputs> read_report_inputs(const std::string& path);

// Writes the content of member `member` (relative to the top directory, or
// the full name with it) to `out`; a symlink member is followed (another
// pass through the archive) when it points to a member. Fails with
// no_member, whose hint lists the closest names, or unreadable.
InspectResult<void> copy_member(const std::string& path, const std::string& member, std::ostream& out,
                                int depth = 0);

// Up to `count` member paths close to `wanted`: same file name first, then
// by edit distance (for "no such member" hints).
std::vector<std::string> close_matches(const std::string& wanted, const std::vector<std::string>& paths,
                                       std::size_t count = 5);

}  // namespace vmsupport
