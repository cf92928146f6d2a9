// Loading manifests: YAML text -> validated Manifest, strictly. Every error
// names file:line:column (see manifests/README.md for the schema).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "manifest/spec.h"
#include "util/result.h"

namespace vmsupport {

// Parses one manifest. `source_name` is used in messages ("manifests/esxi.yaml").
Result<Manifest> load_manifest(std::string_view yaml_text, const std::string& source_name);

// The manifests compiled into the binary.
Result<std::vector<Manifest>> load_builtin_manifests();

// Every *.yaml in `directory` (sorted); fails when there is none or one is broken.
Result<std::vector<Manifest>> load_manifest_directory(const std::string& directory);

// Fails when two manifests name the same platform.
Result<void> check_unique_platforms(const std::vector<Manifest>& manifests);

}  // namespace vmsupport
