// Site defaults: /etc/vmsupport/config.yaml, or --config FILE, or the file
// $VMSUPPORT_CONFIG names. Each key presets one option; the command line wins.
// The upload keys are kept for `vmsupport upload` (url, headers, method, ca_cert).
#pragma once

#include <CLI/CLI.hpp>
#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <vector>

#include "util/result.h"

namespace vmsupport::cli {

struct RawOptions;

inline constexpr const char* k_default_config = "/etc/vmsupport/config.yaml";

// upload: {url, headers, method, ca_cert}; empty fields were not given.
struct UploadConfig {
  std::string url;                   // may hold {case} and {file}
  std::vector<std::string> headers;  // "Name: value", in file order
  std::string method;                // "put" or "post"
  std::string ca_cert;               // a PEM file
};

struct SiteConfig {
  std::string path;                          // the file read; "" when none
  std::map<std::string, YAML::Node> values;  // "output", "case.contact", ... -> the value
  std::map<std::string, int> lines;          // key -> line in the file (1-based)
  UploadConfig upload;

  // "FILE:LINE" of `key`, or "" when the file does not set it.
  std::string origin(const std::string& key) const;
};

// Which file to read: `explicit_path` (--config) when given, else
// $VMSUPPORT_CONFIG when set, else k_default_config. `required` is false only
// for the default, which may be missing.
struct ConfigChoice {
  std::string path;
  bool required = false;
};
ConfigChoice choose_config(const std::string& explicit_path);

// Parses `text` (the content of `path`): unknown keys, wrong types and bad
// values fail with "PATH:LINE: ..." naming the key.
Result<SiteConfig> parse_site_config(const std::string& text, const std::string& path);

// Reads the chosen file; a missing default file gives an empty config.
Result<SiteConfig> load_site_config(const ConfigChoice& choice);

// Sets every option of `raw` the config file sets and the command line
// (`command`) did not give.
void apply_site_config(const SiteConfig& config, const CLI::App& command, RawOptions& raw);

// One effective setting for `list --config`.
struct EffectiveSetting {
  std::string key;
  std::string value;
  std::string origin;  // "default", "PATH:LINE" or "command line"
};

// Every known key with its value after apply_site_config, and where it came from.
// Header values are masked (they may carry tokens).
std::vector<EffectiveSetting> effective_settings(const SiteConfig& config, const CLI::App& command,
                                                 const RawOptions& raw);

}  // namespace vmsupport::cli
