// Parsing the `vm:` section of a manifest (see vm_section.h).
#include "manifest/vm_section.h"

#include "kinds/listed.h"
#include "manifest/glob.h"

namespace vmsupport {
namespace {

Result<VmSourceSpec> parse_source(const YamlReader& reader, const YAML::Node& node) {
  VmSourceSpec source;
  source.mark = reader.mark(node);
  if (auto ok = reader.check_map(node, "vm source", {"glob", "take", "listed_in"}); !ok) {
    return std::unexpected(ok.error());
  }
  for (const char* key : {"glob", "take"}) {
    if (auto ok = reader.require(node, key, "vm source"); !ok) return std::unexpected(ok.error());
  }
  auto take = reader.string(node["take"], "take");
  if (!take) return std::unexpected(take.error());
  if (*take != "vmx" && *take != "vmls") {
    return reader.error(node["take"], "'take' must be vmx or vmls, got '" + *take + "'");
  }
  source.take = *take;
  if (node["listed_in"] && source.take != "vmx") {
    return reader.error(node["listed_in"], "listed_in goes with take: vmx (the .vmx files beside the listed paths)");
  }
  auto glob = parse_entry_glob(reader, node, source.listed_in);
  if (!glob) return std::unexpected(glob.error());
  source.glob = *glob;
  return source;
}

// A pattern inside the VM's directory: one path component, no '/'.
Result<std::string> vm_pattern(const YamlReader& reader, const YAML::Node& node) {
  auto pattern = reader.string(node, "glob");
  if (!pattern) return pattern;
  if (pattern->find('/') != std::string::npos) {
    return reader.error(node, "a vm file pattern names files inside the VM's directory: no '/' ('" + *pattern + "')");
  }
  if (auto ok = validate_glob("/" + *pattern); !ok) return reader.error(node, ok.error().message);
  return pattern;
}

Result<FileSpec> parse_vm_file(const YamlReader& reader, const YAML::Node& node) {
  FileSpec spec;
  spec.mark = reader.mark(node);
  spec.optional = true;
  spec.since = false;
  if (node.IsScalar()) {
    auto pattern = vm_pattern(reader, node);
    if (!pattern) return std::unexpected(pattern.error());
    spec.glob = *pattern;
    return spec;
  }
  if (auto ok = reader.check_map(node, "vm file", {"glob", "max_bytes", "skip_above", "since"}); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = reader.require(node, "glob", "vm file"); !ok) return std::unexpected(ok.error());
  auto pattern = vm_pattern(reader, node["glob"]);
  if (!pattern) return std::unexpected(pattern.error());
  spec.glob = *pattern;
  for (const char* key : {"max_bytes", "skip_above"}) {
    if (!node[key]) continue;
    auto size = reader.size(node[key], key);
    if (!size) return std::unexpected(size.error());
    (std::string_view(key) == "max_bytes" ? spec.max_bytes : spec.skip_above) = *size;
  }
  if (node["since"]) {
    auto since = reader.boolean(node["since"], "since");
    if (!since) return std::unexpected(since.error());
    spec.since = *since;
  }
  return spec;
}

}  // namespace

Result<VmSpec> parse_vm_section(const YamlReader& reader, const YAML::Node& node) {
  VmSpec vm;
  vm.mark = reader.mark(node);
  if (auto ok = reader.check_map(node, "vm", {"find", "files", "context_tags"}); !ok) return std::unexpected(ok.error());
  for (const char* key : {"find", "files"}) {
    if (auto ok = reader.require(node, key, "vm"); !ok) return std::unexpected(ok.error());
    if (!node[key].IsSequence()) return reader.error(node[key], "'" + std::string(key) + "' must be a list");
  }
  for (const auto& item : node["find"]) {
    auto source = parse_source(reader, item);
    if (!source) return std::unexpected(source.error());
    vm.find.push_back(std::move(*source));
  }
  for (const auto& item : node["files"]) {
    auto file = parse_vm_file(reader, item);
    if (!file) return std::unexpected(file.error());
    vm.files.push_back(std::move(*file));
  }
  if (node["context_tags"]) {
    auto tags = reader.string_list(node["context_tags"], "context_tags");
    if (!tags) return std::unexpected(tags.error());
    vm.context_tags = *tags;
  }
  return vm;
}

}  // namespace vmsupport
