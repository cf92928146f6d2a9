// End-to-end: one-VM bundles (--vm) on the esxi fixture, `list --plan --vm`,
// the error listing the VMs, and --performance on this machine (snapshots,
// charts, the collector's record, verify).
#include <doctest/doctest.h>

#include <set>

#include "e2e_support.h"

using namespace e2e;

namespace {

bool any_member(const Bundle& bundle, const std::string& part) {
  for (const auto& [path, member] : bundle.members) {
    if (path.find(part) != std::string::npos) return true;
  }
  return false;
}

bool any_content(const Bundle& bundle, const std::string& text) {
  for (const auto& [path, member] : bundle.members) {
    if (member.content.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_SUITE("e2e") {
  TEST_CASE("--vm gathers one VM's files and the host context, not the other VMs'") {
    TempDir work;
    const fs::path root = work.path() / "root";
    copy_fixture("esxi", root);
    const std::string vm_dir = "vmfs/volumes/5f1e2d3c-aaaa-bbbb-cccc-001122334455/";
    write_file(root / vm_dir / "dc01" / "dc01.nvram", std::string("NVRAM\0\x01\x02", 8));
    Collected c = collect_quiet({"--root", root.string(), "--no-scrub"}, work.path(), {"--vm", "DC01"});
    INFO("stderr: " << c.run.err);
    REQUIRE(c.run.exit_code == 0);
    REQUIRE(c.bundle.error.empty());
    for (const std::string& member : {vm_dir + "dc01/dc01.vmx", vm_dir + "dc01/vmware.log", vm_dir + "dc01/vmware-1.log",
                                     vm_dir + "dc01/dc01.vmdk", vm_dir + "dc01/dc01.nvram",
                                     std::string("var/run/log/hostd.log"), std::string("var/run/log/vmkernel.log"),
                                     std::string("etc/vmware/esx.conf")}) {
      INFO(member);
      CHECK(c.bundle.members.contains(member));
    }
    CHECK_FALSE(c.bundle.members.contains(vm_dir + "dc01/dc01-flat.vmdk"));
    CHECK_FALSE(any_member(c.bundle, "Payroll DB"));
    CHECK(c.bundle.manifest["vm"]["name"] == "dc01");
    CHECK(c.bundle.manifest["vm"]["directory"] == "/" + vm_dir + "dc01");
    CHECK(c.bundle.members["README.txt"].content.find("VM:        dc01") != std::string::npos);
    CHECK_FALSE(any_member(c.bundle, "changes/"));
    CHECK(run({"verify", c.path.string(), "--allow-unscrubbed"}).exit_code == 0);

    // By .vmx path (through the datastore's label symlink), scrubbed: the name becomes its pseudonym.
    Collected s = collect_quiet({"--root", root.string()}, work.path(),
                                {"--vm", (root / "vmfs/volumes/datastore1/Payroll DB/Payroll DB.vmx").string()});
    INFO("stderr: " << s.run.err);
    REQUIRE(s.run.exit_code == 0);
    const std::string name = s.bundle.manifest["vm"]["name"];
    CHECK(name != "Payroll DB");
    CHECK(name.starts_with("vm-"));
    CHECK_FALSE(any_content(s.bundle, "Payroll DB"));
    CHECK_FALSE(any_member(s.bundle, "dc01"));
    CHECK(run({"verify", s.path.string()}).exit_code == 0);
  }

  TEST_CASE("--vm on workstation: the VM of a user's inventory by display name, with Workstation's context") {
    TempDir work;
    const fs::path root = work.path() / "root";
    copy_fixture("workstation", root);
    const std::string vm_dir = "home/alice/vmware/Tax Return 2024/";
    Collected c = collect_quiet({"--root", root.string(), "--platform", "workstation", "--no-scrub"}, work.path(),
                                {"--vm", "tax return 2024"});
    INFO("stderr: " << c.run.err);
    REQUIRE(c.run.exit_code <= 1);
    REQUIRE(c.bundle.error.empty());
    for (const std::string& member : {vm_dir + "Tax Return 2024.vmx", vm_dir + "Tax Return 2024.vmsd",
                                     vm_dir + "vmware.log", std::string("etc/vmware/config"),
                                     std::string("home/alice/.vmware/inventory.vmls")}) {
      INFO(member);
      CHECK(c.bundle.members.contains(member));
    }
    CHECK_FALSE(c.bundle.members.contains(vm_dir + "Tax Return 2024-flat.vmdk"));
    CHECK_FALSE(any_member(c.bundle, "build-box/"));
    CHECK(c.bundle.manifest["vm"]["name"] == "Tax Return 2024");
    CHECK(run({"verify", c.path.string(), "--allow-unscrubbed"}).exit_code == 0);

    // Scrubbed: the VM's name is gone from contents and member names.
    Collected s = collect_quiet({"--root", root.string(), "--platform", "workstation"}, work.path(),
                                {"--vm", "Tax Return 2024"});
    INFO("stderr: " << s.run.err);
    REQUIRE(s.run.exit_code <= 1);
    CHECK_FALSE(any_content(s.bundle, "Tax Return 2024"));
    CHECK_FALSE(any_member(s.bundle, "Tax Return"));
    CHECK(run({"verify", s.path.string()}).exit_code == 0);

    const RunResult none = run({"collect", "--root", root.string(), "--platform", "workstation", "--vm", "nope",
                                "-o", work.path().string() + "/"});
    CHECK(none.exit_code == 2);
    CHECK(none.err.find("'Build Box'") != std::string::npos);
  }

  TEST_CASE("--vm on workstation: a VM of the recently used list, an unlisted .vmx path, the host OS context") {
    TempDir work;
    const fs::path root = work.path() / "root";
    copy_fixture("workstation", root);
    const std::string old_dir = "home/alice/vmware/Old VM/";
    write_file(root / old_dir / "Old VM.vmx", "displayName = \"Old VM\"\n");
    write_file(root / old_dir / "vmware.log", "2026-12-01T10:00:00.000Z In(05) vmx Log for VMware Workstation\n");
    std::string preferences = read_file(root / "home/alice/.vmware/preferences");
    preferences += "pref.mruVM1.filename = \"/" + old_dir + "Old VM.vmx\"\npref.mruVM1.displayName = \"Old VM\"\n";
    write_file(root / "home/alice/.vmware/preferences", preferences);
    const std::vector<std::string> base = {"--root", root.string(), "--platform", "workstation", "--no-scrub"};

    Collected old = collect_quiet(base, work.path(), {"--vm", "old vm"});
    INFO("stderr: " << old.run.err);
    REQUIRE(old.run.exit_code <= 1);
    CHECK(old.bundle.members.contains(old_dir + "Old VM.vmx"));
    CHECK(old.bundle.members.contains(old_dir + "vmware.log"));
    CHECK_FALSE(any_member(old.bundle, "Tax Return 2024/"));
    // the host OS context of the linux manifest: release, kernel, modules and kernel log, memory, disk space
    CHECK(old.bundle.members.contains("etc/os-release"));
    std::set<std::string> collectors;
    for (const auto& collector : old.bundle.manifest["collectors"]) collectors.insert(collector["id"]);
    for (const char* id : {"System:Base commands uname_-a", "System:Kernel files /proc/modules",
                           "System:Kernel commands lsmod", "System:Kernel commands dmesg",
                           "System:Kernel files /proc/meminfo", "Hardware:Base commands free_-m",
                           "Storage:State commands df_-h", "Kernel:Workstation commands modinfo_vmmon"}) {
      INFO(id);
      CHECK(collectors.contains(id));
    }
    CHECK_FALSE(collectors.contains("Logs:Packages files /var/log/dpkg.log"));

    const std::string unlisted = (root / "home/alice/vmware/Unlisted/Unlisted.vmx").string();
    Collected path = collect_quiet(base, work.path(), {"--vm", unlisted});
    INFO("stderr: " << path.run.err);
    REQUIRE(path.run.exit_code <= 1);
    CHECK(path.bundle.members.contains("home/alice/vmware/Unlisted/Unlisted.vmx"));
    CHECK(path.bundle.manifest["vm"]["name"] == "Unlisted");
    CHECK_FALSE(any_member(path.bundle, "build-box/"));
    CHECK(run({"collect", "--root", root.string(), "--platform", "workstation", "--vm",
               (root / "home/alice/vmware/Unlisted/none.vmx").string(), "-o", work.path().string() + "/"})
              .exit_code == 2);
  }

  TEST_CASE("--vm with no match or several matches fails with exit 2 and lists the VMs") {
    TempDir work;
    const fs::path root = work.path() / "root";
    copy_fixture("esxi", root);
    const RunResult none = run({"collect", "--root", root.string(), "--vm", "mail01", "-o", work.path().string() + "/"});
    CHECK(none.exit_code == 2);
    CHECK(none.err.find("--vm: no VM matches 'mail01'") != std::string::npos);
    CHECK(none.err.find("'Payroll DB'") != std::string::npos);
    CHECK(none.err.find("'dc01'") != std::string::npos);
    CHECK(find_one(work.path(), ".tgz").empty());

    write_file(root / "vmfs/volumes/5f1e2d3c-aaaa-bbbb-cccc-001122334455/other/other.vmx", "displayName = \"DC01\"\n");
    const RunResult two = run({"list", "--plan", "--root", root.string(), "--vm", "dc01"});
    CHECK(two.exit_code == 2);
    CHECK(two.err.find("2 VMs match 'dc01'") != std::string::npos);
  }

  TEST_CASE("list --plan --vm shows the reduced plan") {
    const RunResult r = run({"list", "--plan", "--root", (k_source_dir / "tests/fixtures/esxi").string(), "--vm",
                             "payroll db"});
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("VirtualMachine:Selected files") != std::string::npos);
    CHECK(r.out.find("Payroll DB.vmx") != std::string::npos);
    CHECK(r.out.find("dc01") == std::string::npos);
    CHECK(r.out.find("Logs:System") != std::string::npos);
    CHECK(r.out.find("Hardware:Base") == std::string::npos);
  }

  TEST_CASE("--performance 3s --interval 1 on this machine gives snapshots and charts") {
    TempDir work;
    Collected c = collect_quiet({"-g", "System:Base", "--no-changes"}, work.path(),
                                {"--performance", "3s", "--interval", "1"});
    INFO("stderr: " << c.run.err);
    REQUIRE((c.run.exit_code == 0 || c.run.exit_code == 1));
    REQUIRE(c.bundle.error.empty());
    CHECK(c.run.seconds >= 3.0);
    for (const char* name : {"samples.csv", "cpu.svg", "memory.svg", "disk.svg", "network.svg", "cpu.csv"}) {
      INFO(name);
      CHECK(c.bundle.members.contains(std::string("performance/") + name));
    }
    const std::string samples = c.bundle.members["performance/samples.csv"].content;
    std::size_t rows = 0;
    for (char ch : samples) rows += ch == '\n';
    CHECK(rows - 1 >= 3);  // header + at least three snapshots
    CHECK(c.bundle.members["performance/cpu.svg"].content.find("<polyline") != std::string::npos);
    bool recorded = false;
    for (const auto& collector : c.bundle.manifest["collectors"]) {
      if (collector["id"].get<std::string>().starts_with("Performance:Snapshots")) {
        recorded = true;
        CHECK(collector["status"] == "ok");
      }
    }
    CHECK(recorded);
    CHECK(run({"verify", c.path.string()}).exit_code == 0);
  }

  TEST_CASE("--performance with another --root is recorded as skipped; bad values are usage errors") {
    TempDir work;
    Collected c = collect_quiet({"--root", (k_source_dir / "tests/fixtures/linux").string(), "--no-changes"},
                                work.path(), {"--performance", "2s", "--interval", "1"});
    INFO("stderr: " << c.run.err);
    REQUIRE(c.run.exit_code == 0);
    CHECK_FALSE(any_member(c.bundle, "performance/"));
    bool skipped = false;
    for (const auto& collector : c.bundle.manifest["collectors"]) {
      if (collector["id"].get<std::string>().starts_with("Performance:Snapshots")) {
        skipped = collector["status"] == "skipped";
        CHECK(collector["reason"].get<std::string>().find("not --root") != std::string::npos);
      }
    }
    CHECK(skipped);
    CHECK(run({"collect", "--interval", "1"}).err.find("--interval: only with --performance") != std::string::npos);
    CHECK(run({"collect", "--performance", "2s", "--interval", "5"}).exit_code == 2);
    CHECK(run({"collect", "--performance", "1h", "--timeout", "10m"}).exit_code == 2);
  }
}
