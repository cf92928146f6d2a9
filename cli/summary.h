// The human summary at the end of a collect, on stderr (stdout carries only
// what scripts read: the path with -q, the JSON object, or the bundle itself).
#pragma once

#include <string>

#include "pipeline/collect.h"

namespace vmsupport::cli {

// The summary's text: bundle (and parts), checksum, status, case, collectors
// by outcome, what was scrubbed and left out, problems, and the next step.
// Colour (ANSI) only when `colour`; the words carry the meaning either way.
std::string render_collect_summary(const CollectSummary& summary, const CaseInfo& case_info, bool colour);

// Writes it to stderr.
void print_collect_summary(const CollectSummary& summary, const CaseInfo& case_info, bool colour);

}  // namespace vmsupport::cli
