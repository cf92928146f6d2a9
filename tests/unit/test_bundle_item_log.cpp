// Tests for bundle/item_log: records past the in-memory ones go to a
// temporary file and come back in order with every field; a directory where
// no temporary file can be made keeps them all in memory; and scrub-report.json
// takes its members from the records.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "bundle/documents.h"
#include "bundle/item_log.h"

namespace vmsupport {
namespace {

ItemRecord record_number(std::size_t i) {
  ItemRecord r;
  r.collector = i % 7;
  r.source = "/var/log/agent-" + std::to_string(i) + ".log";
  r.path = i % 5 == 0 ? "" : "var/log/agent-" + std::to_string(i) + ".log";
  r.link_target = i % 11 == 0 ? "../x/" + std::to_string(i) : "";
  r.status = static_cast<Status>(i % 5);
  r.reason = i % 3 == 0 ? std::string("reason with \n newline and \0 NUL", 31) : "";
  r.size = i * 1000;
  r.original_size = i * 2000 + 1;
  r.sha256 = std::string(64, static_cast<char>('a' + i % 6));
  r.truncated = i % 2;
  r.scrubbed = i % 3;
  r.packed_as_is = i % 13 == 0;
  r.permission_denied = i % 17 == 0;
  r.mtime = Clock::time_point(Clock::duration(1'795'000'000'123'456'789LL + static_cast<long long>(i)));
  r.duration = std::chrono::milliseconds(i);
  if (i % 4 == 0) r.exit_code = static_cast<int>(i % 256) - 128;
  r.mode = i % 2 ? "host" : "";
  if (i % 3 != 0) r.replaced = {{"host", i}, {"ipv4", 2}};
  return r;
}

void check_same(const ItemRecord& a, const ItemRecord& b) {
  CHECK(a.collector == b.collector);
  CHECK(a.source == b.source);
  CHECK(a.path == b.path);
  CHECK(a.link_target == b.link_target);
  CHECK(a.status == b.status);
  CHECK(a.reason == b.reason);
  CHECK(a.size == b.size);
  CHECK(a.original_size == b.original_size);
  CHECK(a.sha256 == b.sha256);
  CHECK(a.truncated == b.truncated);
  CHECK(a.scrubbed == b.scrubbed);
  CHECK(a.packed_as_is == b.packed_as_is);
  CHECK(a.permission_denied == b.permission_denied);
  CHECK(a.mtime == b.mtime);
  CHECK(a.duration == b.duration);
  CHECK(a.exit_code == b.exit_code);
  CHECK(a.mode == b.mode);
  CHECK(a.replaced == b.replaced);
}

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("records past the in-memory ones are kept in a temporary file and read back whole, in order") {
    ItemLog log("", 100);
    for (std::size_t i = 0; i < 2345; ++i) log.push_back(record_number(i));
    CHECK(log.size() == 2345);
    CHECK(log.spilled() == 2300);
    std::size_t i = 0;
    std::uint64_t bytes = 0;
    std::size_t denied = 0;
    for (const ItemRecord& r : log) {
      check_same(r, record_number(i++));
      bytes += r.size;
      denied += r.permission_denied ? 1 : 0;
    }
    CHECK(i == 2345);
    // The totals kept as records arrived are those of a walk.
    CHECK(log.bytes() == bytes);
    CHECK(log.permission_denied() == denied);
    CHECK(denied > 0);
    // Two walks at once do not disturb each other.
    auto first = log.begin();
    auto second = log.begin();
    ++first;
    ++first;
    ++second;
    CHECK(first->source == record_number(2).source);
    CHECK(second->source == record_number(1).source);
    // Moved, the log keeps its file.
    ItemLog moved = std::move(log);
    CHECK(moved.size() == 2345);
    std::size_t j = 0;
    for (const ItemRecord& r : moved) CHECK(r.source == record_number(j++).source);
    CHECK(moved.bytes() == bytes);
    moved.clear();
    CHECK(moved.empty());
    CHECK(moved.bytes() == 0);
    CHECK(moved.permission_denied() == 0);
    CHECK(moved.begin() == moved.end());
  }

  TEST_CASE("where no temporary file can be made, the records stay in memory: none is lost") {
    ItemLog log("/nonexistent/vmsupport-test-dir", 10);
    for (std::size_t i = 0; i < 100; ++i) log.push_back(record_number(i));
    CHECK(log.spilled() == 0);
    CHECK(log.size() == 100);
    std::size_t i = 0;
    for (const ItemRecord& r : log) check_same(r, record_number(i++));
    CHECK(i == 100);
  }

  TEST_CASE("scrub-report.json lists each member's replacements from its record, in bundle order") {
    ScrubReport report;
    report.inventory = {{"host", 2}};
    report.totals = {{"host", 7}, {"ipv4", 4}};
    report.left_out = {{"var/log/core.bin", "binary content cannot be scrubbed"}};
    ItemLog items("", 3);
    for (std::size_t i = 1; i <= 9; ++i) items.push_back(record_number(i));
    const auto doc = nlohmann::ordered_json::parse(render_scrub_report(report, items));
    std::vector<std::string> keys;
    for (const auto& [key, value] : doc.items()) keys.push_back(key);
    CHECK(keys == std::vector<std::string>{"format_version", "inventory_names", "replaced", "members", "left_out",
                                           "packed_unscrubbed"});
    CHECK(doc["replaced"]["host"] == 7);
    // Members with a path and a replacement: 1, 2, 4, 7, 8 (3, 6 and 9 replaced nothing; 5 has no path).
    REQUIRE(doc["members"].size() == 5);
    CHECK(doc["members"][0]["path"] == "var/log/agent-1.log");
    CHECK(doc["members"][0]["replaced"] == nlohmann::json{{"host", 1}, {"ipv4", 2}});
    CHECK(doc["members"][4]["path"] == "var/log/agent-8.log");
    CHECK(doc["left_out"][0]["reason"] == "binary content cannot be scrubbed");
    // Without members: the report page's copy.
    const auto summary = nlohmann::json::parse(render_scrub_report_summary(report));
    CHECK_FALSE(summary.contains("members"));
    CHECK(summary["left_out"].size() == 1);
    // No member replaced anything: an empty list, still valid JSON.
    const auto empty = nlohmann::json::parse(render_scrub_report(report, ItemLog()));
    CHECK(empty["members"] == nlohmann::json::array());
    CHECK(empty["packed_unscrubbed"] == nlohmann::json::array());
  }
}

}  // namespace vmsupport
