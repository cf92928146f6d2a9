// The esxtop -b parser (see esxtop_csv.h).
#include "performance/esxtop_csv.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <set>
#include <sstream>

#include "util/units.h"

namespace vmsupport {
namespace {

constexpr double k_mib = 1024.0 * 1024.0;  // esxtop's MBytes are MiB
constexpr double k_mbit = 1e6 / 8;         // its MBits are 10^6 bits

// One column's counter path: \\host\Object(instance)\Counter.
struct Column {
  std::string object;    // "Physical Cpu"
  std::string instance;  // "_Total" ("" without parentheses)
  std::string counter;   // "% Util Time"
};

std::optional<Column> column_of(const std::string& path) {
  if (!path.starts_with("\\\\")) return std::nullopt;
  const std::size_t host_end = path.find('\\', 2);
  const std::size_t counter_start = path.rfind('\\');
  if (host_end == std::string::npos || counter_start <= host_end) return std::nullopt;
  Column column;
  std::string object = path.substr(host_end + 1, counter_start - host_end - 1);
  column.counter = path.substr(counter_start + 1);
  const std::size_t open = object.find('(');
  if (open != std::string::npos && object.back() == ')') {
    column.instance = object.substr(open + 1, object.size() - open - 2);
    object.resize(open);
  }
  column.object = object;
  return column;
}

// "12/05/2026 11:00:00" (month first, as esxtop writes it), taken as UTC.
std::optional<Clock::time_point> row_time(const std::string& text) {
  std::tm tm{};
  char end = 0;
  if (std::sscanf(text.c_str(), "%d/%d/%d %d:%d:%d%c", &tm.tm_mon, &tm.tm_mday, &tm.tm_year, &tm.tm_hour, &tm.tm_min,
                  &tm.tm_sec, &end) != 6) {
    return std::nullopt;
  }
  if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_year < 1970 ||
      tm.tm_year > 9999 || tm.tm_hour < 0 || tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59 || tm.tm_sec < 0 ||
      tm.tm_sec > 60) {
    return std::nullopt;
  }
  tm.tm_mon -= 1;
  tm.tm_year -= 1900;
  return clock_from_unix(timegm(&tm));
}

std::optional<double> cell_value(const std::vector<std::string>& row, std::size_t index) {
  if (index >= row.size() || row[index].empty()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(row[index].c_str(), &end);
  if (end == row[index].c_str() || *end != '\0') return std::nullopt;
  return value;
}

// A series read from one column, its values multiplied by `scale`.
struct Source {
  std::string name;
  std::size_t column = 0;
  double scale = 1;
};

// The read and write columns of the first disk object family the capture
// has (one family only: adapters and devices count the same I/O twice).
std::vector<Source> disk_sources(const std::vector<Column>& columns) {
  for (const char* family : {"Physical Disk SCSI Device", "Physical Disk", "Physical Disk Adapter"}) {
    std::vector<Source> sources;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const Column& c = columns[i];
      if (c.object != family || c.instance.empty()) continue;
      if (c.counter == "MBytes Read/sec") sources.push_back({c.instance + " read", i, k_mib});
      if (c.counter == "MBytes Written/sec") sources.push_back({c.instance + " write", i, k_mib});
    }
    if (!sources.empty()) return sources;
  }
  return {};
}

// "vSwitch0:33554436:vmnic0" is known by its last part, "vmnic0".
std::string port_name(const std::string& instance) { return instance.substr(instance.rfind(':') + 1); }

std::vector<Source> network_sources(const std::vector<Column>& columns) {
  bool uplinks = false;
  for (const Column& c : columns) uplinks = uplinks || (c.object == "Network Port" && port_name(c.instance).starts_with("vmnic"));
  std::vector<Source> sources;
  std::set<std::string> names;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const Column& c = columns[i];
    if (c.object != "Network Port" || c.instance.empty()) continue;
    if (uplinks && !port_name(c.instance).starts_with("vmnic")) continue;
    const bool rx = c.counter == "MBits Received/sec";
    if (!rx && c.counter != "MBits Transmitted/sec") continue;
    std::string name = port_name(c.instance) + (rx ? " rx" : " tx");
    if (!names.insert(name).second) name = c.instance + (rx ? " rx" : " tx");  // two ports of one name
    sources.push_back({name, i, k_mbit});
  }
  return sources;
}

std::optional<std::size_t> find_column(const std::vector<Column>& columns, const std::string& object,
                                       const std::string& instance, const std::string& counter) {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].object == object && columns[i].instance == instance && columns[i].counter == counter) return i;
  }
  return std::nullopt;
}

using Rows = std::vector<std::pair<double, std::vector<std::string>>>;  // seconds, cells

std::vector<Series> series_of(const std::vector<Source>& sources, const Rows& rows) {
  std::vector<Series> series;
  for (const Source& source : sources) {
    Series s{source.name, {}};
    for (const auto& [seconds, cells] : rows) {
      if (auto value = cell_value(cells, source.column)) s.points.emplace_back(seconds, *value * source.scale);
    }
    series.push_back(std::move(s));
  }
  return series;
}

// Used = Machine - Free, both MiB.
std::vector<Series> memory_of(const std::vector<Column>& columns, const Rows& rows) {
  const auto machine_column = find_column(columns, "Memory", "", "Machine MBytes");
  const auto free_column = find_column(columns, "Memory", "", "Free MBytes");
  if (!free_column) return {};
  Series used{"used MiB", {}}, available{"free MiB", {}};
  for (const auto& [seconds, cells] : rows) {
    const auto free_mib = cell_value(cells, *free_column);
    if (!free_mib) continue;
    available.points.emplace_back(seconds, *free_mib);
    if (const auto total = machine_column ? cell_value(cells, *machine_column) : std::nullopt; total && *total >= *free_mib) {
      used.points.emplace_back(seconds, *total - *free_mib);
    }
  }
  return {used, available};
}

}  // namespace

std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else if (c != '\r' || quoted) {
      fields.back() += c;
    }
  }
  return fields;
}

std::optional<EsxtopSeries> parse_esxtop_csv(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  const std::vector<std::string> header = csv_fields(line);
  if (!header.front().starts_with("(PDH-CSV")) return std::nullopt;
  std::vector<Column> columns;
  for (const std::string& path : header) columns.push_back(column_of(path).value_or(Column{}));
  EsxtopSeries out;
  Rows rows;
  while (std::getline(in, line)) {
    std::vector<std::string> cells = csv_fields(line);
    const auto when = row_time(cells.front());
    if (!when) continue;
    if (rows.empty()) out.start = *when;
    rows.emplace_back(std::chrono::duration<double>(*when - out.start).count(), std::move(cells));
  }
  if (rows.empty()) return std::nullopt;
  out.rows = rows.size();
  auto cpu = find_column(columns, "Physical Cpu", "_Total", "% Util Time");
  if (!cpu) cpu = find_column(columns, "Physical Cpu", "_Total", "% Processor Time");
  if (cpu) out.cpu = series_of({{"busy %", *cpu, 1}}, rows);
  out.memory = memory_of(columns, rows);
  out.disk = series_of(disk_sources(columns), rows);
  out.network = series_of(network_sources(columns), rows);
  return out;
}

}  // namespace vmsupport
