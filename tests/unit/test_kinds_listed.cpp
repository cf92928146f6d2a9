// `listed_in:` (kinds/listed) and the inventory takes it serves: keys with
// wildcards, the paths list files name (Workstation's inventory.vmls and
// preferences), files matched beside them for file entries, inventory
// sources and cores, `take: path_names`, and the located messages of broken
// entries.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "host/filesystem.h"
#include "host/process.h"
#include "kinds/inventory.h"
#include "kinds/listed.h"
#include "manifest/loader.h"
#include "plan/plan.h"

using namespace vmsupport;

namespace {

const char* const k_vmls =
    ".encoding = \"UTF-8\"\n"
    "vmlist1.config = \"/srv/vms/build|20box/build box.vmx\"\n"
    "vmlist1.DisplayName = \"Build Box\"\n"
    "vmlist2.config = \"/home/alice/vmware/Win 11/Win 11.vmx\"\n"
    "vmlist3.config = \"C:\\\\VMs\\\\old\\\\old.vmx\"\n"  // a Windows path: ignored
    "vmlist4.config = \"relative/x.vmx\"\n"               // relative: ignored
    "index0.field0.name = \"guest\"\n";

MemoryFileSystem workstation_host() {
  MemoryFileSystem fs;
  fs.add_file("/home/alice/.vmware/inventory.vmls", k_vmls);
  fs.add_file("/home/alice/.vmware/preferences",
              "pref.mruVM0.filename = \"/home/alice/vmware/Win 11/Win 11.vmx\"\n"
              "pref.mruVM1.filename = \"/opt/vm/Tax.vmwarevm/Tax.vmx\"\n");
  fs.add_file("/srv/vms/build box/build box.vmx", "displayName = \"Build Box\"\n");
  fs.add_file("/srv/vms/build box/vmware.log", "log\n");
  fs.add_file("/srv/vms/build box/vmware-1.log", "log\n");
  fs.add_file("/srv/vms/build box/build box-flat.vmdk", "disk\n");
  fs.add_file("/home/alice/vmware/Win 11/Win 11.vmx", "displayName = \"Eleven\"\n");
  fs.add_file("/home/alice/vmware/Win 11/vmware.log", "log\n");
  fs.add_file("/home/alice/vmware/Unlisted/Unlisted.vmx", "displayName = \"Unlisted\"\n");
  fs.add_file("/opt/vm/Tax.vmwarevm/Tax.vmx", "displayName = \"Taxes\"\n");
  fs.add_file("/opt/vm/Tax.vmwarevm/vmware-vmx-zdump.000", "z\n");
  return fs;
}

ListedIn vms() {
  return ListedIn{{"/home/*/.vmware/*.vmls", "/home/*/.vmware/preferences"}, {"vmlist*.config", "pref.mruVM*.filename"}};
}

const std::string k_groups = "groups:\n  - id: A:B\n    files: [/etc/hosts]\n";

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("a key with wildcards matches each line's whole key") {
    const std::string text = "vmlist1.config = \"/a/a.vmx\"\nvmlist12.config=\"/b/b.vmx\"\nvmlist1.configX = \"/c\"\n"
                             "pref.vmlist1.config = \"/d\"\ndisplayName = \"x\"\n";
    CHECK(key_values(text, "vmlist*.config") == std::vector<std::string>{"/a/a.vmx", "/b/b.vmx"});
    // without wildcards a line must start with the key, as before
    CHECK(key_values(text, "displayName") == std::vector<std::string>{"x"});
    CHECK(key_values("pref.mruVM0.displayName = \"Win |2311\"\n", "pref.mruVM?.displayName") ==
          std::vector<std::string>{"Win #11"});
  }

  TEST_CASE("listed paths are the absolute paths the list files name, once each, in order") {
    MemoryFileSystem fs = workstation_host();
    CHECK(listed_paths(fs, vms()) == std::vector<std::string>{"/srv/vms/build box/build box.vmx",
                                                              "/home/alice/vmware/Win 11/Win 11.vmx",
                                                              "/opt/vm/Tax.vmwarevm/Tax.vmx"});
    CHECK(listed_paths(fs, ListedIn{{"/home/*/.vmware/missing"}, {"vmlist*.config"}}).empty());
  }

  TEST_CASE("a name pattern is matched beside each listed path, never elsewhere") {
    MemoryFileSystem fs = workstation_host();
    CHECK(expand_listed(fs, vms(), "vmware*.log") ==
          std::vector<std::string>{"/srv/vms/build box/vmware-1.log", "/srv/vms/build box/vmware.log",
                                   "/home/alice/vmware/Win 11/vmware.log"});
    CHECK(expand_listed(fs, vms(), "*.vmx") ==
          std::vector<std::string>{"/srv/vms/build box/build box.vmx", "/home/alice/vmware/Win 11/Win 11.vmx",
                                   "/opt/vm/Tax.vmwarevm/Tax.vmx"});
    CHECK(describe_listed(vms(), "*.vmx") ==
          "*.vmx beside the paths vmlist*.config, pref.mruVM*.filename name in /home/*/.vmware/*.vmls, "
          "/home/*/.vmware/preferences");
  }

  TEST_CASE("inventory sources with listed_in read the listed VMs' .vmx files and path names") {
    MemoryFileSystem fs = workstation_host();
    auto manifest = load_manifest("platform: ws\ninventory:\n"
                                  "  - { category: vm, glob: /home/*/.vmware/*.vmls, take: key, key: \"vmlist*.DisplayName\" }\n"
                                  "  - category: vm\n"
                                  "    listed_in: &vms { glob: [/home/*/.vmware/*.vmls, /home/*/.vmware/preferences], "
                                  "key: [\"vmlist*.config\", \"pref.mruVM*.filename\"] }\n"
                                  "    glob: \"*.vmx\"\n"
                                  "    take: key\n"
                                  "    key: displayName\n"
                                  "  - { category: vm, listed_in: *vms, glob: \"*.vmx\", take: path_names }\n" +
                                      k_groups,
                                  "m/ws.yaml");
    REQUIRE_MESSAGE(manifest.has_value(), (manifest ? "" : manifest.error().message));
    REQUIRE(manifest->inventory[1].listed_in.has_value());
    CHECK(manifest->inventory[1].glob == "*.vmx");
    std::string names;
    for (const InventoryName& name : gather_inventory(*manifest, fs).names) names += name.name + "|";
    // the path names of build box.vmx are the display name again (case folded): one entry
    CHECK(names == "Build Box|Eleven|Taxes|Win 11|Tax|");
  }

  TEST_CASE("file entries and cores with listed_in plan only the listed VMs' files") {
    MemoryFileSystem fs = workstation_host();
    auto manifest = load_manifest("platform: ws\n"
                                  "cores:\n"
                                  "  - { listed_in: { glob: /home/*/.vmware/preferences, key: \"pref.mruVM*.filename\" }, "
                                  "glob: \"vmware-vmx-zdump.*\" }\n"
                                  "groups:\n"
                                  "  - id: VirtualMachines:Logs\n"
                                  "    files:\n"
                                  "      - listed_in: { glob: /home/*/.vmware/inventory.vmls, key: \"vmlist*.config\" }\n"
                                  "        glob: \"*.vmx\"\n"
                                  "        since: false\n"
                                  "      - { listed_in: { glob: /nowhere/x.vmls, key: a }, glob: \"*.log\", optional: true }\n",
                                  "m/ws.yaml");
    REQUIRE_MESSAGE(manifest.has_value(), (manifest ? "" : manifest.error().message));
    REQUIRE(manifest->cores.size() == 1);
    CHECK(manifest->cores[0].listed_in.has_value());
    FakeProcessRunner runner;
    auto plan = build_plan(PlatformChoice{&*manifest, "test", {}}, PlanOptions{}, fs, runner);
    REQUIRE(plan.has_value());
    std::vector<std::string> members;
    std::string skipped;
    for (const Task& task : plan->tasks) {
      if (!task.archive_path.empty()) members.push_back(task.archive_path);
      if (const auto* skip = std::get_if<SkipTask>(&task.work)) skipped = task.source + ": " + skip->reason;
    }
    std::sort(members.begin(), members.end());  // the plan puts the newest files of an entry first
    CHECK(members == std::vector<std::string>{"home/alice/vmware/Win 11/Win 11.vmx", "srv/vms/build box/build box.vmx"});
    CHECK(skipped == "*.log beside the paths a name in /nowhere/x.vmls: no file matches");
    CHECK(plan->collectors[0].spec == "*.vmx beside the paths vmlist*.config name in /home/*/.vmware/inventory.vmls");
  }

  TEST_CASE("a broken listed_in entry gives one exact, located message") {
    struct BrokenCase {
      const char* what;
      const char* entry;
      const char* message;
    };
    const BrokenCase cases[] = {
        {"a glob with a directory", "{ listed_in: { glob: /a.vmls, key: k }, glob: /x/*.vmx }",
         "m/x.yaml:5:55: with listed_in, 'glob' is a file-name pattern without '/', got '/x/*.vmx'"},
        {"a relative list glob", "{ listed_in: { glob: a.vmls, key: k }, glob: \"*.vmx\" }",
         "m/x.yaml:5:30: bad glob 'a.vmls': not an absolute path (paths start with '/')"},
        {"no key", "{ listed_in: { glob: /a.vmls }, glob: \"*.vmx\" }",
         "m/x.yaml:5:22: listed_in has no 'key'"},
        {"an unknown key", "{ listed_in: { glob: /a.vmls, key: k, keys: j }, glob: \"*.vmx\" }",
         "m/x.yaml:5:47: unknown key 'keys' in listed_in (did you mean 'key'?)"},
        {"an empty key", "{ listed_in: { glob: /a.vmls, key: \"\" }, glob: \"*.vmx\" }",
         "m/x.yaml:5:44: 'key' needs a non-empty key name (wildcards allowed)"},
    };
    for (const BrokenCase& c : cases) {
      CAPTURE(std::string(c.what));
      auto manifest = load_manifest(std::string("platform: p\ngroups:\n  - id: A:B\n    files:\n      - ") + c.entry + "\n",
                                    "m/x.yaml");
      REQUIRE_FALSE(manifest.has_value());
      CHECK(manifest.error().message == std::string(c.message));
    }
  }
}
