// End-to-end recent changes: `vmsupport baseline`, then a tracked file, a
// package version and a VM definition change, then `collect` — the summary
// names each change in its group, the diffs are right, nothing in changes/
// leaks a name and verify passes. Without a baseline: recently modified
// tracked files and the dpkg history of the window, and a baseline recorded
// for the next bundle.
#include <doctest/doctest.h>

#include <ctime>

#include "e2e_support.h"

using namespace e2e;

namespace {

const std::string k_dpkg_status =
    "Package: openssl\nStatus: install ok installed\nVersion: 3.0.11-1\nArchitecture: amd64\n\n"
    "Package: curl\nStatus: install ok installed\nVersion: 7.88.1-10\nArchitecture: amd64\n\n";

std::string libvirt_domain(int memory) {
  return "<domain type='kvm'>\n  <name>payroll-db</name>\n  <memory unit='MiB'>" + std::to_string(memory) +
         "</memory>\n  <vcpu>2</vcpu>\n</domain>\n";
}

// A copy of the linux fixture with a dpkg database and a libvirt VM.
fs::path make_root(const fs::path& work) {
  const fs::path root = work / "root";
  copy_fixture("linux", root);
  write_file(root / "var/lib/dpkg/status", k_dpkg_status);
  write_file(root / "etc/libvirt/qemu/payroll-db.xml", libvirt_domain(4096));
  return root;
}

// Every file below `root` gets an mtime 30 days back.
void age_everything(const fs::path& root) {
  const auto old = fs::file_time_type::clock::now() - std::chrono::hours(24 * 30);
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && !entry.is_symlink()) fs::last_write_time(entry.path(), old);
  }
}

std::string today_utc(const char* format) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[64];
  std::strftime(text, sizeof text, format, &tm);
  return text;
}

}  // namespace

TEST_SUITE("e2e") {

TEST_CASE("baseline, then changes: the summary names each change in its group, the diffs are right, no name leaks") {
  TempDir work;
  const fs::path root = make_root(work.path());
  const std::string state = (work.path() / "state").string();
  const RunResult baseline = run({"baseline", "--root", root.string(), "--state-dir", state, "--label", "before upgrade"});
  REQUIRE_MESSAGE(baseline.exit_code == 0, baseline.err);
  CHECK(baseline.out.find("recorded baseline ") != std::string::npos);
  const RunResult listed = run({"baseline", "--list", "--state-dir", state});
  CHECK(listed.out.find("\"before upgrade\"") != std::string::npos);

  write_file(root / "etc/hosts", read_file(root / "etc/hosts") + "198.51.100.77 nas01.corp.example nas01\n");
  write_file(root / "var/lib/dpkg/status", std::string(k_dpkg_status).replace(k_dpkg_status.find("3.0.11-1"), 8, "3.0.13-1"));
  write_file(root / "etc/libvirt/qemu/payroll-db.xml", libvirt_domain(8192));
  const Collected c = collect_quiet({"--root", root.string(), "--platform", "linux"}, work.path(), {});
  REQUIRE_MESSAGE(c.bundle.error.empty(), c.run.err);
  REQUIRE(c.bundle.members.contains("changes/summary.txt"));
  const std::string summary = c.bundle.members.at("changes/summary.txt").content;
  INFO(summary);
  CHECK(summary.find("(\"before upgrade\")") != std::string::npos);
  const auto section = [&](const std::string& title) {
    const std::size_t at = summary.find("\n" + title + "\n");
    REQUIRE(at != std::string::npos);
    return summary.substr(at, summary.find("\n\n", at + 1) - at);
  };
  CHECK(section("Network").find("/etc/hosts changed (+1 -0 lines; diffs/etc/hosts.diff)") != std::string::npos);
  CHECK(section("Applications / packages").find("openssl 3.0.11-1 -> 3.0.13-1") != std::string::npos);
  CHECK(section("Guest / VMs").find(".xml changed (+1 -1 lines") != std::string::npos);
  CHECK(section("Storage").find("no change") != std::string::npos);
  const std::string hosts_diff = c.bundle.members.at("changes/diffs/etc/hosts.diff").content;
  CHECK(hosts_diff.starts_with("--- a/etc/hosts\tbaseline "));
  CHECK(hosts_diff.find("\n+240.") != std::string::npos);
  const std::string packages_diff = c.bundle.members.at("changes/diffs/commands/dpkg-query.diff").content;
  CHECK(packages_diff.find("-openssl 3.0.11-1\n+openssl 3.0.13-1\n") != std::string::npos);
  for (const auto& [path, member] : c.bundle.members) {
    if (!path.starts_with("changes/")) continue;
    for (const std::string planted : {"payroll-db", "linux-fixture-01", "corp.example", "nas01", "198.51.100.", "192.0.2."}) {
      CHECK_MESSAGE(member.content.find(planted) == std::string::npos, path << " holds " << planted);
      CHECK_MESSAGE(path.find(planted) == std::string::npos, path);
    }
  }
  const RunResult verify = run({"verify", c.path.string(), "--map", state + "/map.json"});
  INFO(verify.out, verify.err);
  CHECK(verify.exit_code == 0);
}

TEST_CASE("without a baseline: recent tracked files and package history, then a baseline for the next bundle") {
  TempDir work;
  const fs::path root = make_root(work.path());
  age_everything(root);
  write_file(root / "etc/fstab", read_file(root / "etc/fstab") + "# added today\n");  // modified now
  write_file(root / "var/log/dpkg.log",
             "2024-05-14 09:10:11 upgrade curl:amd64 7.88.1-9 7.88.1-10\n" +
                 today_utc("%Y-%m-%d 00:00:01") + " status installed openssl:amd64 3.0.13-1\n" +
                 today_utc("%Y-%m-%d 00:00:02") + " upgrade openssl:amd64 3.0.11-1 3.0.13-1\n");
  const Collected first = collect_quiet({"--root", root.string(), "--platform", "linux"}, work.path(), {});
  REQUIRE_MESSAGE(first.bundle.error.empty(), first.run.err);
  const std::string summary = first.bundle.members.at("changes/summary.txt").content;
  INFO(summary);
  CHECK(summary.find("No baseline to compare with yet.") != std::string::npos);
  CHECK(summary.find("Storage\n  /etc/fstab modified ") != std::string::npos);
  CHECK(summary.find("/etc/hosts modified") == std::string::npos);
  CHECK(summary.find("upgrade openssl:amd64 3.0.11-1 -> 3.0.13-1 (/var/log/dpkg.log)") != std::string::npos);
  CHECK(summary.find("curl") == std::string::npos);  // 2024: outside the window
  CHECK(summary.find("Recorded baseline ") != std::string::npos);
  const auto json = nlohmann::json::parse(first.bundle.members.at("changes/changes.json").content);
  CHECK(json["baseline"].is_null());
  CHECK(json["history"].size() == 1);
  CHECK_FALSE(json["recorded_baseline"].get<std::string>().empty());

  write_file(root / "etc/fstab", read_file(root / "etc/fstab") + "# and again\n");
  fs::remove_all(work.path() / "out");
  const Collected second = collect_quiet({"--root", root.string(), "--platform", "linux"}, work.path(), {});
  REQUIRE_MESSAGE(second.bundle.error.empty(), second.run.err);
  const std::string next = second.bundle.members.at("changes/summary.txt").content;
  CHECK(next.find("Compared with baseline " + json["recorded_baseline"].get<std::string>()) != std::string::npos);
  CHECK(next.find("/etc/fstab changed (+1 -0 lines") != std::string::npos);
}

TEST_CASE("--baseline with an unknown id is a usage error before anything is written") {
  TempDir work;
  const fs::path root = make_root(work.path());
  fs::create_directories(work.path() / "out");
  const RunResult r = run({"collect", "--root", root.string(), "--baseline", "19990101T000000Z", "--state-dir",
                           (work.path() / "state").string(), "-o", (work.path() / "out").string() + "/"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--baseline 19990101T000000Z: no such baseline") != std::string::npos);
  CHECK(fs::is_empty(work.path() / "out"));
}

}  // TEST_SUITE
