// Text for HTML and XML (the report page, SVG charts): one escaper for both.
#pragma once

#include <string>
#include <string_view>

namespace vmsupport {

// `text` with & < > " ' replaced by character references (&#39; for the
// apostrophe: valid in HTML and in XML alike).
std::string escape_markup(std::string_view text);

}  // namespace vmsupport
