// Fuzz target for the /proc parsers of performance snapshots
// (collectors/performance/proc_stats): /proc/stat, meminfo, diskstats,
// net/dev and loadavg as a broken or foreign kernel might write them. The
// input is cut at its first NUL into two snapshots' texts (each parsed as
// every file), whose series, CSV and SVG charts must come out without a
// crash; a parsed interface or disk name must be a word of the text. The
// whole input is also parsed as an esxtop -b capture and charted.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "performance/esxtop_csv.h"
#include "performance/proc_stats.h"
#include "performance/svg_chart.h"

using namespace vmsupport;

namespace {

ProcSnapshot parse_all(const std::string& text, double seconds) {
  ProcSnapshot snapshot;
  snapshot.seconds = seconds;
  if (auto cpu = parse_proc_stat(text)) snapshot.cpu = *cpu;
  if (auto memory = parse_meminfo(text)) snapshot.memory = *memory;
  if (auto disks = parse_diskstats(text)) snapshot.disks = *disks;
  if (auto interfaces = parse_net_dev(text)) snapshot.interfaces = *interfaces;
  if (auto load = parse_loadavg(text)) snapshot.load = *load;
  for (const auto& [name, counters] : snapshot.disks) {
    fuzz::expect(!name.empty() && text.find(name) != std::string::npos, "a disk name that is not in the text");
  }
  for (const auto& [name, counters] : snapshot.interfaces) {
    fuzz::expect(!name.empty() && text.find(name) != std::string::npos, "an interface name that is not in the text");
  }
  return snapshot;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t cut = input.find('\0');
  const std::string first(input.substr(0, cut));
  const std::string second(cut == std::string_view::npos ? input : input.substr(cut + 1));
  const std::vector<ProcSnapshot> snapshots = {parse_all(first, 0), parse_all(second, 5)};
  std::vector<Series> all;
  for (auto series : {cpu_series, memory_series, disk_series, network_series, load_series}) {
    const std::vector<Series> made = series(snapshots);
    render_svg_chart(Chart{"chart", "unit", made});
    all.insert(all.end(), made.begin(), made.end());
  }
  series_csv(all, Clock::time_point{});
  // the same bytes as an esxtop -b capture (perfmon CSV)
  if (auto esxtop = parse_esxtop_csv(std::string(input))) {
    for (const auto* series : {&esxtop->cpu, &esxtop->memory, &esxtop->disk, &esxtop->network}) {
      render_svg_chart(Chart{"chart", "unit", *series});
      series_csv(*series, esxtop->start);
    }
  }
  return 0;
}
