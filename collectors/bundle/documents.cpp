// manifest.json and README.txt from a RunRecord (see documents.h).
#include "bundle/documents.h"

#include <algorithm>
#include <sstream>

#include "util/text.h"

namespace vmsupport {
namespace {

using json = nlohmann::ordered_json;

int severity(Status status) {
  switch (status) {
    case Status::skipped: return 0;
    case Status::ok: return 1;
    case Status::truncated: return 2;
    case Status::failed: return 3;
    case Status::timed_out: return 4;
  }
  return 0;
}

double seconds(std::chrono::milliseconds ms) { return static_cast<double>(ms.count()) / 1000.0; }

json item_json(const ItemRecord& item, const RunRecord& record) {
  const bool own = item.collector >= record.plan->collectors.size();
  return render_item_json(item, own ? std::string("vmsupport") : record.plan->collectors[item.collector].id);
}

json collector_json(const CollectorPlan& plan, const CollectorRecord& outcome) {
  json j{{"id", plan.id},
         {"group", plan.group},
         {"kind", plan.kind},
         {"spec", plan.spec},
         {"defined_at", plan.mark.file + ":" + std::to_string(plan.mark.line)},
         {"status", status_name(outcome.status)},
         {"duration_s", seconds(outcome.duration)},
         {"members", outcome.members},
         {"bytes", outcome.bytes}};
  if (!outcome.reason.empty()) j["reason"] = outcome.reason;
  return j;
}

}  // namespace

json render_item_json(const ItemRecord& item, const std::string& collector) {
  json j{{"collector", collector}, {"source", item.source}, {"status", status_name(item.status)}};
  if (!item.reason.empty()) j["reason"] = item.reason;
  if (!is_valid_utf8(item.source)) j["source_base64"] = base64_encode(item.source);
  if (!item.path.empty()) {
    j["path"] = item.path;
    if (!is_valid_utf8(item.path)) j["path_base64"] = base64_encode(item.path);
    if (!item.link_target.empty()) {
      j["link_target"] = item.link_target;
    } else {
      j["size"] = item.size;
      j["sha256"] = item.sha256;
      j["original_size"] = item.original_size;
      j["truncated"] = item.truncated;
      j["scrubbed"] = item.scrubbed;
      if (item.packed_as_is) j["packed_as_is"] = true;
      if (item.mtime != Clock::time_point{}) j["mtime"] = format_iso_utc(item.mtime);
    }
  }
  if (item.duration.count() > 0) j["duration_s"] = seconds(item.duration);
  if (item.exit_code) j["exit_code"] = *item.exit_code;
  if (!item.mode.empty()) j["mode"] = item.mode;
  return j;
}

void summarise_collectors(RunRecord& record) {
  record.collectors.assign(record.plan->collectors.size(), CollectorRecord{Status::skipped, {}, {}, 0, 0});
  std::vector<bool> seen(record.collectors.size(), false);
  for (const ItemRecord& item : record.items) {
    if (item.collector >= record.collectors.size()) continue;
    CollectorRecord& c = record.collectors[item.collector];
    c.duration += item.duration;
    if (!item.path.empty() && item.link_target.empty()) {
      ++c.members;
      c.bytes += item.size;
    }
    const bool worse = !seen[item.collector] || severity(item.status) > severity(c.status);
    seen[item.collector] = true;
    if (worse) {
      c.status = item.status;
      const bool named = item.source == record.plan->collectors[item.collector].spec;
      c.reason = item.reason.empty() || named ? item.reason : item.source + ": " + item.reason;
    }
  }
}

std::map<std::string, std::size_t> count_collectors(const RunRecord& record) {
  std::map<std::string, std::size_t> counts;
  for (Status s : {Status::ok, Status::truncated, Status::skipped, Status::failed, Status::timed_out}) {
    counts[status_name(s)] = 0;
  }
  for (const CollectorRecord& c : record.collectors) ++counts[status_name(c.status)];
  return counts;
}

std::string format_counts(const std::map<std::string, std::size_t>& counts) {
  std::string out;
  for (Status s : {Status::ok, Status::truncated, Status::skipped, Status::failed, Status::timed_out}) {
    const auto it = counts.find(status_name(s));
    if (it == counts.end() || it->second == 0) continue;
    out += (out.empty() ? "" : ", ") + std::to_string(it->second) + " " + it->first;
  }
  return out.empty() ? "none" : out;
}

std::size_t count_permission_denied(const RunRecord& record) { return record.items.permission_denied(); }

namespace {

std::string dump(const json& value) { return value.dump(2, ' ', false, json::error_handler_t::replace); }

// Everything but the items; "items" is the last key, an empty list.
json manifest_head(const RunRecord& record) {
  const Plan& plan = *record.plan;
  json collectors = json::array();
  for (std::size_t i = 0; i < plan.collectors.size(); ++i) {
    collectors.push_back(collector_json(plan.collectors[i], record.collectors[i]));
  }
  json forbid = json::array();
  for (const ForbidSpec& rule : plan.forbid) forbid.push_back(rule.glob);
  json doc{
      {"format_version", 1},
      {"tool", {{"name", "vmsupport"}, {"version", VMSUPPORT_VERSION}}},
      {"bundle", record.bundle_name},
      {"started", format_iso_utc(record.started)},
      {"finished", format_iso_utc(record.finished)},
      {"duration_s", std::chrono::duration<double>(record.finished - record.started).count()},
      {"interrupted", record.interrupted},
      {"platform",
       {{"name", plan.platform.manifest->platform},
        {"manifest", plan.platform.manifest->source},
        {"reason", plan.platform.reason}}},
      {"host",
       {{"hostname", record.host.hostname},
        {"hostname_source", record.host.hostname_source},
        {"os", record.host.os},
        {"kernel", record.host.kernel}}},
      {"root", record.root},
      {"privileges", {{"root", record.root_privileges}, {"permission_denied", count_permission_denied(record)}}},
      {"options", record.options},
      {"scrub", {{"scrubbed", record.scrubbed}, {"description", record.scrub}}},
      {"groups", plan.groups},
      {"vm", plan.vm ? json{{"name", plan.vm->name}, {"directory", plan.vm->directory}, {"vmx", plan.vm->vmx}}
                     : json(nullptr)},
      {"forbid", forbid},
      {"summary", count_collectors(record)},
      {"collectors", collectors},
      {"items", json::array()},
  };
  return doc;
}

// `text` (a dump at indent 2) indented by four more spaces: an element of "items".
void append_indented(std::string& out, const std::string& text) {
  out += "    ";
  for (char c : text) {
    out += c;
    if (c == '\n') out += "    ";
  }
}

// A document whose last key holds a long list (manifest.json's items,
// scrub-report.json's members), handed to a sink in pieces of about 64 KiB
// as the list's elements are added one at a time.
class ListDocument {
 public:
  // `head`: the document dumped with that list empty, as its last key.
  ListDocument(std::string head, const std::function<Result<void>(std::string_view)>& sink)
      : m_out(std::move(head)), m_sink(sink) {
    m_out.resize(m_out.size() - std::string_view("]\n}").size());  // reopen the empty list
  }
  Result<void> add(const json& element) {
    m_out += m_empty ? "\n" : ",\n";
    m_empty = false;
    append_indented(m_out, dump(element));
    if (m_out.size() < k_flush_at) return {};
    auto ok = m_sink(m_out);
    m_out.clear();
    return ok;
  }
  // Closes the list; `rest` follows it (the document's other keys and its end).
  Result<void> finish(std::string_view rest) {
    m_out += m_empty ? "]" : "\n  ]";
    m_out += rest;
    return m_sink(m_out);
  }

 private:
  static constexpr std::size_t k_flush_at = 64 << 10;
  std::string m_out;
  const std::function<Result<void>(std::string_view)>& m_sink;
  bool m_empty = true;
};

}  // namespace

Result<void> write_manifest_json(const RunRecord& record,
                                 const std::function<Result<void>(std::string_view)>& sink) {
  ListDocument document(dump(manifest_head(record)), sink);
  for (const ItemRecord& item : record.items) {
    if (auto ok = document.add(item_json(item, record)); !ok) return ok;
  }
  return document.finish("\n}\n");
}

std::string render_manifest_json(const RunRecord& record) {
  std::string out;
  (void)write_manifest_json(record, [&](std::string_view piece) -> Result<void> {
    out += piece;
    return {};
  });
  return out;
}

std::string render_manifest_summary_json(const RunRecord& record) { return dump(manifest_head(record)) + "\n"; }

std::string privileges_line(const RunRecord& record) {
  const std::size_t denied = count_permission_denied(record);
  const std::string items = counted(denied, "item");
  if (record.root_privileges) return denied == 0 ? "root" : "root; " + items + " refused even so (permission denied)";
  if (denied == 0) return "not root (nothing was refused for lack of permission)";
  return "not root: " + items + " could not be read (permission denied, listed in manifest.json);"
         " run as root to gather them";
}

std::string render_readme(const RunRecord& record) {
  const Plan& plan = *record.plan;
  std::ostringstream out;
  out << "vmsupport diagnostic bundle\n===========================\n\n"
      << "Bundle:    " << record.bundle_name << "\n"
      << render_case_lines(record.case_info)
      << "Created:   " << format_iso_utc(record.started) << " by vmsupport " << VMSUPPORT_VERSION
      << "\n"
      << "Host:      " << record.host.hostname << (record.host.os.empty() ? "" : " (" + record.host.os + ")")
      << "\n"
      << "Platform:  " << plan.platform.manifest->platform << " (" << plan.platform.reason << ")\n"
      << "Root:      " << record.root << "\n"
      << "Run as:    " << privileges_line(record) << "\n"
      << "Groups:    ";
  for (std::size_t i = 0; i < plan.groups.size(); ++i) out << (i ? ", " : "") << plan.groups[i];
  out << "\nScrubbing: " << record.scrub << "\n";
  if (plan.vm) {
    out << "VM:        " << plan.vm->name << " (" << plan.vm->directory
        << "): a one-VM bundle (--vm), with the host context its manifest names\n";
  }
  if (record.interrupted) out << "\nTHIS BUNDLE IS INCOMPLETE: the run was interrupted.\n";
  out << "\nCollectors: " << format_counts(count_collectors(record)) << "\n";
  bool header = false;
  for (std::size_t i = 0; i < plan.collectors.size(); ++i) {
    const CollectorRecord& c = record.collectors[i];
    if (!is_failure(c.status)) continue;
    if (!header) out << "\nProblems (details in manifest.json):\n";
    header = true;
    out << "  [" << status_name(c.status) << "] " << plan.collectors[i].id << "\n      " << c.reason
        << "\n";
  }
  bool unscrubbed_header = false;
  for (const ItemRecord& item : record.items) {
    if (!record.scrubbed || item.scrubbed || item.path.empty()) continue;
    if (!unscrubbed_header) out << "\nNOT SCRUBBED, packed as they are (binary; see manifest.json):\n";
    unscrubbed_header = true;
    out << "  " << item.path << " (" << format_size(item.size) << ")" << (item.reason.empty() ? "" : ": " + item.reason)
        << "\n";
  }
  out << "\nLayout\n------\n"
         "  README.txt        this file\n"
         "  case.json         the support case: id, severity, description, contact (when given)\n"
         "  index.html        the same summary as a page: open it in a browser\n"
         "  manifest.json     every collector and item: status, reason, duration; every\n"
         "                    member's source, size, sha256 and whether it was truncated\n"
         "  vmsupport.log     the tool's own log of this run\n"
         "  commands/<group>/<id>.txt   command output (stdout and stderr)\n"
         "  changes/          what changed since the baseline: summary.txt, changes.json,\n"
         "                    diffs/<path>.diff (or, with no baseline, recent files and history)\n"
         "  cores/            crash cores found: cores.json (program, pid, signal, log lines),\n"
         "                    <core>.bt.txt backtraces where gdb could read them\n"
         "  performance/      with --performance: samples.csv (raw counters), cpu, memory,\n"
         "                    disk, network and load as .csv series (time in UTC) and\n"
         "                    .svg charts (on ESXi from esxtop.csv, esxtop -b; no load)\n"
         "  etc/, var/, ...   files at their original paths on the host; symlinks are\n"
         "                    kept as symlinks to the collected file\n"
         "\nLarge files keep their newest bytes (status \"truncated\" in manifest.json).\n"
         "Check the members with: vmsupport verify BUNDLE, or compare sha256 sums\n"
         "against manifest.json.\n";
  return out.str();
}

namespace {

json scrub_report_head(const ScrubReport& report) {
  return json{{"format_version", 1}, {"inventory_names", report.inventory}, {"replaced", report.totals}};
}

json scrub_report_tail(const ScrubReport& report) {
  json left_out = json::array();
  for (const auto& [path, why] : report.left_out) left_out.push_back(json{{"path", path}, {"reason", why}});
  json unscrubbed = json::array();
  for (const auto& [path, why] : report.unscrubbed) unscrubbed.push_back(json{{"path", path}, {"reason", why}});
  return json{{"left_out", left_out}, {"packed_unscrubbed", unscrubbed}};
}

}  // namespace

Result<void> write_scrub_report(const ScrubReport& report, const ItemLog& items,
                                const std::function<Result<void>(std::string_view)>& sink) {
  json head = scrub_report_head(report);
  head["members"] = json::array();
  ListDocument document(dump(head), sink);
  for (const ItemRecord& item : items) {
    if (item.replaced.empty() || item.path.empty()) continue;
    if (auto ok = document.add(json{{"path", item.path}, {"replaced", item.replaced}}); !ok) return ok;
  }
  const std::string tail = dump(scrub_report_tail(report));
  return document.finish(",\n" + tail.substr(2) + "\n");  // the tail's keys, after its "{\n"
}

std::string render_scrub_report(const ScrubReport& report, const ItemLog& items) {
  std::string out;
  (void)write_scrub_report(report, items, [&](std::string_view piece) -> Result<void> {
    out += piece;
    return {};
  });
  return out;
}

std::string render_scrub_report_summary(const ScrubReport& report) {
  json doc = scrub_report_head(report);
  doc.update(scrub_report_tail(report));
  return dump(doc) + "\n";
}

}  // namespace vmsupport
