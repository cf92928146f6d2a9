// The collect step for --performance: start the sampler beside collection,
// then wait for it and add performance/ through the scrubber, with its own
// collector ("Performance:Snapshots") in manifest.json.
#pragma once

#include <memory>

#include "bundle/archive_writer.h"
#include "bundle/documents.h"
#include "performance/sampler.h"
#include "plan/plan.h"
#include "scrub/scrubber.h"

namespace vmsupport {

// nullptr when options.duration is 0; else a running sampler, and the plan
// gains the collector its outcome is recorded under.
std::unique_ptr<PerformanceSampler> start_performance(const PerformanceOptions& options, Plan& plan,
                                                      const std::string& root, ProcessRunner& runner,
                                                      std::chrono::steady_clock::time_point deadline,
                                                      const std::atomic<bool>* cancel);

// Waits for the sampler (the run lasts at least DURATION) and adds its
// members; a skip is recorded as an item without a member. The charts' SVG
// goes into `report_documents` too, for index.html to show. Fails only when
// the archive cannot be written.
Result<void> add_performance(PerformanceSampler* sampler, const Plan& plan, Scrubber& scrubber, ArchiveWriter& writer,
                             ItemLog& items, std::map<std::string, std::string>& report_documents);

}  // namespace vmsupport
