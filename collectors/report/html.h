// index.html: the report of a bundle as one self-contained page (inline CSS,
// charts as data: images, no external resource; one inline script only opens
// the folded sections for printing), readable from file:// after extraction
// and with scripts off.
// Pure functions from a ReportModel to text; the caller puts the page
// through the scrubber like every other document.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "report/report_model.h"

namespace vmsupport {

// A relative href to a member: each path segment percent-encoded (all but
// A-Z a-z 0-9 - . _ ~), so that names with spaces, '#', '?' or '%' link right.
std::string member_href(std::string_view member_path);

// The Files section lists at most this many members (in path order), then
// "N more members: see manifest.json": a bundle of 100,000 files keeps a
// page a browser opens, and a collect that stays in bounded memory.
inline constexpr std::size_t k_report_file_rows = 5000;

// The whole page.
std::string render_report_html(const ReportModel& model);

}  // namespace vmsupport
