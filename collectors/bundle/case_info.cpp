// Case metadata: checks, case.json and README lines (see case_info.h).
#include "bundle/case_info.h"

#include <nlohmann/json.hpp>

namespace vmsupport {
namespace {

bool is_case_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

}  // namespace

std::string_view severity_meaning(int severity) {
  switch (severity) {
    case 1: return "production down";
    case 2: return "severely degraded";
    case 3: return "minor impact";
    case 4: return "general question";
    default: return "";
  }
}

Result<void> check_case_id(std::string_view id) {
  if (id.empty()) return fail("the case id is empty");
  if (id.size() > 64) return fail("'", std::string(id), "' is longer than 64 characters");
  if (id.front() == '-') return fail("'", std::string(id), "' starts with a dash");
  for (char c : id) {
    if (!is_case_char(c)) return fail("'", std::string(id), "' is not a case id (letters, digits and dashes only)");
  }
  return {};
}

Result<int> parse_severity(std::string_view text) {
  if (text.size() == 1 && text[0] >= '1' && text[0] <= '4') return text[0] - '0';
  return fail("'", std::string(text),
              "' is not a severity: 1 (production down), 2 (severely degraded), 3 (minor impact) or 4 (general question)");
}

nlohmann::ordered_json case_json(const CaseInfo& info) {
  using json = nlohmann::ordered_json;
  const auto text_or_null = [](std::string_view text) { return text.empty() ? json() : json(std::string(text)); };
  return json{{"id", text_or_null(info.id)},
              {"severity", info.severity == 0 ? json() : json(info.severity)},
              {"severity_meaning", text_or_null(severity_meaning(info.severity))},
              {"description", text_or_null(info.description)},
              {"contact", text_or_null(info.contact)}};
}

std::string render_case_json(const CaseInfo& info) {
  nlohmann::ordered_json doc{{"format_version", 1}};
  doc.update(case_json(info));
  return doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string render_case_lines(const CaseInfo& info) {
  std::string out;
  if (!info.id.empty()) out += "Case:      " + info.id + "\n";
  if (info.severity != 0) {
    out += "Severity:  " + std::to_string(info.severity) + " (" + std::string(severity_meaning(info.severity)) + ")\n";
  }
  if (!info.contact.empty()) out += "Contact:   " + info.contact + "\n";
  if (!info.description.empty()) out += "Description: " + info.description + "\n";
  return out;
}

}  // namespace vmsupport
