// The `forbid` kind: globs that are never read. Parsing only; the plan step
// consults Plan::forbid for every path it considers.
#include "kinds/registry.h"

namespace vmsupport {

Result<EntrySpec> parse_forbid_entry(const YamlReader& reader, const YAML::Node& node) {
  auto glob = reader.glob(node, "forbid");
  if (!glob) return std::unexpected(glob.error());
  return ForbidSpec{*glob, reader.mark(node)};
}

std::string describe_forbid_entry(const EntrySpec& entry) {
  return std::get<ForbidSpec>(entry).glob;
}

}  // namespace vmsupport
