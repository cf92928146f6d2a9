// /proc parsers and derived series (see proc_stats.h).
#include "performance/proc_stats.h"

#include <cctype>
#include <cstdio>
#include <set>
#include <sstream>

#include "util/text.h"
#include "util/units.h"

namespace vmsupport {
namespace {

std::uint64_t number(const std::string& word) { return std::strtoull(word.c_str(), nullptr, 10); }

bool starts_with(const std::string& text, std::string_view prefix) { return text.rfind(prefix, 0) == 0; }

// sda, vda, xvda, hda, nvme0n1, mmcblk0, md0, dm-0 are disks; sda1, nvme0n1p1 are partitions.
bool is_whole_disk(const std::string& name) {
  for (std::string_view skip : {"loop", "ram", "zram", "fd"}) {
    if (starts_with(name, skip)) return false;
  }
  if (starts_with(name, "nvme") || starts_with(name, "mmcblk")) return name.find('p') == std::string::npos;
  if (starts_with(name, "dm-") || starts_with(name, "md")) return true;
  return !name.empty() && !std::isdigit(static_cast<unsigned char>(name.back()));
}

using Counters = std::map<std::string, IoCounters>;

// Rates between consecutive snapshots of the counters `pick` selects.
std::vector<Series> rate_series(const std::vector<ProcSnapshot>& snapshots, Counters ProcSnapshot::*pick,
                                const char* read_name, const char* write_name) {
  std::map<std::string, Series> reads, writes;
  for (std::size_t i = 1; i < snapshots.size(); ++i) {
    const ProcSnapshot& before = snapshots[i - 1];
    const ProcSnapshot& after = snapshots[i];
    const double seconds = after.seconds - before.seconds;
    if (seconds <= 0) continue;
    for (const auto& [name, now] : after.*pick) {
      const auto it = (before.*pick).find(name);
      if (it == (before.*pick).end() || now.read < it->second.read || now.write < it->second.write) continue;
      const double read = static_cast<double>(now.read - it->second.read) / seconds;
      const double write = static_cast<double>(now.write - it->second.write) / seconds;
      reads[name].points.emplace_back(after.seconds, read);
      writes[name].points.emplace_back(after.seconds, write);
    }
  }
  std::vector<Series> series;
  for (const auto& [name, read] : reads) {  // an idle device is data too: its rates are 0
    series.push_back(Series{name + " " + read_name, read.points});
    series.push_back(Series{name + " " + write_name, writes[name].points});
  }
  return series;
}

std::string format_value(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", value);
  return text;
}

}  // namespace

std::optional<CpuTimes> parse_proc_stat(const std::string& text) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const std::vector<std::string> words = words_of(line);
    if (words.size() < 5 || words[0] != "cpu") continue;
    std::uint64_t field[8] = {};
    for (std::size_t i = 1; i < words.size() && i <= 8; ++i) field[i - 1] = number(words[i]);
    // user nice system idle iowait irq softirq steal (guest time is already in user)
    CpuTimes cpu;
    cpu.busy = field[0] + field[1] + field[2] + field[5] + field[6] + field[7];
    cpu.total = cpu.busy + field[3] + field[4];
    return cpu;
  }
  return std::nullopt;
}

std::optional<MemInfo> parse_meminfo(const std::string& text) {
  std::map<std::string, std::uint64_t> kib;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const std::vector<std::string> words = words_of(line);
    if (words.size() >= 2 && words[0].back() == ':') kib[words[0].substr(0, words[0].size() - 1)] = number(words[1]);
  }
  if (!kib.contains("MemTotal")) return std::nullopt;
  MemInfo memory;
  memory.total = kib["MemTotal"] * 1024;
  memory.available = (kib.contains("MemAvailable") ? kib["MemAvailable"]
                                                   : kib["MemFree"] + kib["Buffers"] + kib["Cached"]) * 1024;
  return memory;
}

std::optional<std::map<std::string, IoCounters>> parse_diskstats(const std::string& text) {
  Counters disks;
  bool any_line = false;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const std::vector<std::string> words = words_of(line);
    if (words.size() < 10) continue;
    any_line = true;
    // major minor name reads merged sectors_read ms writes merged sectors_written ...
    if (is_whole_disk(words[2])) disks[words[2]] = IoCounters{number(words[5]) * 512, number(words[9]) * 512};
  }
  if (!any_line) return std::nullopt;
  return disks;
}

std::optional<std::map<std::string, IoCounters>> parse_net_dev(const std::string& text) {
  Counters interfaces;
  bool header = false;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.find("bytes") != std::string::npos && line.find('|') != std::string::npos) header = true;
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string name = words_of(line.substr(0, colon)).empty() ? "" : words_of(line.substr(0, colon))[0];
    const std::vector<std::string> fields = words_of(line.substr(colon + 1));
    if (name.empty() || name == "lo" || fields.size() < 9) continue;
    interfaces[name] = IoCounters{number(fields[0]), number(fields[8])};
  }
  if (!header) return std::nullopt;
  return interfaces;
}

std::optional<LoadAverage> parse_loadavg(const std::string& text) {
  LoadAverage load;
  if (std::sscanf(text.c_str(), "%lf %lf %lf", &load.one, &load.five, &load.fifteen) != 3) return std::nullopt;
  return load;
}

std::vector<Series> cpu_series(const std::vector<ProcSnapshot>& snapshots) {
  Series busy{"busy %", {}};
  for (std::size_t i = 1; i < snapshots.size(); ++i) {
    const CpuTimes& a = snapshots[i - 1].cpu;
    const CpuTimes& b = snapshots[i].cpu;
    if (b.total <= a.total || b.busy < a.busy) continue;
    busy.points.emplace_back(snapshots[i].seconds,
                             100.0 * static_cast<double>(b.busy - a.busy) / static_cast<double>(b.total - a.total));
  }
  return {busy};
}

std::vector<Series> memory_series(const std::vector<ProcSnapshot>& snapshots) {
  constexpr double k_mib = 1024.0 * 1024.0;
  Series used{"used MiB", {}}, available{"available MiB", {}};
  for (const ProcSnapshot& s : snapshots) {
    if (s.memory.total == 0) continue;
    const std::uint64_t used_bytes = s.memory.total > s.memory.available ? s.memory.total - s.memory.available : 0;
    used.points.emplace_back(s.seconds, static_cast<double>(used_bytes) / k_mib);
    available.points.emplace_back(s.seconds, static_cast<double>(s.memory.available) / k_mib);
  }
  return {used, available};
}

std::vector<Series> disk_series(const std::vector<ProcSnapshot>& snapshots) {
  return rate_series(snapshots, &ProcSnapshot::disks, "read", "write");
}

std::vector<Series> network_series(const std::vector<ProcSnapshot>& snapshots) {
  return rate_series(snapshots, &ProcSnapshot::interfaces, "rx", "tx");
}

std::vector<Series> load_series(const std::vector<ProcSnapshot>& snapshots) {
  Series one{"1 min", {}}, five{"5 min", {}}, fifteen{"15 min", {}};
  for (const ProcSnapshot& s : snapshots) {
    one.points.emplace_back(s.seconds, s.load.one);
    five.points.emplace_back(s.seconds, s.load.five);
    fifteen.points.emplace_back(s.seconds, s.load.fifteen);
  }
  return {one, five, fifteen};
}

std::string series_csv(const std::vector<Series>& series, Clock::time_point start) {
  std::set<double> times;
  for (const Series& s : series) {
    for (const auto& point : s.points) times.insert(point.first);
  }
  std::string csv = "time,seconds";
  for (const Series& s : series) csv += "," + s.name;
  csv += "\n";
  for (double t : times) {
    csv += format_iso_utc(start + std::chrono::duration_cast<Clock::duration>(Seconds(t))) + "," + format_value(t);
    for (const Series& s : series) {
      csv += ",";
      for (const auto& point : s.points) {
        if (point.first == t) {
          csv += format_value(point.second);
          break;
        }
      }
    }
    csv += "\n";
  }
  return csv;
}

}  // namespace vmsupport
