// The performance sampler (see sampler.h).
#include "performance/sampler.h"

#include <cmath>
#include <filesystem>
#include <sstream>

#include "performance/esxtop_csv.h"
#include "performance/svg_chart.h"
#include "util/text.h"

namespace vmsupport {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr const char* k_proc_files[] = {"/proc/stat", "/proc/meminfo", "/proc/diskstats", "/proc/net/dev",
                                        "/proc/loadavg"};

std::string counters_columns(const std::map<std::string, IoCounters>& counters, const char* read, const char* write,
                             bool header) {
  std::string text;
  for (const auto& [name, io] : counters) {
    text += header ? "," + name + " " + read + " bytes," + name + " " + write + " bytes"
                   : "," + std::to_string(io.read) + "," + std::to_string(io.write);
  }
  return text;
}

// Raw counters, one row per snapshot (the columns of the first snapshot).
std::string samples_csv(const std::vector<ProcSnapshot>& snapshots, Clock::time_point start) {
  if (snapshots.empty()) return "time,seconds\n";
  const ProcSnapshot& first = snapshots.front();
  std::string csv = "time,seconds,cpu busy ticks,cpu total ticks,memory total bytes,memory available bytes,load 1,load 5,load 15" +
                    counters_columns(first.disks, "read", "written", true) +
                    counters_columns(first.interfaces, "rx", "tx", true) + "\n";
  for (const ProcSnapshot& s : snapshots) {
    std::ostringstream row;
    row.setf(std::ios::fixed);
    row.precision(2);
    row << format_iso_utc(start + std::chrono::duration_cast<Clock::duration>(Seconds(s.seconds))) << ","
        << s.seconds << "," << s.cpu.busy << "," << s.cpu.total << "," << s.memory.total << "," << s.memory.available
        << "," << s.load.one << "," << s.load.five << "," << s.load.fifteen;
    auto same_columns = [&](const std::map<std::string, IoCounters>& now, const std::map<std::string, IoCounters>& at_first) {
      std::map<std::string, IoCounters> aligned;
      for (const auto& [name, io] : at_first) aligned[name] = now.contains(name) ? now.at(name) : IoCounters{};
      return aligned;
    };
    csv += row.str() + counters_columns(same_columns(s.disks, first.disks), "", "", false) +
           counters_columns(same_columns(s.interfaces, first.interfaces), "", "", false) + "\n";
  }
  return csv;
}

using Members = std::vector<std::pair<std::string, std::string>>;

// performance/NAME.csv for each chart, then performance/NAME.svg for each.
void add_charts(Members& members, Clock::time_point start, const std::vector<std::pair<std::string, Chart>>& charts) {
  for (const auto& [name, chart] : charts) members.emplace_back("performance/" + name + ".csv", series_csv(chart.series, start));
  for (const auto& [name, chart] : charts) members.emplace_back("performance/" + name + ".svg", render_svg_chart(chart));
}

bool stopping(const std::atomic<bool>* cancel, SteadyClock::time_point deadline) {
  return (cancel && cancel->load()) || SteadyClock::now() >= deadline;
}

// Sleeps until `until` in short steps, returning early on cancel or deadline.
void sleep_until(SteadyClock::time_point until, const std::atomic<bool>* cancel, SteadyClock::time_point deadline) {
  while (SteadyClock::now() < until && !stopping(cancel, deadline)) {
    std::this_thread::sleep_for(std::min<SteadyClock::duration>(std::chrono::milliseconds(100), until - SteadyClock::now()));
  }
}

}  // namespace

PerformanceSource choose_performance_source(const std::string& platform, const std::string& root,
                                            ProcessRunner& runner) {
  if (std::filesystem::path(root).lexically_normal() != "/") {
    return {"", "snapshots measure the running system, not --root " + root, ""};
  }
  if (platform == "esxi") {
    if (auto esxtop = runner.find_program("esxtop", "")) return {"esxtop", "", *esxtop};
    return {"", "esxtop not found", ""};
  }
  if (!read_real_proc("/proc/stat")) return {"", "/proc/stat cannot be read", ""};
  return {"proc", "", ""};
}

std::optional<std::string> read_real_proc(const std::string& path) { return read_whole_file(path); }

std::optional<ProcSnapshot> read_snapshot(const ProcReader& read, double seconds) {
  ProcSnapshot snapshot;
  snapshot.seconds = seconds;
  const auto stat = read("/proc/stat");
  const auto meminfo = read("/proc/meminfo");
  const auto cpu = stat ? parse_proc_stat(*stat) : std::nullopt;
  const auto memory = meminfo ? parse_meminfo(*meminfo) : std::nullopt;
  if (!cpu || !memory) return std::nullopt;
  snapshot.cpu = *cpu;
  snapshot.memory = *memory;
  if (auto text = read("/proc/diskstats")) snapshot.disks = parse_diskstats(*text).value_or(snapshot.disks);
  if (auto text = read("/proc/net/dev")) snapshot.interfaces = parse_net_dev(*text).value_or(snapshot.interfaces);
  if (auto text = read("/proc/loadavg")) snapshot.load = parse_loadavg(*text).value_or(snapshot.load);
  return snapshot;
}

std::vector<std::pair<std::string, std::string>> proc_members(const std::vector<ProcSnapshot>& snapshots,
                                                              Clock::time_point start) {
  Members members = {{"performance/samples.csv", samples_csv(snapshots, start)}};
  add_charts(members, start,
             {{"cpu", Chart{"CPU busy", "%", cpu_series(snapshots)}},
              {"memory", Chart{"Memory", "MiB", memory_series(snapshots)}},
              {"disk", Chart{"Disk throughput", "bytes/s", disk_series(snapshots)}},
              {"network", Chart{"Network throughput", "bytes/s", network_series(snapshots)}},
              {"load", Chart{"Load average", "runnable tasks", load_series(snapshots)}}});
  return members;
}

std::vector<std::pair<std::string, std::string>> esxtop_members(const std::string& output) {
  Members members = {{"performance/esxtop.csv", output}};
  const std::optional<EsxtopSeries> parsed = parse_esxtop_csv(output);
  if (!parsed) return members;
  add_charts(members, parsed->start,
             {{"cpu", Chart{"CPU busy", "%", parsed->cpu}},
              {"memory", Chart{"Memory", "MiB", parsed->memory}},
              {"disk", Chart{"Disk throughput", "bytes/s", parsed->disk}},
              {"network", Chart{"Network throughput", "bytes/s", parsed->network}}});
  return members;
}

PerformanceSampler::PerformanceSampler(PerformanceOptions options, PerformanceSource source, ProcReader read,
                                       ProcessRunner& runner, std::chrono::steady_clock::time_point deadline,
                                       const std::atomic<bool>* cancel)
    : m_options(options), m_source(std::move(source)), m_read(std::move(read)), m_runner(runner),
      m_deadline(deadline), m_cancel(cancel) {
  if (m_source.kind == "proc") m_thread = std::thread([this] { run_proc(); });
  else if (m_source.kind == "esxtop") m_thread = std::thread([this] { run_esxtop(); });
  else m_result = PerformanceResult{Status::skipped, m_source.reason, 0, {}};
}

PerformanceSampler::~PerformanceSampler() {
  if (m_thread.joinable()) m_thread.join();
}

PerformanceResult PerformanceSampler::finish() {
  if (m_thread.joinable()) m_thread.join();
  return m_result;
}

void PerformanceSampler::run_proc() {
  const auto wall_start = Clock::now();
  const auto start = SteadyClock::now();
  const auto end = start + m_options.duration;
  std::vector<ProcSnapshot> snapshots;
  std::size_t unreadable = 0;
  for (auto next = start;; next += m_options.interval) {
    sleep_until(next, m_cancel, m_deadline);
    if (stopping(m_cancel, m_deadline) && !snapshots.empty()) break;
    const double seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
    if (auto snapshot = read_snapshot(m_read, seconds)) snapshots.push_back(std::move(*snapshot));
    else ++unreadable;
    if (next >= end || stopping(m_cancel, m_deadline)) break;
  }
  m_result.snapshots = snapshots.size();
  if (snapshots.size() < 2) {
    m_result.status = Status::failed;
    m_result.reason = std::to_string(snapshots.size()) + " snapshot(s): rates need two (" +
                      (unreadable ? "/proc/stat or /proc/meminfo unreadable" : "run stopped early") + ")";
  } else if (SteadyClock::now() < end) {
    m_result.status = Status::truncated;
    m_result.reason = "stopped early (deadline or interrupt) after " + std::to_string(snapshots.size()) + " snapshots";
  }
  m_result.members = proc_members(snapshots, wall_start);
}

void PerformanceSampler::run_esxtop() {
  const auto interval_s = std::max<long long>(1, std::chrono::duration_cast<std::chrono::seconds>(m_options.interval).count());
  const auto duration_s = std::chrono::duration_cast<std::chrono::seconds>(m_options.duration).count();
  const long long count = duration_s / interval_s + 1;
  ProcessRequest request;
  request.argv = {m_source.program, "-b", "-d", std::to_string(interval_s), "-n", std::to_string(count)};
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(m_deadline - SteadyClock::now());
  request.timeout = std::max(std::chrono::milliseconds(1), std::min(left, m_options.duration + std::chrono::seconds(60)));
  request.max_bytes = 256ull << 20;
  request.cancel = m_cancel;
  const ProcessOutcome outcome = m_runner.run(request);
  const std::optional<EsxtopSeries> parsed = parse_esxtop_csv(outcome.output);
  m_result.snapshots = parsed ? parsed->rows : 0;
  if (outcome.end == ProcessOutcome::End::timed_out) {
    m_result.status = Status::timed_out;
    m_result.reason = "esxtop did not finish before the timeout";
  } else if (outcome.end != ProcessOutcome::End::exited || outcome.exit_code != 0) {
    m_result.status = Status::failed;
    m_result.reason = "esxtop " + (outcome.error.empty() ? "exited with " + std::to_string(outcome.exit_code) : outcome.error);
  } else if (!parsed) {
    m_result.reason = "esxtop output has no snapshot rows of -b CSV: kept as esxtop.csv, no charts";
  }
  m_result.members = esxtop_members(outcome.output);
}

}  // namespace vmsupport
