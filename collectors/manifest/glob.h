// Glob patterns of manifests: absolute paths whose components may hold *, ?
// and [...] (fnmatch(3) syntax, one component at a time). Validation is strict
// so that a typo is an error at load time, not an empty match at run time.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace vmsupport {

// Fails with a message (no location) when `glob` is not absolute, is empty,
// holds "." / ".." / "**" components or an unterminated '['.
Result<void> validate_glob(std::string_view glob);

// "/var/log/*.log" -> {"var", "log", "*.log"}; empty components are dropped.
std::vector<std::string> split_path(std::string_view path);

// "/" + components joined by "/".
std::string join_path(const std::vector<std::string>& components, std::size_t count);

// True when the component holds a wildcard.
bool has_wildcard(std::string_view component);

// One component against one pattern component. A leading '.' must be matched
// explicitly, as in the shell.
bool match_component(const std::string& pattern, const std::string& name);

// True when `path` (absolute, inside the root) or one of its ancestors matches `glob`.
// Used for forbid rules, so it fails closed: wildcards match a leading '.' too
// (`/root/*` covers `/root/.ssh/id_rsa`).
bool matches_or_under(const std::string& glob, const std::string& path);

}  // namespace vmsupport
