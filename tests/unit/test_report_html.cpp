// The report page and its model: escaping, links, order of the collectors,
// diff rendering, and which sections appear for which data.
#include <doctest/doctest.h>

#include <cstdio>

#include "report/html.h"
#include "report/inspect.h"
#include "report/report_model.h"
#include "util/markup.h"
#include "util/text.h"

using namespace vmsupport;
using json = nlohmann::json;

namespace {

json manifest_with(json collectors) {
  return json{{"bundle", "vmsupport-host-0001-20261123T065400Z"},
              {"tool", {{"name", "vmsupport"}, {"version", "0.1.0"}}},
              {"started", "2026-11-23T06:54:00Z"},
              {"finished", "2026-11-23T06:55:00Z"},
              {"duration_s", 60.0},
              {"platform", {{"name", "esxi"}, {"reason", "marker /etc/vmware/esx.conf"}}},
              {"host", {{"hostname", "host-0001"}, {"os", "VMware ESXi 8.0.3"}}},
              {"options", {{"case", ""}, {"since", "3d"}, {"no_scrub", false}}},
              {"scrub", {{"scrubbed", true}, {"description", "names and addresses replaced"}}},
              {"summary", {{"ok", 1}, {"failed", 1}, {"timed_out", 1}}},
              {"collectors", collectors}};
}

json collector(const std::string& id, const std::string& status, const std::string& reason = "") {
  json c{{"id", id}, {"group", "System"}, {"kind", "command"}, {"status", status}, {"duration_s", 0.5}};
  if (!reason.empty()) c["reason"] = reason;
  return c;
}

std::string page_of(const ReportInputs& inputs) { return render_report_html(build_report_model(inputs)); }

std::size_t position(const std::string& page, const std::string& needle) {
  const std::size_t at = page.find(needle);
  REQUIRE_MESSAGE(at != std::string::npos, "not in the page: " << needle);
  return at;
}

}  // namespace

TEST_SUITE("unit") {

TEST_CASE("escape_markup replaces the five special characters") {
  CHECK(escape_markup("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&#39;");
  CHECK(escape_markup("plain text") == "plain text");
  CHECK(escape_markup("") == "");
}

TEST_CASE("member hrefs percent-encode each segment and keep the slashes") {
  CHECK(member_href("var/log/hostd.log") == "var/log/hostd.log");
  CHECK(member_href("vmfs/volumes/ds 1/vm#2/a?b%c.vmx") == "vmfs/volumes/ds%201/vm%232/a%3Fb%25c.vmx");
  CHECK(member_href("etc/<x>&\"'.conf") == "etc/%3Cx%3E%26%22%27.conf");
  CHECK(member_href("c:/x") == "c%3A/x");
  CHECK(member_href("M\xc3\xbcller") == "M%C3%BCller");
}

TEST_CASE("every string of the bundle is escaped in the page, names in links too") {
  ReportInputs inputs;
  inputs.manifest = manifest_with(json::array({collector("<script>alert(1)</script>", "failed", "exit 1 & \"bad\"")}));
  inputs.members = {{"etc/a<b>&c\".conf", 12, {}, {}}};
  const std::string page = page_of(inputs);
  CHECK(page.find("<script>alert") == std::string::npos);
  CHECK(page.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(page.find("exit 1 &amp; &quot;bad&quot;") != std::string::npos);
  CHECK(page.find("href=\"etc/a%3Cb%3E%26c%22.conf\"") != std::string::npos);
  CHECK(page.find(">etc/a&lt;b&gt;&amp;c&quot;.conf</a>") != std::string::npos);
}

TEST_CASE("the page is self-contained, in English, with a title and real headings") {
  ReportInputs inputs;
  inputs.manifest = manifest_with(json::array({collector("uptime", "ok")}));
  const std::string page = page_of(inputs);
  CHECK(page.starts_with("<!DOCTYPE html>"));
  CHECK(page.find("<html lang=\"en\">") != std::string::npos);
  CHECK(page.find("<title>vmsupport-host-0001-20261123T065400Z</title>") != std::string::npos);
  CHECK(page.find("<h1>") != std::string::npos);
  CHECK(page.find("<h2>Collectors</h2>") != std::string::npos);
  CHECK(page.find("<th scope=\"col\">Status</th>") != std::string::npos);
  CHECK(page.find("@media print") != std::string::npos);
  for (const char* external : {"<script src", "http://", "https://", "@import", "url("}) {
    CHECK_MESSAGE(page.find(external) == std::string::npos, external);
  }
  // One inline script only, and only to open the folded sections for printing.
  const std::size_t script = position(page, "<script>");
  CHECK(page.find("<script", script + 1) == std::string::npos);
  CHECK(page.substr(script, page.find("</script>", script) - script).find("beforeprint") != std::string::npos);
}

TEST_CASE("printing wraps preformatted text instead of cutting it at the page's edge") {
  ReportInputs inputs;
  inputs.manifest = manifest_with(json::array());
  const std::string page = page_of(inputs);
  const std::string print = page.substr(position(page, "@media print{"));
  CHECK(print.find("pre,pre.diff span{white-space:pre-wrap") != std::string::npos);
  CHECK(page.find("d.open=true") != std::string::npos);
}

TEST_CASE("the overall status is at the top of the page and the text: complete, partial or interrupted") {
  ReportInputs inputs;
  inputs.manifest = manifest_with(json::array({collector("uptime", "ok")}));
  ReportModel model = build_report_model(inputs);
  CHECK(overall_status(model).word == "complete");
  std::string text = render_report_text(model);
  CHECK(text.starts_with("vmsupport-host-0001-20261123T065400Z\nStatus: complete: every collector ok or skipped\n"));
  CHECK(position(render_report_html(model), "<strong>Status:</strong>") < position(render_report_html(model), "<main>"));

  inputs.manifest = manifest_with(json::array({collector("a", "failed"), collector("b", "timed_out"), collector("c", "ok")}));
  model = build_report_model(inputs);
  CHECK(overall_status(model).word == "partial");
  CHECK(render_report_text(model).find("Status: partial: 2 collectors failed or timed out\n") != std::string::npos);
  const std::string page = render_report_html(model);
  CHECK(page.find("<span class=\"badge s-truncated\">partial</span> 2 collectors failed or timed out") !=
        std::string::npos);
  CHECK(report_json(model)["status"] == "partial");

  inputs.manifest["interrupted"] = true;
  model = build_report_model(inputs);
  CHECK(overall_status(model).word == "interrupted");
  CHECK(render_report_text(model).find("Status: interrupted: ") != std::string::npos);
}

TEST_CASE("a failed collector names the member that holds its output, in the page and the text") {
  ReportInputs inputs;
  inputs.manifest = manifest_with(json::array({collector("esxcli-network", "failed", "exit 1"), collector("uptime", "ok")}));
  inputs.manifest["items"] = json::array({{{"collector", "esxcli-network"}, {"path", "commands/esxcli network.txt"}},
                                          {{"collector", "uptime"}, {"path", "commands/uptime.txt"}}});
  inputs.members = {{"commands/esxcli network.txt", 10, {}, {}}, {"commands/uptime.txt", 10, {}, {}}};
  const ReportModel model = build_report_model(inputs);
  CHECK(model.collectors[0].member == "commands/esxcli network.txt");
  CHECK(model.collectors[1].member.empty());  // ok: nothing to point at
  const std::string page = render_report_html(model);
  CHECK(page.find("exit 1 <a href=\"commands/esxcli%20network.txt\">(output: commands/esxcli network.txt)</a>") !=
        std::string::npos);
  CHECK(render_report_text(model).find("      see commands/esxcli network.txt (inspect --file commands/esxcli network.txt)\n") !=
        std::string::npos);
  CHECK(report_json(model)["collectors"][0]["member"] == "commands/esxcli network.txt");
}

TEST_CASE("the severity is shown with its meaning") {
  CHECK(severity_text("1") == "1 (production down)");
  CHECK(severity_text("2") == "2 (severely degraded)");
  CHECK(severity_text("4") == "4 (general question)");
  CHECK(severity_text("9") == "9");
  ReportInputs inputs;
  inputs.manifest = manifest_with(json::array());
  inputs.documents["case.json"] = R"({"id": "24012345", "severity": 2})";
  const ReportModel model = build_report_model(inputs);
  CHECK(render_report_html(model).find("<td>2 (severely degraded)</td>") != std::string::npos);
  CHECK(render_report_text(model).find("severity     2 (severely degraded)\n") != std::string::npos);
}

TEST_CASE("a bundle made by vmsupport scrub has no collectors, and the summary says so without counts") {
  ReportInputs inputs;
  inputs.manifest = manifest_with(json::array());
  inputs.manifest.erase("collectors");
  inputs.manifest["tool"]["command"] = "scrub";
  inputs.manifest["summary"] = {{"ok", 53}};  // scrub counts members here, not collectors
  const ReportModel model = build_report_model(inputs);
  CHECK(made_by_scrub(model));
  const std::string text = render_report_text(model);
  CHECK(text.find("Collectors: 53 ok") == std::string::npos);
  CHECK(text.find("\nCollectors\n  none: made by vmsupport scrub from an existing bundle") != std::string::npos);
  CHECK(text.find("not made by vmsupport collect") == std::string::npos);
  CHECK(render_report_html(model).find("<code>vmsupport scrub</code> made this bundle") != std::string::npos);
}

TEST_CASE("control characters from the host are made visible in the text summary") {
  ReportInputs inputs;
  inputs.manifest = manifest_with(json::array({collector("x", "failed", "bad \x1b[2J\x1b]0;owned\x07 exit")}));
  inputs.documents["case.json"] = "{\"id\": \"1\", \"description\": \"line\\r\\u001b[31mred\\u009b\"}";
  inputs.documents["changes/summary.txt"] = "Compared\n";
  inputs.documents["changes/diffs/etc/motd.diff"] = "@@ -1 +1 @@\n+\x1b[1;31mWELCOME\x7f\ttab\n";
  const std::string text = render_report_text(build_report_model(inputs));
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.find('\x07') == std::string::npos);
  CHECK(text.find('\r') == std::string::npos);
  CHECK(text.find("\xc2\x9b") == std::string::npos);
  CHECK(text.find("bad \\x1b[2J\\x1b]0;owned\\x07 exit") != std::string::npos);
  CHECK(text.find("+\\x1b[1;31mWELCOME\\x7f\ttab\n") != std::string::npos);
  CHECK(text.find("line\\x0d\\x1b[31mred\\xc2\\x9b") != std::string::npos);
}

TEST_CASE("collectors are listed failures first, the status written out beside its colour") {
  ReportInputs inputs;
  inputs.manifest = manifest_with(json::array({collector("a-ok", "ok"), collector("b-failed", "failed", "exit 2"),
                                               collector("c-skipped", "skipped"), collector("d-slow", "timed_out", "--timeout"),
                                               collector("e-big", "truncated")}));
  const ReportModel model = build_report_model(inputs);
  REQUIRE(model.collectors.size() == 5);
  CHECK(model.collectors[0].id == "d-slow");
  CHECK(model.collectors[1].id == "b-failed");
  CHECK(model.collectors[2].id == "e-big");
  CHECK(model.collectors[3].id == "a-ok");
  CHECK(model.collectors[4].id == "c-skipped");
  const std::string page = render_report_html(model);
  CHECK(position(page, ">d-slow<") < position(page, ">b-failed<"));
  CHECK(position(page, ">b-failed<") < position(page, ">a-ok<"));
  CHECK(position(page, "id=\"collectors-table\"") < position(page, ">a-ok<"));
  CHECK(position(page, ">a-ok<") < position(page, "<summary>Skipped collectors (1)"));
  CHECK(position(page, "<summary>Skipped collectors (1)") < position(page, ">c-skipped<"));
  CHECK(page.find("\u2717 timed out</span>") != std::string::npos);
  CHECK(page.find("\u2717 failed</span>") != std::string::npos);
  CHECK(page.find("\u2713 ok</span>") != std::string::npos);
}

TEST_CASE("a diff keeps its + and - characters, coloured by class, and a long one is folded") {
  ReportInputs inputs;
  inputs.manifest = manifest_with(json::array());
  inputs.documents["changes/summary.txt"] = "1 tracked file changed\n";
  inputs.documents["changes/diffs/etc/hosts.diff"] = "--- a/etc/hosts\n+++ b/etc/hosts\n@@ -1 +1 @@\n-old line\n+new <line>\n";
  std::string long_diff = "@@ -1,40 +1,40 @@\n";
  for (int i = 0; i < 40; ++i) long_diff += "+line " + std::to_string(i) + "\n";
  inputs.documents["changes/diffs/etc/long.conf.diff"] = long_diff;
  const ReportModel model = build_report_model(inputs);
  REQUIRE(model.diffs.size() == 2);
  CHECK(model.diffs[0].added == 1);
  CHECK(model.diffs[0].removed == 1);
  const std::string page = render_report_html(model);
  CHECK(page.find("<span class=\"del\">-old line</span>") != std::string::npos);
  CHECK(page.find("<span class=\"add\">+new &lt;line&gt;</span>") != std::string::npos);
  CHECK(page.find("<span class=\"hunk\">@@ -1 +1 @@</span>") != std::string::npos);
  CHECK(page.find("<details class=\"diff\" open><summary>etc/hosts.diff") != std::string::npos);
  CHECK(page.find("<details class=\"diff\"><summary>etc/long.conf.diff") != std::string::npos);
  CHECK(page.find("href=\"changes/diffs/etc/hosts.diff\"") != std::string::npos);
  CHECK(page.find("1 tracked file changed") != std::string::npos);
}

TEST_CASE("the case and performance sections appear only when there is data for them") {
  ReportInputs inputs;
  inputs.manifest = manifest_with(json::array());
  std::string page = page_of(inputs);
  CHECK(page.find("id=\"case\"") == std::string::npos);
  CHECK(page.find("id=\"performance\"") == std::string::npos);
  CHECK(page.find("No <code>changes/</code>") != std::string::npos);
  CHECK(page.find("No <code>cores/cores.json</code>") != std::string::npos);

  inputs.manifest["options"]["case"] = "24012345";
  page = page_of(inputs);
  CHECK(position(page, "id=\"case\"") < position(page, "id=\"host\""));
  CHECK(page.find("24012345") != std::string::npos);

  inputs.documents["case.json"] = R"({"id": "24012345", "severity": "2", "description": "PSOD <after> patch", "contact": "ops"})";
  inputs.members = {{"performance/cpu.svg", 100, {}, {}}, {"performance/cpu.csv", 100, {}, {}},
                    {"performance/mem usage.svg", 100, {}, {}}, {"README.txt", 5, {}, {}}};
  const std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><title id=\"title\">CPU &amp; load (%)</title></svg>";
  inputs.documents["performance/cpu.svg"] = svg;
  const ReportModel model = build_report_model(inputs);
  REQUIRE(model.case_info);
  CHECK(model.case_info->severity == "2");
  REQUIRE(model.charts.size() == 2);
  CHECK(model.charts[0].member == "performance/cpu.svg");
  CHECK(model.charts[0].title == "CPU & load (%)");
  CHECK(model.charts[1].member == "performance/mem usage.svg");
  CHECK(model.charts[1].title == "mem usage.svg");
  page = render_report_html(model);
  CHECK(page.find("PSOD &lt;after&gt; patch") != std::string::npos);
  // In the page itself (no link to break when the page is written elsewhere), named for screen readers.
  CHECK(page.find("<img src=\"performance/") == std::string::npos);
  CHECK(page.find("<img src=\"data:image/svg+xml;base64," + base64_encode(svg) +
                  "\" role=\"img\" alt=\"Chart: CPU &amp; load (%)\">") != std::string::npos);
  CHECK(page.find("<a href=\"performance/cpu.svg\">") != std::string::npos);
  CHECK(page.find("<a href=\"performance/cpu.csv\">") != std::string::npos);
  CHECK(page.find("Chart not readable") != std::string::npos);  // mem usage.svg has no content here
  CHECK(report_json(model)["performance"] == json::array({"performance/cpu.svg", "performance/mem usage.svg"}));
  CHECK(position(page, "id=\"cores\"") < position(page, "id=\"performance\""));
  CHECK(position(page, "id=\"performance\"") < position(page, "id=\"files\""));
}

TEST_CASE("cores show program, signal, time and the log lines that mention them") {
  ReportInputs inputs;
  inputs.manifest = manifest_with(json::array());
  inputs.documents["cores/cores.json"] = R"({"searched": ["/var/core"], "cores": [{"path": "/var/core/hostd-zdump.000",
      "program": "hostd", "signal": 11, "signal_name": "SIGSEGV", "mtime": "2026-11-22T10:00:00Z",
      "log_lines": ["/var/log/hostd.log: hostd crashed"], "member": "", "backtrace": "cores/x.bt.txt",
      "not_packed": "metadata only", "backtrace_note": ""}]})";
  const ReportModel model = build_report_model(inputs);
  REQUIRE(model.cores.size() == 1);
  CHECK(model.cores[0].signal == "11 (SIGSEGV)");
  const std::string page = render_report_html(model);
  CHECK(page.find("<h3>hostd</h3>") != std::string::npos);
  CHECK(page.find("/var/log/hostd.log: hostd crashed") != std::string::npos);
  CHECK(page.find("href=\"cores/x.bt.txt\"") != std::string::npos);
}

TEST_CASE("the text summary and the JSON carry the same facts") {
  ReportInputs inputs;
  inputs.manifest = manifest_with(json::array({collector("esxcli-network", "failed", "exit 1"), collector("uptime", "ok")}));
  inputs.members = {{"README.txt", 10, {}, {}}, {"var/log/x.log", 20, {}, {}}};
  const ReportModel model = build_report_model(inputs);
  const std::string text = render_report_text(model);
  CHECK(text.find("[failed] esxcli-network (0.50 s): exit 1") != std::string::npos);
  CHECK(text.find("Files: 2 members") != std::string::npos);
  CHECK(text.find("not compared (no changes/ in the bundle)") != std::string::npos);
  inputs.documents["changes/summary.txt"] = "Recent changes on this host\n=====\n\nNo baseline to compare with yet.\nMore.\n\nHost OS\n";
  const std::string with_changes = render_report_text(build_report_model(inputs));
  CHECK(with_changes.find("Recent changes\n  No baseline to compare with yet.\n  More.\n  no diff\n") != std::string::npos);
  const auto j = report_json(model);
  CHECK(j["collectors"][0]["id"] == "esxcli-network");
  CHECK(j["host"]["platform"] == "esxi");
  CHECK(j["case"].is_null());
  CHECK(j["members"].size() == 2);
}

TEST_CASE("the Files section lists the first members only, and sends to manifest.json for the rest") {
  ReportInputs inputs;
  inputs.manifest = manifest_with(json::array());
  const std::size_t count = k_report_file_rows + 250;
  for (std::size_t i = 0; i < count; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "var/log/hp/f%06zu.log", i);
    inputs.members.push_back(ReportMember{name, 10, {}, {}});
  }
  const std::string page = page_of(inputs);
  CHECK(page.find(std::to_string(count) + " members, ") != std::string::npos);
  CHECK(page.find("The first " + std::to_string(k_report_file_rows) + " are listed here.") != std::string::npos);
  CHECK(page.find("250 more members: see manifest.json") != std::string::npos);
  CHECK(page.find("var/log/hp/f004999.log") != std::string::npos);
  CHECK(page.find("var/log/hp/f005000.log") == std::string::npos);
  inputs.members.resize(10);
  const std::string small = page_of(inputs);
  CHECK(small.find("more members") == std::string::npos);
  CHECK(small.find("listed here") == std::string::npos);
}

TEST_CASE("close matches prefer the same file name, then the nearest path") {
  const std::vector<std::string> paths = {"var/log/hostd.log", "var/run/log/hostd.log", "etc/hosts", "var/log/vpxa.log"};
  CHECK(close_matches("log/hostd.log", paths) == std::vector<std::string>{"var/log/hostd.log", "var/run/log/hostd.log"});
  CHECK(close_matches("etc/host", paths).front() == "etc/hosts");
  CHECK(close_matches("zzzzzzzzzzzzzzzzzzzzzzzzzzz", paths).empty());
}

}
