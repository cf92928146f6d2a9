// Loading manifests: YAML text -> validated Manifest, strictly. Every error
// names file:line:column (see manifests/README.md for the schema).
#pragma once

#include <cstdint>
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

// The largest manifest file read: the built-in ones are a few KiB; a larger
// one is refused before it is parsed (yaml-cpp holds a whole document in memory).
inline constexpr std::uint64_t k_max_manifest_bytes = 1 << 20;

// Every *.yaml in `directory` (sorted); fails when there is none, or one is
// not a regular file, is larger than k_max_manifest_bytes, or is broken.
Result<std::vector<Manifest>> load_manifest_directory(const std::string& directory);

// Merges into each manifest the content of the platforms it includes
// (transitively): their forbid rules, inventory, tracked, history, cores and
// groups come first, then its own. `detect` and `description` stay its own.
// Fails, naming the manifest and the include's line, on an unknown platform,
// an include cycle, or a group id defined both in it and in an included one.
// The built-in and directory loaders call it.
Result<void> resolve_includes(std::vector<Manifest>& manifests);

// Fails when two manifests name the same platform.
Result<void> check_unique_platforms(const std::vector<Manifest>& manifests);

}  // namespace vmsupport
