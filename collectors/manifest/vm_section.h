// The manifest's `vm:` section (see spec.h, VmSpec): where a platform's VMs
// are and what a one-VM bundle (`--vm NAME`) takes. Parsed strictly, like
// every other section; errors point at file:line:col.
#pragma once

#include "manifest/spec.h"
#include "manifest/yaml_reader.h"

namespace vmsupport {

// Parses `vm: {find: [...], files: [...], context_tags: [...]}`. Fails on an
// unknown key, a `take` other than vmx/vmls, or a file pattern holding '/'.
Result<VmSpec> parse_vm_section(const YamlReader& reader, const YAML::Node& node);

}  // namespace vmsupport
