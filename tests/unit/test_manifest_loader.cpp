// Tests for manifest/loader: a manifest using every key parses into the
// expected spec values (defaults included); each kind of broken manifest gives
// one exact, located message (file:line:column); the built-in manifests load;
// two manifests may not claim the same platform.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <regex>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "manifest/embedded.h"
#include "manifest/loader.h"

namespace vmsupport {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const std::string k_source = "manifests/x.yaml";

// Every key of the schema at least once; line numbers matter for the marks below.
const char* const k_full_manifest = R"(platform: esxi
description: VMware ESXi host
detect:
  any_file: [/etc/vmware/esx.conf, /bin/vmx]
  all_files: [/etc/vmware]
  priority: 100
  fallback: false
forbid:
  - /etc/shadow
  - /etc/ssh/*_key
groups:
  - id: Logs:Host
    description: hostd, vpxa and vmkernel logs
    default: disabled
    tags: [logs, host]
    files:
      - /var/run/log/*.log
      - glob: /var/log/vmware
        recursive: true
        max_bytes: 25MiB
        optional: true
        since: false
    commands:
      - id: vib-list
        argv: [esxcli, software, vib, list]
        timeout: 90s
        max_bytes: 10MiB
        optional: true
        files_only: true
      - id: uptime
        argv: [uptime]
    forbid: [/var/run/log/*.key]
  - id: Config:Net
    files: [/etc/hosts]
)";

struct BrokenCase {
  const char* what;
  const char* yaml;
  const char* message;  // the exact, full message
  const char* hint;     // the exact hint, or nullptr when not checked
};

// Each expected line:column is the node yaml-cpp marks: 1-based, the key for
// unknown/duplicate keys, the value for bad values, the map for missing keys.
const BrokenCase k_broken[] = {
    {"a YAML syntax error",
     "platform: esxi\n"
     "groups: [a, b\n",
     "manifests/x.yaml:3:1: YAML syntax error: end of sequence flow not found", nullptr},
    {"a manifest that is a list, not a map",
     "- platform: esxi\n",
     "manifests/x.yaml:1:1: manifest must be a map, got a list", nullptr},
    {"an unknown top-level key close to a known one",
     "platfrom: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    files: [/var/log/*.log]\n",
     "manifests/x.yaml:1:1: unknown key 'platfrom' in manifest (did you mean 'platform'?)",
     "known keys: platform, description, include, detect, forbid, inventory, groups, tracked, history, cores, vm"},
    {"an unknown top-level key like no known one",
     "platform: esxi\n"
     "version: 2\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    files: [/var/log/*.log]\n",
     "manifests/x.yaml:2:1: unknown key 'version' in manifest", nullptr},
    {"an unknown group key",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    fils: [/var/log/*.log]\n",
     "manifests/x.yaml:4:5: unknown key 'fils' in group (did you mean 'files'?)", nullptr},
    {"an unknown file-entry key",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    files:\n"
     "      - glob: /var/log/vmware\n"
     "        recursiv: true\n",
     "manifests/x.yaml:6:9: unknown key 'recursiv' in file entry (did you mean 'recursive'?)",
     nullptr},
    {"an unknown command key",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    commands:\n"
     "    - timout: 5s\n"
     "      id: uptime\n"
     "      argv: [uptime]\n",
     "manifests/x.yaml:5:7: unknown key 'timout' in command entry (did you mean 'timeout'?)",
     nullptr},
    {"an unknown detect key",
     "platform: esxi\n"
     "detect:\n"
     "  any_files: [/etc/vmware/esx.conf]\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    files: [/var/log/*.log]\n",
     "manifests/x.yaml:3:3: unknown key 'any_files' in detect (did you mean 'any_file'?)",
     nullptr},
    {"a duplicate key in a group",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    files: [/var/log/a.log]\n"
     "    files: [/var/log/b.log]\n",
     "manifests/x.yaml:5:5: duplicate key 'files' in group (first at line 4)", nullptr},
    {"a duplicate top-level key",
     "platform: esxi\n"
     "platform: linux\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    files: [/var/log/*.log]\n",
     "manifests/x.yaml:2:1: duplicate key 'platform' in manifest (first at line 1)", nullptr},
    {"an empty document",
     "# only a comment\n",
     "manifests/x.yaml:1:1: manifest must be a map, got nothing", nullptr},
    {"a key with no value is blamed on the key, not on the next line",
     "platform: esxi\n"
     "groups:\n",
     "manifests/x.yaml:2:1: 'groups' has no value", nullptr},
    {"a group key with no value",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    tags:\n"
     "    files: [/var/log/*.log]\n",
     "manifests/x.yaml:4:5: 'tags' has no value", nullptr},
    {"no platform",
     "description: no platform\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    files: [/var/log/*.log]\n",
     "manifests/x.yaml:1:1: manifest has no 'platform'", nullptr},
    {"no groups",
     "platform: esxi\n"
     "description: nothing to gather\n",
     "manifests/x.yaml:1:1: manifest has no 'groups'", nullptr},
    {"an empty groups list",
     "platform: esxi\n"
     "groups: []\n",
     "manifests/x.yaml:2:9: 'groups' must be a non-empty list of groups", nullptr},
    {"a platform name with capitals",
     "platform: ESXi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    files: [/var/log/*.log]\n",
     "manifests/x.yaml:1:11: platform name 'ESXi' may hold only a-z, 0-9, '_' and '-'", nullptr},
    {"a group id without a category",
     "platform: esxi\n"
     "groups:\n"
     "  - id: LogsHost\n"
     "    files: [/var/log/*.log]\n",
     "manifests/x.yaml:3:9: group id 'LogsHost' is not of the form Category:Name",
     "for example Logs:Host or Network:Config"},
    {"a group id with two colons",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host:Extra\n"
     "    files: [/var/log/*.log]\n",
     "manifests/x.yaml:3:9: group id 'Logs:Host:Extra' is not of the form Category:Name",
     nullptr},
    {"a group without an id",
     "platform: esxi\n"
     "groups:\n"
     "  - files: [/var/log/*.log]\n",
     "manifests/x.yaml:3:5: group has no 'id'", nullptr},
    {"a duplicate group id",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    files: [/var/log/a.log]\n"
     "  - id: Logs:Host\n"
     "    files: [/var/log/b.log]\n",
     "manifests/x.yaml:5:9: duplicate group id 'Logs:Host' (first defined at line 3)", nullptr},
    {"a duplicate command id within a group",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    commands:\n"
     "      - id: up\n"
     "        argv: [uptime]\n"
     "      - id: up\n"
     "        argv: [uptime, -p]\n",
     "manifests/x.yaml:7:13: duplicate command id 'up' in group 'Logs:Host' (first at line 5)",
     nullptr},
    {"argv written as a shell string",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    commands:\n"
     "      - id: up\n"
     "        argv: uptime -p\n",
     "manifests/x.yaml:6:15: 'argv' must be a list, not a shell string",
     "write [esxcli, network, nic, list]; commands never run in a shell"},
    {"an empty argv",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    commands:\n"
     "      - id: up\n"
     "        argv: []\n",
     "manifests/x.yaml:6:15: 'argv' is empty", nullptr},
    {"an argv whose program is an empty string",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    commands:\n"
     "      - id: up\n"
     "        argv: ['', -p]\n",
     "manifests/x.yaml:6:15: 'argv' is empty", nullptr},
    {"a command without argv",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    commands:\n"
     "      - id: up\n",
     "manifests/x.yaml:5:9: command entry has no 'argv'", nullptr},
    {"a command id with a space",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    commands:\n"
     "      - id: vib list\n"
     "        argv: [esxcli, software, vib, list]\n",
     "manifests/x.yaml:5:13: command id 'vib list' may hold only letters, digits, '.', '_' and "
     "'-'",
     "the id names the output file commands/<group>/<id>.txt"},
    {"a command id of '..'",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    commands:\n"
     "      - id: ..\n"
     "        argv: [uptime]\n",
     "manifests/x.yaml:5:13: command id '..' may hold only letters, digits, '.', '_' and '-'",
     nullptr},
    {"a bool that is neither true nor false",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    files:\n"
     "      - glob: /var/log/vmware\n"
     "        optional: maybe\n",
     "manifests/x.yaml:6:19: 'optional' must be true or false, got 'maybe'", nullptr},
    {"a size that is not a size",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    files:\n"
     "      - glob: /var/log/vmware\n"
     "        max_bytes: lots\n",
     "manifests/x.yaml:6:20: 'max_bytes' must be a size such as 25MiB, got 'lots'", nullptr},
    {"a duration that is not a duration",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    commands:\n"
     "      - id: up\n"
     "        argv: [uptime]\n"
     "        timeout: soon\n",
     "manifests/x.yaml:7:18: 'timeout' must be a duration such as 30s or 5m, got 'soon'", nullptr},
    {"a zero duration",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    commands:\n"
     "      - id: up\n"
     "        argv: [uptime]\n"
     "        timeout: 0s\n",
     "manifests/x.yaml:7:18: 'timeout' must be a duration such as 30s or 5m, got '0s'", nullptr},
    {"an integer that is not an integer",
     "platform: esxi\n"
     "detect:\n"
     "  any_file: [/etc/vmware/esx.conf]\n"
     "  priority: high\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    files: [/var/log/*.log]\n",
     "manifests/x.yaml:4:13: 'priority' must be an integer, got 'high'", nullptr},
    {"a glob with an unterminated '['",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    files:\n"
     "      - /var/log/[abc\n",
     "manifests/x.yaml:5:9: bad glob '/var/log/[abc': unterminated '['", nullptr},
    {"a relative glob",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    files:\n"
     "      - var/log/syslog\n",
     "manifests/x.yaml:5:9: bad glob 'var/log/syslog': not an absolute path (paths start with "
     "'/')",
     nullptr},
    {"a glob with '..'",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    files:\n"
     "      - /var/log/../../etc/shadow\n",
     "manifests/x.yaml:5:9: bad glob '/var/log/../../etc/shadow': '..' is not allowed in a path",
     nullptr},
    {"a glob with '**'",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    files:\n"
     "      - glob: /var/log/**/*.log\n",
     "manifests/x.yaml:5:15: bad glob '/var/log/**/*.log': '**' is not supported (use "
     "'recursive: true' on the directory)",
     nullptr},
    {"a relative forbid glob",
     "platform: esxi\n"
     "forbid: [etc/shadow]\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    files: [/var/log/*.log]\n",
     "manifests/x.yaml:2:10: bad glob 'etc/shadow': not an absolute path (paths start with '/')",
     nullptr},
    {"a group without files or commands",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    tags: [logs]\n",
     "manifests/x.yaml:3:5: group 'Logs:Host' has no files or commands", nullptr},
    {"a group with only forbid rules",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    forbid: [/etc/shadow]\n",
     "manifests/x.yaml:3:5: group 'Logs:Host' has no files or commands", nullptr},
    {"a group default that is neither enabled nor disabled",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    default: maybe\n"
     "    files: [/var/log/*.log]\n",
     "manifests/x.yaml:4:14: 'default' must be enabled or disabled, got 'maybe'", nullptr},
    {"tags that are not a list",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    tags: logs\n"
     "    files: [/var/log/*.log]\n",
     "manifests/x.yaml:4:11: 'tags' must be a list, got a scalar",
     "write [a, b] or one '- item' per line"},
    {"a group priority that is not high, normal or low",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    priority: urgent\n"
     "    files: [/var/log/*.log]\n",
     "manifests/x.yaml:4:15: 'priority' must be high, normal or low, got 'urgent'",
     "high is gathered first; low is left out first at --max-size"},
    {"a misspelt file entry priority",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    files:\n"
     "      - {glob: /var/log/*.log, priority: hihg}\n",
     "manifests/x.yaml:5:42: 'priority' must be high, normal or low, got 'hihg'", "did you mean 'high'?"},
    {"a command entry priority that is a list",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    commands:\n"
     "      - {id: up, argv: [uptime], priority: [high]}\n",
     "manifests/x.yaml:5:44: 'priority' must be high, normal or low, got a list", nullptr},
    {"files that are not a list",
     "platform: esxi\n"
     "groups:\n"
     "  - id: Logs:Host\n"
     "    files: /var/log/syslog\n",
     "manifests/x.yaml:4:12: 'files' must be a list", "one '- ...' item per entry"},
};

std::size_t line_count(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
}

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("a manifest using every key parses into the declared values") {
    auto manifest = load_manifest(k_full_manifest, k_source);
    REQUIRE_MESSAGE(manifest.has_value(), (manifest ? "" : manifest.error().message));

    CHECK(manifest->platform == "esxi");
    CHECK(manifest->description == "VMware ESXi host");
    CHECK(manifest->source == k_source);
    CHECK(manifest->detect.any_file == std::vector<std::string>{"/etc/vmware/esx.conf", "/bin/vmx"});
    CHECK(manifest->detect.all_files == std::vector<std::string>{"/etc/vmware"});
    CHECK(manifest->detect.priority == 100);
    CHECK_FALSE(manifest->detect.fallback);

    // The manifest's forbid list holds its own rules, then every group's.
    REQUIRE(manifest->forbid.size() == 3);
    CHECK(manifest->forbid[0].glob == "/etc/shadow");
    CHECK(manifest->forbid[0].mark.line == 9);
    CHECK(manifest->forbid[0].mark.column == 5);
    CHECK(manifest->forbid[1].glob == "/etc/ssh/*_key");
    CHECK(manifest->forbid[2].glob == "/var/run/log/*.key");
    CHECK(manifest->forbid[2].mark.line == 32);

    REQUIRE(manifest->groups.size() == 2);
    const GroupSpec& logs = manifest->groups[0];
    CHECK(logs.id == "Logs:Host");
    CHECK(logs.description == "hostd, vpxa and vmkernel logs");
    CHECK_FALSE(logs.enabled);
    CHECK(logs.tags == std::vector<std::string>{"logs", "host"});
    CHECK(logs.mark.file == k_source);
    CHECK(logs.mark.line == 12);
    CHECK(logs.mark.column == 5);

    // Entries in manifest order: files, commands, then the group's forbid.
    REQUIRE(logs.entries.size() == 5);
    const auto* plain = std::get_if<FileSpec>(&logs.entries[0]);
    REQUIRE(plain != nullptr);
    CHECK(plain->glob == "/var/run/log/*.log");
    CHECK_FALSE(plain->recursive);
    CHECK_FALSE(plain->max_bytes.has_value());
    CHECK_FALSE(plain->optional);
    CHECK(plain->since);
    CHECK(plain->mark.line == 17);
    CHECK(plain->mark.column == 9);

    const auto* walked = std::get_if<FileSpec>(&logs.entries[1]);
    REQUIRE(walked != nullptr);
    CHECK(walked->glob == "/var/log/vmware");
    CHECK(walked->recursive);
    CHECK(walked->max_bytes == std::optional<std::uint64_t>(25ull << 20));
    CHECK(walked->optional);
    CHECK_FALSE(walked->since);
    CHECK(walked->mark.line == 18);

    const auto* vib = std::get_if<CommandSpec>(&logs.entries[2]);
    REQUIRE(vib != nullptr);
    CHECK(vib->id == "vib-list");
    CHECK(vib->argv == std::vector<std::string>{"esxcli", "software", "vib", "list"});
    CHECK(vib->timeout == seconds(90));
    CHECK(vib->max_bytes == std::optional<std::uint64_t>(10ull << 20));
    CHECK(vib->optional);
    CHECK(vib->files_only);
    CHECK(vib->mark.line == 24);
    CHECK(vib->mark.column == 9);

    const auto* uptime = std::get_if<CommandSpec>(&logs.entries[3]);
    REQUIRE(uptime != nullptr);
    CHECK(uptime->id == "uptime");
    CHECK(uptime->argv == std::vector<std::string>{"uptime"});
    CHECK(uptime->timeout == seconds(60));
    CHECK_FALSE(uptime->max_bytes.has_value());
    CHECK_FALSE(uptime->optional);
    CHECK_FALSE(uptime->files_only);

    const auto* rule = std::get_if<ForbidSpec>(&logs.entries[4]);
    REQUIRE(rule != nullptr);
    CHECK(rule->glob == "/var/run/log/*.key");
    CHECK(rule->mark.line == 32);
    CHECK(rule->mark.column == 14);

    const GroupSpec& net = manifest->groups[1];
    CHECK(net.id == "Config:Net");
    CHECK(net.enabled);
    CHECK(net.description.empty());
    CHECK(net.tags.empty());
    REQUIRE(net.entries.size() == 1);
    const auto* hosts = std::get_if<FileSpec>(&net.entries[0]);
    REQUIRE(hosts != nullptr);
    CHECK(hosts->glob == "/etc/hosts");
    CHECK(hosts->mark.line == 34);
    CHECK(hosts->mark.column == 13);
  }

  TEST_CASE("a minimal manifest gets the documented defaults") {
    auto manifest = load_manifest("platform: tiny\n"
                                  "groups:\n"
                                  "  - id: A:B\n"
                                  "    files: [/etc/hosts]\n",
                                  k_source);
    REQUIRE(manifest.has_value());
    CHECK(manifest->description.empty());
    CHECK(manifest->detect.any_file.empty());
    CHECK(manifest->detect.all_files.empty());
    CHECK(manifest->detect.priority == 0);
    CHECK_FALSE(manifest->detect.fallback);
    CHECK(manifest->forbid.empty());
    REQUIRE(manifest->groups.size() == 1);
    CHECK(manifest->groups[0].enabled);
  }

  TEST_CASE("the yes/no spellings YAML allows are accepted as bools") {
    auto manifest = load_manifest("platform: tiny\n"
                                  "detect: {fallback: yes}\n"
                                  "groups:\n"
                                  "  - id: A:B\n"
                                  "    files:\n"
                                  "      - {glob: /etc, recursive: True, since: no}\n",
                                  k_source);
    REQUIRE(manifest.has_value());
    CHECK(manifest->detect.fallback);
    const auto& spec = std::get<FileSpec>(manifest->groups[0].entries[0]);
    CHECK(spec.recursive);
    CHECK_FALSE(spec.since);
  }

  TEST_CASE("priority is read on groups and on file and command entries, normal by default") {
    auto manifest = load_manifest("platform: p\n"
                                  "groups:\n"
                                  "  - id: Logs:Host\n"
                                  "    priority: low\n"
                                  "    files:\n"
                                  "      - {glob: /var/log/syslog, priority: high}\n"
                                  "      - /var/log/messages\n"
                                  "    commands:\n"
                                  "      - {id: up, argv: [uptime], priority: normal}\n"
                                  "  - id: Config:Etc\n"
                                  "    files: [/etc/hosts]\n",
                                  k_source);
    REQUIRE_MESSAGE(manifest.has_value(), (manifest ? "" : manifest.error().message));
    const GroupSpec& logs = manifest->groups[0];
    CHECK(logs.priority == Priority::low);
    CHECK(std::get<FileSpec>(logs.entries[0]).priority == Priority::high);
    CHECK_FALSE(std::get<FileSpec>(logs.entries[1]).priority.has_value());
    CHECK(std::get<CommandSpec>(logs.entries[2]).priority == Priority::normal);
    CHECK(manifest->groups[1].priority == Priority::normal);
  }

  TEST_CASE("each broken manifest gives its exact located message") {
    for (const BrokenCase& c : k_broken) {
      const std::string what = c.what;
      CAPTURE(what);
      auto manifest = load_manifest(c.yaml, k_source);
      REQUIRE_FALSE(manifest.has_value());
      CHECK(manifest.error().message == std::string(c.message));
      if (c.hint != nullptr) CHECK(manifest.error().hint == std::string(c.hint));
    }
  }

  TEST_CASE("every manifest error names the file, a line and a column inside the text") {
    const std::regex located(R"(^manifests/x\.yaml:([0-9]+):([0-9]+): .+)");
    for (const BrokenCase& c : k_broken) {
      const std::string what = c.what;
      CAPTURE(what);
      auto manifest = load_manifest(c.yaml, k_source);
      REQUIRE_FALSE(manifest.has_value());
      std::smatch match;
      const std::string& message = manifest.error().message;
      REQUIRE(std::regex_match(message, match, located));
      const std::size_t line = std::stoul(match[1].str());
      const std::size_t column = std::stoul(match[2].str());
      CHECK(line >= 1);
      CHECK(line <= line_count(c.yaml));
      CHECK(column >= 1);
    }
  }

  TEST_CASE("the built-in manifests load and name the esxi and linux platforms") {
    auto manifests = load_builtin_manifests();
    REQUIRE_MESSAGE(manifests.has_value(), (manifests ? "" : manifests.error().message));
    CHECK(manifests->size() == embedded_manifests().size());

    std::set<std::string> platforms;
    for (const Manifest& manifest : *manifests) platforms.insert(manifest.platform);
    CHECK(platforms.contains("esxi"));
    CHECK(platforms.contains("linux"));
    CHECK(platforms.size() == manifests->size());

    for (const Manifest& manifest : *manifests) {
      CAPTURE(manifest.platform);
      CHECK(manifest.source == "manifests/" + manifest.platform + ".yaml");
      CHECK_FALSE(manifest.groups.empty());
      std::set<std::string> ids;
      for (const GroupSpec& group : manifest.groups) {
        CAPTURE(group.id);
        CHECK(ids.insert(group.id).second);
      }
    }
  }

  TEST_CASE("linux is the built-in fallback platform") {
    auto manifests = load_builtin_manifests();
    REQUIRE(manifests.has_value());
    const auto fallback = std::find_if(manifests->begin(), manifests->end(),
                                    [](const Manifest& m) { return m.platform == "linux"; });
    REQUIRE(fallback != manifests->end());
    CHECK(fallback->detect.fallback);
  }

  TEST_CASE("two manifests for the same platform are rejected naming both sources") {
    const char* yaml = "platform: esxi\n"
                       "groups:\n"
                       "  - id: Logs:Host\n"
                       "    files: [/var/log/*.log]\n";
    auto first = load_manifest(yaml, "manifests/esxi.yaml");
    auto second = load_manifest(yaml, "manifests/esxi-copy.yaml");
    REQUIRE(first.has_value());
    REQUIRE(second.has_value());
    auto ok = check_unique_platforms({*first, *second});
    REQUIRE_FALSE(ok.has_value());
    CHECK(ok.error().message ==
          "manifests/esxi-copy.yaml: platform 'esxi' is also defined in manifests/esxi.yaml");
  }

  TEST_CASE("manifests for different platforms pass the uniqueness check") {
    auto esxi = load_manifest("platform: esxi\ngroups:\n  - id: A:B\n    files: [/a]\n",
                              "manifests/esxi.yaml");
    auto other = load_manifest("platform: linux\ngroups:\n  - id: A:B\n    files: [/a]\n",
                               "manifests/linux.yaml");
    REQUIRE(esxi.has_value());
    REQUIRE(other.has_value());
    CHECK(check_unique_platforms({*esxi, *other}).has_value());
  }

  // A set of manifests from (source, yaml) pairs; each must load.
  std::vector<Manifest> load_set(const std::vector<std::pair<std::string, std::string>>& files) {
    std::vector<Manifest> out;
    for (const auto& [source, yaml] : files) {
      auto manifest = load_manifest(yaml, source);
      REQUIRE_MESSAGE(manifest.has_value(), (manifest ? "" : manifest.error().message));
      out.push_back(std::move(*manifest));
    }
    return out;
  }

  const Manifest& platform_of(const std::vector<Manifest>& manifests, const std::string& name) {
    const auto it = std::find_if(manifests.begin(), manifests.end(), [&](const Manifest& m) { return m.platform == name; });
    REQUIRE(it != manifests.end());
    return *it;
  }

  const char* const k_base = "platform: base\n"
                             "detect: {any_file: [/etc/os-release]}\n"
                             "forbid: [/etc/shadow]\n"
                             "inventory:\n"
                             "  - { category: host, glob: /etc/hostname, take: line }\n"
                             "tracked:\n"
                             "  - { area: network, glob: /etc/hosts }\n"
                             "history:\n"
                             "  - { area: packages, glob: /var/log/dpkg.log, format: dpkg }\n"
                             "cores: [/var/crash/*]\n"
                             "groups:\n"
                             "  - id: Logs:System\n"
                             "    files: [/var/log/syslog]\n";

  TEST_CASE("an included manifest's content comes first, then the including one's own") {
    std::vector<Manifest> set = load_set({{"m/base.yaml", k_base},
                                          {"m/guest.yaml", "platform: guest\n"
                                                           "include: [base]\n"
                                                           "detect: {any_file: [/etc/vmware-tools]}\n"
                                                           "forbid: [/etc/vmware-tools/*.key]\n"
                                                           "inventory:\n"
                                                           "  - { category: vm, glob: /etc/vmname, take: line }\n"
                                                           "cores: [/var/lib/open-vm-tools/core*]\n"
                                                           "groups:\n"
                                                           "  - id: Logs:Tools\n"
                                                           "    files: [/var/log/vmware-vmsvc*.log]\n"}});
    REQUIRE(resolve_includes(set).has_value());
    const Manifest& guest = platform_of(set, "guest");
    REQUIRE(guest.groups.size() == 2);
    CHECK(guest.groups[0].id == "Logs:System");
    CHECK(guest.groups[0].mark.file == "m/base.yaml");
    CHECK(guest.groups[1].id == "Logs:Tools");
    REQUIRE(guest.forbid.size() == 2);
    CHECK(guest.forbid[0].glob == "/etc/shadow");
    CHECK(guest.forbid[1].glob == "/etc/vmware-tools/*.key");
    REQUIRE(guest.inventory.size() == 2);
    CHECK(guest.inventory[0].glob == "/etc/hostname");
    CHECK(guest.inventory[1].glob == "/etc/vmname");
    CHECK(guest.tracked.size() == 1);
    CHECK(guest.history.size() == 1);
    REQUIRE(guest.cores.size() == 2);
    CHECK(guest.cores[0].glob == "/var/crash/*");
    // detect and description stay the including manifest's own
    CHECK(guest.detect.any_file == std::vector<std::string>{"/etc/vmware-tools"});
    // the included manifest itself is unchanged
    CHECK(platform_of(set, "base").groups.size() == 1);
  }

  TEST_CASE("includes are transitive and a shared include is merged once") {
    std::vector<Manifest> set = load_set({{"m/base.yaml", k_base},
                                          {"m/mid.yaml", "platform: mid\ninclude: [base]\n"
                                                         "groups:\n  - id: Mid:A\n    files: [/a]\n"},
                                          {"m/side.yaml", "platform: side\ninclude: [base]\n"},
                                          {"m/top.yaml", "platform: top\ninclude: [mid, side]\n"
                                                         "groups:\n  - id: Top:A\n    files: [/t]\n"}});
    REQUIRE(resolve_includes(set).has_value());
    const Manifest& top = platform_of(set, "top");
    std::vector<std::string> ids;
    for (const GroupSpec& g : top.groups) ids.push_back(g.id);
    CHECK(ids == std::vector<std::string>{"Logs:System", "Mid:A", "Top:A"});
    // a manifest made only of includes needs no groups of its own
    CHECK(platform_of(set, "side").groups.size() == 1);
  }

  TEST_CASE("a broken include names the manifest and the include's line") {
    struct IncludeCase {
      const char* what;
      std::vector<std::pair<std::string, std::string>> files;
      const char* message;
    };
    const IncludeCase cases[] = {
        {"an unknown platform",
         {{"m/base.yaml", k_base}, {"m/guest.yaml", "platform: guest\ninclude: [linx]\n"}},
         "m/guest.yaml:2:11: include: no manifest for platform 'linx' (known: base, guest)"},
        {"a manifest including itself",
         {{"m/a.yaml", "platform: a\ninclude: [a]\n"}},
         "m/a.yaml:2:11: include cycle: a -> a"},
        {"a cycle through two manifests",
         {{"m/a.yaml", "platform: a\ninclude: [b]\n"}, {"m/b.yaml", "platform: b\ninclude:\n  - a\n"}},
         "m/b.yaml:3:5: include cycle: a -> b -> a"},
        {"a group id defined in both",
         {{"m/base.yaml", k_base},
          {"m/g.yaml", "platform: g\ninclude: [base]\ngroups:\n  - id: Logs:System\n    files: [/x]\n"}},
         "m/g.yaml:4:5: group id 'Logs:System' is also defined by an included manifest (m/base.yaml:12)"},
    };
    for (const IncludeCase& c : cases) {
      CAPTURE(std::string(c.what));
      std::vector<Manifest> set = load_set(c.files);
      auto ok = resolve_includes(set);
      REQUIRE_FALSE(ok.has_value());
      CHECK(ok.error().message == std::string(c.message));
    }
  }

  TEST_CASE("include must be a list of platform names, and groups are required without it") {
    auto scalar = load_manifest("platform: g\ninclude: linux\n", k_source);
    REQUIRE_FALSE(scalar.has_value());
    CHECK(scalar.error().message == "manifests/x.yaml:2:10: 'include' must be a list of platform names");
    auto bad_name = load_manifest("platform: g\ninclude: [Linux!]\n", k_source);
    REQUIRE_FALSE(bad_name.has_value());
    CHECK(bad_name.error().message == "manifests/x.yaml:2:11: 'include' names a platform ([a-z0-9_-]+), got 'Linux!'");
    CHECK_FALSE(load_manifest("platform: g\n", k_source).has_value());
  }

  TEST_CASE("the built-in guest manifest includes linux's groups") {
    auto manifests = load_builtin_manifests();
    REQUIRE(manifests.has_value());
    const Manifest& guest = platform_of(*manifests, "guest");
    const Manifest& linux_manifest = platform_of(*manifests, "linux");
    for (const GroupSpec& group : linux_manifest.groups) {
      CAPTURE(group.id);
      CHECK(std::any_of(guest.groups.begin(), guest.groups.end(), [&](const GroupSpec& g) { return g.id == group.id; }));
    }
    CHECK(guest.groups.size() > linux_manifest.groups.size());
  }
}

}  // namespace vmsupport
