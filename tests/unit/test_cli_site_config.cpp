// Tests for the site config file: every key read, errors at file:line for
// unknown keys, wrong types and bad values; the command line winning; and
// where each effective setting came from (list --config).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>

#include "options.h"
#include "site_config.h"

namespace vmsupport::cli {
namespace {

const char* k_full = R"(# site defaults
output: /vmfs/volumes/datastore1/
compress: zstd
jobs: 2
timeout: 45m
since: 7d
max_file_size: 50MiB
state_dir: /var/lib/vmsupport-site
map: /secure/map.json
keep: [ip, mac]
scrub_words: [ProjectX, Falcon]
scrub_words_file: /etc/vmsupport/words.txt
case:
  contact: ops desk +1 555 0100
  severity: 3
upload:
  url: https://upload.example.invalid/{case}/{file}
  headers: { Authorization: Bearer abc, X-Site: lab }
  method: put
  ca_cert: /etc/vmsupport/ca.pem
)";

std::string error_of(const std::string& text) {
  auto config = parse_site_config(text, "site.yaml");
  REQUIRE_FALSE(config.has_value());
  return config.error().message;
}

// A collect command as main.cpp builds it, parsed from `args`.
struct Parsed {
  RawOptions raw;
  CLI::App app;
  CLI::App* collect = nullptr;
  explicit Parsed(std::vector<std::string> args) {
    collect = app.add_subcommand("collect");
    add_selection_options(*collect, raw);
    add_collect_options(*collect, raw);
    args.insert(args.begin(), "collect");
    std::reverse(args.begin(), args.end());
    app.parse(args);
  }
};

}  // namespace

TEST_SUITE("unit") {

TEST_CASE("every key of the config file is read, with its line") {
  auto config = parse_site_config(k_full, "/etc/vmsupport/config.yaml");
  REQUIRE(config.has_value());
  CHECK(config->origin("output") == "/etc/vmsupport/config.yaml:2");
  CHECK(config->origin("case.severity") == "/etc/vmsupport/config.yaml:15");
  CHECK(config->origin("nothing").empty());
  CHECK(config->upload.url == "https://upload.example.invalid/{case}/{file}");
  CHECK(config->upload.headers == std::vector<std::string>{"Authorization: Bearer abc", "X-Site: lab"});
  CHECK(config->upload.method == "put");
  CHECK(config->upload.ca_cert == "/etc/vmsupport/ca.pem");
  CHECK(config->origin("upload.url") == "/etc/vmsupport/config.yaml:17");
}

TEST_CASE("upload headers may be a list of 'Name: value' texts") {
  auto config = parse_site_config("upload:\n  headers: ['X-A: 1', 'X-B: 2']\n", "s.yaml");
  REQUIRE(config.has_value());
  CHECK(config->upload.headers == std::vector<std::string>{"X-A: 1", "X-B: 2"});
  CHECK(error_of("upload:\n  headers: ['no colon']\n").find("site.yaml:2:") != std::string::npos);
}

TEST_CASE("an empty config file changes nothing") {
  auto config = parse_site_config("# nothing yet\n", "s.yaml");
  REQUIRE(config.has_value());
  CHECK(config->values.empty());
}

TEST_CASE("the site may run collects at normal priority; the command line still wins") {
  auto config = parse_site_config("priority: normal\n", "s.yaml");
  REQUIRE(config.has_value());
  Parsed site_only({});
  apply_site_config(*config, *site_only.collect, site_only.raw);
  CHECK(site_only.raw.priority == "normal");
  Parsed given({"--priority", "low"});
  apply_site_config(*config, *given.collect, given.raw);
  CHECK(given.raw.priority == "low");
}

TEST_CASE("config errors name the file, the line and the key") {
  struct Case {
    const char* text;
    const char* expected;
  };
  for (const Case& c : {
           Case{"outptu: /tmp\n", "site.yaml:1:1: unknown key 'outptu'"},
           Case{"jobs: 2\ncompres: zstd\n", "site.yaml:2:1: unknown key 'compres'"},
           Case{"jobs: many\n", "site.yaml:1:7:"},
           Case{"jobs: 0\n", "site.yaml:1:7: 'jobs' must be from 1 to 64"},
           Case{"output: [a, b]\n", "site.yaml:1:9:"},
           Case{"compress: rar\n", "site.yaml:1:11: 'compress': 'rar' is not gzip, zstd or none"},
           Case{"priority: fast\n", "site.yaml:1:11: 'priority': 'fast' is not low or normal"},
           Case{"timeout: soon\n", "site.yaml:1:10: 'timeout'"},
           Case{"since: yesterday\n", "site.yaml:1:8: 'since'"},
           Case{"keep: [ip, bogus]\n", "site.yaml:1:7: 'keep'"},
           Case{"case:\n  severity: 9\n", "site.yaml:2:13: 'case.severity'"},
           Case{"case:\n  phone: 5\n", "site.yaml:2:3: unknown key 'phone'"},
           Case{"upload:\n  method: get\n", "site.yaml:2:11: 'upload.method': 'get' is not put or post"},
           Case{"upload:\n  uri: x\n", "site.yaml:2:3: unknown key 'uri'"},
           Case{"jobs: [\n", "site.yaml:"},
           Case{"- a\n- b\n", "site.yaml:1:1:"},
       }) {
    INFO(c.text);
    CHECK(error_of(c.text).find(c.expected) != std::string::npos);
  }
}

TEST_CASE("the config presets options and the command line wins") {
  auto config = parse_site_config(k_full, "site.yaml");
  REQUIRE(config.has_value());
  Parsed parsed({"--jobs", "8", "--keep", "email", "--case", "77"});
  apply_site_config(*config, *parsed.collect, parsed.raw);
  const RawOptions& raw = parsed.raw;
  CHECK(raw.jobs == 8);                 // command line
  CHECK(raw.keep == "email");           // command line
  CHECK(raw.output == "/vmfs/volumes/datastore1/");
  CHECK(raw.compress == "zstd");
  CHECK(raw.timeout == "45m");
  CHECK(raw.since == "7d");
  CHECK(raw.max_file_size == "50MiB");
  CHECK(raw.state_dir == "/var/lib/vmsupport-site");
  CHECK(raw.map == "/secure/map.json");
  CHECK(raw.scrub_words == std::vector<std::string>{"ProjectX", "Falcon"});
  CHECK(raw.scrub_words_file == "/etc/vmsupport/words.txt");
  CHECK(raw.contact == "ops desk +1 555 0100");
  CHECK(raw.severity == "3");
  CHECK(raw.case_id == "77");
}

TEST_CASE("a list key joins into a comma-separated option") {
  auto config = parse_site_config("keep: [ip, mac]\n", "s.yaml");
  REQUIRE(config.has_value());
  Parsed parsed({});
  apply_site_config(*config, *parsed.collect, parsed.raw);
  CHECK(parsed.raw.keep == "ip,mac");
}

TEST_CASE("effective settings say where each came from, and hide header values") {
  auto config = parse_site_config(k_full, "site.yaml");
  REQUIRE(config.has_value());
  config->values.erase("compress");
  config->lines.erase("compress");
  Parsed parsed({"--jobs", "8"});
  apply_site_config(*config, *parsed.collect, parsed.raw);
  std::map<std::string, EffectiveSetting> by_key;
  for (const EffectiveSetting& s : effective_settings(*config, *parsed.collect, parsed.raw)) by_key[s.key] = s;
  CHECK(by_key["jobs"].value == "8");
  CHECK(by_key["jobs"].origin == "command line");
  CHECK(by_key["output"].origin == "site.yaml:2");
  CHECK(by_key["compress"].value == "gzip");
  CHECK(by_key["compress"].origin == "default");
  CHECK(by_key["keep"].value == "ip,mac");
  CHECK(by_key["upload.url"].origin == "site.yaml:17");
  CHECK(by_key["upload.headers"].value == "Authorization: ***,X-Site: ***");
}

TEST_CASE("which config file is read") {
  CHECK(choose_config("my.yaml").path == "my.yaml");
  CHECK(choose_config("my.yaml").required);
  ::unsetenv("VMSUPPORT_CONFIG");
  CHECK(choose_config("").path == k_default_config);
  CHECK_FALSE(choose_config("").required);
  ::setenv("VMSUPPORT_CONFIG", "/tmp/cli5-env.yaml", 1);
  CHECK(choose_config("").path == "/tmp/cli5-env.yaml");
  CHECK(choose_config("").required);
  ::unsetenv("VMSUPPORT_CONFIG");
  CHECK(load_site_config({"/does/not/exist.yaml", false}).has_value());
  CHECK(load_site_config({"/does/not/exist.yaml", true}).error().message.find("/does/not/exist.yaml") !=
        std::string::npos);
}

}  // TEST_SUITE

}  // namespace vmsupport::cli
