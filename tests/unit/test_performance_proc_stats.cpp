// Tests for performance/proc_stats: the /proc parsers on fixture texts (as a
// 6.1 kernel writes them), the rates derived from consecutive snapshots, the
// CSV of the series, and the members built from snapshots.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "performance/proc_stats.h"
#include "performance/sampler.h"

namespace vmsupport {
namespace {

const char* const k_stat = R"(cpu  1000 20 300 8000 100 10 20 50 0 0
cpu0 500 10 150 4000 50 5 10 25 0 0
intr 12345 0 0
ctxt 999
)";

const char* const k_meminfo = R"(MemTotal:        8000000 kB
MemFree:         1000000 kB
MemAvailable:    6000000 kB
Buffers:          100000 kB
Cached:          2000000 kB
)";

const char* const k_diskstats = R"(   7       0 loop0 100 0 2000 10 0 0 0 0 0 20 10 0 0 0 0 0 0
   8       0 sda 1000 10 20000 500 2000 30 40000 900 0 1200 1400 0 0 0 0 0 0
   8       1 sda1 900 10 18000 450 1900 30 39000 850 0 1100 1300 0 0 0 0 0 0
 259       0 nvme0n1 10 0 80 1 20 0 160 2 0 3 3 0 0 0 0 0 0
 259       1 nvme0n1p1 10 0 80 1 20 0 160 2 0 3 3 0 0 0 0 0 0
)";

const char* const k_net_dev = R"(Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:  123456     100    0    0    0     0          0         0   123456     100    0    0    0     0       0          0
  eth0: 5000000    4000    0    0    0     0          0         0  1000000    3000    0    0    0     0       0          0
)";

ProcSnapshot at(double seconds, std::uint64_t busy, std::uint64_t total, std::uint64_t disk_read, std::uint64_t rx) {
  ProcSnapshot s;
  s.seconds = seconds;
  s.cpu = CpuTimes{busy, total};
  s.memory = MemInfo{8ull << 30, 2ull << 30};
  s.disks["sda"] = IoCounters{disk_read, 0};
  s.interfaces["eth0"] = IoCounters{rx, 100};
  s.load = LoadAverage{0.5, 0.25, 0.125};
  return s;
}

TEST_SUITE("unit") {
  TEST_CASE("/proc/stat gives busy and total ticks from the aggregate cpu line") {
    const auto cpu = parse_proc_stat(k_stat);
    REQUIRE(cpu.has_value());
    CHECK(cpu->busy == 1000 + 20 + 300 + 10 + 20 + 50);
    CHECK(cpu->total == cpu->busy + 8000 + 100);
    CHECK_FALSE(parse_proc_stat("intr 1 2 3\n").has_value());
  }

  TEST_CASE("/proc/meminfo gives total and available bytes, MemFree+Buffers+Cached on old kernels") {
    const auto memory = parse_meminfo(k_meminfo);
    REQUIRE(memory.has_value());
    CHECK(memory->total == 8000000ull * 1024);
    CHECK(memory->available == 6000000ull * 1024);
    const auto old = parse_meminfo("MemTotal: 100 kB\nMemFree: 10 kB\nBuffers: 5 kB\nCached: 20 kB\n");
    REQUIRE(old.has_value());
    CHECK(old->available == 35 * 1024);
    CHECK_FALSE(parse_meminfo("nothing\n").has_value());
  }

  TEST_CASE("/proc/diskstats keeps whole disks in bytes, not loops or partitions") {
    const auto disks = parse_diskstats(k_diskstats);
    REQUIRE(disks.has_value());
    CHECK(disks->size() == 2);
    CHECK(disks->at("sda").read == 20000ull * 512);
    CHECK(disks->at("sda").write == 40000ull * 512);
    CHECK(disks->contains("nvme0n1"));
    CHECK_FALSE(disks->contains("sda1"));
    CHECK_FALSE(disks->contains("loop0"));
    CHECK_FALSE(parse_diskstats("").has_value());
  }

  TEST_CASE("/proc/net/dev gives rx and tx bytes per interface, without lo") {
    const auto interfaces = parse_net_dev(k_net_dev);
    REQUIRE(interfaces.has_value());
    CHECK(interfaces->size() == 1);
    CHECK(interfaces->at("eth0").read == 5000000);
    CHECK(interfaces->at("eth0").write == 1000000);
    CHECK_FALSE(parse_net_dev("garbage\n").has_value());
  }

  TEST_CASE("/proc/loadavg gives the three averages") {
    const auto load = parse_loadavg("0.52 0.58 0.59 1/389 12345\n");
    REQUIRE(load.has_value());
    CHECK(load->one == doctest::Approx(0.52));
    CHECK(load->fifteen == doctest::Approx(0.59));
    CHECK_FALSE(parse_loadavg("x").has_value());
  }

  TEST_CASE("rates come from deltas between snapshots; a counter reset gives no point") {
    const std::vector<ProcSnapshot> snapshots = {at(0, 100, 1000, 0, 0), at(1, 150, 1100, 4096, 1000),
                                             at(3, 350, 1300, 12288, 500)};
    const auto cpu = cpu_series(snapshots);
    REQUIRE(cpu.size() == 1);
    REQUIRE(cpu[0].points.size() == 2);
    CHECK(cpu[0].points[0].first == 1);
    CHECK(cpu[0].points[0].second == doctest::Approx(50.0));
    CHECK(cpu[0].points[1].second == doctest::Approx(100.0));
    const auto disk = disk_series(snapshots);
    REQUIRE(disk.size() == 2);
    CHECK(disk[0].name == "sda read");
    REQUIRE(disk[0].points.size() == 2);
    CHECK(disk[0].points[0].second == doctest::Approx(4096.0));
    CHECK(disk[0].points[1].second == doctest::Approx(4096.0));  // 8192 bytes over 2 s
    const auto network = network_series(snapshots);
    REQUIRE(network.size() == 2);
    CHECK(network[0].name == "eth0 rx");
    CHECK(network[0].points.size() == 1);  // rx went from 1000 to 500: a reset
    const auto memory = memory_series(snapshots);
    CHECK(memory[0].name == "used MiB");
    CHECK(memory[0].points[0].second == doctest::Approx(6144.0));
    CHECK(load_series(snapshots)[2].points.size() == 3);
  }

  TEST_CASE("an idle device is data: its series are kept at zero; lo is never a series") {
    ProcSnapshot a = at(0, 0, 10, 0, 0), b = at(1, 5, 20, 0, 0);
    a.disks["sdb"] = b.disks["sdb"] = IoCounters{7, 7};
    const auto disk = disk_series({a, b});
    REQUIRE(disk.size() == 4);  // sda and sdb, read and write
    CHECK(disk[2].name == "sdb read");
    REQUIRE(disk[2].points.size() == 1);
    CHECK(disk[2].points[0].second == 0.0);
    const auto idle_net = parse_net_dev(k_net_dev);  // eth0 and lo, with the same counters twice
    a.interfaces = b.interfaces = *idle_net;
    const auto network = network_series({a, b});
    REQUIRE(network.size() == 2);
    CHECK(network[0].name == "eth0 rx");
    CHECK(network[1].points.at(0).second == 0.0);
    CHECK(series_csv(network, {}).starts_with("time,seconds,eth0 rx,eth0 tx\n1970-01-01T00:00:01Z,1.00,0.00,0.00\n"));
  }

  TEST_CASE("series CSV has a header and one row per time with its UTC time, empty cells where a series has no point") {
    const std::vector<Series> series = {{"a", {{0, 1}, {1.5, 2}}}, {"b", {{1.5, 3.5}}}};
    const Clock::time_point start = Clock::from_time_t(1796468400);  // 2026-12-05T11:00:00Z
    CHECK(series_csv(series, start) ==
          "time,seconds,a,b\n2026-12-05T11:00:00Z,0.00,1.00,\n2026-12-05T11:00:01Z,1.50,2.00,3.50\n");
  }

  TEST_CASE("snapshots are read from /proc texts; stat and meminfo are required") {
    std::map<std::string, std::string> files = {{"/proc/stat", k_stat}, {"/proc/meminfo", k_meminfo},
                                                {"/proc/diskstats", k_diskstats}, {"/proc/net/dev", k_net_dev},
                                                {"/proc/loadavg", "1.00 2.00 3.00 1/1 1\n"}};
    const ProcReader read = [&](const std::string& path) -> std::optional<std::string> {
      if (!files.contains(path)) return std::nullopt;
      return files[path];
    };
    const auto snapshot = read_snapshot(read, 2.5);
    REQUIRE(snapshot.has_value());
    CHECK(snapshot->seconds == 2.5);
    CHECK(snapshot->interfaces.contains("eth0"));
    CHECK(snapshot->load.five == doctest::Approx(2.0));
    files.erase("/proc/meminfo");
    CHECK_FALSE(read_snapshot(read, 3).has_value());
  }

  TEST_CASE("the members of proc snapshots are the raw samples, the series and one chart per metric") {
    const auto members = proc_members({at(0, 100, 1000, 0, 0), at(1, 150, 1100, 4096, 1000)},
                                      Clock::from_time_t(1796468400));
    std::map<std::string, std::string> by_path(members.begin(), members.end());
    for (const char* name : {"samples.csv", "cpu.csv", "memory.csv", "disk.csv", "network.csv", "load.csv",
                             "cpu.svg", "memory.svg", "disk.svg", "network.svg", "load.svg"}) {
      CHECK_MESSAGE(by_path.contains(std::string("performance/") + name), name);
    }
    CHECK(by_path["performance/samples.csv"].find("time,seconds,cpu busy ticks") == 0);
    CHECK(by_path["performance/samples.csv"].find("sda read bytes") != std::string::npos);
    CHECK(by_path["performance/samples.csv"].find("\n2026-12-05T11:00:01Z,1.00,150,1100,") != std::string::npos);
    CHECK(by_path["performance/cpu.csv"] == "time,seconds,busy %\n2026-12-05T11:00:01Z,1.00,50.00\n");
  }
}

}  // namespace
}  // namespace vmsupport
