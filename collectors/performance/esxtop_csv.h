// Performance snapshots on ESXi: a pure parser of `esxtop -b` output, the
// perfmon (PDH-CSV) format - a header row of quoted counter paths such as
// "\\host\Physical Cpu(_Total)\% Util Time", then one row per snapshot that
// starts with its time ("12/05/2026 11:00:00", UTC) - into the series the
// Linux snapshots give (proc_stats.h), so both chart the same way.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "performance/proc_stats.h"
#include "util/units.h"

namespace vmsupport {

// The series of one esxtop capture; `seconds` count from its first row.
struct EsxtopSeries {
  Clock::time_point start{};  // the first row's time
  std::size_t rows = 0;       // snapshots with a readable time
  std::vector<Series> cpu;      // "busy %": Physical Cpu(_Total) % Util Time (else % Processor Time)
  std::vector<Series> memory;   // "used MiB" (Machine - Free MBytes), "free MiB"
  std::vector<Series> disk;     // "<device> read" / "<device> write" bytes/s: MBytes Read/Written/sec of the
                                // Physical Disk SCSI Device objects (else Physical Disk, else Physical Disk Adapter)
  std::vector<Series> network;  // "<port> rx" / "<port> tx" bytes/s: MBits Received/Transmitted/sec of the
                                // Network Port objects of the physical NICs (vmnic*), else of every port
};

// The fields of one CSV line: comma-separated, each optionally in double
// quotes ("" inside quotes is one quote).
std::vector<std::string> csv_fields(const std::string& line);

// Parses an esxtop -b capture. Fails (nullopt) when the first line is not a
// PDH-CSV header or no row has a readable time. A counter the capture lacks
// gives no series; a cell that is not a number gives no point.
std::optional<EsxtopSeries> parse_esxtop_csv(const std::string& text);

}  // namespace vmsupport
