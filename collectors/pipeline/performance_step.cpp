// The --performance step (see performance_step.h).
#include "pipeline/performance_step.h"

#include <spdlog/spdlog.h>

#include "pipeline/executor.h"
#include "report/report_model.h"

namespace vmsupport {
namespace {

constexpr const char* k_group = "Performance:Snapshots";

std::size_t collector_index(const Plan& plan) {
  for (std::size_t i = 0; i < plan.collectors.size(); ++i) {
    if (plan.collectors[i].group == k_group) return i;
  }
  return SIZE_MAX;
}

}  // namespace

std::unique_ptr<PerformanceSampler> start_performance(const PerformanceOptions& options, Plan& plan,
                                                      const std::string& root, ProcessRunner& runner,
                                                      std::chrono::steady_clock::time_point deadline,
                                                      const std::atomic<bool>* cancel) {
  if (options.duration.count() <= 0) return nullptr;
  PerformanceSource source = choose_performance_source(plan.platform.manifest->platform, root, runner);
  const std::string spec = source.kind == "esxtop" ? "esxtop -b" : "/proc snapshots";
  plan.collectors.push_back(CollectorPlan{std::string(k_group) + " performance " + spec, k_group, "performance", spec, {}});
  spdlog::info("performance: {} for {} s every {} s{}", source.kind.empty() ? "skipped" : source.kind,
               std::chrono::duration<double>(options.duration).count(),
               std::chrono::duration<double>(options.interval).count(), source.reason.empty() ? "" : ": " + source.reason);
  return std::make_unique<PerformanceSampler>(options, std::move(source), read_real_proc, runner, deadline, cancel);
}

Result<void> add_performance(PerformanceSampler* sampler, const Plan& plan, Scrubber& scrubber, ArchiveWriter& writer,
                             ItemLog& items, std::map<std::string, std::string>& report_documents) {
  if (!sampler) return {};
  const std::size_t collector = collector_index(plan);
  PerformanceResult result = sampler->finish();
  spdlog::info("performance: {} snapshots, {}{}", result.snapshots, status_name(result.status),
               result.reason.empty() ? "" : ": " + result.reason);
  if (result.members.empty()) {
    ItemRecord skip;
    skip.collector = collector;
    skip.source = plan.collectors[collector].spec;
    skip.status = result.status;
    skip.reason = result.reason;
    items.push_back(std::move(skip));
    return {};
  }
  bool first = true;
  for (auto& [path, content] : result.members) {
    if (wanted_for_report(path)) report_documents[path] = content;
    auto document = add_document(scrubber, writer, path, std::move(content));
    if (!document) return std::unexpected(document.error());
    document->collector = collector;
    document->source = plan.collectors[collector].spec;
    if (first) {
      document->status = result.status;
      document->reason = result.reason;
      first = false;
    }
    items.push_back(std::move(*document));
  }
  return {};
}

}  // namespace vmsupport
