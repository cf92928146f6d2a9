// `collect --performance DURATION [--interval SECONDS]`: snapshots taken in a
// thread while the rest of the run collects, then written to performance/ as
// raw samples, derived CSV series and one SVG chart per metric. On Linux the
// snapshots come from /proc of the running system; on ESXi from
// `esxtop -b -d INTERVAL -n COUNT`, whose CSV is charted the same way. Anything but --root / is a skip (the
// numbers would not be the root's), like commands.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "host/process.h"
#include "kinds/item.h"
#include "performance/proc_stats.h"

namespace vmsupport {

struct PerformanceOptions {
  std::chrono::milliseconds duration{0};      // 0: no snapshots
  std::chrono::milliseconds interval{5000};
};

// Where the snapshots come from on this run, or why there are none.
struct PerformanceSource {
  std::string kind;    // "proc", "esxtop" or "" (skipped)
  std::string reason;  // for a skip: why
  std::string program; // esxtop: its path
};

// proc on a Linux root, esxtop on esxi (when present); a skip with --root
// other than "/" or when neither is available.
PerformanceSource choose_performance_source(const std::string& platform, const std::string& root,
                                            ProcessRunner& runner);

// Reads one /proc file (the real one, or a fixture's in tests); nullopt when unreadable.
using ProcReader = std::function<std::optional<std::string>(const std::string& path)>;

// Reads /proc/... of the running system.
std::optional<std::string> read_real_proc(const std::string& path);

struct PerformanceResult {
  Status status = Status::ok;
  std::string reason;
  std::size_t snapshots = 0;
  std::vector<std::pair<std::string, std::string>> members;  // performance/... path, content
};

// Builds the members of proc snapshots (pure): samples.csv (raw counters),
// cpu.csv, memory.csv, disk.csv, network.csv, load.csv and cpu.svg,
// memory.svg, disk.svg, network.svg, load.svg. `start` is when the first
// snapshot was taken: each CSV row carries its ISO 8601 UTC time.
std::vector<std::pair<std::string, std::string>> proc_members(const std::vector<ProcSnapshot>& snapshots,
                                                              Clock::time_point start);

// Builds the members of an esxtop -b capture (pure): esxtop.csv (the output
// as it is) and, when it parses (esxtop_csv.h), cpu, memory, disk and network
// .csv and .svg like proc_members'.
std::vector<std::pair<std::string, std::string>> esxtop_members(const std::string& output);

// Parses one set of /proc texts into a snapshot; nullopt when /proc/stat or
// /proc/meminfo cannot be parsed (the others are optional).
std::optional<ProcSnapshot> read_snapshot(const ProcReader& read, double seconds);

class PerformanceSampler {
 public:
  // Starts the thread. `runner` is used for esxtop; `deadline` and `cancel`
  // (may be null) stop the sampling early.
  PerformanceSampler(PerformanceOptions options, PerformanceSource source, ProcReader read, ProcessRunner& runner,
                     std::chrono::steady_clock::time_point deadline, const std::atomic<bool>* cancel);
  ~PerformanceSampler();
  PerformanceSampler(const PerformanceSampler&) = delete;
  PerformanceSampler& operator=(const PerformanceSampler&) = delete;

  // Waits until the sampling is over (DURATION after the start, or the
  // deadline or cancel) and returns what it gathered.
  PerformanceResult finish();

 private:
  void run_proc();
  void run_esxtop();

  PerformanceOptions m_options;
  PerformanceSource m_source;
  ProcReader m_read;
  ProcessRunner& m_runner;
  std::chrono::steady_clock::time_point m_deadline;
  const std::atomic<bool>* m_cancel;
  PerformanceResult m_result;
  std::thread m_thread;
};

}  // namespace vmsupport
