// Fuzz target for the inventory sources (kinds/inventory, kinds/listed): the
// host's own files name its hosts, VMs and users — /etc/hostname, esx.conf,
// .vmx files, /etc/hosts, resolv.conf, passwd and login.defs,
// vmInventory.xml, Workstation's inventory.vmls, logs with user fields — and
// on a broken or hostile host they hold anything. The input becomes every one
// of those files (and, cut at its first '/', NUL or newline, the name of a VM
// directory) of a memory file system, which gather_inventory() reads with one
// source of each kind. Every name it keeps must be non-empty, without the
// blanks around it, and not kept twice in one category (ASCII case folded).
#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "host/filesystem.h"
#include "kinds/inventory.h"
#include "manifest/spec.h"
#include "util/text.h"

using namespace vmsupport;

namespace {

InventorySource source(Category category, std::string glob, std::string take, std::string key = "",
                       std::string element = "") {
  InventorySource made;
  made.category = category;
  made.glob = std::move(glob);
  made.take = std::move(take);
  made.key = std::move(key);
  made.element = std::move(element);
  return made;
}

Manifest inventory_manifest() {
  Manifest manifest;
  manifest.platform = "fuzz";
  manifest.inventory = {
      source(Category::host, "/etc/hostname", "line"),
      source(Category::host, "/etc/vmware/esx.conf", "key", "/adv/Misc/HostName"),
      source(Category::vm, "/vmfs/volumes/ds/*/*.vmx", "key", "displayName"),
      source(Category::vm, "/vmfs/volumes/ds/*/*.vmx", "path_names"),
      source(Category::vm, "/vmfs/volumes/ds/*", "dir_name"),
      source(Category::vm, "/etc/vmware/vm-list", "key", "vmlist*.config"),
      source(Category::host, "/etc/hosts", "hosts"),
      source(Category::domain, "/etc/resolv.conf", "resolv"),
      source(Category::user, "/etc/passwd", "passwd"),
      source(Category::vm, "/etc/vmware/hostd/vmInventory.xml", "xml_element", "", "vmxCfgPath"),
      source(Category::vm, "/etc/vmware/hostd/vmInventory.xml", "xml_element", "", "name"),
      source(Category::user, "/var/log/auth.log", "user_fields"),
      source(Category::host, "/etc/hosts", "plist_key", "ComputerName"),
  };
  InventorySource vpxd = source(Category::host, "/var/log/auth.log", "pattern");
  vpxd.contains = "vim.HostSystem:";
  vpxd.pattern = R"(vim\.HostSystem:host-[0-9]+,([^,\]\s]+)\])";
  manifest.inventory.push_back(vpxd);
  InventorySource listed = source(Category::vm, "*.vmx", "path_names");
  listed.listed_in = ListedIn{{"/home/u/.vmware/inventory.vmls"}, {"vmlist*.config"}};
  manifest.inventory.push_back(listed);
  return manifest;
}

bool has_blank_around(const std::string& name) {
  const std::string_view blanks = " \t\r\n";
  return blanks.find(name.front()) != std::string_view::npos || blanks.find(name.back()) != std::string_view::npos;
}

// A directory name from the input: up to its first '/', NUL or line end.
std::string directory_name(std::string_view input) {
  std::string name(input.substr(0, std::min(input.find_first_of(std::string_view("/\n\0", 3)), std::size_t{64})));
  return name.empty() || name == "." || name == ".." ? "vm" : name;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Manifest manifest = inventory_manifest();
  const std::string input(reinterpret_cast<const char*>(data), size);
  MemoryFileSystem fs;
  for (const char* path : {"/etc/hostname", "/etc/vmware/esx.conf", "/etc/vmware/vm-list", "/etc/hosts",
                           "/etc/resolv.conf", "/etc/passwd", "/etc/login.defs", "/etc/vmware/hostd/vmInventory.xml",
                           "/var/log/auth.log", "/home/u/.vmware/inventory.vmls"}) {
    fs.add_file(path, input);
  }
  const std::string vm = directory_name(input);
  fs.add_file("/vmfs/volumes/ds/" + vm + "/" + vm + ".vmx", input);
  const Inventory inventory = gather_inventory(manifest, fs);
  std::set<std::pair<Category, std::string>> seen;
  for (const InventoryName& name : inventory.names) {
    fuzz::expect(!name.name.empty(), "an empty inventory name");
    fuzz::expect(!has_blank_around(name.name), "an inventory name with blanks around it");
    fuzz::expect(seen.insert({name.category, ascii_lower(name.name)}).second, "an inventory name kept twice");
  }
  return 0;
}
