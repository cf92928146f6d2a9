// index.html for the bundle being collected or scrubbed: the report's inputs
// taken from the run's record (the same data as manifest.json) and the
// documents already added, as their members hold them, so the page says what
// the members say.
#pragma once

#include <map>
#include <string>

#include "bundle/documents.h"
#include "bundle/rescrub_documents.h"
#include "scrub/scrubber.h"

namespace vmsupport {

// The page of a collect, listing every member of `record` plus index.html and
// manifest.json (added after it). The manifest part is rendered from the
// record's scrubbed values, like manifest.json itself; `documents` holds the
// members the report reads (wanted_for_report) as scrubbed, and
// record.report_documents the charts, which go through `scrubber` here. The
// caller adds the page as rendered (Scrubber::rendered): scrubbing the
// finished page again would give its pseudonyms pseudonyms.
std::string render_run_report(const RunRecord& record, const std::map<std::string, std::string>& documents,
                              Scrubber& scrubber);

// The page of a bundle made by `vmsupport scrub`, from its own data, the same
// way: `record` (its items so far) plus index.html and manifest.json;
// `documents` holds scrub-report.json before scrubbing, `scrubbed_documents`
// the members the report reads as the copy wrote them (already scrubbed).
std::string render_rescrub_report(const RescrubRecord& record, const std::map<std::string, std::string>& documents,
                                  const std::map<std::string, std::string>& scrubbed_documents, Scrubber& scrubber);

}  // namespace vmsupport
