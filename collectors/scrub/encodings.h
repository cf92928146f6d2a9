// The encodings a name takes in the files of a bundle, so that a VM called
// "Payroll DB" is found as Payroll%20DB, Payroll+DB, Payroll\x20DB, and
// "R&D" as R&amp;D or R\u0026D. Each returns the encoded form of any text;
// the scrubber encodes both the original and its pseudonym the same way.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vmsupport {

// json_html: \u0026 \u003c \u003e for & < > as Go's encoding/json writes them.
enum class Encoding { raw, url, url_plus, xml, xml_numeric, json, json_unicode, json_html, systemd };

// `text` in `encoding` (raw returns it unchanged).
std::string encode(std::string_view text, Encoding encoding);

// Every distinct encoded form of `text`, raw first.
std::vector<std::pair<Encoding, std::string>> encoded_forms(std::string_view text);

}  // namespace vmsupport
