// Strict reading of YAML nodes for manifests: every error names the file,
// line and column ("manifests/esxi.yaml:42:7: ..."), unknown keys get a
// "did you mean" hint, and wrong types say what was expected.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "manifest/spec.h"
#include "util/result.h"

namespace vmsupport {

class YamlReader {
 public:
  explicit YamlReader(std::string file) : m_file(std::move(file)) {}
  const std::string& file() const { return m_file; }

  // "file:line:col" of a node.
  SourceMark mark(const YAML::Node& node) const;
  // An Error located at `node`.
  std::unexpected<Error> error(const YAML::Node& node, std::string message,
                               std::string hint = {}) const;

  // Fails unless `node` is a map whose keys are all in `allowed` and unique.
  Result<void> check_map(const YAML::Node& node, std::string_view what,
                         std::initializer_list<std::string_view> allowed) const;
  // Fails when a required key is absent from a map.
  Result<void> require(const YAML::Node& map, std::string_view key, std::string_view what) const;

  // Typed values; `what` names the key for messages ("'timeout'").
  Result<std::string> string(const YAML::Node& node, std::string_view what) const;
  Result<bool> boolean(const YAML::Node& node, std::string_view what) const;
  Result<int> integer(const YAML::Node& node, std::string_view what) const;
  Result<std::uint64_t> size(const YAML::Node& node, std::string_view what) const;
  Result<std::chrono::milliseconds> duration(const YAML::Node& node, std::string_view what) const;
  Result<std::vector<std::string>> string_list(const YAML::Node& node, std::string_view what) const;
  // `priority:` high, normal or low.
  Result<Priority> priority(const YAML::Node& node) const;
  // A glob, validated (absolute, balanced brackets...).
  Result<std::string> glob(const YAML::Node& node, std::string_view what) const;

 private:
  std::string m_file;
};

// The closest of `candidates` to `word` when it is a plausible typo, else "".
std::string closest_word(std::string_view word, std::initializer_list<std::string_view> candidates);

}  // namespace vmsupport
