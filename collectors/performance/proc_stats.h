// Performance snapshots on Linux: pure parsers of /proc/stat, /proc/meminfo,
// /proc/diskstats, /proc/net/dev and /proc/loadavg, and the series derived
// from a run of snapshots (CPU busy %, memory, disk and network rates, load).
// No I/O here: the sampler (sampler.h) reads the texts, tests feed fixtures.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/units.h"

namespace vmsupport {

// The aggregate "cpu" line of /proc/stat, in clock ticks.
struct CpuTimes {
  std::uint64_t busy = 0;   // user + nice + system + irq + softirq + steal
  std::uint64_t total = 0;  // busy + idle + iowait
};

struct MemInfo {
  std::uint64_t total = 0;      // bytes
  std::uint64_t available = 0;  // MemAvailable (MemFree + Buffers + Cached on old kernels)
};

struct IoCounters {
  std::uint64_t read = 0;   // bytes (disks: sectors x 512)
  std::uint64_t write = 0;  // bytes (network: read = rx, write = tx)
};

struct LoadAverage {
  double one = 0, five = 0, fifteen = 0;
};

// One snapshot: the parsed texts and when they were read (seconds since the first).
struct ProcSnapshot {
  double seconds = 0;
  CpuTimes cpu;
  MemInfo memory;
  std::map<std::string, IoCounters> disks;
  std::map<std::string, IoCounters> interfaces;
  LoadAverage load;
};

// Each parser fails (nullopt) on a text that lacks what it needs.
std::optional<CpuTimes> parse_proc_stat(const std::string& text);
std::optional<MemInfo> parse_meminfo(const std::string& text);
// Whole disks only: loop, ram, zram and partitions (sda1, nvme0n1p1) are left out.
std::optional<std::map<std::string, IoCounters>> parse_diskstats(const std::string& text);
// Every interface but lo.
std::optional<std::map<std::string, IoCounters>> parse_net_dev(const std::string& text);
std::optional<LoadAverage> parse_loadavg(const std::string& text);

// A time series: (seconds, value) points.
struct Series {
  std::string name;
  std::vector<std::pair<double, double>> points;
};

// CPU busy % between consecutive snapshots (one point per interval, at its end).
std::vector<Series> cpu_series(const std::vector<ProcSnapshot>& snapshots);
// Memory used and available, MiB, one point per snapshot.
std::vector<Series> memory_series(const std::vector<ProcSnapshot>& snapshots);
// "<device> read" / "<device> write" bytes/s between consecutive snapshots,
// for every device of both (an idle one at 0); counters that went backwards
// (a reset) give no point.
std::vector<Series> disk_series(const std::vector<ProcSnapshot>& snapshots);
// "<interface> rx" / "<interface> tx" bytes/s.
std::vector<Series> network_series(const std::vector<ProcSnapshot>& snapshots);
// "1 min", "5 min", "15 min".
std::vector<Series> load_series(const std::vector<ProcSnapshot>& snapshots);

// The series as CSV: "time,seconds,<name>,<name>..." with one row per time
// seen; `time` is ISO 8601 UTC (`start` plus the row's seconds, whole seconds),
// `seconds` counts from the first snapshot.
std::string series_csv(const std::vector<Series>& series, Clock::time_point start);

}  // namespace vmsupport
