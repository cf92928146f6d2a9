// Recent changes without a host: tracked/history/cores entries parse (and
// their mistakes are located), snapshots compare entry by entry (added,
// removed, changed, not compared; packages per package), baselines round-trip
// through the state directory with their permissions and retention, and the
// report renders as summary.txt / changes.json / diffs.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "../support/temp_tree.h"
#include "changes/baseline_store.h"
#include "changes/compare.h"
#include "kinds/changes.h"
#include "manifest/loader.h"

using namespace vmsupport;

namespace {

Result<Manifest> load(const std::string& sections) {
  return load_manifest("platform: x\n" + sections +
                           "groups:\n  - id: A:B\n    files: [/etc/hosts]\n",
                       "manifests/x.yaml");
}

SnapshotEntry entry(std::string key, std::string content, ChangeArea area = ChangeArea::config,
                    std::string format = "") {
  SnapshotEntry e;
  e.key = key;
  e.source = key;
  e.area = area;
  e.format = std::move(format);
  e.present = true;
  e.content = std::move(content);
  return e;
}

Snapshot snapshot(std::vector<SnapshotEntry> entries, Clock::time_point taken = Clock::now()) {
  Snapshot s;
  s.taken = taken;
  s.platform = "linux";
  s.entries = std::move(entries);
  return s;
}

std::string member(const ChangeReport& report, const std::string& path) {
  for (auto& [name, content] : change_members(report)) {
    if (name == path) return content;
  }
  return "(no member " + path + ")";
}

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("tracked, history and cores entries parse with their defaults") {
    auto manifest = load(
        "tracked:\n"
        "  - { area: network, glob: /etc/hosts }\n"
        "  - { area: packages, id: pkgs, argv: [dpkg-query, -W], format: packages, files_only: true }\n"
        "history:\n"
        "  - { area: packages, glob: /var/log/dpkg.log, format: dpkg }\n"
        "cores:\n"
        "  - /var/core/*\n"
        "  - { glob: /var/crash, recursive: true }\n");
    REQUIRE_MESSAGE(manifest, (manifest ? "" : manifest.error().message));
    REQUIRE(manifest->tracked.size() == 2);
    const auto& file = std::get<FileSpec>(manifest->tracked[0].what);
    CHECK(manifest->tracked[0].area == ChangeArea::network);
    CHECK(file.optional);
    CHECK_FALSE(file.since);
    CHECK(file.mark.line == 3);
    const auto& command = std::get<CommandSpec>(manifest->tracked[1].what);
    CHECK(command.id == "pkgs");
    CHECK(command.files_only);
    CHECK(command.optional);
    CHECK(manifest->tracked[1].format == "packages");
    REQUIRE(manifest->history.size() == 1);
    CHECK(manifest->history[0].format == "dpkg");
    REQUIRE(manifest->cores.size() == 2);
    CHECK(manifest->cores[1].recursive);
  }

  TEST_CASE("each broken changes entry gives one exact, located message") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"tracked:\n  - { area: nowhere, glob: /etc/hosts }\n",
         "manifests/x.yaml:3:13: 'area' must be host_os, guest_vm, network, storage, packages or config, got 'nowhere'"},
        {"tracked:\n  - { glob: /etc/hosts }\n", "manifests/x.yaml:3:5: tracked entry has no 'area'"},
        {"tracked:\n  - { area: config, argv: [ls] }\n", "manifests/x.yaml:3:5: tracked entry has no 'id'"},
        {"tracked:\n  - { area: config, glob: /etc/hosts, format: json }\n",
         "manifests/x.yaml:3:47: 'format' must be lines or packages, got 'json'"},
        {"history:\n  - { area: packages, glob: /var/log/x.log, format: pacman }\n",
         "manifests/x.yaml:3:53: 'format' must be dpkg, apt, dnf, yum or esxupdate, got 'pacman'"},
        {"cores: /var/core\n", "manifests/x.yaml:2:8: 'cores' must be a list of core locations"},
    };
    for (const auto& [yaml, message] : cases) {
      INFO(yaml);
      auto manifest = load(yaml);
      REQUIRE_FALSE(manifest);
      CHECK(manifest.error().message.substr(0, message.size()) == message);
    }
  }

  TEST_CASE("a comparison finds added, removed and changed entries and leaves equal ones") {
    Baseline before{{"20261120T100000Z", "before", Clock::now() - std::chrono::hours(72), "linux", "/", 4},
                    snapshot({entry("/etc/hosts", "127.0.0.1 localhost\n"), entry("/etc/fstab", "/dev/sda1 / ext4\n"),
                              entry("/etc/gone", "x\n"), entry("command:uname_-r", "6.1.0-13\n", ChangeArea::host_os)})};
    const Snapshot now = snapshot({entry("/etc/hosts", "127.0.0.1 localhost\n192.0.2.9 nas\n"),
                                   entry("/etc/fstab", "/dev/sda1 / ext4\n"), entry("/etc/new", "y"),
                                   entry("command:uname_-r", "6.1.0-15\n", ChangeArea::host_os)});
    ChangeReport report;
    compare_with_baseline(before, now, report);
    CHECK(report.unchanged == 1);
    REQUIRE(report.changes.size() == 4);
    CHECK(report.changes[0].key == "/etc/hosts");
    CHECK(report.changes[0].kind == EntryChange::Kind::changed);
    CHECK(report.changes[0].added_lines == std::vector<std::string>{"192.0.2.9 nas"});
    CHECK(report.changes[1].kind == EntryChange::Kind::added);
    CHECK(report.changes[1].diff.text.find("\\ No newline at end of file") != std::string::npos);
    CHECK(report.changes[2].removed_lines == std::vector<std::string>{"6.1.0-13"});
    CHECK(report.changes[2].added_lines == std::vector<std::string>{"6.1.0-15"});
    CHECK(report.changes[3].key == "/etc/gone");
    CHECK(report.changes[3].kind == EntryChange::Kind::removed);
    const std::string summary = member(report, "changes/summary.txt");
    CHECK(summary.find("Compared with baseline 20261120T100000Z (\"before\")") != std::string::npos);
    CHECK(summary.find("Host OS\n  output of uname_-r changed (+1 -1 lines; diffs/commands/uname_-r.diff)\n"
                       "      was: 6.1.0-13\n      now: 6.1.0-15\n") != std::string::npos);
    CHECK(summary.find("Storage\n  no change\n") != std::string::npos);
    CHECK(member(report, "changes/diffs/etc/hosts.diff").find("+192.0.2.9 nas\n") != std::string::npos);
    CHECK(member(report, "changes/diffs/commands/uname_-r.diff").find("-6.1.0-13\n+6.1.0-15\n") != std::string::npos);
    const auto json = nlohmann::json::parse(member(report, "changes/changes.json"));
    CHECK(json["baseline"]["id"] == "20261120T100000Z");
    CHECK(json["changes"].size() == 4);
    CHECK(json["changes"][3]["status"] == "removed");
  }

  TEST_CASE("package lists are compared per package") {
    const std::string old_list = "Name  Version  Vendor\n----  -------  ------\nesx-base 7.0.3-0.85 VMware\nold-driver 1.0 Intel\nnet-tools 2.0 VMware\n";
    const std::string new_list = "Name  Version  Vendor\n----  -------  ------\nesx-base 7.0.3-0.95 VMware\nnet-tools 2.0 VMware\nnew-agent 3.1 Dell\n";
    Baseline before{{"b", "", Clock::now(), "esxi", "/", 1},
                    snapshot({entry("command:vib-list", old_list, ChangeArea::packages, "packages")})};
    ChangeReport report;
    compare_with_baseline(before, snapshot({entry("command:vib-list", new_list, ChangeArea::packages, "packages")}), report);
    REQUIRE(report.changes.size() == 1);
    const auto& packages = report.changes[0].packages;
    REQUIRE(packages.size() == 3);
    CHECK((packages[0].name == "esx-base" && packages[0].from == "7.0.3-0.85" && packages[0].to == "7.0.3-0.95"));
    CHECK((packages[1].name == "new-agent" && packages[1].from.empty()));
    CHECK((packages[2].name == "old-driver" && packages[2].to.empty()));
    const std::string summary = member(report, "changes/summary.txt");
    CHECK(summary.find("      esx-base 7.0.3-0.85 -> 7.0.3-0.95\n      new-agent 3.1 added\n      old-driver 1.0 removed\n") !=
          std::string::npos);
  }

  TEST_CASE("an entry gathered before but not now is not reported as removed") {
    SnapshotEntry skipped = entry("command:uname_-r", "", ChangeArea::host_os);
    skipped.present = false;
    skipped.note = "not run: --root is not /";
    Baseline before{{"b", "", Clock::now(), "linux", "/", 1}, snapshot({entry("command:uname_-r", "6.1\n", ChangeArea::host_os)})};
    ChangeReport report;
    compare_with_baseline(before, snapshot({skipped}), report);
    REQUIRE(report.changes.size() == 1);
    CHECK(report.changes[0].kind == EntryChange::Kind::not_compared);
    CHECK(member(report, "changes/summary.txt").find("output of uname_-r not_compared: not run: --root is not /") != std::string::npos);
  }

  TEST_CASE("without a baseline, tracked files modified within the window are listed newest first, /proc not") {
    const auto now = Clock::now();
    SnapshotEntry old_file = entry("/etc/fstab", "x");
    old_file.mtime = now - std::chrono::hours(24 * 30);
    SnapshotEntry recent = entry("/etc/hosts", "y", ChangeArea::network);
    recent.mtime = now - std::chrono::hours(2);
    SnapshotEntry newest = entry("/etc/os-release", "z", ChangeArea::host_os);
    newest.mtime = now - std::chrono::hours(1);
    ChangeReport report;
    report.now = now;
    SnapshotEntry pseudo = entry("/proc/version", "Linux", ChangeArea::host_os);
    pseudo.mtime = now;
    recent_tracked_files(snapshot({old_file, recent, newest, pseudo}), now - std::chrono::hours(24 * 7), report);
    REQUIRE(report.recent_files.size() == 2);
    CHECK(report.recent_files[0].path == "/etc/os-release");
    CHECK(report.recent_files[1].path == "/etc/hosts");
    report.recorded_baseline = "20261123T000000Z";
    const std::string summary = member(report, "changes/summary.txt");
    CHECK(summary.find("No baseline to compare with yet.") != std::string::npos);
    CHECK(summary.find("Network\n  /etc/hosts modified ") != std::string::npos);
    CHECK(summary.find("Recorded baseline 20261123T000000Z now") != std::string::npos);
  }

  TEST_CASE("baselines round-trip through the state directory, private, newest first, pruned") {
    testing::TempDir dir;
    const std::string state = (dir.path() / "state").string();
    const auto t0 = Clock::now() - std::chrono::hours(10);
    SnapshotEntry absent = entry("command:x", "");
    absent.present = false;
    absent.note = "not installed";
    for (int i = 0; i < 4; ++i) {
      auto saved = save_baseline(state, snapshot({entry("/etc/hosts", "v" + std::to_string(i) + "\n"), absent},
                                                 t0 + std::chrono::hours(i)),
                                 "n" + std::to_string(i), "/", 3);
      REQUIRE_MESSAGE(saved, (saved ? "" : saved.error().message));
    }
    const auto all = list_baselines(state);
    REQUIRE(all.size() == 3);
    CHECK(all[0].label == "n3");
    CHECK(all[2].label == "n1");
    struct stat st {};
    REQUIRE(::stat((std::filesystem::path(state) / "baselines").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
    REQUIRE(::stat((std::filesystem::path(state) / "baselines" / all[0].id / "1.txt").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    auto newest = load_baseline(state, "", "/", "linux");
    REQUIRE(newest);
    REQUIRE(newest->has_value());
    CHECK((*newest)->snapshot.entries[0].content == "v3\n");
    CHECK_FALSE((*newest)->snapshot.entries[1].present);
    CHECK((*newest)->snapshot.entries[1].note == "not installed");
    auto other_root = load_baseline(state, "", "/mnt/other", "linux");
    REQUIRE(other_root);
    CHECK_FALSE(other_root->has_value());
    auto chosen = load_baseline(state, all[2].id, "/", "linux");
    REQUIRE(chosen);
    CHECK((*chosen)->info.label == "n1");
    auto unknown = load_baseline(state, "nope", "/", "linux");
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().message.find("--baseline nope: no such baseline") != std::string::npos);
    CHECK(unknown.error().hint.find(all[0].id) != std::string::npos);
  }

  TEST_CASE("a damaged baseline.json loads what it can, reads only its own files and is pruned by its directory") {
    testing::TempDir dir;
    const std::filesystem::path baselines = dir.path() / "state" / "baselines";
    const std::filesystem::path victim = dir.path() / "victim";
    std::filesystem::create_directories(victim);
    std::ofstream(victim / "secret") << "keep me\n";
    std::filesystem::create_directories(baselines / "20200101T000000Z");
    std::ofstream(baselines / "20200101T000000Z" / "1.txt") << "mine\n";
    // Wrong types everywhere, an id that is a path, content files outside.
    std::ofstream(baselines / "20200101T000000Z" / "baseline.json")
        << R"({"id": "../../victim", "label": 7, "taken": "2020-01-01T00:00:00Z", "platform": "linux", "root": "/",
               "entries": [5, {"key": ["x"], "file": "1.txt", "present": "yes"},
                           {"key": "/etc/shadow", "file": "/etc/shadow", "present": true},
                           {"key": "up", "file": "../../../victim/secret", "present": true}]})";
    const std::string state = (dir.path() / "state").string();
    const auto all = list_baselines(state);
    REQUIRE(all.size() == 1);
    CHECK(all[0].id == "20200101T000000Z");
    CHECK(all[0].label.empty());
    auto loaded = load_baseline(state, "", "/", "linux");
    REQUIRE(loaded);
    REQUIRE(loaded->has_value());
    const auto& entries = (*loaded)->snapshot.entries;
    REQUIRE(entries.size() == 3);
    CHECK(entries[0].key.empty());
    CHECK(entries[0].content == "mine\n");
    CHECK_FALSE(entries[0].present);
    CHECK(entries[1].content.empty());
    CHECK(entries[2].content.empty());
    for (const char* id : {"..", "."}) CHECK_FALSE(load_baseline(state, id, "/", "linux"));
    // Saving prunes by directory name: the victim directory stays.
    for (int i = 0; i < 2; ++i) REQUIRE(save_baseline(state, snapshot({entry("/etc/hosts", "x\n")}), "", "/", 1));
    CHECK(std::filesystem::exists(victim / "secret"));
    CHECK(list_baselines(state).size() == 1);
  }
}
