// index.html from a RunRecord (see run_report.h).
#include "report/run_report.h"

#include <functional>

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

// The bundle's members as the records have them, then the two documents written after the page.
void add_members(ReportInputs& inputs, const ItemLog& items,
                 const std::function<std::string(const ItemRecord&)>& collector_of) {
  for (const ItemRecord& item : items) {
    if (item.path.empty()) continue;
    inputs.members.push_back(ReportMember{item.path, item.link_target.empty() ? std::optional(item.size) : std::nullopt,
                                          item.link_target, collector_of(item)});
  }
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
