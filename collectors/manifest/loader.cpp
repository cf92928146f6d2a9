// Manifest loading: the top level and groups here; entry kinds are parsed by
// the functions of the kinds registry.
#include "manifest/loader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "kinds/changes.h"
#include "kinds/inventory.h"
#include "manifest/vm_section.h"
#include "kinds/registry.h"
#include "manifest/embedded.h"
#include "manifest/yaml_reader.h"
#include "util/small_file.h"

namespace vmsupport {
namespace {

Result<DetectSpec> parse_detect(const YamlReader& reader, const YAML::Node& node) {
  DetectSpec detect;
  if (auto ok = reader.check_map(node, "detect", {"any_file", "all_files", "priority", "fallback"});
      !ok) {
    return std::unexpected(ok.error());
  }
  for (const auto& pair : node) {
    const std::string key = pair.first.Scalar();
    if (key == "priority") {
      auto v = reader.integer(pair.second, key);
      if (!v) return std::unexpected(v.error());
      detect.priority = *v;
    } else if (key == "fallback") {
      auto v = reader.boolean(pair.second, key);
      if (!v) return std::unexpected(v.error());
      detect.fallback = *v;
    } else {
      if (!pair.second.IsSequence()) return reader.error(pair.second, "'" + key + "' must be a list of paths");
      std::vector<std::string>& out = key == "any_file" ? detect.any_file : detect.all_files;
      for (const auto& item : pair.second) {
        auto path = reader.glob(item, key);
        if (!path) return std::unexpected(path.error());
        out.push_back(*path);
      }
    }
  }
  return detect;
}

// Parses `node` (a list) with the kind's parser and appends to group.entries.
Result<void> parse_entries(const YamlReader& reader, const KindInfo& kind, const YAML::Node& node,
                           GroupSpec& group) {
  if (!node.IsSequence()) {
    return reader.error(node, "'" + std::string(kind.key) + "' must be a list",
                        "one '- ...' item per entry");
  }
  std::map<std::string, int> command_ids;
  for (const auto& item : node) {
    auto entry = kind.parse(reader, item);
    if (!entry) return std::unexpected(entry.error());
    if (const auto* command = std::get_if<CommandSpec>(&*entry)) {
      if (auto [it, fresh] = command_ids.emplace(command->id, command->mark.line); !fresh) {
        return reader.error(item["id"], "duplicate command id '" + command->id + "' in group '" +
                                            group.id + "' (first at line " +
                                            std::to_string(it->second) + ")");
      }
    }
    group.entries.push_back(std::move(*entry));
  }
  return {};
}

Result<GroupSpec> parse_group(const YamlReader& reader, const YAML::Node& node) {
  GroupSpec group;
  group.mark = reader.mark(node);
  if (auto ok = reader.check_map(node, "group",
                                 {"id", "description", "default", "tags", "priority", "files", "commands", "forbid"});
      !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = reader.require(node, "id", "group"); !ok) return std::unexpected(ok.error());
  auto id = reader.string(node["id"], "id");
  if (!id) return std::unexpected(id.error());
  static const std::regex k_group_id(R"([A-Za-z0-9._-]+:[A-Za-z0-9._-]+)");
  if (!std::regex_match(*id, k_group_id)) {
    return reader.error(node["id"], "group id '" + *id + "' is not of the form Category:Name",
                        "for example Logs:Host or Network:Config");
  }
  group.id = *id;
  for (const auto& pair : node) {
    const std::string key = pair.first.Scalar();
    if (key == "id") continue;
    if (key == "description") {
      auto v = reader.string(pair.second, key);
      if (!v) return std::unexpected(v.error());
      group.description = *v;
    } else if (key == "default") {
      auto v = reader.string(pair.second, key);
      if (!v) return std::unexpected(v.error());
      if (*v != "enabled" && *v != "disabled") {
        return reader.error(pair.second, "'default' must be enabled or disabled, got '" + *v + "'");
      }
      group.enabled = *v == "enabled";
    } else if (key == "tags") {
      auto v = reader.string_list(pair.second, key);
      if (!v) return std::unexpected(v.error());
      group.tags = *v;
    } else if (key == "priority") {
      auto v = reader.priority(pair.second);
      if (!v) return std::unexpected(v.error());
      group.priority = *v;
    } else {
      const auto kinds = collector_kinds();
      const auto kind = std::find_if(kinds.begin(), kinds.end(),
                                     [&](const KindInfo& k) { return k.key == key; });
      if (auto ok = parse_entries(reader, *kind, pair.second, group); !ok) {
        return std::unexpected(ok.error());
      }
    }
  }
  const bool gathers = std::any_of(group.entries.begin(), group.entries.end(), [](const EntrySpec& e) {
    return !std::holds_alternative<ForbidSpec>(e);
  });
  if (!gathers) return reader.error(node, "group '" + group.id + "' has no files or commands");
  return group;
}

Result<void> parse_groups(const YamlReader& reader, const YAML::Node& node, Manifest& manifest) {
  if (!node.IsSequence() || node.size() == 0) {
    return reader.error(node, "'groups' must be a non-empty list of groups");
  }
  std::map<std::string, int> seen;
  for (const auto& item : node) {
    auto group = parse_group(reader, item);
    if (!group) return std::unexpected(group.error());
    if (auto [it, fresh] = seen.emplace(group->id, group->mark.line); !fresh) {
      return reader.error(item["id"], "duplicate group id '" + group->id +
                                          "' (first defined at line " +
                                          std::to_string(it->second) + ")");
    }
    for (const EntrySpec& entry : group->entries) {
      if (const auto* rule = std::get_if<ForbidSpec>(&entry)) manifest.forbid.push_back(*rule);
    }
    manifest.groups.push_back(std::move(*group));
  }
  return {};
}

// An optional top-level list parsed item by item with `parse`.
template <typename Spec>
Result<void> parse_list(const YamlReader& reader, const YAML::Node& root, const char* key, const char* what,
                        Result<Spec> (*parse)(const YamlReader&, const YAML::Node&), std::vector<Spec>& out) {
  if (!root[key]) return {};
  if (!root[key].IsSequence()) return reader.error(root[key], "'" + std::string(key) + "' must be a list of " + what);
  for (const auto& item : root[key]) {
    auto spec = parse(reader, item);
    if (!spec) return std::unexpected(spec.error());
    out.push_back(std::move(*spec));
  }
  return {};
}

Result<void> parse_includes(const YamlReader& reader, const YAML::Node& node, Manifest& manifest) {
  if (!node.IsSequence()) {
    return reader.error(node, "'include' must be a list of platform names", "for example include: [linux]");
  }
  static const std::regex k_platform("[a-z0-9_-]+");
  for (const auto& item : node) {
    auto name = reader.string(item, "include");
    if (!name) return std::unexpected(name.error());
    if (!std::regex_match(*name, k_platform)) {
      return reader.error(item, "'include' names a platform ([a-z0-9_-]+), got '" + *name + "'");
    }
    manifest.includes.push_back(IncludeSpec{*name, reader.mark(item)});
  }
  return {};
}

Result<void> parse_top(const YamlReader& reader, const YAML::Node& root, Manifest& manifest) {
  if (auto ok = reader.check_map(root, "manifest",
                                 {"platform", "description", "include", "detect", "forbid", "inventory", "groups",
                                  "tracked", "history", "cores", "vm"});
      !ok) {
    return ok;
  }
  if (auto ok = reader.require(root, "platform", "manifest"); !ok) return ok;
  if (!root["include"]) {
    if (auto ok = reader.require(root, "groups", "manifest"); !ok) return ok;
  }
  auto platform = reader.string(root["platform"], "platform");
  if (!platform) return std::unexpected(platform.error());
  static const std::regex k_platform("[a-z0-9_-]+");
  if (!std::regex_match(*platform, k_platform)) {
    return reader.error(root["platform"], "platform name '" + *platform +
                                              "' may hold only a-z, 0-9, '_' and '-'");
  }
  manifest.platform = *platform;
  if (root["description"]) {
    auto v = reader.string(root["description"], "description");
    if (!v) return std::unexpected(v.error());
    manifest.description = *v;
  }
  if (root["include"]) {
    if (auto ok = parse_includes(reader, root["include"], manifest); !ok) return ok;
  }
  if (root["detect"]) {
    auto detect = parse_detect(reader, root["detect"]);
    if (!detect) return std::unexpected(detect.error());
    manifest.detect = *detect;
  }
  if (root["forbid"]) {
    if (!root["forbid"].IsSequence()) return reader.error(root["forbid"], "'forbid' must be a list of globs");
    for (const auto& item : root["forbid"]) {
      auto rule = parse_forbid_entry(reader, item);
      if (!rule) return std::unexpected(rule.error());
      manifest.forbid.push_back(std::get<ForbidSpec>(*rule));
    }
  }
  if (root["inventory"]) {
    if (!root["inventory"].IsSequence()) return reader.error(root["inventory"], "'inventory' must be a list of sources");
    for (const auto& item : root["inventory"]) {
      auto source = parse_inventory_source(reader, item);
      if (!source) return std::unexpected(source.error());
      manifest.inventory.push_back(std::move(*source));
    }
  }
  if (auto ok = parse_list(reader, root, "tracked", "tracked files and commands", parse_tracked_entry, manifest.tracked); !ok) {
    return ok;
  }
  if (auto ok = parse_list(reader, root, "history", "history logs", parse_history_entry, manifest.history); !ok) {
    return ok;
  }
  if (auto ok = parse_list(reader, root, "cores", "core locations", parse_core_entry, manifest.cores); !ok) return ok;
  if (root["vm"]) {
    auto vm = parse_vm_section(reader, root["vm"]);
    if (!vm) return std::unexpected(vm.error());
    manifest.vm = std::move(*vm);
  }
  return root["groups"] ? parse_groups(reader, root["groups"], manifest) : Result<void>{};
}

}  // namespace

Result<Manifest> load_manifest(std::string_view yaml_text, const std::string& source_name) {
  YamlReader reader(source_name);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    return fail(source_name, ":", e.mark.line + 1, ":", e.mark.column + 1,
                ": YAML syntax error: ", e.msg);
  }
  Manifest manifest;
  manifest.source = source_name;
  try {
    if (auto ok = parse_top(reader, root, manifest); !ok) return std::unexpected(ok.error());
  } catch (const YAML::Exception& e) {
    return fail(source_name, ":", e.mark.line + 1, ":", e.mark.column + 1, ": ", e.msg);
  }
  return manifest;
}

Result<std::vector<Manifest>> load_builtin_manifests() {
  std::vector<Manifest> manifests;
  for (const EmbeddedManifest& embedded : embedded_manifests()) {
    auto manifest = load_manifest(embedded.content, std::string(embedded.name));
    if (!manifest) return std::unexpected(manifest.error());
    manifests.push_back(std::move(*manifest));
  }
  if (auto ok = check_unique_platforms(manifests); !ok) return std::unexpected(ok.error());
  if (auto ok = resolve_includes(manifests); !ok) return std::unexpected(ok.error());
  return manifests;
}

Result<std::vector<Manifest>> load_manifest_directory(const std::string& directory) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  if (ec) return fail("--manifests ", directory, ": ", ec.message());
  if (files.empty()) return fail("--manifests ", directory, ": no *.yaml manifest in it");
  std::sort(files.begin(), files.end());
  std::vector<Manifest> manifests;
  for (const auto& file : files) {
    auto text = read_small_file(file.string(), k_max_manifest_bytes, "a manifest");
    if (!text) return std::unexpected(text.error());
    auto manifest = load_manifest(*text, file.string());
    if (!manifest) return std::unexpected(manifest.error());
    manifests.push_back(std::move(*manifest));
  }
  if (auto ok = check_unique_platforms(manifests); !ok) return std::unexpected(ok.error());
  if (auto ok = resolve_includes(manifests); !ok) return std::unexpected(ok.error());
  return manifests;
}

Result<void> check_unique_platforms(const std::vector<Manifest>& manifests) {
  std::map<std::string, std::string> seen;
  for (const Manifest& manifest : manifests) {
    if (auto [it, fresh] = seen.emplace(manifest.platform, manifest.source); !fresh) {
      return fail(manifest.source, ": platform '", manifest.platform, "' is also defined in ",
                  it->second);
    }
  }
  return {};
}

}  // namespace vmsupport
