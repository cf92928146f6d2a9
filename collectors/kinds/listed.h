// Paths named inside list files (`listed_in:`, see manifest/spec.h): the VMs
// of a Workstation or Fusion inventory are wherever the user keeps them, so
// no glob finds them; the inventory file lists them. Used by the files kind
// and by the inventory.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "host/filesystem.h"
#include "manifest/spec.h"
#include "manifest/yaml_reader.h"

namespace vmsupport {

// Parses an entry's `listed_in:` map (nullopt when absent) and checks that the
// entry's `glob` suits it: with listed_in, a single file-name pattern
// ("*.vmx"); without, an absolute glob. Returns the glob.
Result<std::string> parse_entry_glob(const YamlReader& reader, const YAML::Node& entry,
                                     std::optional<ListedIn>& listed_in);

// The absolute paths the list files name, in order, without duplicates.
// Unreadable list files and relative or Windows paths are skipped.
std::vector<std::string> listed_paths(FileSystem& fs, const ListedIn& listed_in);

// Files matching the name `pattern` in the directory of each listed path, sorted
// within each directory, without duplicates.
std::vector<std::string> expand_listed(FileSystem& fs, const ListedIn& listed_in, const std::string& pattern);

// "*.vmx beside the paths vmlist*.config names in /home/*/.vmware/inventory.vmls"
std::string describe_listed(const ListedIn& listed_in, const std::string& pattern);

}  // namespace vmsupport
