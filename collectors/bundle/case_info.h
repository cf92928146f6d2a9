// The support case a bundle is made for (--case, --severity, --description,
// --contact): checked here, written to case.json and shown in README.txt.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "util/result.h"

namespace vmsupport {

struct CaseInfo {
  std::string id;           // letters, digits and dashes; "" = none
  int severity = 0;         // 1..4; 0 = not given
  std::string description;  // free text (scrubbed like every document)
  std::string contact;      // free text (scrubbed like every document)

  bool empty() const { return id.empty() && severity == 0 && description.empty() && contact.empty(); }
};

// The vendor's meaning of a severity: 1 "production down", 2 "severely
// degraded", 3 "minor impact", 4 "general question"; "" for anything else.
std::string_view severity_meaning(int severity);

// Fails unless `id` is 1 to 64 letters, digits and dashes, starting with a
// letter or digit. The message does not name the option.
Result<void> check_case_id(std::string_view id);

// "1".."4" -> 1..4; fails on anything else, listing the four meanings.
Result<int> parse_severity(std::string_view text);

// {"id", "severity", "severity_meaning", "description", "contact"}: the
// fields given, null for the others (case.json and collect --json).
nlohmann::ordered_json case_json(const CaseInfo& info);

// case.json: format_version and case_json()'s fields.
std::string render_case_json(const CaseInfo& info);

// "Case:      24012345\nSeverity:  2 (severely degraded)\n..." for README.txt:
// one line per field given; "" when none was.
std::string render_case_lines(const CaseInfo& info);

}  // namespace vmsupport
