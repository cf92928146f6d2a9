// The collect summary (see summary.h).
#include "summary.h"

#include <iostream>
#include <sstream>
#include <vector>

#include "bundle/documents.h"
#include "util/text.h"

namespace vmsupport::cli {
namespace {

std::string painted(const std::string& text, const char* code, bool colour) {
  return colour ? std::string("\x1b[") + code + "m" + text + "\x1b[0m" : text;
}

// "[label] first ones ... and N more", at most `shown` of them.
void list_some(std::ostringstream& out, const std::string& title, const std::vector<std::string>& lines,
               std::size_t shown) {
  if (lines.empty()) return;
  out << title << "\n";
  for (std::size_t i = 0; i < lines.size() && i < shown; ++i) out << "  " << lines[i] << "\n";
  if (lines.size() > shown) out << "  ... and " << lines.size() - shown << " more\n";
}

std::string status_line(const CollectSummary& s, bool colour) {
  const int exit_code = s.exit_code;
  if (s.interrupted) {
    return painted("partial", "33", colour) + ": interrupted, " + counted(s.not_gathered, "item") +
           " not gathered (listed in manifest.json)";
  }
  if (exit_code == k_exit_complete) return painted("complete", "32", colour);
  return painted("partial", "33", colour) + ": some collectors failed or timed out (see Problems)";
}

std::string replaced_text(const CollectSummary& s) {
  std::size_t total = 0;
  std::string by_category;
  for (const auto& [category, count] : s.replaced) {
    if (count == 0) continue;
    total += count;
    by_category += (by_category.empty() ? "" : ", ") + category + " " + std::to_string(count);
  }
  std::string out = std::to_string(total) + " values replaced" + (by_category.empty() ? "" : " (" + by_category + ")");
  if (!s.kept.empty()) {
    out += "; kept as they are:";
    for (const std::string& category : s.kept) out += " " + category;
  }
  return out;
}

// What running as root would change, or "" when there is nothing to say.
std::string privileges_text(const CollectSummary& s) {
  const std::string items = counted(s.permission_denied, "item");
  if (s.root) return s.permission_denied == 0 ? "" : items + " refused even as root (permission denied; see manifest.json)";
  if (s.permission_denied == 0) return "not root; nothing was refused for lack of permission";
  return items + " could not be read without root: run as root to gather them";
}

std::string next_step(const CollectSummary& s, const CaseInfo& case_info) {
  const std::string target = case_info.id.empty() ? "your support request" : "case " + case_info.id;
  if (s.bundle.path == "-") return "attach the file you redirected standard output to, to " + target + ".";
  if (s.bundle.parts.empty()) return "attach " + s.bundle.path + " to " + target + ".";
  const std::string name = s.bundle.path.substr(s.bundle.path.rfind('/') + 1);
  if (s.bundle.parts.size() == 1) {
    const std::string part = s.bundle.parts.front().path.substr(s.bundle.parts.front().path.rfind('/') + 1);
    return "attach " + part + " and " + name + ".sha256 to " + target + " (the whole bundle in 1 part).";
  }
  return "attach the " + counted(s.bundle.parts.size(), "part") + " " + name + ".part-* and " + name +
         ".sha256 to " + target + " (joined with: cat " + name + ".part-* > " + name + ").";
}

}  // namespace

std::string render_collect_summary(const CollectSummary& s, const CaseInfo& case_info, bool colour) {
  std::ostringstream out;
  out << "\nBundle:     " << (s.bundle.path == "-" ? "written to standard output" : s.bundle.path) << " ("
      << format_size(s.bundle.size)
      << (s.bundle.parts.empty() ? ")" : ", written as " + counted(s.bundle.parts.size(), "part") + ")") << "\n";
  std::vector<std::string> parts;
  for (const BundlePart& part : s.bundle.parts) parts.push_back(part.path + " (" + format_size(part.size) + ")");
  list_some(out, "Parts:", parts, 5);
  out << "SHA-256:    " << s.bundle.sha256 << (s.bundle.sha256_path.empty() ? "" : " (in " + s.bundle.sha256_path + ")")
      << "\n"
      << "Status:     " << status_line(s, colour) << "\n";
  if (!case_info.empty()) {
    out << "Case:       " << (case_info.id.empty() ? "(no id)" : case_info.id);
    if (case_info.severity != 0) {
      out << ", severity " << case_info.severity << " (" << severity_meaning(case_info.severity) << ")";
    }
    out << "\n";
  }
  out << "Platform:   " << s.platform << ", host " << s.host << ", " << format_duration(s.duration) << "\n"
      << "Collectors: " << format_counts(s.collectors) << "\n";
  if (const std::string privileges = privileges_text(s); !privileges.empty()) {
    out << (s.permission_denied > 0 ? painted("Privileges:", "33", colour) : std::string("Privileges:")) << " "
        << privileges << "\n";
  }
  out << "Scrub:      " << s.scrub << "\n";
  if (s.scrubbed) out << "Scrubbed:   " << replaced_text(s) << "\n";
  if (!s.map_path.empty()) out << "Map:        " << s.map_path << " (keep it: it turns pseudonyms back into names)\n";
  if (!s.encrypted_for.empty()) out << "Key:        encrypted with gpg for " << s.encrypted_for << "\n";
  if (!s.map_warning.empty()) out << painted("Warning:", "33", colour) << "    " << s.map_warning << "\n";
  list_some(out, "Left out (listed in scrub-report.json):", s.left_out, 5);
  list_some(out, "Packed unscrubbed (binary; listed in manifest.json):", s.unscrubbed, 5);
  list_some(out, "Problems (all in manifest.json):", s.problems, 10);
  out << "Next:       " << next_step(s, case_info) << "\n";
  return out.str();
}

void print_collect_summary(const CollectSummary& s, const CaseInfo& case_info, bool colour) {
  std::cerr << render_collect_summary(s, case_info, colour) << std::flush;
}

}  // namespace vmsupport::cli
