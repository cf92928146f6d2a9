// Glob validation and matching for manifest patterns (see glob.h).
#include "manifest/glob.h"

#include <fnmatch.h>

namespace vmsupport {
namespace {

// Fails when a '[' in the component is not closed by a ']'.
Result<void> check_brackets(std::string_view component) {
  for (std::size_t i = 0; i < component.size(); ++i) {
    if (component[i] == '\\') {
      ++i;
      continue;
    }
    if (component[i] != '[') continue;
    std::size_t j = i + 1;
    if (j < component.size() && (component[j] == '!' || component[j] == '^')) ++j;
    if (j < component.size() && component[j] == ']') ++j;
    while (j < component.size() && component[j] != ']') ++j;
    if (j >= component.size()) return fail("unterminated '['");
    i = j;
  }
  return {};
}

}  // namespace

Result<void> validate_glob(std::string_view glob) {
  if (glob.empty()) return fail("empty path");
  if (glob.front() != '/') return fail("not an absolute path (paths start with '/')");
  for (const std::string& component : split_path(glob)) {
    if (component == "." || component == "..") {
      return fail("'", component, "' is not allowed in a path");
    }
    if (component.find("**") != std::string::npos) {
      return fail("'**' is not supported (use 'recursive: true' on the directory)");
    }
    if (auto ok = check_brackets(component); !ok) return ok;
  }
  return {};
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> components;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) components.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return components;
}

std::string join_path(const std::vector<std::string>& components, std::size_t count) {
  if (count == 0) return "/";
  std::string path;
  for (std::size_t i = 0; i < count && i < components.size(); ++i) {
    path += '/';
    path += components[i];
  }
  return path;
}

bool has_wildcard(std::string_view component) {
  return component.find_first_of("*?[") != std::string_view::npos;
}

bool match_component(const std::string& pattern, const std::string& name) {
  return fnmatch(pattern.c_str(), name.c_str(), FNM_PERIOD) == 0;
}

namespace {

// The component of `path` at or after `at` (slashes skipped); false at the end.
bool next_component(std::string_view path, std::size_t& at, std::string_view& component) {
  while (at < path.size() && path[at] == '/') ++at;
  if (at >= path.size()) return false;
  std::size_t end = path.find('/', at);
  if (end == std::string_view::npos) end = path.size();
  component = path.substr(at, end - at);
  at = end;
  return true;
}

}  // namespace

// Called for every planned path and every forbid rule: no allocation, and
// fnmatch only for components that hold a wildcard.
bool matches_or_under(const std::string& glob, const std::string& path) {
  thread_local std::string pattern_buffer;
  thread_local std::string name_buffer;
  std::size_t g = 0;
  std::size_t p = 0;
  std::string_view pattern;
  std::string_view name;
  while (next_component(glob, g, pattern)) {
    if (!next_component(path, p, name)) return false;
    if (pattern.find_first_of("*?[\\") == std::string_view::npos) {
      if (pattern != name) return false;
      continue;
    }
    pattern_buffer.assign(pattern);
    name_buffer.assign(name);
    if (fnmatch(pattern_buffer.c_str(), name_buffer.c_str(), 0) != 0) return false;
  }
  return true;
}

}  // namespace vmsupport
