// Pass 2 of `vmsupport scrub`: every member of the input, read again as a
// stream, becomes a CollectedItem (its path below the input's top directory,
// its bytes, its mtime; a symlink its target), goes through the scrubber and,
// unless left out, into the new archive. Left out, each with its reason:
// members larger than the cap, forbidden paths of the platform, unsafe names,
// devices and FIFOs, binaries the scrubber cannot clean, and names that
// collide once scrubbed. The input's own documents (README.txt, manifest.json,
// scrub-report.json) move to source-bundle/, its manifest without checksums;
// its index.html is left out (its facts, names and links are the old
// bundle's: the new bundle gets a page of its own).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "bundle/archive_reader.h"
#include "bundle/archive_writer.h"
#include "bundle/documents.h"
#include "pipeline/scrub_setup.h"

namespace vmsupport {

struct MemberCopySettings {
  std::string top_dir;                              // of the input; "" when it has none
  std::string scrubbed_top_dir;                     // top_dir scrubbed, for the items' "source"
  const std::vector<ForbidSpec>* forbid = nullptr;  // the platform's forbidden paths
  std::uint64_t max_member = 256ull << 20;          // larger members are left out
  const std::atomic<bool>* cancel = nullptr;        // set on SIGINT/SIGTERM
};

// What pass 2 left out on its own (the scrubber's own list is in its report):
// (scrubbed member path, reason).
using LeftOut = std::vector<std::pair<std::string, std::string>>;

// Copies the members of `reader` (opened anew) into `writer`; appends one
// ItemRecord per member written or left out, and keeps the scrubbed content
// of the members the report reads (case.json, changes/, cores/cores.json,
// performance charts) in `report_documents`. Fails on a read error (then
// reader.damaged() is true), a write error, or when cancelled.
Result<void> copy_members(ArchiveReader& reader, const MemberCopySettings& settings,
                          const ScrubSetup& scrub, ArchiveWriter& writer,
                          ItemLog& items, LeftOut& left_out,
                          std::map<std::string, std::string>& report_documents);

}  // namespace vmsupport
