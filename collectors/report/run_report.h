// index.html for the bundle being collected or scrubbed: the report's inputs taken from
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
#include "bundle/rescrub_documents.h"
#include "scrub/scrubber.h"

namespace vmsupport {

// The page, listing every member of `record` plus index.html and
// manifest.json (added after it). `documents` holds the contents, before
// scrubbing, of the members the report reads (wanted_for_report); they and
// the manifest go through `scrubber` first.
std::string render_run_report(const RunRecord& record, const std::map<std::string, std::string>& documents,
                              Scrubber& scrubber);

// The page of a bundle made by `vmsupport scrub`, from its own data, the same
// way: `record` (its items so far) plus index.html and manifest.json;
// `documents` holds scrub-report.json before scrubbing, `scrubbed_documents`
// the members the report reads as the copy wrote them (already scrubbed).
std::string render_rescrub_report(const RescrubRecord& record, const std::map<std::string, std::string>& documents,
                                  const std::map<std::string, std::string>& scrubbed_documents, Scrubber& scrubber);

}  // namespace vmsupport
