// Tests for performance/esxtop_csv: CSV fields, the counter paths of an
// `esxtop -b` capture read into CPU, memory, disk and network series (the
// ones charted), the row times, and the captures it refuses.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "performance/esxtop_csv.h"

namespace vmsupport {
namespace {

// Two snapshots 5 s apart; per-CPU, adapter and vmk columns are noise the
// parser must pass over; vmnic1 is idle.
const char* const k_capture =
    R"csv("(PDH-CSV 4.0) (UTC)(0)","\\esx01\Memory\Machine MBytes","\\esx01\Memory\Free MBytes",)csv"
    R"csv("\\esx01\Physical Cpu(0)\% Util Time","\\esx01\Physical Cpu(_Total)\% Util Time",)csv"
    R"csv("\\esx01\Physical Disk Adapter(vmhba0)\MBytes Read/sec",)csv"
    R"csv("\\esx01\Physical Disk SCSI Device(naa.6005)\MBytes Read/sec","\\esx01\Physical Disk SCSI Device(naa.6005)\MBytes Written/sec",)csv"
    R"csv("\\esx01\Network Port(vSwitch0:33554436:vmnic0)\MBits Received/sec","\\esx01\Network Port(vSwitch0:33554436:vmnic0)\MBits Transmitted/sec",)csv"
    R"csv("\\esx01\Network Port(vSwitch0:33554437:vmk0)\MBits Received/sec",)csv"
    R"csv("\\esx01\Network Port(vSwitch0:33554438:vmnic1)\MBits Received/sec","\\esx01\Network Port(vSwitch0:33554438:vmnic1)\MBits Transmitted/sec")csv"
    "\r\n"
    R"csv("12/05/2026 11:00:00","65536","40960","12.5","20.25","3","2","1","8","2","1","0","0")csv"
    "\r\n"
    R"csv("12/05/2026 11:00:05","65536","40448","35","40.5","6","","2","16","4","2","0","0")csv"
    "\r\n";

TEST_SUITE("unit") {
  TEST_CASE("CSV fields are split on commas outside quotes, with doubled quotes kept once") {
    struct Case {
      const char* line;
      std::vector<std::string> fields;
    };
    for (const Case& c : {Case{"a,b,,c", {"a", "b", "", "c"}}, Case{R"csv("a,b","c""d")csv", {"a,b", "c\"d"}},
                          Case{"\"x\"\r", {"x"}}, Case{"", {""}}}) {
      INFO(c.line);
      CHECK(csv_fields(c.line) == c.fields);
    }
  }

  TEST_CASE("an esxtop -b capture gives the CPU, memory, disk and network series of the charts") {
    const auto parsed = parse_esxtop_csv(k_capture);
    REQUIRE(parsed.has_value());
    CHECK(parsed->rows == 2);
    CHECK(parsed->start == Clock::from_time_t(1796468400));  // 2026-12-05T11:00:00Z
    REQUIRE(parsed->cpu.size() == 1);
    CHECK(parsed->cpu[0].name == "busy %");
    REQUIRE(parsed->cpu[0].points.size() == 2);
    CHECK(parsed->cpu[0].points[1] == std::pair<double, double>{5.0, 40.5});  // _Total, not Physical Cpu(0)

    REQUIRE(parsed->memory.size() == 2);
    CHECK(parsed->memory[0].name == "used MiB");
    CHECK(parsed->memory[0].points[0].second == 65536 - 40960);
    CHECK(parsed->memory[1].name == "free MiB");
    CHECK(parsed->memory[1].points[1].second == 40448);

    REQUIRE(parsed->disk.size() == 2);  // the SCSI devices, not the adapter as well
    CHECK(parsed->disk[0].name == "naa.6005 read");
    CHECK(parsed->disk[0].points.size() == 1);  // an empty cell is no point
    CHECK(parsed->disk[0].points[0].second == 2.0 * 1024 * 1024);
    CHECK(parsed->disk[1].name == "naa.6005 write");

    REQUIRE(parsed->network.size() == 4);  // the physical NICs, the idle one too; not vmk0
    CHECK(parsed->network[0].name == "vmnic0 rx");
    CHECK(parsed->network[0].points[1].second == 16e6 / 8);
    CHECK(parsed->network[1].name == "vmnic0 tx");
    CHECK(parsed->network[2].name == "vmnic1 rx");
    CHECK(parsed->network[3].points[0].second == 0.0);
  }

  TEST_CASE("without physical NICs every network port is charted; a missing counter is no series") {
    const std::string capture =
        R"csv("(PDH-CSV 4.0) (UTC)(0)","\\h\Network Port(vSwitch0:1:vmk0)\MBits Received/sec","\\h\Memory\Free MBytes")csv"
        "\n"
        R"csv("01/31/2027 23:59:59","1.5","100")csv"
        "\n";
    const auto parsed = parse_esxtop_csv(capture);
    REQUIRE(parsed.has_value());
    REQUIRE(parsed->network.size() == 1);
    CHECK(parsed->network[0].name == "vmk0 rx");
    CHECK(parsed->cpu.empty());
    CHECK(parsed->disk.empty());
    REQUIRE(parsed->memory.size() == 2);
    CHECK(parsed->memory[0].points.empty());  // no Machine MBytes: no used
  }

  TEST_CASE("a capture that is not PDH-CSV, or has no row with a time, is refused") {
    CHECK_FALSE(parse_esxtop_csv("").has_value());
    CHECK_FALSE(parse_esxtop_csv("cpu,mem\n1,2\n").has_value());
    CHECK_FALSE(parse_esxtop_csv("\"(PDH-CSV 4.0) (UTC)(0)\",\"\\\\h\\Memory\\Free MBytes\"\n").has_value());
    CHECK_FALSE(parse_esxtop_csv("\"(PDH-CSV 4.0)\",\"x\"\n\"13/01/2026 00:00:00\",\"1\"\n").has_value());
  }

  TEST_CASE("a row time out of range is no time, not an overflow (found by fuzz_proc)") {
    for (const char* when : {"12/05/20261 10:00:05", "12/05/2026 24:00:00", "12/05/2026 10:60:00", "12/05/2026 10:00:61",
                             "12/05/2026 -1:00:00"}) {
      CAPTURE(when);
      const std::string capture = std::string("\"(PDH-CSV 4.0) (UTC)(0)\",\"\\\\h\\Memory\\Free MBytes\"\n\"") + when + "\",\"1\"\n";
      CHECK_FALSE(parse_esxtop_csv(capture).has_value());
    }
  }
}

}  // namespace
}  // namespace vmsupport
