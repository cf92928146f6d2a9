// --split of a bundle that is already written whole: the encrypted NAME.gpg
// (gpg writes one file) cut into NAME.gpg.part-001, -002 ... as collect
// --split cuts a bundle while writing it, with the same NAME.sha256 (the
// whole, then each part), so that `upload`, `sha256sum -c` and
// `cat NAME.part-* > NAME` treat both alike.
#pragma once

#include <cstdint>

#include "bundle/archive_writer.h"
#include "util/result.h"

namespace vmsupport {

// Copies the committed file `bundle.path` into parts of at most `part_bytes`
// (named with part_width() digits), each written as .partial and fsynced;
// all are renamed only when all are written. Then NAME.sha256 lists NAME and
// every part, and NAME itself is removed. Returns the bundle with its parts
// (path, size and sha256 of the whole as before). On failure (disk full)
// the parts written so far are removed and NAME and its .sha256
// are kept as they were; the message says so.
// A second Ctrl-C meanwhile removes the .partial parts (host/interrupt.h).
Result<CommittedBundle> split_committed_file(const CommittedBundle& bundle, std::uint64_t part_bytes);

}  // namespace vmsupport
