// index.html for the bundle being collected: the report's inputs taken from
// the RunRecord (the same data as manifest.json) and the documents already
// added, so the page says what manifest.json says. The caller adds the page
// through the scrubber.
#pragma once

#include <map>
#include <string>

#include "bundle/documents.h"

namespace vmsupport {

// The page, listing every member of `record` plus index.html and
// manifest.json (added after it). `documents` holds the contents, before
// scrubbing, of the members the report reads (wanted_for_report).
std::string render_run_report(const RunRecord& record, const std::map<std::string, std::string>& documents);

}  // namespace vmsupport
