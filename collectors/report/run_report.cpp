// index.html from a RunRecord (see run_report.h).
#include "report/run_report.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "report/html.h"

namespace vmsupport {
namespace {

// `content` as the member `path` holds it.
std::string scrubbed(Scrubber& scrubber, const std::string& path, std::string content) {
  CollectedItem item;
  item.source = "vmsupport";
  item.archive_path = path;
  item.original_size = content.size();
  item.content = std::move(content);
  return scrubber.scrub(std::move(item)).item().content;
}

// The bundle's members as the records have them, then the two documents
// written after the page. Listed: the first k_report_file_rows by path (all
// the page shows), each collector's first member (the page links a failed
// one's), and the performance charts and series; the rest are only counted,
// so that the list of 100,000 members is never held at once.
void add_members(ReportInputs& inputs, const ItemLog& items,
                 const std::function<std::string(const ItemRecord&)>& collector_of) {
  const auto by_path = [](const ReportMember& a, const ReportMember& b) { return a.path < b.path; };
  std::vector<ReportMember> first;  // a max-heap by path of the first rows
  std::map<std::string, ReportMember> first_of_collector;
  std::vector<ReportMember> charts;
  std::size_t count = 0;
  std::uint64_t bytes = 0;
  for (const ItemRecord& item : items) {
    if (item.path.empty()) continue;
    ReportMember member{item.path, item.link_target.empty() ? std::optional(item.size) : std::nullopt,
                        item.link_target, collector_of(item)};
    ++count;
    bytes += member.size.value_or(0);
    if (!member.collector.empty()) {
      auto [it, added] = first_of_collector.try_emplace(member.collector, member);
      if (!added && member.path < it->second.path) it->second = member;
    }
    if (member.path.starts_with("performance/")) charts.push_back(member);
    if (first.size() < k_report_file_rows || member.path < first.front().path) {
      first.push_back(std::move(member));
      std::push_heap(first.begin(), first.end(), by_path);
      if (first.size() > k_report_file_rows) {
        std::pop_heap(first.begin(), first.end(), by_path);
        first.pop_back();
      }
    }
  }
  std::set<std::string> listed;
  for (auto* group : {&first, &charts}) {
    for (ReportMember& member : *group) {
      if (listed.insert(member.path).second) inputs.members.push_back(std::move(member));
    }
  }
  for (auto& [collector, member] : first_of_collector) {
    if (listed.insert(member.path).second) inputs.members.push_back(std::move(member));
  }
  inputs.members_not_listed = count - inputs.members.size();
  for (const ReportMember& member : inputs.members) bytes -= member.size.value_or(0);
  inputs.bytes_not_listed = bytes;
  inputs.members.push_back(ReportMember{"index.html", std::nullopt, {}, {}});
  inputs.members.push_back(ReportMember{"manifest.json", std::nullopt, {}, {}});
}

}  // namespace

std::string render_run_report(const RunRecord& record, const std::map<std::string, std::string>& documents,
                              Scrubber& scrubber) {
  ReportInputs inputs;
  // The manifest without its items: the members come from the records below,
  // and a run of 100,000 files must not be parsed back into a JSON tree.
  // Rendered from scrubbed values like manifest.json itself (not scrubbed again).
  inputs.manifest = nlohmann::json::parse(render_manifest_summary_json(record), nullptr, false);
  inputs.documents = documents;
  for (const auto& [path, content] : record.report_documents) inputs.documents[path] = scrubbed(scrubber, path, content);
  add_members(inputs, record.items, [&](const ItemRecord& item) {
    const bool own = record.plan == nullptr || item.collector >= record.plan->collectors.size();
    return own ? std::string() : record.plan->collectors[item.collector].id;
  });
  return render_report_html(build_report_model(std::move(inputs)));
}

std::string render_rescrub_report(const RescrubRecord& record, const std::map<std::string, std::string>& documents,
                                  const std::map<std::string, std::string>& scrubbed_documents, Scrubber& scrubber) {
  ReportInputs inputs;
  inputs.manifest = nlohmann::json::parse(
      scrubbed(scrubber, "manifest.json", render_rescrub_manifest_summary(record)), nullptr, false);
  inputs.documents = scrubbed_documents;
  for (const auto& [path, content] : documents) inputs.documents[path] = scrubbed(scrubber, path, content);
  add_members(inputs, record.items, [](const ItemRecord&) { return std::string(); });
  return render_report_html(build_report_model(std::move(inputs)));
}

}  // namespace vmsupport
