// Tests for performance/svg_chart (well-formed XML, one polyline point per
// sample, axes, legend, title, escaping, no external resources) and for the
// sampler's thread (proc snapshots from a fake /proc, cancel, esxtop argv).
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "performance/sampler.h"
#include "performance/svg_chart.h"

namespace vmsupport {
namespace {

// A minimal XML check: every tag is closed in order, attributes are quoted,
// every '&' starts a known entity. Returns "" or the first problem.
std::string xml_problem(const std::string& xml) {
  std::vector<std::string> open;
  std::size_t at = 0;
  if (xml.rfind("<?xml", 0) == 0) at = xml.find("?>") + 2;
  static const std::regex k_tag(R"(<(/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(/?)>)");
  while ((at = xml.find_first_of("<&", at)) != std::string::npos) {
    if (xml[at] == '&') {
      static const std::regex k_entity(R"(&(amp|lt|gt|quot|apos|#[0-9]+);)");
      std::smatch m;
      if (!std::regex_search(xml.cbegin() + static_cast<long>(at), xml.cend(), m, k_entity,
                             std::regex_constants::match_continuous)) {
        return "bad entity at " + std::to_string(at);
      }
      at += m.length();
      continue;
    }
    std::smatch m;
    if (!std::regex_search(xml.cbegin() + static_cast<long>(at), xml.cend(), m, k_tag,
                           std::regex_constants::match_continuous)) {
      return "malformed tag at " + xml.substr(at, 40);
    }
    if (m[1].length()) {
      if (open.empty() || open.back() != m[2].str()) return "unbalanced </" + m[2].str() + ">";
      open.pop_back();
    } else if (!m[4].length()) {
      open.push_back(m[2].str());
    }
    at += m.length();
  }
  return open.empty() ? "" : "unclosed <" + open.back() + ">";
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST_SUITE("unit") {
  TEST_CASE("the XML check itself catches unbalanced tags and bad entities") {
    CHECK(xml_problem("<a><b/></a>").empty());
    CHECK_FALSE(xml_problem("<a><b></a>").empty());
    CHECK_FALSE(xml_problem("<a>x & y</a>").empty());
    CHECK_FALSE(xml_problem("<a x=1></a>").empty());
  }

  TEST_CASE("a chart is well-formed SVG with a title, axes with units, a legend and one point per sample") {
    const Chart chart{"Disk <throughput> & more", "bytes/s",
                      {{"sda read", {{1, 100}, {2, 4000}, {3, 2500}}}, {"sda write", {{1, 0}, {2, 10}, {3, 20}}}}};
    const std::string svg = render_svg_chart(chart);
    CHECK(xml_problem(svg) == "");
    CHECK(svg.find("<svg xmlns=\"http://www.w3.org/2000/svg\"") != std::string::npos);
    CHECK(svg.find("<title id=\"title\">Disk &lt;throughput&gt; &amp; more (bytes/s)</title>") != std::string::npos);
    CHECK(count(svg, "<polyline") == 2);
    const std::regex points(R"(points="([^"]*)\")");
    std::smatch m;
    REQUIRE(std::regex_search(svg, m, points));
    CHECK(count(m[1].str(), ",") == 3);  // three samples, "x,y" each
    CHECK(svg.find(">sda write</text>") != std::string::npos);     // legend
    CHECK(svg.find(">3.0 s</text>") != std::string::npos);         // time label at the end
    CHECK(svg.find(">bytes/s</text>") != std::string::npos);       // unit on the y axis
    CHECK(svg.find(">5k</text>") == std::string::npos);
    CHECK(svg.find("href") == std::string::npos);                  // nothing external
    CHECK(svg.find("<script") == std::string::npos);
  }

  TEST_CASE("series differ in dash pattern as well as colour, and the legend shows each pattern") {
    std::vector<Series> series;
    for (int i = 0; i < 3; ++i) series.push_back(Series{"s" + std::to_string(i), {{0, 1.0 + i}, {1, 2.0 + i}}});
    const std::string svg = render_svg_chart(Chart{"Network throughput", "bytes/s", series});
    CHECK(xml_problem(svg) == "");
    const std::regex dashes(R"re(<(polyline|line)[^>]* stroke="(#[0-9a-f]+)" stroke-width="2"(?: stroke-dasharray="([0-9 ]+)")?)re");
    std::vector<std::string> line_styles, legend_styles;
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), dashes); it != std::sregex_iterator(); ++it) {
      ((*it)[1] == "polyline" ? line_styles : legend_styles).push_back((*it)[3].str());
    }
    REQUIRE(line_styles.size() == 3);
    CHECK(line_styles[0] != line_styles[1]);
    CHECK(line_styles[1] != line_styles[2]);
    CHECK(line_styles[0] != line_styles[2]);
    CHECK(legend_styles == line_styles);  // each legend entry is drawn like its line
    CHECK(svg.find("<rect x=") == std::string::npos);  // no colour-only swatches
  }

  TEST_CASE("a chart without points says there is no data and is still well-formed") {
    const std::string svg = render_svg_chart(Chart{"Network throughput", "bytes/s", {}});
    CHECK(xml_problem(svg) == "");
    CHECK(svg.find(">no data</text>") != std::string::npos);
    CHECK(count(svg, "<polyline") == 0);
  }

  TEST_CASE("the sampler takes snapshots from /proc until the duration, and charts them") {
    std::atomic<int> reads{0};
    const ProcReader read = [&](const std::string& path) -> std::optional<std::string> {
      if (path == "/proc/stat") return "cpu " + std::to_string(100 * ++reads) + " 0 0 1000 0 0 0 0\n";
      if (path == "/proc/meminfo") return std::string("MemTotal: 1000 kB\nMemAvailable: 400 kB\n");
      return std::nullopt;
    };
    FakeProcessRunner runner;
    PerformanceSampler sampler(PerformanceOptions{std::chrono::milliseconds(200), std::chrono::milliseconds(100)},
                               PerformanceSource{"proc", "", ""}, read, runner,
                               std::chrono::steady_clock::now() + std::chrono::minutes(1), nullptr);
    const PerformanceResult result = sampler.finish();
    CHECK(result.status == Status::ok);
    CHECK(result.snapshots == 3);
    CHECK(result.members.size() == 11);
  }

  TEST_CASE("a cancelled sampler stops early and says so") {
    const ProcReader read = [](const std::string& path) -> std::optional<std::string> {
      if (path == "/proc/stat") return std::string("cpu 1 0 0 1 0 0 0 0\n");
      return std::string("MemTotal: 1000 kB\n");
    };
    std::atomic<bool> cancel{true};
    FakeProcessRunner runner;
    PerformanceSampler sampler(PerformanceOptions{std::chrono::minutes(10), std::chrono::seconds(1)},
                               PerformanceSource{"proc", "", ""}, read, runner,
                               std::chrono::steady_clock::now() + std::chrono::minutes(20), &cancel);
    const PerformanceResult result = sampler.finish();
    CHECK(result.snapshots == 1);
    CHECK(result.status == Status::failed);
    CHECK(result.reason.find("rates need two") != std::string::npos);
  }

  TEST_CASE("on ESXi esxtop runs in batch mode for the duration; absent, it is a skip") {
    FakeProcessRunner runner;
    ProcessOutcome done;
    done.output = "\"(PDH-CSV 4.0)\",\"cpu\"\n";
    runner.programs["/bin/esxtop"] = done;
    PerformanceSampler sampler(PerformanceOptions{std::chrono::seconds(3), std::chrono::seconds(1)},
                               PerformanceSource{"esxtop", "", "/bin/esxtop"}, read_real_proc, runner,
                               std::chrono::steady_clock::now() + std::chrono::minutes(1), nullptr);
    const PerformanceResult result = sampler.finish();
    REQUIRE(runner.calls.size() == 1);
    CHECK(runner.calls[0].argv == std::vector<std::string>{"/bin/esxtop", "-b", "-d", "1", "-n", "4"});
    REQUIRE(result.members.size() == 1);
    CHECK(result.members[0].first == "performance/esxtop.csv");
    CHECK(result.status == Status::ok);

    CHECK(result.reason.find("no charts") != std::string::npos);  // a header without rows

    FakeProcessRunner none;
    const PerformanceSource source = choose_performance_source("esxi", "/", none);
    CHECK(source.kind.empty());
    CHECK(source.reason == "esxtop not found");
    CHECK(choose_performance_source("linux", "/srv/fixture", none).reason.find("not --root /srv/fixture") !=
          std::string::npos);
  }

  TEST_CASE("esxtop's CSV (the esxi fixture's stand-in, run for real) is charted like /proc snapshots") {
    PosixProcessRunner runner;
    const std::string esxtop = std::string(VMSUPPORT_SOURCE_DIR) + "/tests/fixtures/esxi/bin/esxtop";
    PerformanceSampler sampler(PerformanceOptions{std::chrono::seconds(10), std::chrono::seconds(5)},
                               PerformanceSource{"esxtop", "", esxtop}, read_real_proc, runner,
                               std::chrono::steady_clock::now() + std::chrono::minutes(1), nullptr);
    const PerformanceResult result = sampler.finish();
    CHECK(result.status == Status::ok);
    CHECK(result.reason.empty());
    CHECK(result.snapshots == 3);
    std::map<std::string, std::string> members(result.members.begin(), result.members.end());
    for (const char* name : {"esxtop.csv", "cpu.csv", "memory.csv", "disk.csv", "network.csv", "cpu.svg", "memory.svg",
                             "disk.svg", "network.svg"}) {
      CHECK_MESSAGE(members.contains(std::string("performance/") + name), name);
    }
    CHECK(members["performance/esxtop.csv"].starts_with("\"(PDH-CSV 4.0) (UTC)(0)\""));
    CHECK(members["performance/cpu.csv"] ==
          "time,seconds,busy %\n2026-12-05T11:00:00Z,0.00,20.25\n2026-12-05T11:00:05Z,5.00,40.50\n"
          "2026-12-05T11:00:10Z,10.00,30.00\n");
    CHECK(members["performance/network.csv"].starts_with("time,seconds,vmnic0 rx,vmnic0 tx,vmnic1 rx,vmnic1 tx\n"));
    for (const char* chart : {"cpu", "memory", "disk", "network"}) {
      const std::string& svg = members[std::string("performance/") + chart + ".svg"];
      INFO(chart);
      CHECK(xml_problem(svg) == "");
      CHECK(svg.find("<polyline") != std::string::npos);
      CHECK(svg.find("no data") == std::string::npos);
    }
  }
}

}  // namespace
}  // namespace vmsupport
