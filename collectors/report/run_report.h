// index.html for the bundle being collected: the report's inputs taken from
// the RunRecord (the same data as manifest.json, rendered from the same
// scrubbed values) and the documents already added, as their members hold
// them, so the page says what the members say. The caller adds the page as
// rendered (Scrubber::rendered): scrubbing the finished page again would give
// its pseudonyms pseudonyms, and a generic host name such as "vm" is replaced
// only where it stands as a name, in a JSON string for instance, not in an
// HTML table cell.
#pragma once

#include <map>
#include <string>

#include "bundle/documents.h"

namespace vmsupport {

// The page, listing every member of `record` plus index.html and
// manifest.json (added after it). `documents` holds the contents, as
// scrubbed, of the members the report reads (wanted_for_report).
std::string render_run_report(const RunRecord& record, const std::map<std::string, std::string>& documents);

}  // namespace vmsupport
