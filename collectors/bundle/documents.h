// The bundle's own documents: manifest.json (for machines) and README.txt
// (for people), rendered from one RunRecord so that they always agree.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bundle/case_info.h"
#include "bundle/item_log.h"
#include "kinds/host_facts.h"
#include "kinds/item.h"
#include "plan/plan.h"
#include "scrub/content_scrubber.h"

namespace vmsupport {

// A collector's outcome: the worst of its items.
struct CollectorRecord {
  Status status = Status::ok;
  std::string reason;               // the first problem, when there is one
  std::chrono::milliseconds duration{0};
  std::size_t members = 0;
  std::uint64_t bytes = 0;
};

struct RunRecord {
  std::string bundle_name;          // top directory, e.g. vmsupport-esx01-20261123T065400Z
  std::string root;
  Clock::time_point started{};
  Clock::time_point finished{};
  const Plan* plan = nullptr;
  HostFacts host;
  CaseInfo case_info;               // --case, --severity, --description, --contact
  nlohmann::ordered_json options;   // the run's options as given
  std::string scrub;                // the scrubber's description
  bool scrubbed = false;
  ItemLog items;                    // in bundle order; spilled to a temporary file when many
  std::vector<CollectorRecord> collectors;  // parallel to plan->collectors
  bool interrupted = false;
  bool root_privileges = true;      // the run had root privileges (effective uid 0)
  // Contents, before scrubbing, of members added before the documents that
  // index.html shows (the performance charts), by member path.
  std::map<std::string, std::string> report_documents;
};

// Fills record.collectors from record.items.
void summarise_collectors(RunRecord& record);

// Counts of collectors by status name ("ok": 12, "failed": 1, ...).
std::map<std::string, std::size_t> count_collectors(const RunRecord& record);

// "40 ok, 2 truncated, 1 failed": non-zero counts in a fixed order.
std::string format_counts(const std::map<std::string, std::size_t>& counts);

// One item of manifest.json's "items" (also used by `vmsupport scrub`'s manifest).
nlohmann::ordered_json render_item_json(const ItemRecord& item, const std::string& collector);

// Items that failed for lack of permission (ItemRecord::permission_denied).
std::size_t count_permission_denied(const RunRecord& record);

// manifest.json, handed to `sink` in pieces of about 64 KiB: the items are
// rendered one at a time, so a run of 100,000 files never holds them all as
// JSON values. Stops at, and returns, the first failure of `sink`.
Result<void> write_manifest_json(const RunRecord& record,
                                 const std::function<Result<void>(std::string_view)>& sink);
// The same, as one string.
std::string render_manifest_json(const RunRecord& record);
// manifest.json with an empty "items" list: what the report reads (its
// members come from the records themselves).
std::string render_manifest_summary_json(const RunRecord& record);
std::string render_readme(const RunRecord& record);

// scrub-report.json: counts per category and per member (from the items'
// records), what was left out; never an original value. Handed to `sink` in
// pieces like manifest.json.
Result<void> write_scrub_report(const ScrubReport& report, const ItemLog& items,
                                const std::function<Result<void>(std::string_view)>& sink);
// The same, as one string.
std::string render_scrub_report(const ScrubReport& report, const ItemLog& items);
// scrub-report.json without its "members": what the report reads.
std::string render_scrub_report_summary(const ScrubReport& report);

}  // namespace vmsupport
