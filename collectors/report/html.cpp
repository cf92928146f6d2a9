// index.html from a ReportModel (see html.h). Every string of the model is
// escaped; colour is never the only sign of a status or a diff line (the
// status is written out, diff lines keep their + and -).
#include "report/html.h"

#include <algorithm>
#include <cstdio>
#include <span>
#include <spdlog/fmt/fmt.h>

#include "report/html_style.h"
#include "util/markup.h"
#include "util/text.h"
#include "util/units.h"

namespace vmsupport {
namespace {

constexpr std::size_t k_diff_open_lines = 30;   // longer diffs start folded
constexpr std::size_t k_diff_max_lines = 2000;  // the rest is in the member

// Printing opens every folded section (a closed <details> prints its summary
// only, whatever the style sheet says). The page is whole without it: with
// scripts off, the reader opens what they want printed.
constexpr const char* k_print_script =
    "<script>addEventListener(\"beforeprint\",function(){document.querySelectorAll(\"details\")"
    ".forEach(function(d){d.open=true})})</script>\n";

class Page {
 public:
  void raw(std::string_view html) { m_out += html; }
  void text(std::string_view text) { m_out += escape_markup(text); }
  // <tag>text</tag>, escaped.
  void element(std::string_view tag, std::string_view text, std::string_view attributes = {}) {
    m_out += fmt::format("<{}{}{}>", tag, attributes.empty() ? "" : " ", attributes);
    m_out += escape_markup(text);
    m_out += fmt::format("</{}>", tag);
  }
  void link(std::string_view member, std::string_view label) {
    m_out += "<a href=\"" + escape_markup(member_href(member)) + "\">" + escape_markup(label) + "</a>";
  }
  std::string take() { return std::move(m_out); }

 private:
  std::string m_out;
};

std::string seconds(double s) { return s < 10 ? fmt::format("{:.2f} s", s) : fmt::format("{:.1f} s", s); }

// The status as a word with a sign, in a badge coloured by its class.
std::string status_badge(std::string_view status) {
  const int rank = status_rank(status);
  const char* sign = rank <= 1 ? "\u2717 " : rank == 2 ? "\u25D1 " : rank == 3 ? "\u2713 " : rank == 4 ? "\u2013 " : "";
  const std::string word = status == "timed_out" ? "timed out" : std::string(status);
  return "<span class=\"badge s-" + escape_markup(status) + "\">" + sign + escape_markup(word) + "</span>";
}

void row(Page& page, std::string_view name, std::string_view value) {
  if (value.empty()) return;
  page.raw("<tr><th scope=\"row\">");
  page.text(name);
  page.raw("</th><td>");
  page.text(value);
  page.raw("</td></tr>\n");
}

void case_section(Page& page, const ReportCase& c) {
  page.raw("<section id=\"case\"><h2>Case</h2>\n<table class=\"facts\">\n");
  row(page, "Case id", c.id);
  row(page, "Severity", severity_text(c.severity));
  row(page, "Contact", c.contact);
  page.raw("</table>\n");
  if (!c.description.empty()) page.element("p", c.description, "class=\"description\"");
  page.raw("</section>\n");
}

void host_section(Page& page, const ReportModel& m) {
  page.raw("<section id=\"host\"><h2>Host</h2>\n<table class=\"facts\">\n");
  row(page, "Platform", m.platform + (m.platform_reason.empty() ? "" : " (" + m.platform_reason + ")"));
  row(page, "Version", m.os);
  row(page, "Kernel", m.kernel);
  row(page, m.scrubbed ? "Host (pseudonym)" : "Host", m.hostname);
  page.raw("</table></section>\n");
}

// A folded list, for what was kept or left out.
void folded_list(Page& page, std::string_view title, const std::vector<std::string>& lines) {
  if (lines.empty()) return;
  page.raw("<details><summary>");
  page.text(fmt::format("{} ({})", title, lines.size()));
  page.raw("</summary><ul class=\"plain\">\n");
  for (const std::string& line : lines) page.element("li", line);
  page.raw("</ul></details>\n");
}

void run_section(Page& page, const ReportModel& m) {
  page.raw("<section id=\"run\"><h2>Run</h2>\n");
  if (m.interrupted) page.raw("<p class=\"alert\"><strong>Incomplete:</strong> the run was interrupted.</p>\n");
  page.raw("<table class=\"facts\">\n");
  row(page, "Started", m.started);
  row(page, "Finished", m.finished);
  row(page, "Duration", seconds(m.duration_s));
  row(page, "Made by", m.tool);
  page.raw("<tr><th scope=\"row\">Scrubbing</th><td>");
  page.raw(m.scrubbed ? "<span class=\"badge s-ok\">\u2713 scrubbed</span> "
                      : "<span class=\"badge s-failed\">\u2717 not scrubbed</span> ");
  page.text(m.scrub.starts_with("scrubbed: ") ? m.scrub.substr(10) : m.scrub);
  page.raw("</td></tr>\n");
  if (!m.kept.empty()) {
    std::string kept;
    for (const std::string& k : m.kept) kept += (kept.empty() ? "" : ", ") + k;
    row(page, "Kept as they are", kept);
  }
  page.raw("</table>\n");
  if (!m.options.empty()) {
    page.raw("<h3>Options</h3>\n<table class=\"facts options\">\n");
    for (const auto& [name, value] : m.options) row(page, name, value);
    page.raw("</table>\n");
  }
  folded_list(page, "Left out on purpose", m.left_out);
  folded_list(page, "Packed without scrubbing", m.not_scrubbed);
  page.raw("</section>\n");
}

void collector_rows(Page& page, const ReportModel& m, bool skipped) {
  for (const ReportCollector& c : m.collectors) {
    if ((c.status == "skipped") != skipped) continue;
    page.raw("<tr class=\"r-" + escape_markup(c.status) + "\"><td>" + status_badge(c.status) + "</td>");
    page.element("th", c.id, "scope=\"row\"");
    page.element("td", c.group);
    page.element("td", c.kind);
    page.element("td", seconds(c.duration_s), "class=\"num\"");
    page.element("td", std::to_string(c.members), "class=\"num\"");
    page.element("td", format_size(c.bytes), "class=\"num\"");
    page.raw("<td class=\"reason\">");
    page.text(c.reason);
    if (!c.member.empty()) {
      page.raw(c.reason.empty() ? "" : " ");
      page.link(c.member, "(output: " + c.member + ")");
    }
    page.raw("</td></tr>\n");
  }
}

void collector_table(Page& page, const ReportModel& m, bool skipped) {
  page.raw(skipped ? "<table class=\"grid\" id=\"skipped-table\">\n"
                   : "<table class=\"grid\" id=\"collectors-table\">\n<caption>Failures first, then truncated, then "
                     "ok; the skipped ones are folded below</caption>\n");
  page.raw("<thead><tr><th scope=\"col\">Status</th><th scope=\"col\">Collector</th><th scope=\"col\">Group</th>"
           "<th scope=\"col\">Kind</th><th scope=\"col\" class=\"num\">Duration</th><th scope=\"col\" class=\"num\">Members</th>"
           "<th scope=\"col\" class=\"num\">Size</th><th scope=\"col\">Error or reason</th></tr></thead>\n<tbody>\n");
  collector_rows(page, m, skipped);
  page.raw("</tbody></table>\n");
}

void collectors_section(Page& page, const ReportModel& m) {
  page.raw("<section id=\"collectors\"><h2>Collectors</h2>\n");
  if (made_by_scrub(m)) {
    page.raw("<p>None: <code>vmsupport scrub</code> made this bundle from an existing one, whose members it holds "
             "(listed under <a href=\"#files\">Files</a>, each with its source in ");
    page.link("manifest.json", "manifest.json");
    page.raw(").</p></section>\n");
    return;
  }
  if (m.collectors.empty()) {
    page.raw("<p>This bundle's manifest.json lists no collectors (it was not made by <code>vmsupport collect</code>).</p></section>\n");
    return;
  }
  page.raw("<p class=\"counts\">");
  for (const auto& [status, count] : m.summary) {
    if (count == 0) continue;
    page.raw(status_badge(status));
    page.text(fmt::format(" {} ", count));
  }
  page.raw("</p>\n");
  collector_table(page, m, false);
  const auto skipped = std::count_if(m.collectors.begin(), m.collectors.end(),
                                     [](const ReportCollector& c) { return c.status == "skipped"; });
  if (skipped > 0) {
    page.raw(fmt::format("<details><summary>Skipped collectors ({}): nothing to collect, or not for this host</summary>\n",
                         skipped));
    collector_table(page, m, true);
    page.raw("</details>\n");
  }
  page.raw("</section>\n");
}

// One diff: every line keeps its first character (+, -, space, @) and gets
// a class for its colour.
void diff_block(Page& page, const ReportDiff& diff) {
  const std::vector<std::string_view> lines = split_lines(diff.text);
  page.raw(lines.size() <= k_diff_open_lines ? "<details class=\"diff\" open><summary>" : "<details class=\"diff\"><summary>");
  page.text(diff.member.substr(std::string_view("changes/diffs/").size()));
  page.raw(fmt::format(" <span class=\"stat\"><span class=\"add\">+{}</span> <span class=\"del\">\u2212{}</span>",
                       diff.added, diff.removed));
  if (lines.size() > k_diff_open_lines) page.raw(fmt::format(", {} lines, folded", lines.size()));
  page.raw("</span></summary>\n<pre class=\"diff\">");
  for (std::size_t i = 0; i < lines.size() && i < k_diff_max_lines; ++i) {
    const std::string_view line = lines[i];
    const char* cls = line.starts_with("+++") || line.starts_with("---") ? "file"
                      : line.starts_with('+')                             ? "add"
                      : line.starts_with('-')                             ? "del"
                      : line.starts_with("@@")                            ? "hunk"
                                                                          : "ctx";
    page.raw(fmt::format("<span class=\"{}\">", cls));
    page.text(line);
    page.raw("</span>");  // a block each: no newline, or the lines would be double-spaced
  }
  page.raw("</pre>");
  if (lines.size() > k_diff_max_lines) {
    page.raw(fmt::format("<p>{} more lines: ", lines.size() - k_diff_max_lines));
    page.link(diff.member, diff.member);
    page.raw("</p>");
  }
  page.raw("<p class=\"member\">");
  page.link(diff.member, "open " + diff.member);
  page.raw("</p></details>\n");
}

void changes_section(Page& page, const ReportModel& m) {
  page.raw("<section id=\"changes\"><h2>Recent changes</h2>\n");
  if (!m.has_changes) {
    page.raw("<p>No <code>changes/</code> in this bundle: the run did not compare the host with a baseline.</p></section>\n");
    return;
  }
  if (!m.changes_summary.empty()) {
    page.raw("<h3>Summary</h3>\n");
    page.element("pre", m.changes_summary, "class=\"summary\"");
  }
  page.raw(fmt::format("<h3>Diffs ({})</h3>\n", m.diffs.size()));
  if (m.diffs.empty()) page.raw("<p>No diff: nothing tracked changed since the baseline, or there was no baseline yet.</p>\n");
  for (const ReportDiff& diff : m.diffs) diff_block(page, diff);
  page.raw("</section>\n");
}

void core_block(Page& page, const ReportCore& core) {
  page.raw("<article class=\"core\"><h3>");
  page.text(core.program.empty() ? core.path : core.program);
  page.raw("</h3>\n<table class=\"facts\">\n");
  row(page, "Signal", core.signal);
  row(page, "Time", core.time);
  row(page, "Core file", core.path);
  row(page, "Note", core.note);
  if (!core.member.empty() || !core.backtrace.empty()) {
    page.raw("<tr><th scope=\"row\">In the bundle</th><td>");
    if (!core.backtrace.empty()) page.link(core.backtrace, "backtrace");
    if (!core.member.empty() && !core.backtrace.empty()) page.raw(" \u00B7 ");
    if (!core.member.empty()) page.link(core.member, "core");
    page.raw("</td></tr>\n");
  }
  page.raw("</table>\n");
  if (!core.log_lines.empty()) {
    page.raw(fmt::format("<details><summary>Log lines that mention it ({})</summary><pre class=\"log\">", core.log_lines.size()));
    for (const std::string& line : core.log_lines) {
      page.text(line);
      page.raw("\n");
    }
    page.raw("</pre></details>\n");
  }
  page.raw("</article>\n");
}

void cores_section(Page& page, const ReportModel& m) {
  page.raw("<section id=\"cores\"><h2>Cores</h2>\n");
  if (!m.has_cores) {
    page.raw("<p>No <code>cores/cores.json</code> in this bundle.</p></section>\n");
    return;
  }
  if (m.cores.empty()) {
    page.raw("<p>No crash core found");
    if (!m.cores_searched.empty()) page.text(" in " + m.cores_searched);
    page.raw(".</p>\n");
  }
  for (const ReportCore& core : m.cores) core_block(page, core);
  page.raw("</section>\n");
}

// The CSV member beside a chart (performance/cpu.svg -> performance/cpu.csv), or "".
std::string chart_data(const ReportModel& m, const std::string& chart) {
  const std::string csv = chart.substr(0, chart.size() - 4) + ".csv";
  const bool found = std::ranges::any_of(m.members, [&](const ReportMember& member) { return member.path == csv; });
  return found ? csv : std::string();
}

// Each chart is in the page itself, as a data: image: it shows from a page
// written anywhere by `inspect --html`, and an image's SVG runs no script
// and loads nothing, whatever a bundle of another tool put in it. Its name
// for screen readers says what it shows.
void performance_section(Page& page, const ReportModel& m) {
  if (m.charts.empty()) return;
  page.raw("<section id=\"performance\"><h2>Performance</h2>\n");
  for (const ReportChart& chart : m.charts) {
    page.raw("<figure>");
    if (chart.svg.empty()) {
      page.element("p", "Chart not readable: open the member.");
    } else {
      page.raw("<img src=\"data:image/svg+xml;base64," + base64_encode(chart.svg) + "\" role=\"img\" alt=\"");
      page.text("Chart: " + chart.title);
      page.raw("\">");
    }
    page.raw("<figcaption>");
    page.text(chart.title + ": ");
    page.link(chart.member, chart.member);
    if (const std::string csv = chart_data(m, chart.member); !csv.empty()) {
      page.raw(" \u00B7 data: ");
      page.link(csv, csv);
    }
    page.raw("</figcaption></figure>\n");
  }
  page.raw("</section>\n");
}

void files_section(Page& page, const ReportModel& m) {
  const std::size_t shown = std::min(m.members.size(), k_report_file_rows);
  page.raw("<section id=\"files\"><h2>Files</h2>\n<p>");
  page.text(fmt::format("{} members, {} in all.", m.member_count, format_size(m.member_bytes)));
  if (shown < m.member_count) page.text(fmt::format(" The first {} are listed here.", shown));
  page.raw("</p>\n<table class=\"grid files\">\n<thead><tr><th scope=\"col\">Member</th>"
           "<th scope=\"col\" class=\"num\">Size</th></tr></thead>\n<tbody>\n");
  for (const ReportMember& member : std::span(m.members).first(shown)) {
    page.raw("<tr><td>");
    page.link(member.path, member.path);
    if (!member.link_target.empty()) page.text(" \u2192 " + member.link_target);
    page.raw("</td>");
    page.element("td", member.link_target.empty() ? (member.size ? format_size(*member.size) : "\u2014") : "link",
                 "class=\"num\"");
    page.raw("</tr>\n");
  }
  if (shown < m.member_count) {
    page.raw("<tr><td colspan=\"2\">");
    page.text(fmt::format("{} more members: see manifest.json", m.member_count - shown));
    page.raw("</td></tr>\n");
  }
  page.raw("</tbody></table></section>\n");
}

// The bundle's state at the top of the page, in words (the badge's colour repeats it).
void status_line(Page& page, const ReportModel& m) {
  const ReportStatus status = overall_status(m);
  const char* badge = status.word == "complete" ? "ok" : status.word == "partial" ? "truncated" : "failed";
  page.raw(fmt::format("<p class=\"status\"><strong>Status:</strong> <span class=\"badge s-{}\">", badge));
  page.text(status.word);
  page.raw("</span> ");
  page.text(status.detail);
  page.raw("</p>\n");
}

void navigation(Page& page, const ReportModel& m) {
  page.raw("<nav aria-label=\"Sections\"><ul>");
  if (m.case_info) page.raw("<li><a href=\"#case\">Case</a></li>");
  page.raw("<li><a href=\"#host\">Host</a></li><li><a href=\"#run\">Run</a></li>"
           "<li><a href=\"#collectors\">Collectors</a></li><li><a href=\"#changes\">Changes</a></li>"
           "<li><a href=\"#cores\">Cores</a></li>");
  if (!m.charts.empty()) page.raw("<li><a href=\"#performance\">Performance</a></li>");
  page.raw("<li><a href=\"#files\">Files</a></li></ul></nav>\n");
}

}  // namespace

std::string member_href(std::string_view member_path) {
  std::string out;
  for (unsigned char c : member_path) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                            c == '.' || c == '_' || c == '~' || c == '/';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      char buffer[4];
      std::snprintf(buffer, sizeof buffer, "%%%02X", c);
      out += buffer;
    }
  }
  return out;
}

std::string render_report_html(const ReportModel& m) {
  Page page;
  page.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<meta name=\"generator\" content=\"");
  page.text(m.tool);
  page.raw("\">\n<title>");
  page.text(m.bundle.empty() ? "vmsupport bundle" : m.bundle);
  page.raw("</title>\n<style>\n");
  page.raw(k_report_css);
  page.raw("</style>\n</head>\n<body>\n<header><h1>");
  page.text(m.bundle.empty() ? "vmsupport bundle" : m.bundle);
  page.raw("</h1>\n<p class=\"subtitle\">");
  page.text((m.platform.empty() ? std::string() : m.platform + " \u00B7 ") + m.hostname +
            (m.started.empty() ? "" : " \u00B7 " + m.started));
  page.raw("</p>\n");
  status_line(page, m);
  navigation(page, m);
  page.raw("</header>\n<main>\n");
  if (m.case_info) case_section(page, *m.case_info);
  host_section(page, m);
  run_section(page, m);
  collectors_section(page, m);
  changes_section(page, m);
  cores_section(page, m);
  performance_section(page, m);
  files_section(page, m);
  page.raw("</main>\n");
  page.raw(k_print_script);
  page.raw("<footer><p>Made by ");
  page.text(m.tool);
  page.raw(". Details for machines: ");
  page.link("manifest.json", "manifest.json");
  page.raw(". Check the bundle with <code>vmsupport verify</code>.</p></footer>\n</body>\n</html>\n");
  return page.take();
}

}  // namespace vmsupport
