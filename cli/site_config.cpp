// Site defaults (see site_config.h): one table of keys, each with its option
// and its check; read strictly with the manifest loader's YamlReader.
#include "site_config.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "bundle/case_info.h"
#include "manifest/yaml_reader.h"
#include "util/small_file.h"
#include "options.h"
#include "scrub/content_scrubber.h"

namespace vmsupport::cli {
namespace {

enum class Type { text, list, count };

// One key of the file: the option it presets, and the field of RawOptions.
struct Key {
  const char* name;    // "output", "case.contact"
  const char* option;  // "--output"
  Type type;
  std::string RawOptions::*text = nullptr;
  std::vector<std::string> RawOptions::*list = nullptr;
  unsigned RawOptions::*count = nullptr;
  Result<void> (*check)(const std::string&) = nullptr;
};

Result<void> check_compress(const std::string& value) {
  if (value == "gzip" || value == "zstd" || value == "none") return {};
  return fail("'", value, "' is not gzip, zstd or none");
}
// Only whether `parse` succeeds matters here; the option's own conversion reads the value later.
template <typename Parse>
Result<void> parses(Parse parse) {
  auto parsed = parse();
  if (!parsed) return std::unexpected(parsed.error());
  return {};
}
Result<void> check_duration(const std::string& value) { return parses([&] { return parse_duration(value); }); }
Result<void> check_since(const std::string& value) { return parses([&] { return parse_since(value, Clock::now()); }); }
Result<void> check_size(const std::string& value) { return parses([&] { return parse_size(value); }); }
Result<void> check_keep(const std::string& value) { return parses([&] { return parse_keep(value); }); }
Result<void> check_severity(const std::string& value) { return parses([&] { return parse_severity(value); }); }
Result<void> check_priority(const std::string& value) {
  if (value == "low" || value == "normal") return {};
  return fail("'", value, "' is not low or normal");
}
Result<void> check_method(const std::string& value) {
  if (value == "put" || value == "post") return {};
  return fail("'", value, "' is not put or post");
}

const std::vector<Key>& keys() {
  static const std::vector<Key> k_keys{
      {"output", "--output", Type::text, &RawOptions::output},
      {"compress", "--compress", Type::text, &RawOptions::compress, nullptr, nullptr, check_compress},
      {"jobs", "--jobs", Type::count, nullptr, nullptr, &RawOptions::jobs},
      {"timeout", "--timeout", Type::text, &RawOptions::timeout, nullptr, nullptr, check_duration},
      {"since", "--since", Type::text, &RawOptions::since, nullptr, nullptr, check_since},
      {"max_file_size", "--max-file-size", Type::text, &RawOptions::max_file_size, nullptr, nullptr, check_size},
      {"state_dir", "--state-dir", Type::text, &RawOptions::state_dir},
      {"map", "--map", Type::text, &RawOptions::map},
      {"keep", "--keep", Type::list, &RawOptions::keep, nullptr, nullptr, check_keep},
      {"scrub_words", "--scrub-word", Type::list, nullptr, &RawOptions::scrub_words},
      {"scrub_words_file", "--scrub-words", Type::text, &RawOptions::scrub_words_file},
      {"priority", "--priority", Type::text, &RawOptions::priority, nullptr, nullptr, check_priority},
      {"case.contact", "--contact", Type::text, &RawOptions::contact},
      {"case.severity", "--severity", Type::text, &RawOptions::severity, nullptr, nullptr, check_severity},
  };
  return k_keys;
}

std::string joined(const std::vector<std::string>& list) {
  std::string out;
  for (const std::string& item : list) out += (out.empty() ? "" : ",") + item;
  return out;
}

// Reads one key's value and checks its type and value.
Result<void> read_key(const YamlReader& reader, const Key& key, const YAML::Node& node, SiteConfig& config) {
  const std::string what = "'" + std::string(key.name) + "'";
  std::string checked;
  if (key.type == Type::list) {
    // A list, or one comma-separated text ("keep: ip,mac").
    if (node.IsScalar()) {
      auto text = reader.string(node, what);
      if (!text) return std::unexpected(text.error());
      checked = *text;
    } else {
      auto list = reader.string_list(node, what);
      if (!list) return std::unexpected(list.error());
      checked = joined(*list);
    }
  } else if (key.type == Type::count) {
    auto number = reader.integer(node, what);
    if (!number) return std::unexpected(number.error());
    if (*number < 1 || *number > 64) return reader.error(node, what + " must be from 1 to 64");
  } else {
    auto text = reader.string(node, what);
    if (!text) return std::unexpected(text.error());
    checked = *text;
  }
  if (key.check) {
    if (auto ok = key.check(checked); !ok) return reader.error(node, what + ": " + ok.error().message);
  }
  config.values[key.name] = node;
  config.lines[key.name] = node.Mark().line + 1;
  return {};
}

Result<void> read_upload(const YamlReader& reader, const YAML::Node& node, SiteConfig& config) {
  if (auto ok = reader.check_map(node, "'upload'", {"url", "headers", "method", "ca_cert"}); !ok) return ok;
  for (const char* field : {"url", "method", "ca_cert"}) {
    if (!node[field]) continue;
    auto text = reader.string(node[field], std::string("'upload.") + field + "'");
    if (!text) return std::unexpected(text.error());
    if (std::string_view(field) == "method") {
      if (auto ok = check_method(*text); !ok) return reader.error(node[field], "'upload.method': " + ok.error().message);
    }
    (std::string_view(field) == "url" ? config.upload.url
     : std::string_view(field) == "method" ? config.upload.method : config.upload.ca_cert) = *text;
    config.lines[std::string("upload.") + field] = node[field].Mark().line + 1;
  }
  if (const YAML::Node headers = node["headers"]) {
    // A map (Name: value) or a list of "Name: value" texts.
    if (headers.IsMap()) {
      for (const auto& pair : headers) {
        auto value = reader.string(pair.second, "'upload.headers." + pair.first.Scalar() + "'");
        if (!value) return std::unexpected(value.error());
        config.upload.headers.push_back(pair.first.Scalar() + ": " + *value);
      }
    } else {
      auto list = reader.string_list(headers, "'upload.headers'");
      if (!list) return std::unexpected(list.error());
      for (const std::string& header : *list) {
        if (header.find(':') == std::string::npos) return reader.error(headers, "'upload.headers': '" + header + "' is not 'Name: value'");
      }
      config.upload.headers = *list;
    }
    config.lines["upload.headers"] = headers.Mark().line + 1;
  }
  return {};
}

std::string value_text(const Key& key, const RawOptions& raw) {
  if (key.text) return raw.*key.text;
  if (key.list) return joined(raw.*key.list);
  return std::to_string(raw.*key.count);
}

std::string mask_header(const std::string& header) {
  const std::size_t colon = header.find(':');
  return colon == std::string::npos ? header : header.substr(0, colon) + ": ***";
}

}  // namespace

std::string SiteConfig::origin(const std::string& key) const {
  const auto found = lines.find(key);
  return found == lines.end() ? "" : path + ":" + std::to_string(found->second);
}

ConfigChoice choose_config(const std::string& explicit_path) {
  if (!explicit_path.empty()) return {explicit_path, true};
  if (const char* env = std::getenv("VMSUPPORT_CONFIG"); env && *env) return {env, true};
  return {k_default_config, false};
}

Result<SiteConfig> parse_site_config(const std::string& text, const std::string& path) {
  const YamlReader reader(path);
  SiteConfig config;
  config.path = path;
  YAML::Node loaded;
  try {
    loaded = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return fail(path, ":", e.mark.line + 1, ":", e.mark.column + 1, ": ", e.msg);
  }
  const YAML::Node& root = loaded;  // const: looking a key up never adds it
  if (!root || root.IsNull()) return config;
  if (auto ok = reader.check_map(root, "the config file",
                                   {"output", "compress", "jobs", "timeout", "since", "max_file_size", "state_dir",
                                    "map", "keep", "scrub_words", "scrub_words_file", "priority", "case", "upload"}); !ok) return std::unexpected(ok.error());
  for (const Key& key : keys()) {
    const std::string name = key.name;
    const YAML::Node section = root["case"];
    if (name.starts_with("case.") && !section) continue;
    if (name.starts_with("case.")) {
      if (auto ok = reader.check_map(section, "'case'", {"contact", "severity"}); !ok) return std::unexpected(ok.error());
    }
    const YAML::Node node = name.starts_with("case.") ? section[name.substr(5)] : root[name];
    if (!node) continue;
    if (auto ok = read_key(reader, key, node, config); !ok) return std::unexpected(ok.error());
  }
  if (root["upload"]) {
    if (auto ok = read_upload(reader, root["upload"], config); !ok) return std::unexpected(ok.error());
  }
  return config;
}

Result<SiteConfig> load_site_config(const ConfigChoice& choice) {
  auto text = read_small_file(choice.path, 1 << 20, "a config file");
  if (!text && text.error().code != 0) {
    if (!choice.required) return SiteConfig{};
    return fail("--config ", choice.path, ": cannot read it: ", errno_text(text.error().code));
  }
  if (!text) return fail("--config ", text.error().message);
  return parse_site_config(*text, choice.path);
}

void apply_site_config(const SiteConfig& config, const CLI::App& command, RawOptions& raw) {
  for (const Key& key : keys()) {
    const auto found = config.values.find(key.name);
    if (found == config.values.end()) continue;
    const CLI::Option* option = command.get_option_no_throw(key.option);
    if (option && option->count() > 0) continue;
    const YAML::Node& node = found->second;
    if (key.type == Type::count) {
      raw.*key.count = node.as<unsigned>();
    } else if (key.type == Type::text) {
      raw.*key.text = node.as<std::string>();
    } else {
      const auto list = node.IsScalar() ? std::vector<std::string>{node.as<std::string>()}
                                        : node.as<std::vector<std::string>>();
      if (key.list) raw.*key.list = list;
      else raw.*key.text = joined(list);  // --keep takes one comma-separated text
    }
  }
}

std::vector<EffectiveSetting> effective_settings(const SiteConfig& config, const CLI::App& command,
                                                 const RawOptions& raw) {
  std::vector<EffectiveSetting> out;
  for (const Key& key : keys()) {
    const CLI::Option* option = command.get_option_no_throw(key.option);
    std::string origin = option && option->count() > 0 ? "command line" : config.origin(key.name);
    out.push_back({key.name, value_text(key, raw), origin.empty() ? "default" : origin});
  }
  const auto upload = [&](const std::string& name, const std::string& value) {
    const std::string origin = config.origin("upload." + name);
    out.push_back({"upload." + name, value, origin.empty() ? "default" : origin});
  };
  upload("url", config.upload.url);
  std::vector<std::string> masked;
  for (const std::string& header : config.upload.headers) masked.push_back(mask_header(header));
  upload("headers", joined(masked));
  upload("method", config.upload.method);
  upload("ca_cert", config.upload.ca_cert);
  return out;
}

}  // namespace vmsupport::cli
