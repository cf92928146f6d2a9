// Tests for bundle/documents: manifest.json rendered item by item (the same
// text as one JSON tree dumped whole, handed on in pieces, a sink's failure
// passed back), its summary form without items, and what manifest.json and
// README.txt say of the run's privileges.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <string>

#include "bundle/documents.h"
#include "manifest/loader.h"

namespace vmsupport {
namespace {

struct Sample {
  Manifest manifest;
  Plan plan;
  RunRecord record;
};

// A run of `count` file items (one failed for lack of permission) and one command.
void fill(Sample& s, std::size_t count) {
  auto manifest = load_manifest("platform: test\ngroups:\n  - id: Logs:Test\n    files: [/var/log/*.log]\n",
                                "manifests/test.yaml");
  REQUIRE(manifest.has_value());
  s.manifest = *manifest;
  s.plan.platform = PlatformChoice{&s.manifest, "--platform test", {}};
  s.plan.collectors.push_back(CollectorPlan{"Logs:Test files /var/log/*.log", "Logs:Test", "files", "/var/log/*.log", {}});
  s.record.plan = &s.plan;
  s.record.bundle_name = "vmsupport-host-20261123T065400Z";
  s.record.root = "/";
  for (std::size_t i = 0; i < count; ++i) {
    ItemRecord item;
    item.source = "/var/log/f" + std::to_string(i) + ".log";
    item.path = "var/log/f" + std::to_string(i) + ".log";
    item.size = i;
    item.sha256 = std::string(64, 'a');
    s.record.items.push_back(item);
  }
  ItemRecord denied;
  denied.source = "/var/log/secret.log";
  denied.status = Status::failed;
  denied.reason = "permission denied";
  denied.permission_denied = true;
  s.record.items.push_back(denied);
  summarise_collectors(s.record);
}

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("manifest.json rendered item by item is the JSON tree dumped whole") {
    Sample s;
    fill(s, 3000);
    std::string text;
    std::size_t pieces = 0;
    auto ok = write_manifest_json(s.record, [&](std::string_view piece) -> Result<void> {
      text += piece;
      ++pieces;
      return {};
    });
    REQUIRE(ok.has_value());
    CHECK(pieces > 1);  // handed on in pieces, not as one string
    const auto doc = nlohmann::ordered_json::parse(text);
    CHECK(text == doc.dump(2) + "\n");
    REQUIRE(doc["items"].size() == 3001);
    CHECK(doc["items"][0]["source"] == "/var/log/f0.log");
    CHECK(doc["items"][2999]["path"] == "var/log/f2999.log");
    CHECK(doc["items"][3000]["reason"] == "permission denied");
    CHECK(render_manifest_json(s.record) == text);
  }

  TEST_CASE("manifest.json of a run without items, and the summary form, are valid JSON") {
    Sample s;
    fill(s, 0);
    s.record.items.clear();
    const std::string text = render_manifest_json(s.record);
    const auto doc = nlohmann::ordered_json::parse(text);
    CHECK(doc["items"].empty());
    CHECK(text == doc.dump(2) + "\n");
    Sample big;
    fill(big, 10);
    const auto summary = nlohmann::ordered_json::parse(render_manifest_summary_json(big.record));
    CHECK(summary["items"].empty());
    CHECK(summary["collectors"].size() == 1);
    CHECK(summary["privileges"]["permission_denied"] == 1);
  }

  TEST_CASE("a failing sink stops the rendering and its error comes back") {
    Sample s;
    fill(s, 3000);
    std::size_t calls = 0;
    auto ok = write_manifest_json(s.record, [&](std::string_view) -> Result<void> {
      ++calls;
      return fail("No space left on device");
    });
    REQUIRE_FALSE(ok.has_value());
    CHECK(ok.error().message == "No space left on device");
    CHECK(calls == 1);
  }

  TEST_CASE("manifest.json and README.txt say whether the run was root and what was refused") {
    Sample s;
    fill(s, 2);
    s.record.root_privileges = false;
    auto doc = nlohmann::json::parse(render_manifest_json(s.record));
    CHECK(doc["privileges"] == nlohmann::json{{"root", false}, {"permission_denied", 1}});
    CHECK(render_readme(s.record).find("Run as:    not root: 1 item could not be read (permission denied, listed "
                                       "in manifest.json); run as root to gather them\n") != std::string::npos);
    s.record.root_privileges = true;
    doc = nlohmann::json::parse(render_manifest_json(s.record));
    CHECK(doc["privileges"] == nlohmann::json{{"root", true}, {"permission_denied", 1}});
    CHECK(render_readme(s.record).find("Run as:    root; 1 item refused even so") != std::string::npos);
    ItemLog without_denied;
    for (const ItemRecord& item : s.record.items) {
      if (!item.permission_denied) without_denied.push_back(item);
    }
    s.record.items = std::move(without_denied);
    CHECK(render_readme(s.record).find("Run as:    root\n") != std::string::npos);
    s.record.root_privileges = false;
    CHECK(render_readme(s.record).find("Run as:    not root (nothing was refused") != std::string::npos);
  }
}

}  // namespace vmsupport
