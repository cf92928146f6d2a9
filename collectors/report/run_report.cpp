// index.html from a RunRecord (see run_report.h).
#include "report/run_report.h"

#include "report/html.h"

namespace vmsupport {

std::string render_run_report(const RunRecord& record, const std::map<std::string, std::string>& documents) {
  ReportInputs inputs;
  // The manifest without its items: the members come from the records below,
  // and a run of 100,000 files must not be parsed back into a JSON tree.
  inputs.manifest = nlohmann::json::parse(render_manifest_summary_json(record), nullptr, false);
  inputs.documents = documents;
  for (const ItemRecord& item : record.items) {
    if (item.path.empty()) continue;
    inputs.members.push_back(ReportMember{item.path, item.link_target.empty() ? std::optional(item.size) : std::nullopt,
                                          item.link_target});
  }
  inputs.members.push_back(ReportMember{"index.html", std::nullopt, {}});
  inputs.members.push_back(ReportMember{"manifest.json", std::nullopt, {}});
  return render_report_html(build_report_model(std::move(inputs)));
}

}  // namespace vmsupport
