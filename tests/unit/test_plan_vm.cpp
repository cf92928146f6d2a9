// Tests for one-VM plans (--vm): the `vm:` manifest section, finding VMs
// (.vmx globs, Workstation inventory.vmls), choosing one by display name,
// directory or .vmx path, the errors listing the VMs, and the reduced plan.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "host/filesystem.h"
#include "host/process.h"
#include "manifest/loader.h"
#include "plan/plan.h"
#include "plan/vm_select.h"

namespace vmsupport {
namespace {

const char* const k_manifest = R"(platform: hv
vm:
  find:
    - { take: vmx, glob: "/ds/*/*.vmx" }
    - { take: vmls, glob: /home/*/.vmware/inventory.vmls }
  files:
    - "*.vmx"
    - vmware*.log
    - { glob: "*.vmdk", skip_above: 1k }
  context_tags: [vm-context]
forbid: ["/ds/*/*-flat.vmdk"]
groups:
  - { id: Logs:Host, tags: [logs, vm-context], files: [/var/log/hostd.log] }
  - { id: Hardware:Base, tags: [hardware], files: [/var/log/ipmi.log] }
  - { id: VMs:All, tags: [vm], files: ["/ds/*/*.vmx"] }
)";

Manifest manifest_from(const std::string& yaml) {
  auto manifest = load_manifest(yaml, "manifests/test.yaml");
  REQUIRE_MESSAGE(manifest.has_value(), (manifest ? "" : manifest.error().message));
  return *manifest;
}

MemoryFileSystem host() {
  MemoryFileSystem fs;
  fs.add_file("/ds/Payroll DB/Payroll DB.vmx", "displayName = \"Payroll DB\"\n");
  fs.add_file("/ds/Payroll DB/vmware.log", "log\n");
  fs.add_file("/ds/Payroll DB/Payroll DB.vmdk", "# Disk DescriptorFile\n");
  fs.add_file("/ds/Payroll DB/Payroll DB-flat.vmdk", std::string(4096, 'x'));
  fs.add_file("/ds/Payroll DB/big.vmdk", std::string(4096, 'y'));
  fs.add_file("/ds/dc01/dc01.vmx", "displayName = \"Domain |23 1\"\n");
  fs.add_file("/ds/dc01/vmware.log", "log\n");
  fs.add_file("/ds/web[1]/web.vmx", "displayName = \"dc01\"\n");
  fs.add_file("/home/ann/.vmware/inventory.vmls",
              ".encoding = \"UTF-8\"\nvmlist1.config = \"/home/ann/vmware/Lab/Lab.vmx\"\nvmlist1.DisplayName = \"Lab\"\n"
              "vmlist2.config = \"folder1\"\n");
  fs.add_file("/home/ann/vmware/Lab/Lab.vmx", "displayName = \"Lab box\"\n");
  fs.add_file("/var/log/hostd.log", "hostd\n");
  fs.add_file("/var/log/ipmi.log", "sel\n");
  return fs;
}

std::vector<std::string> members(const Plan& plan) {
  std::vector<std::string> out;
  for (const Task& task : plan.tasks) {
    if (!task.archive_path.empty()) out.push_back(task.archive_path);
  }
  return out;
}

Result<Plan> vm_plan(const Manifest& manifest, FileSystem& fs, const std::string& vm) {
  FakeProcessRunner runner;
  PlanOptions options;
  options.vm = vm;
  return build_plan(PlatformChoice{&manifest, "test"}, options, fs, runner);
}

bool has(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

TEST_SUITE("unit") {
  TEST_CASE("the vm section is parsed, and its mistakes point at the spot") {
    const Manifest manifest = manifest_from(k_manifest);
    REQUIRE(manifest.vm.has_value());
    CHECK(manifest.vm->find.size() == 2);
    CHECK(manifest.vm->find[1].take == "vmls");
    REQUIRE(manifest.vm->files.size() == 3);
    CHECK(manifest.vm->files[2].skip_above == 1024u);
    CHECK(manifest.vm->context_tags == std::vector<std::string>{"vm-context"});

    auto bad_take = load_manifest("platform: x\nvm: {find: [{take: dirs, glob: /a}], files: []}\ngroups: []\n", "m.yaml");
    REQUIRE_FALSE(bad_take.has_value());
    CHECK(bad_take.error().message.find("'take' must be vmx or vmls, got 'dirs'") != std::string::npos);
    CHECK(bad_take.error().message.find("m.yaml:2:") != std::string::npos);
    auto slash = load_manifest("platform: x\nvm: {find: [], files: [a/b.log]}\ngroups: []\n", "m.yaml");
    REQUIRE_FALSE(slash.has_value());
    CHECK(slash.error().message.find("no '/'") != std::string::npos);
  }

  TEST_CASE("VMs are found from .vmx globs and inventory.vmls, each once, with their display names") {
    const Manifest manifest = manifest_from(k_manifest);
    MemoryFileSystem fs = host();
    const std::vector<VmEntry> vms = find_vms(*manifest.vm, fs);
    REQUIRE(vms.size() == 4);
    CHECK(vms[0].vmx == "/ds/Payroll DB/Payroll DB.vmx");
    CHECK(vms[0].display_name == "Payroll DB");
    CHECK(vms[0].directory == "/ds/Payroll DB");
    CHECK(vms[1].display_name == "Domain # 1");  // .vmx |23 escapes decoded
    CHECK(vms[3].vmx == "/home/ann/vmware/Lab/Lab.vmx");
    CHECK(vms[3].display_name == "Lab box");
  }

  TEST_CASE("VMs are found beside the paths list files name (listed_in), like the VMs a full collect gathers") {
    const Manifest manifest = manifest_from(R"(platform: ws
vm:
  find:
    - take: vmx
      listed_in: { glob: [/home/*/.vmware/*.vmls, /home/*/.vmware/preferences], key: ["vmlist*.config", "pref.mruVM*.filename"] }
      glob: "*.vmx"
  files: ["*.vmx"]
groups:
  - { id: A:B, files: [/etc/hosts] }
)");
    REQUIRE(manifest.vm->find.size() == 1);
    REQUIRE(manifest.vm->find[0].listed_in.has_value());
    MemoryFileSystem fs = host();
    fs.add_file("/home/ann/.vmware/preferences", "pref.mruVM0.filename = \"/home/ann/old/Old VM/Old VM.vmx\"\n");
    fs.add_file("/home/ann/old/Old VM/Old VM.vmx", "displayName = \"Old VM\"\n");
    const std::vector<VmEntry> vms = find_vms(*manifest.vm, fs);
    REQUIRE(vms.size() == 2);
    CHECK(vms[0].vmx == "/home/ann/old/Old VM/Old VM.vmx");  // only in the recently used list
    CHECK(vms[1].vmx == "/home/ann/vmware/Lab/Lab.vmx");     // in inventory.vmls
    CHECK(select_vm(vms, "old vm", fs)->directory == "/home/ann/old/Old VM");

    auto vmls = load_manifest("platform: x\nvm:\n  find: [{take: vmls, glob: \"*.vmx\", listed_in: {glob: /a, key: k}}]\n"
                              "  files: []\ngroups: []\n", "m.yaml");
    REQUIRE_FALSE(vmls.has_value());
    CHECK(vmls.error().message.find("m.yaml:3:") != std::string::npos);
    CHECK(vmls.error().message.find("listed_in goes with take: vmx") != std::string::npos);
  }

  TEST_CASE("a .vmx path names a VM that no inventory lists; other paths still fail") {
    const Manifest manifest = manifest_from(k_manifest);
    MemoryFileSystem fs = host();
    fs.add_file("/ds/archive/2019/old.vmx", "displayName = \"Old\"\n");
    fs.add_file("/ds/archive/2019/notes.txt", "x\n");
    const std::vector<VmEntry> vms = find_vms(*manifest.vm, fs);
    auto old = select_vm(vms, "/ds/archive/2019/old.vmx", fs);
    REQUIRE_MESSAGE(old.has_value(), (old ? "" : old.error().message));
    CHECK(old->display_name == "Old");
    CHECK(old->directory == "/ds/archive/2019");
    CHECK_FALSE(select_vm(vms, "old", fs).has_value());  // by name: only the VMs found
    CHECK_FALSE(select_vm(vms, "/ds/archive/2019/notes.txt", fs).has_value());
    CHECK_FALSE(select_vm(vms, "/ds/archive/2019/gone.vmx", fs).has_value());
    auto plan = vm_plan(manifest, fs, "/ds/archive/2019/old.vmx");
    REQUIRE(plan.has_value());
    CHECK(has(members(*plan), "ds/archive/2019/old.vmx"));
    CHECK_FALSE(has(members(*plan), "ds/dc01/dc01.vmx"));
    CHECK(in_other_vm(*plan, "/ds/dc01/vmx-zdump.000"));
  }

  TEST_CASE("a VM is chosen by display name, directory name or .vmx path, case-insensitively") {
    const Manifest manifest = manifest_from(k_manifest);
    MemoryFileSystem fs = host();
    const std::vector<VmEntry> vms = find_vms(*manifest.vm, fs);
    CHECK(select_vm(vms, "payroll db", fs)->vmx == "/ds/Payroll DB/Payroll DB.vmx");
    CHECK(select_vm(vms, "LAB", fs)->vmx == "/home/ann/vmware/Lab/Lab.vmx");  // directory name
    CHECK(select_vm(vms, "/ds/dc01/dc01.vmx", fs)->display_name == "Domain # 1");
  }

  TEST_CASE("no match and several matches are errors that list the VMs") {
    const Manifest manifest = manifest_from(k_manifest);
    MemoryFileSystem fs = host();
    const std::vector<VmEntry> vms = find_vms(*manifest.vm, fs);
    auto none = select_vm(vms, "mail", fs);
    REQUIRE_FALSE(none.has_value());
    CHECK(none.error().message == "--vm: no VM matches 'mail'");
    CHECK(none.error().hint.find("'Payroll DB'  (directory 'Payroll DB'") != std::string::npos);
    CHECK(none.error().hint.find("'Lab box'") != std::string::npos);
    // "dc01" is one VM's directory and another's display name
    auto two = select_vm(vms, "DC01", fs);
    REQUIRE_FALSE(two.has_value());
    CHECK(two.error().message.find("2 VMs match 'DC01'") != std::string::npos);
    CHECK(two.error().hint.find("Payroll") == std::string::npos);
    CHECK(select_vm(vms, "/ds/web[1]/web.vmx", fs).has_value());
  }

  TEST_CASE("a one-VM plan keeps the context groups and that VM's files only") {
    const Manifest manifest = manifest_from(k_manifest);
    MemoryFileSystem fs = host();
    auto plan = vm_plan(manifest, fs, "Payroll DB");
    REQUIRE_MESSAGE(plan.has_value(), (plan ? "" : plan.error().message));
    REQUIRE(plan->vm.has_value());
    CHECK(plan->vm->name == "Payroll DB");
    CHECK(plan->groups == std::vector<std::string>{"Logs:Host", "VirtualMachine:Selected"});
    const std::vector<std::string> m = members(*plan);
    CHECK(has(m, "var/log/hostd.log"));
    CHECK(has(m, "ds/Payroll DB/Payroll DB.vmx"));
    CHECK(has(m, "ds/Payroll DB/vmware.log"));
    CHECK(has(m, "ds/Payroll DB/Payroll DB.vmdk"));
    CHECK_FALSE(has(m, "ds/Payroll DB/Payroll DB-flat.vmdk"));  // forbidden
    CHECK_FALSE(has(m, "ds/Payroll DB/big.vmdk"));              // above skip_above: skipped, not cut
    CHECK_FALSE(has(m, "var/log/ipmi.log"));
    CHECK_FALSE(has(m, "ds/dc01/dc01.vmx"));
    CHECK_FALSE(has(m, "ds/dc01/vmware.log"));
    CHECK(in_other_vm(*plan, "/ds/dc01/vmx-zdump.000"));
    CHECK_FALSE(in_other_vm(*plan, "/ds/Payroll DB/vmx-zdump.000"));
  }

  TEST_CASE("a VM directory with glob characters in its name is taken literally") {
    const Manifest manifest = manifest_from(k_manifest);
    MemoryFileSystem fs = host();
    auto plan = vm_plan(manifest, fs, "/ds/web[1]/web.vmx");
    REQUIRE(plan.has_value());
    CHECK(has(members(*plan), "ds/web[1]/web.vmx"));
    CHECK(escape_glob("/ds/web[1]/x") == "/ds/web\\[1\\]/x");
  }

  TEST_CASE("--vm on a platform without a vm section says so") {
    const Manifest manifest = manifest_from("platform: bare\ngroups: [{id: A:B, files: [/etc/hosts]}]\n");
    MemoryFileSystem fs;
    auto plan = vm_plan(manifest, fs, "x");
    REQUIRE_FALSE(plan.has_value());
    CHECK(plan.error().message == "--vm: platform 'bare' has no VMs to choose from");
  }
}

}  // namespace
}  // namespace vmsupport
