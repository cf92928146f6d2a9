// Building the report's model from a bundle's documents (see report_model.h).
#include "report/report_model.h"

#include <algorithm>

#include "bundle/case_info.h"
#include "util/text.h"

namespace vmsupport {
namespace {

using json = nlohmann::json;

constexpr std::string_view k_statuses[] = {"timed_out", "failed", "truncated", "ok", "skipped"};

std::string text_of(const json& object, const char* key) {
  if (!object.is_object()) return {};
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  return it->dump(-1, ' ', false, json::error_handler_t::replace);
}

double number_of(const json& object, const char* key) {
  if (!object.is_object()) return 0;
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : 0;
}

// The case: case.json (id, severity, description, contact), the manifest's
// "case" object, or the id given with --case.
std::optional<ReportCase> case_of(const json& manifest, const std::map<std::string, std::string>& documents) {
  json source;
  if (const auto it = documents.find("case.json"); it != documents.end()) {
    source = json::parse(it->second, nullptr, false);
  }
  if (!source.is_object() && manifest.contains("case") && manifest["case"].is_object()) source = manifest["case"];
  ReportCase c;
  if (source.is_object()) {
    c.id = text_of(source, "id");
    if (c.id.empty()) c.id = text_of(source, "case_id");
    c.severity = text_of(source, "severity");
    c.description = text_of(source, "description");
    c.contact = text_of(source, "contact");
  }
  if (c.id.empty()) c.id = text_of(manifest.value("options", json::object()), "case");
  if (c.id.empty() && c.severity.empty() && c.description.empty() && c.contact.empty()) return std::nullopt;
  return c;
}

// Options as given, leaving out the empty and false ones.
std::vector<std::pair<std::string, std::string>> options_of(const json& options) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!options.is_object()) return out;
  for (const auto& [key, value] : options.items()) {
    if (value.is_null() || (value.is_boolean() && !value.get<bool>()) || (value.is_string() && value.get<std::string>().empty()) ||
        (value.is_array() && value.empty())) {
      continue;
    }
    if (value.is_string()) {
      out.emplace_back(key, value.get<std::string>());
    } else if (value.is_array()) {
      std::string joined;
      for (const json& v : value) joined += (joined.empty() ? "" : ", ") + (v.is_string() ? v.get<std::string>() : v.dump());
      out.emplace_back(key, joined);
    } else {
      out.emplace_back(key, value.dump(-1, ' ', false, json::error_handler_t::replace));
    }
  }
  return out;
}

std::vector<std::string> strings_of(const json& value) {
  std::vector<std::string> out;
  if (value.is_string() && !value.get<std::string>().empty()) out.push_back(value.get<std::string>());
  if (!value.is_array()) return out;
  for (const json& v : value) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

void add_scrub_details(ReportModel& model, const json& manifest, const std::map<std::string, std::string>& documents) {
  const json options = manifest.value("options", json::object());
  if (options.is_object() && options.contains("keep")) model.kept = strings_of(options["keep"]);
  if (const auto it = documents.find("scrub-report.json"); it != documents.end()) {
    const json report = json::parse(it->second, nullptr, false);
    for (const char* key : {"left_out", "packed_unscrubbed"}) {
      if (!report.is_object() || !report.contains(key) || !report[key].is_array()) continue;
      for (const json& entry : report[key]) {
        auto& list = std::string_view(key) == "left_out" ? model.left_out : model.not_scrubbed;
        list.push_back(text_of(entry, "path") + ": " + text_of(entry, "reason"));
      }
    }
  }
  if (!model.not_scrubbed.empty() || !model.scrubbed) return;
  for (const json& item : manifest.value("items", json::array())) {
    if (item.is_object() && item.contains("path") && item.value("scrubbed", true) == false && !item.contains("link_target")) {
      model.not_scrubbed.push_back(text_of(item, "path") + ": " + text_of(item, "reason"));
    }
  }
}

std::vector<ReportCollector> collectors_of(const json& manifest) {
  std::vector<ReportCollector> out;
  for (const json& c : manifest.value("collectors", json::array())) {
    if (!c.is_object()) continue;
    out.push_back(ReportCollector{text_of(c, "id"), text_of(c, "group"), text_of(c, "kind"), text_of(c, "status"),
                                  text_of(c, "reason"), number_of(c, "duration_s"),
                                  static_cast<std::uint64_t>(number_of(c, "members")),
                                  static_cast<std::uint64_t>(number_of(c, "bytes")), {}});
  }
  std::stable_sort(out.begin(), out.end(), [](const ReportCollector& a, const ReportCollector& b) {
    const int ra = status_rank(a.status), rb = status_rank(b.status);
    return ra != rb ? ra < rb : a.id < b.id;
  });
  return out;
}

void count_diff_lines(ReportDiff& diff) {
  for (std::string_view line : split_lines(diff.text)) {
    if (line.starts_with("+++") || line.starts_with("---")) continue;
    if (line.starts_with('+')) ++diff.added;
    if (line.starts_with('-')) ++diff.removed;
  }
}

void add_changes(ReportModel& model, const std::map<std::string, std::string>& documents) {
  for (const auto& [path, content] : documents) {
    if (path == "changes/summary.txt") {
      model.has_changes = true;
      model.changes_summary = content;
    } else if (path.starts_with("changes/diffs/")) {
      model.has_changes = true;
      ReportDiff diff{path, content, 0, 0};
      count_diff_lines(diff);
      model.diffs.push_back(std::move(diff));
    }
  }
}

void add_cores(ReportModel& model, const std::map<std::string, std::string>& documents) {
  const auto it = documents.find("cores/cores.json");
  if (it == documents.end()) return;
  const json doc = json::parse(it->second, nullptr, false);
  if (!doc.is_object()) return;
  model.has_cores = true;
  for (const std::string& dir : strings_of(doc.value("searched", json::array()))) {
    model.cores_searched += (model.cores_searched.empty() ? "" : ", ") + dir;
  }
  for (const json& c : doc.value("cores", json::array())) {
    if (!c.is_object()) continue;
    ReportCore core;
    core.path = text_of(c, "path");
    core.program = text_of(c, "program");
    const std::string number = text_of(c, "signal");
    const std::string name = text_of(c, "signal_name");
    core.signal = number.empty() ? name : name.empty() ? number : number + " (" + name + ")";
    core.time = text_of(c, "mtime");
    core.member = text_of(c, "member");
    core.backtrace = text_of(c, "backtrace");
    core.note = text_of(c, "not_packed");
    if (const std::string bt = text_of(c, "backtrace_note"); !bt.empty()) core.note += (core.note.empty() ? "" : "; ") + bt;
    core.log_lines = strings_of(c.value("log_lines", json::array()));
    model.cores.push_back(std::move(core));
  }
}

// The collector of each member, from manifest.json's items (a collect's
// manifest read back by inspect; the page of a running collect is given them).
void add_member_collectors(std::vector<ReportMember>& members, const json& manifest) {
  const json items = manifest.value("items", json::array());
  if (!items.is_array() || items.empty()) return;
  std::map<std::string, std::string> collector_of;
  for (const json& item : items) {
    const std::string path = text_of(item, "path");
    if (!path.empty()) collector_of.emplace(path, text_of(item, "collector"));
  }
  for (ReportMember& member : members) {
    if (!member.collector.empty()) continue;
    if (const auto it = collector_of.find(member.path); it != collector_of.end()) member.collector = it->second;
  }
}

// A failed, timed-out or truncated collector's first member: its output or
// the error it wrote, for the reader to open.
void add_collector_members(std::vector<ReportCollector>& collectors, const std::vector<ReportMember>& members) {
  std::map<std::string, std::string> first;
  for (const ReportMember& member : members) {
    if (!member.collector.empty()) first.emplace(member.collector, member.path);
  }
  for (ReportCollector& c : collectors) {
    if (status_rank(c.status) > 2) continue;
    if (const auto it = first.find(c.id); it != first.end()) c.member = it->second;
  }
}

// "&lt;" and the four other entities of escape_markup back to characters.
std::string unescape_markup(std::string_view text) {
  static constexpr std::pair<std::string_view, char> k_entities[] = {
      {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}, {"&apos;", '\''}, {"&amp;", '&'}};
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool replaced = false;
    for (const auto& [entity, c] : k_entities) {
      if (text.substr(i).starts_with(entity)) {
        out += c;
        i += entity.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += text[i];
  }
  return out;
}

// What a chart shows: the text of its first <title>, else its file name.
std::string chart_title(const std::string& member, const std::string& svg) {
  const std::size_t open = svg.find("<title");
  const std::size_t start = open == std::string::npos ? open : svg.find('>', open);
  const std::size_t end = start == std::string::npos ? start : svg.find("</title>", start);
  if (end != std::string::npos && end > start + 1) return unescape_markup(std::string_view(svg).substr(start + 1, end - start - 1));
  return member.substr(member.rfind('/') + 1);
}

bool is_chart(std::string_view path) { return path.starts_with("performance/") && path.ends_with(".svg"); }

}  // namespace

int status_rank(std::string_view status) {
  for (std::size_t i = 0; i < std::size(k_statuses); ++i) {
    if (k_statuses[i] == status) return static_cast<int>(i);
  }
  return static_cast<int>(std::size(k_statuses));
}

bool wanted_for_report(std::string_view path) {
  return path == "manifest.json" || path == "case.json" || path == "scrub-report.json" ||
         path == "cores/cores.json" || path == "changes/summary.txt" ||
         (path.starts_with("changes/diffs/") && path.ends_with(".diff")) || is_chart(path);
}

ReportModel build_report_model(ReportInputs inputs) {
  const json& m = inputs.manifest.is_object() ? inputs.manifest : json::object();
  ReportModel model;
  model.bundle = text_of(m, "bundle");
  const json tool = m.value("tool", json::object());
  model.tool = text_of(tool, "name") + " " + text_of(tool, "version") +
               (text_of(tool, "command").empty() ? "" : " " + text_of(tool, "command"));
  model.case_info = case_of(m, inputs.documents);
  const json platform = m.value("platform", json::object());
  model.platform = text_of(platform, "name");
  model.platform_reason = text_of(platform, "reason");
  const json host = m.value("host", json::object());
  model.hostname = text_of(host, "hostname");
  model.os = text_of(host, "os");
  model.kernel = text_of(host, "kernel");
  model.started = text_of(m, "started");
  model.finished = text_of(m, "finished");
  model.duration_s = number_of(m, "duration_s");
  model.interrupted = m.value("interrupted", false);
  model.options = options_of(m.value("options", json::object()));
  const json scrub = m.value("scrub", json::object());
  model.scrubbed = scrub.is_object() && scrub.value("scrubbed", false);
  model.scrub = text_of(scrub, "description");
  add_scrub_details(model, m, inputs.documents);
  model.collectors = collectors_of(m);
  // A bundle made by `vmsupport scrub` counts its members in "summary", not
  // collectors: the counts would contradict an empty list of collectors.
  const json summary = model.collectors.empty() ? json::object() : m.value("summary", json::object());
  for (std::string_view status : k_statuses) {
    const std::string key(status);
    if (summary.is_object() && summary.contains(key) && summary[key].is_number()) {
      model.summary.emplace_back(key, summary[key].get<std::size_t>());
    }
  }
  add_changes(model, inputs.documents);
  add_cores(model, inputs.documents);
  model.members = std::move(inputs.members);
  model.member_count = model.members.size() + inputs.members_not_listed;
  model.member_bytes = inputs.bytes_not_listed;
  for (const ReportMember& member : model.members) model.member_bytes += member.size.value_or(0);
  std::sort(model.members.begin(), model.members.end(),
            [](const ReportMember& a, const ReportMember& b) { return a.path < b.path; });
  add_member_collectors(model.members, m);
  add_collector_members(model.collectors, model.members);
  for (const ReportMember& member : model.members) {
    if (!is_chart(member.path) || !member.link_target.empty()) continue;
    const auto svg = inputs.documents.find(member.path);
    ReportChart chart{member.path, {}, svg == inputs.documents.end() ? std::string() : std::move(svg->second)};
    chart.title = chart_title(chart.member, chart.svg);
    model.charts.push_back(std::move(chart));
  }
  return model;
}

ReportStatus overall_status(const ReportModel& model) {
  if (model.interrupted) return {"interrupted", "the run was stopped before it finished: the bundle holds what was gathered until then"};
  std::size_t failed = 0;
  std::size_t truncated = 0;
  for (const ReportCollector& c : model.collectors) {
    failed += status_rank(c.status) <= 1;
    truncated += c.status == "truncated";
  }
  if (failed > 0) return {"partial", counted(failed, "collector") + " failed or timed out"};
  if (truncated > 0) return {"complete", counted(truncated, "collector") + " truncated"};
  return {"complete", made_by_scrub(model) ? "every member of the source bundle read" : "every collector ok or skipped"};
}

bool made_by_scrub(const ReportModel& model) { return model.collectors.empty() && model.tool.ends_with(" scrub"); }

std::string severity_text(std::string_view severity) {
  const int number = severity.size() == 1 && severity[0] >= '1' && severity[0] <= '4' ? severity[0] - '0' : 0;
  const std::string_view meaning = severity_meaning(number);
  return meaning.empty() ? std::string(severity) : std::string(severity) + " (" + std::string(meaning) + ")";
}

}  // namespace vmsupport
