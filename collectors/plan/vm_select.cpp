// Finding the VMs of a root and choosing one (see vm_select.h).
#include "plan/vm_select.h"

#include <algorithm>
#include <map>

#include "host/glob_walk.h"
#include "kinds/inventory.h"
#include "kinds/listed.h"
#include "manifest/glob.h"
#include "util/text.h"

namespace vmsupport {
namespace {

constexpr std::uint64_t k_vmx_read_limit = 1 << 20;

std::string parent_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

std::string base_name(const std::string& path) { return path.substr(path.rfind('/') + 1); }

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The .vmx paths a Workstation inventory (inventory.vmls, favorites.vmls) lists.
std::vector<std::string> vmls_paths(const std::string& text) {
  std::vector<std::string> paths;
  InventorySource config;  // designated fields would warn of every other one (GCC 12)
  config.category = Category::vm;
  config.take = "key";
  config.min_uid = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    const std::size_t dot = line.find(".config");
    if (dot == std::string::npos) continue;
    config.key = line.substr(0, dot + 7);
    for (std::string& value : names_from_text(config, line)) {
      if (ends_with(ascii_lower(value), ".vmx")) paths.push_back(std::move(value));
    }
  }
  return paths;
}

std::vector<std::string> vmx_candidates(const VmSpec& spec, FileSystem& fs) {
  std::vector<std::string> candidates;
  for (const VmSourceSpec& source : spec.find) {
    if (source.listed_in) {
      for (std::string& vmx : expand_listed(fs, *source.listed_in, source.glob)) candidates.push_back(std::move(vmx));
      continue;
    }
    for (const std::string& path : expand_glob(fs, source.glob)) {
      if (source.take == "vmx") {
        candidates.push_back(path);
        continue;
      }
      auto content = fs.read(path, k_vmx_read_limit);
      if (!content) continue;
      for (std::string& vmx : vmls_paths(content->bytes)) candidates.push_back(std::move(vmx));
    }
  }
  return candidates;
}

// The VM whose .vmx `resolved` is (a regular file, symlinks resolved).
VmEntry vm_of(const std::string& resolved, FileSystem& fs) {
  static const InventorySource k_display = [] {
    InventorySource source;
    source.category = Category::vm;
    source.take = "key";
    source.key = "displayName";
    source.min_uid = 0;
    return source;
  }();
  VmEntry vm{"", parent_of(resolved), resolved};
  if (auto content = fs.read(resolved, k_vmx_read_limit)) {
    const std::vector<std::string> names = names_from_text(k_display, content->bytes);
    if (!names.empty()) vm.display_name = names.front();
  }
  return vm;
}

}  // namespace

std::string escape_glob(const std::string& dir) {
  std::string out;
  for (const std::string& component : split_path(dir)) {
    out += '/';
    if (!has_wildcard(component)) {
      out += component;
      continue;
    }
    for (char c : component) {
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out += '\\';
      out += c;
    }
  }
  return out.empty() ? "/" : out;
}

std::vector<VmEntry> find_vms(const VmSpec& spec, FileSystem& fs) {
  std::map<std::string, VmEntry> by_vmx;
  for (const std::string& candidate : vmx_candidates(spec, fs)) {
    auto info = fs.stat(candidate);
    if (!info || info->type != FileType::regular || by_vmx.contains(info->resolved)) continue;
    by_vmx.emplace(info->resolved, vm_of(info->resolved, fs));
  }
  std::vector<VmEntry> vms;
  for (auto& [vmx, vm] : by_vmx) vms.push_back(std::move(vm));
  return vms;
}

std::string describe_vms(const std::vector<VmEntry>& vms) {
  if (vms.empty()) return "no VM found on this root";
  std::string text = "VMs found:";
  for (const VmEntry& vm : vms) {
    text += "\n  " + (vm.display_name.empty() ? "(no displayName)" : "'" + vm.display_name + "'") + "  (directory '" +
            base_name(vm.directory) + "', " + vm.vmx + ")";
  }
  return text;
}

Result<VmEntry> select_vm(const std::vector<VmEntry>& vms, const std::string& name, FileSystem& fs) {
  std::vector<const VmEntry*> matches;
  if (name.find('/') != std::string::npos || ends_with(ascii_lower(name), ".vmx")) {
    std::string inside = name;
    const std::string root = fs.root();
    if (root != "/" && inside.starts_with(root + "/")) inside = inside.substr(root.size());
    auto info = fs.stat(inside);
    for (const VmEntry& vm : vms) {
      if ((info && info->resolved == vm.vmx) || vm.vmx == inside) matches.push_back(&vm);
    }
    // a VM in no inventory (vm-support -v takes any .vmx): its own path names it
    if (matches.empty() && info && info->type == FileType::regular && ends_with(ascii_lower(info->resolved), ".vmx")) {
      return vm_of(info->resolved, fs);
    }
  } else {
    const std::string wanted = ascii_lower(name);
    for (const VmEntry& vm : vms) {
      if (ascii_lower(vm.display_name) == wanted || ascii_lower(base_name(vm.directory)) == wanted) {
        matches.push_back(&vm);
      }
    }
  }
  if (matches.size() == 1) return *matches.front();
  std::vector<VmEntry> listed;
  for (const VmEntry* vm : matches) listed.push_back(*vm);
  auto error = matches.empty() ? fail("--vm: no VM matches '", name, "'")
                               : fail("--vm: ", matches.size(), " VMs match '", name, "'; name it by its .vmx path");
  error.error().hint = describe_vms(matches.empty() ? vms : listed);
  return error;
}

}  // namespace vmsupport
