// `listed_in:` (see listed.h): reading list files and matching beside the paths they name.
#include "kinds/listed.h"

#include <algorithm>
#include <set>

#include "host/glob_walk.h"
#include "kinds/inventory.h"
#include "manifest/glob.h"

namespace vmsupport {

namespace {

constexpr std::uint64_t k_list_cap = 4ull << 20;

Result<ListedIn> parse_listed_map(const YamlReader& reader, const YAML::Node& node) {
  if (auto ok = reader.check_map(node, "listed_in", {"glob", "key"}); !ok) return std::unexpected(ok.error());
  for (const char* key : {"glob", "key"}) {
    if (auto ok = reader.require(node, key, "listed_in"); !ok) return std::unexpected(ok.error());
  }
  ListedIn listed;
  const YAML::Node globs = node["glob"];
  if (globs.IsSequence() && globs.size() == 0) return reader.error(globs, "'glob' is an empty list");
  auto add_glob = [&](const YAML::Node& item) -> Result<void> {
    auto glob = reader.glob(item, "glob");
    if (!glob) return std::unexpected(glob.error());
    listed.globs.push_back(*glob);
    return {};
  };
  if (globs.IsSequence()) {
    for (const auto& item : globs) {
      if (auto ok = add_glob(item); !ok) return std::unexpected(ok.error());
    }
  } else if (auto ok = add_glob(globs); !ok) {
    return std::unexpected(ok.error());
  }
  Result<std::vector<std::string>> keys = std::vector<std::string>{};
  if (node["key"].IsSequence()) {
    keys = reader.string_list(node["key"], "key");
  } else if (auto key = reader.string(node["key"], "key"); key) {
    keys->push_back(*key);
  } else {
    keys = std::unexpected(key.error());
  }
  if (!keys) return std::unexpected(keys.error());
  if (keys->empty() || std::any_of(keys->begin(), keys->end(), [](const std::string& k) { return k.empty(); })) {
    return reader.error(node["key"], "'key' needs a non-empty key name (wildcards allowed)");
  }
  listed.keys = *keys;
  return listed;
}

}  // namespace

Result<std::string> parse_entry_glob(const YamlReader& reader, const YAML::Node& entry,
                                     std::optional<ListedIn>& listed_in) {
  if (!entry["listed_in"]) return reader.glob(entry["glob"], "glob");
  auto listed = parse_listed_map(reader, entry["listed_in"]);
  if (!listed) return std::unexpected(listed.error());
  listed_in = *listed;
  auto pattern = reader.string(entry["glob"], "glob");
  if (!pattern) return pattern;
  if (pattern->empty() || pattern->find('/') != std::string::npos) {
    return reader.error(entry["glob"], "with listed_in, 'glob' is a file-name pattern without '/', got '" + *pattern + "'",
                        "for example *.vmx or vmware*.log: it is matched beside each listed path");
  }
  if (auto ok = validate_glob("/" + *pattern); !ok) {
    return reader.error(entry["glob"], "bad glob '" + *pattern + "': " + ok.error().message);
  }
  return pattern;
}

std::vector<std::string> listed_paths(FileSystem& fs, const ListedIn& listed_in) {
  std::vector<std::string> paths;
  for (const std::string& glob : listed_in.globs) {
    for (const std::string& list : expand_glob(fs, glob)) {
      auto content = fs.read(list, k_list_cap);
      if (!content) continue;
      for (const std::string& key : listed_in.keys) {
        for (const std::string& value : key_values(content->bytes, key)) {
          if (value.size() < 2 || value.front() != '/') continue;
          if (std::find(paths.begin(), paths.end(), value) == paths.end()) paths.push_back(value);
        }
      }
    }
  }
  return paths;
}

std::vector<std::string> expand_listed(FileSystem& fs, const ListedIn& listed_in, const std::string& pattern) {
  std::vector<std::string> matches;
  std::set<std::string> directories;
  for (const std::string& path : listed_paths(fs, listed_in)) {
    const std::string directory = path.substr(0, std::max<std::size_t>(path.rfind('/'), 1));
    if (!directories.insert(directory).second) continue;
    auto names = fs.list_dir(directory);
    if (!names) continue;
    std::vector<std::string> sorted = *names;
    std::sort(sorted.begin(), sorted.end());
    for (const std::string& name : sorted) {
      if (match_component(pattern, name)) matches.push_back((directory == "/" ? "" : directory) + "/" + name);
    }
  }
  return matches;
}

std::string describe_listed(const ListedIn& listed_in, const std::string& pattern) {
  auto joined = [](const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
  };
  return pattern + " beside the paths " + joined(listed_in.keys) + " name in " + joined(listed_in.globs);
}

}  // namespace vmsupport
