// The inventory: names the host itself declares (its host names and domains,
// VM names, user names), read from the sources the platform's manifest lists
// under `inventory:` before anything is collected, so the scrubber knows every
// name before the first byte is written (no order-dependent leaks).
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "host/filesystem.h"
#include "manifest/spec.h"
#include "manifest/yaml_reader.h"

namespace vmsupport {

struct InventoryName {
  Category category;
  std::string name;
};

struct Inventory {
  std::vector<InventoryName> names;  // in discovery order, no duplicates (ASCII case folded)
  // Adds a name (a host FQDN also adds its short name and its domain); ignores
  // empty names and loopback names (localhost...).
  void add(Category category, std::string name);
  std::size_t count(Category category) const;
  // passwd accounts below the first person's uid (lower case): a name in a
  // log field that is one of these is the system's, not a person's.
  std::set<std::string> service_accounts;
  bool is_service_account(std::string_view name) const;
};

// Parses one `inventory:` entry.
Result<InventorySource> parse_inventory_source(const YamlReader& reader, const YAML::Node& node);

// Reads every source of the manifest on `fs`. Unreadable or absent sources
// are skipped (the inventory is best effort; the patterns still apply).
Inventory gather_inventory(const Manifest& manifest, FileSystem& fs);

// Values of `KEY = "VALUE"`, `KEY=VALUE` or `KEY: VALUE` lines (quotes
// removed, .vmx |XX escapes decoded). A key with wildcards (`vmlist*.config`)
// is matched against each line's whole key; otherwise a line must start with it.
std::vector<std::string> key_values(const std::string& text, const std::string& key);

// Names found in one text by one source kind (pure, for tests).
std::vector<std::string> names_from_text(const InventorySource& source, const std::string& text);

}  // namespace vmsupport
