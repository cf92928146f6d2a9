// Tests for report/run_report: index.html from a run's records. A run of
// more members than the page lists counts all of them, lists the first by
// path, and still links a failed collector's output that sorts after them.
#include <doctest/doctest.h>

#include <string>

#include "bundle/documents.h"
#include "manifest/loader.h"
#include "report/html.h"
#include "report/run_report.h"

namespace vmsupport {
namespace {

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t count = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++count;
  return count;
}

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("a run of more members than the page lists counts them all and links a failed collector's output") {
    auto manifest = load_manifest("platform: test\ngroups:\n  - id: Logs:Test\n    files: [/var/log/*.log]\n",
                                  "manifests/test.yaml");
    REQUIRE(manifest.has_value());
    Plan plan;
    plan.platform = PlatformChoice{&*manifest, "--platform test", {}};
    plan.collectors.push_back(CollectorPlan{"Logs:Test files /var/log/*.log", "Logs:Test", "files", "/var/log/*.log", {}});
    plan.collectors.push_back(CollectorPlan{"Logs:Test commands zz", "Logs:Test", "commands", "zz", {}});
    RunRecord record;
    record.items = ItemLog("", 100);
    record.plan = &plan;
    record.bundle_name = "vmsupport-host-20261123T065400Z";
    const std::size_t files = k_report_file_rows + 1000;
    for (std::size_t i = 0; i < files; ++i) {
      ItemRecord item;
      item.source = "/var/log/f" + std::to_string(100000 + i) + ".log";
      item.path = "var/log/f" + std::to_string(100000 + i) + ".log";
      item.size = 10;
      record.items.push_back(item);
    }
    ItemRecord failed;  // sorts after every file
    failed.collector = 1;
    failed.source = "zz";
    failed.path = "zz/zz.txt";
    failed.status = Status::failed;
    failed.reason = "exit 1";
    failed.size = 5;
    record.items.push_back(failed);
    summarise_collectors(record);
    PassThroughScrubber scrubber("test");

    const std::string page = render_run_report(record, {}, scrubber);
    // Every member counted (with index.html and manifest.json), bytes of all.
    CHECK(page.find(std::to_string(files + 3) + " members, ") != std::string::npos);
    CHECK(page.find(format_size(files * 10 + 5) + " in all.") != std::string::npos);
    CHECK(page.find("The first " + std::to_string(k_report_file_rows) + " are listed here.") != std::string::npos);
    CHECK(page.find(std::to_string(files + 3 - k_report_file_rows) + " more members: see manifest.json") !=
          std::string::npos);
    // The first rows by path are listed, the later ones not.
    CHECK(page.find("var/log/f100000.log") != std::string::npos);
    CHECK(page.find("var/log/f" + std::to_string(100000 + files - 1) + ".log") == std::string::npos);
    // The failed collector links its output, though the list does not reach it.
    CHECK(page.find("(output: zz/zz.txt)") != std::string::npos);
    CHECK(occurrences(page, "zz/zz.txt") == 2);  // the link's address and its label
    CHECK(occurrences(page, "<tr><td><a href=") == k_report_file_rows);
  }
}

}  // namespace vmsupport
