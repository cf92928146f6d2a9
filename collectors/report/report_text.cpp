// The report as text for a terminal and as JSON (`vmsupport inspect`).
#include <spdlog/fmt/fmt.h>

#include "report/report_model.h"
#include "util/text.h"
#include "util/units.h"

namespace vmsupport {
namespace {

using ojson = nlohmann::ordered_json;

constexpr std::size_t k_text_diff_lines = 12;  // per diff, in the terminal

void line(std::string& out, std::string_view name, std::string_view value) {
  if (!value.empty()) out += fmt::format("  {:<12} {}\n", name, value);
}

// `text` with every control character but \n and \t written out as \xNN:
// a log line or diff from the host must not move the cursor, retitle or
// recolour the terminal it is shown in. C1 controls (U+0080..U+009F, which
// some terminals obey) are written out the same way, byte by byte.
std::string visible_controls(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const bool c1 = c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(text[i + 1]) <= 0x9F;
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) {
      out += fmt::format("\\x{:02x}", c);
    } else if (c1) {
      out += fmt::format("\\xc2\\x{:02x}", static_cast<unsigned char>(text[++i]));
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

void heading(std::string& out, std::string_view title) { out += fmt::format("\n{}\n", title); }

void text_collectors(std::string& out, const ReportModel& m) {
  std::string counts;
  for (const auto& [status, count] : m.summary) {
    if (count > 0) counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", count, status);
  }
  heading(out, "Collectors" + (counts.empty() ? std::string() : ": " + counts));
  std::size_t ok = 0;
  for (const ReportCollector& c : m.collectors) {
    if (c.status == "ok" || c.status == "skipped") {
      ++ok;
      continue;
    }
    out += fmt::format("  [{}] {} ({:.2f} s){}\n", c.status, c.id, c.duration_s, c.reason.empty() ? "" : ": " + c.reason);
    if (!c.member.empty()) out += fmt::format("      see {} (inspect --file {})\n", c.member, c.member);
  }
  if (made_by_scrub(m)) out += "  none: made by vmsupport scrub from an existing bundle, whose members it holds\n";
  else if (m.collectors.empty()) out += "  none listed (not made by vmsupport collect)\n";
  else if (ok == m.collectors.size()) out += "  all ok or skipped\n";
}

void text_changes(std::string& out, const ReportModel& m) {
  heading(out, "Recent changes");
  if (!m.has_changes) {
    out += "  not compared (no changes/ in the bundle)\n";
    return;
  }
  // The summary's first paragraph: what was compared with what.
  const auto summary = split_lines(m.changes_summary);
  for (std::size_t i = summary.size() > 2 && summary[1].starts_with("===") ? 3 : 0; i < summary.size() && !summary[i].empty(); ++i) {
    out += fmt::format("  {}\n", summary[i]);
  }
  if (m.diffs.empty()) out += "  no diff\n";
  for (const ReportDiff& diff : m.diffs) {
    out += fmt::format("  {} (+{} -{})\n", diff.member, diff.added, diff.removed);
    const auto lines = split_lines(diff.text);
    for (std::size_t i = 0; i < lines.size() && i < k_text_diff_lines; ++i) out += fmt::format("      {}\n", lines[i]);
    if (lines.size() > k_text_diff_lines) out += fmt::format("      ... {} more lines\n", lines.size() - k_text_diff_lines);
  }
}

void text_cores(std::string& out, const ReportModel& m) {
  heading(out, fmt::format("Cores: {}", m.has_cores ? std::to_string(m.cores.size()) : "not searched"));
  for (const ReportCore& core : m.cores) {
    out += fmt::format("  {} signal {} at {}: {}\n", core.program.empty() ? "?" : core.program,
                       core.signal.empty() ? "?" : core.signal, core.time, core.path);
    for (const std::string& log : core.log_lines) out += "      " + log + "\n";
  }
}

}  // namespace

std::string render_report_text(const ReportModel& m) {
  std::string out = m.bundle + "\n";
  const ReportStatus status = overall_status(m);
  out += fmt::format("Status: {}: {}\n", status.word, status.detail);
  if (m.case_info) {
    heading(out, "Case");
    line(out, "id", m.case_info->id);
    line(out, "severity", severity_text(m.case_info->severity));
    line(out, "description", m.case_info->description);
    line(out, "contact", m.case_info->contact);
  }
  heading(out, "Host");
  line(out, "platform", m.platform);
  line(out, "version", m.os);
  line(out, "kernel", m.kernel);
  line(out, m.scrubbed ? "pseudonym" : "hostname", m.hostname);
  heading(out, "Run");
  line(out, "started", m.started);
  line(out, "duration", fmt::format("{:.1f} s", m.duration_s));
  line(out, "made by", m.tool);
  line(out, "scrubbing", m.scrub.empty() ? (m.scrubbed ? "scrubbed" : "NOT scrubbed") : m.scrub);
  std::string options;
  for (const auto& [name, value] : m.options) options += fmt::format("{}{}={}", options.empty() ? "" : " ", name, value);
  line(out, "options", options);
  if (!m.left_out.empty()) line(out, "left out", std::to_string(m.left_out.size()) + " (see inspect --json)");
  if (!m.not_scrubbed.empty()) line(out, "unscrubbed", std::to_string(m.not_scrubbed.size()) + " members packed as they are");
  if (m.interrupted) out += "  INCOMPLETE: the run was interrupted\n";
  text_collectors(out, m);
  text_changes(out, m);
  text_cores(out, m);
  if (!m.charts.empty()) {
    heading(out, "Performance charts");
    for (const ReportChart& chart : m.charts) out += fmt::format("  {}: {}\n", chart.member, chart.title);
  }
  heading(out, fmt::format("Files: {} members, {} (list: inspect --json; one: inspect --file PATH)", m.member_count,
                           format_size(m.member_bytes)));
  return visible_controls(out);
}

ojson report_json(const ReportModel& m) {
  ojson collectors = ojson::array();
  for (const ReportCollector& c : m.collectors) {
    collectors.push_back({{"id", c.id}, {"group", c.group}, {"kind", c.kind}, {"status", c.status},
                          {"duration_s", c.duration_s}, {"members", c.members}, {"bytes", c.bytes}, {"reason", c.reason},
                          {"member", c.member}});
  }
  ojson diffs = ojson::array();
  for (const ReportDiff& d : m.diffs) diffs.push_back({{"member", d.member}, {"added", d.added}, {"removed", d.removed}});
  ojson cores = ojson::array();
  for (const ReportCore& c : m.cores) {
    cores.push_back({{"path", c.path}, {"program", c.program}, {"signal", c.signal}, {"time", c.time},
                     {"member", c.member}, {"backtrace", c.backtrace}, {"note", c.note}, {"log_lines", c.log_lines}});
  }
  ojson members = ojson::array();
  for (const ReportMember& member : m.members) {
    ojson j{{"path", member.path}};
    j["size"] = member.size ? ojson(*member.size) : ojson(nullptr);
    if (!member.link_target.empty()) j["link_target"] = member.link_target;
    members.push_back(std::move(j));
  }
  ojson summary = ojson::object();
  for (const auto& [status, count] : m.summary) summary[status] = count;
  ojson options = ojson::object();
  for (const auto& [name, value] : m.options) options[name] = value;
  const ReportStatus status = overall_status(m);
  ojson out{{"bundle", m.bundle}, {"tool", m.tool}, {"status", status.word}, {"status_detail", status.detail}};
  out["case"] = m.case_info ? ojson{{"id", m.case_info->id}, {"severity", m.case_info->severity},
                                    {"description", m.case_info->description}, {"contact", m.case_info->contact}}
                            : ojson(nullptr);
  out["host"] = {{"platform", m.platform}, {"platform_reason", m.platform_reason}, {"hostname", m.hostname},
                 {"os", m.os}, {"kernel", m.kernel}};
  out["run"] = {{"started", m.started}, {"finished", m.finished}, {"duration_s", m.duration_s},
                {"interrupted", m.interrupted}, {"options", options}, {"scrubbed", m.scrubbed}, {"scrub", m.scrub},
                {"kept", m.kept}, {"left_out", m.left_out}, {"not_scrubbed", m.not_scrubbed}};
  out["summary"] = summary;
  out["collectors"] = collectors;
  out["changes"] = m.has_changes ? ojson{{"summary", m.changes_summary}, {"diffs", diffs}} : ojson(nullptr);
  out["cores"] = m.has_cores ? cores : ojson(nullptr);
  ojson charts = ojson::array();
  for (const ReportChart& chart : m.charts) charts.push_back(chart.member);
  out["performance"] = charts;
  out["members"] = members;
  return out;
}

}  // namespace vmsupport
