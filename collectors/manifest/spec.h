// The manifest as data: what a platform's YAML declares, after validation.
// Nothing here touches the host; collectors/plan turns a Manifest into a Plan.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "scrub/category.h"

namespace vmsupport {

// `priority:` of a group or an entry: what is gathered first, and what is
// left out first when the bundle reaches --max-size.
enum class Priority { low = 0, normal = 1, high = 2 };

// "low", "normal", "high".
inline const char* priority_name(Priority priority) {
  return priority == Priority::high ? "high" : priority == Priority::low ? "low" : "normal";
}

// Where a value came from, for error messages and `list`.
struct SourceMark {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
};

// `listed_in:` — paths named inside list files (a VM inventory such as
// Workstation's inventory.vmls: `vmlist1.config = "/home/a/vm/x/x.vmx"`). The
// entry's own glob is then one file-name pattern matched in the directory of
// each listed path.
struct ListedIn {
  std::vector<std::string> globs;  // the list files, e.g. /home/*/.vmware/inventory.vmls
  std::vector<std::string> keys;   // keys whose values are paths; wildcards allowed, e.g. vmlist*.config
};

// `files:` entry — glob(s) resolved inside --root.
struct FileSpec {
  std::string glob;                       // absolute pattern, e.g. /var/log/*.log (a name pattern with listed_in)
  std::optional<ListedIn> listed_in;      // match `glob` beside the paths these list files name
  bool recursive = false;                 // a matched directory is walked
  std::optional<std::uint64_t> max_bytes; // keep the newest tail; default: --max-file-size
  bool optional = false;                  // no match is "skipped", not "failed"
  bool since = true;                      // --since applies to what this entry matches
  std::optional<std::uint64_t> skip_above; // a larger file is skipped (not cut): `skip_above: 64k`
  std::optional<Priority> priority;       // default: the group's
  SourceMark mark;
};

// `commands:` entry — argv run without a shell.
struct CommandSpec {
  std::string id;                         // output goes to commands/<group>/<id>.txt
  std::vector<std::string> argv;          // "{root}" is replaced by the --root directory
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
  std::optional<std::uint64_t> max_bytes; // keep the newest tail; default: --max-file-size
  bool optional = false;                  // program absent is "skipped", not "failed"
  bool files_only = false;                // reads only files via {root}: valid for any --root
  std::vector<std::string> requires_paths; // `requires:` paths that must exist in the root
  std::optional<Priority> priority;       // default: the group's
  SourceMark mark;
};

// `forbid:` entry — a glob that is never read, whatever else matches it.
struct ForbidSpec {
  std::string glob;
  SourceMark mark;
};

using EntrySpec = std::variant<FileSpec, CommandSpec, ForbidSpec>;

struct GroupSpec {
  std::string id;            // "Logs:Host" — Category:Name, like vm-support
  std::string description;
  bool enabled = true;       // `default: enabled|disabled`
  std::vector<std::string> tags;
  Priority priority = Priority::normal;  // `priority: high|normal|low`
  std::vector<EntrySpec> entries;  // in manifest order
  SourceMark mark;
};

// How a platform is recognised on a root.
struct DetectSpec {
  std::vector<std::string> any_file;   // one of these exists
  std::vector<std::string> all_files;  // and all of these exist
  int priority = 0;                    // the highest matching priority wins
  bool fallback = false;               // picked when no other platform matches
};

// `inventory:` entry — where the host keeps names the scrubber must know
// before anything is written (host, domain, VM and user names).
struct InventorySource {
  Category category = Category::host;  // host, domain, vm or user
  std::string glob;                    // files (or directories, for take: dir_name)
  std::optional<ListedIn> listed_in;   // as in FileSpec: `glob` is a name pattern beside listed paths
  std::string take;                    // line, key, hosts, resolv, passwd, dir_name, path_names, xml_element, user_fields,
                                       // plist_key, pattern
  std::string key;                     // take: key — e.g. displayName, /adv/Misc/HostName; take: plist_key — HostName
  std::string pattern;                 // take: pattern — a regex whose first group (or whole match) is the name
  std::string contains;                // take: pattern — only lines holding this text are matched
  std::string element;                 // take: xml_element — e.g. name, vmxCfgPath
  int min_uid = 1000;                  // take: passwd — real users start here
  SourceMark mark;
};

// The groups of "what changed recently", in the order the summary lists them.
enum class ChangeArea { host_os, guest_vm, network, storage, packages, config };

// `tracked:` entry — a file glob or a command whose content is kept in the
// baseline snapshot and diffed by every later collect.
struct TrackedSpec {
  ChangeArea area = ChangeArea::config;
  std::variant<FileSpec, CommandSpec> what;
  std::string format;  // "" (lines), or "packages": "NAME VERSION…" lines, compared per package
  SourceMark mark;
};

// `history:` entry — a package/VIB history log (dpkg, apt, dnf, yum, esxupdate)
// read for recent changes when there is no baseline yet.
struct HistorySpec {
  ChangeArea area = ChangeArea::packages;
  std::string glob;
  std::string format;
  SourceMark mark;
};

// `cores:` entry — where the platform keeps crash cores.
struct CoreSpec {
  std::string glob;                   // a name pattern when listed_in is set
  std::optional<ListedIn> listed_in;  // as in FileSpec
  bool recursive = false;
  SourceMark mark;
};

// `vm:` — where the platform's VMs are, so that `--vm NAME` can pick one, and
// what a one-VM bundle takes: the VM directory's files and the host groups
// tagged with one of `context_tags`.
struct VmSourceSpec {
  std::string glob;   // take: vmx — the VMs' .vmx files; take: vmls — inventory files
  std::string take;   // vmx, or vmls (`vmlistN.config = "PATH.vmx"` lines, Workstation)
  std::optional<ListedIn> listed_in;  // take: vmx only: `glob` is a name pattern beside the listed paths
  SourceMark mark;
};

struct VmSpec {
  std::vector<VmSourceSpec> find;
  std::vector<FileSpec> files;            // glob: a pattern inside the VM's directory ("*.vmx")
  std::vector<std::string> context_tags;  // host groups kept in a one-VM bundle
  SourceMark mark;
};

// `include:` item — another platform whose content this one adds to its own.
struct IncludeSpec {
  std::string platform;
  SourceMark mark;
};

struct Manifest {
  std::string platform;     // "esxi", "linux", ...
  std::string description;
  std::string source;       // file it was loaded from, e.g. manifests/esxi.yaml
  std::vector<IncludeSpec> includes;  // as written; resolve_includes merges their content
  DetectSpec detect;
  std::vector<ForbidSpec> forbid;  // manifest-wide, plus each group's
  std::vector<InventorySource> inventory;
  std::vector<GroupSpec> groups;
  std::vector<TrackedSpec> tracked;
  std::vector<HistorySpec> history;
  std::vector<CoreSpec> cores;
  std::optional<VmSpec> vm;
};

}  // namespace vmsupport
