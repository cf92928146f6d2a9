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

// Where a value came from, for error messages and `list`.
struct SourceMark {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
};

// `files:` entry — glob(s) resolved inside --root.
struct FileSpec {
  std::string glob;                       // absolute pattern, e.g. /var/log/*.log
  bool recursive = false;                 // a matched directory is walked
  std::optional<std::uint64_t> max_bytes; // keep the newest tail; default: --max-file-size
  bool optional = false;                  // no match is "skipped", not "failed"
  bool since = true;                      // --since applies to what this entry matches
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
  std::string take;                    // line, key, hosts, resolv, passwd, dir_name, xml_element
  std::string key;                     // take: key — e.g. displayName, /adv/Misc/HostName
  std::string element;                 // take: xml_element — e.g. name, vmxCfgPath
  int min_uid = 1000;                  // take: passwd — real users start here
  SourceMark mark;
};

struct Manifest {
  std::string platform;     // "esxi", "linux", ...
  std::string description;
  std::string source;       // file it was loaded from, e.g. manifests/esxi.yaml
  DetectSpec detect;
  std::vector<ForbidSpec> forbid;  // manifest-wide, plus each group's
  std::vector<InventorySource> inventory;
  std::vector<GroupSpec> groups;
};

}  // namespace vmsupport
