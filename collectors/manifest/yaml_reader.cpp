// Strict, located reading of manifest YAML (see yaml_reader.h).
#include "manifest/yaml_reader.h"

#include <algorithm>
#include <map>

#include "manifest/glob.h"
#include "util/edit_distance.h"
#include "util/units.h"

namespace vmsupport {
namespace {

const char* type_name(const YAML::Node& node) {
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a list";
  if (node.IsNull()) return "nothing";
  return "a scalar";
}

}  // namespace

std::string closest_word(std::string_view word,
                         std::initializer_list<std::string_view> candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (std::string_view candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

SourceMark YamlReader::mark(const YAML::Node& node) const {
  const YAML::Mark m = node.Mark();
  if (m.line < 0) return SourceMark{m_file, 1, 1};  // an empty document has no position
  return SourceMark{m_file, m.line + 1, m.column + 1};
}

std::unexpected<Error> YamlReader::error(const YAML::Node& node, std::string message,
                                         std::string hint) const {
  const SourceMark m = mark(node);
  return std::unexpected(Error{
      m_file + ":" + std::to_string(m.line) + ":" + std::to_string(m.column) + ": " + message,
      std::move(hint)});
}

Result<void> YamlReader::check_map(const YAML::Node& node, std::string_view what,
                                   std::initializer_list<std::string_view> allowed) const {
  if (!node.IsMap()) {
    return error(node, std::string(what) + " must be a map, got " + type_name(node));
  }
  std::map<std::string, int> seen;
  for (const auto& pair : node) {
    const std::string key = pair.first.Scalar();
    if (auto [it, fresh] = seen.emplace(key, mark(pair.first).line); !fresh) {
      return error(pair.first, "duplicate key '" + key + "' in " + std::string(what) +
                                   " (first at line " + std::to_string(it->second) + ")");
    }
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) {
      // An empty value's position is the next token's; blame the key instead.
      if (pair.second.IsNull()) return error(pair.first, "'" + key + "' has no value");
      continue;
    }
    const std::string guess = closest_word(key, allowed);
    std::string message = "unknown key '" + key + "' in " + std::string(what);
    if (!guess.empty()) message += " (did you mean '" + guess + "'?)";
    std::string known;
    for (std::string_view k : allowed) known += (known.empty() ? "" : ", ") + std::string(k);
    return error(pair.first, message, "known keys: " + known);
  }
  return {};
}

Result<void> YamlReader::require(const YAML::Node& map, std::string_view key,
                                 std::string_view what) const {
  if (map[std::string(key)]) return {};
  return error(map, std::string(what) + " has no '" + std::string(key) + "'");
}

Result<std::string> YamlReader::string(const YAML::Node& node, std::string_view what) const {
  if (!node.IsScalar()) {
    return error(node, "'" + std::string(what) + "' must be a string, got " + type_name(node));
  }
  return node.Scalar();
}

Result<bool> YamlReader::boolean(const YAML::Node& node, std::string_view what) const {
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
    return error(node, "'" + std::string(what) + "' must be true or false, got '" +
                           (node.IsScalar() ? node.Scalar() : type_name(node)) + "'");
  }
  return value;
}

Result<Priority> YamlReader::priority(const YAML::Node& node) const {
  if (!node.IsScalar()) return error(node, std::string("'priority' must be high, normal or low, got ") + type_name(node));
  const std::string value = node.Scalar();
  if (value == "high") return Priority::high;
  if (value == "normal") return Priority::normal;
  if (value == "low") return Priority::low;
  const std::string near = closest_word(value, {"high", "normal", "low"});
  return error(node, "'priority' must be high, normal or low, got '" + value + "'",
               near.empty() ? "high is gathered first; low is left out first at --max-size"
                            : "did you mean '" + near + "'?");
}

Result<int> YamlReader::integer(const YAML::Node& node, std::string_view what) const {
  int value = 0;
  if (!node.IsScalar() || !YAML::convert<int>::decode(node, value)) {
    return error(node, "'" + std::string(what) + "' must be an integer, got '" +
                           (node.IsScalar() ? node.Scalar() : type_name(node)) + "'");
  }
  return value;
}

Result<std::uint64_t> YamlReader::size(const YAML::Node& node, std::string_view what) const {
  if (!node.IsScalar()) return error(node, "'" + std::string(what) + "' must be a size");
  auto value = parse_size(node.Scalar());
  if (!value) {
    return error(node, "'" + std::string(what) + "' must be a size such as 25MiB, got '" +
                           node.Scalar() + "'");
  }
  return *value;
}

Result<std::chrono::milliseconds> YamlReader::duration(const YAML::Node& node,
                                                       std::string_view what) const {
  if (!node.IsScalar()) return error(node, "'" + std::string(what) + "' must be a duration");
  auto value = parse_duration(node.Scalar());
  if (!value || value->count() <= 0) {
    return error(node, "'" + std::string(what) + "' must be a duration such as 30s or 5m, got '" +
                           node.Scalar() + "'");
  }
  return *value;
}

Result<std::vector<std::string>> YamlReader::string_list(const YAML::Node& node,
                                                         std::string_view what) const {
  if (!node.IsSequence()) {
    return error(node, "'" + std::string(what) + "' must be a list, got " + type_name(node),
                 "write [a, b] or one '- item' per line");
  }
  std::vector<std::string> out;
  for (const auto& item : node) {
    auto text = string(item, what);
    if (!text) return std::unexpected(text.error());
    out.push_back(std::move(*text));
  }
  return out;
}

Result<std::string> YamlReader::glob(const YAML::Node& node, std::string_view what) const {
  auto text = string(node, what);
  if (!text) return text;
  if (auto ok = validate_glob(*text); !ok) {
    return error(node, "bad glob '" + *text + "': " + ok.error().message);
  }
  return text;
}

}  // namespace vmsupport
