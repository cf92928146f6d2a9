// index.html for the bundle being collected: the report's inputs taken from
// the RunRecord (the same data as manifest.json) and the documents already
// added, each scrubbed as its member was, so the page says what the members
// say. (Scrubbing the finished page alone would not do: a generic host name
// such as "vm" is replaced only where it stands as a name, in a JSON string
// for instance, not in an HTML table cell.) The caller still adds the page
// through the scrubber, like every document.
#pragma once

#include <map>
#include <string>

#include "bundle/documents.h"
#include "scrub/scrubber.h"

namespace vmsupport {

// The page, listing every member of `record` plus index.html and
// manifest.json (added after it). `documents` holds the contents, before
// scrubbing, of the members the report reads (wanted_for_report); they and
// the manifest go through `scrubber` first.
std::string render_run_report(const RunRecord& record, const std::map<std::string, std::string>& documents,
                              Scrubber& scrubber);

}  // namespace vmsupport
