// Conformance of the collector-kinds table: every kind is complete, parses
// its own YAML, rejects what is not its shape, and is documented.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "kinds/registry.h"

using namespace vmsupport;

namespace {

// One valid YAML entry per kind, keyed by the kind's group key.
const std::map<std::string, std::string> k_valid_entry = {
    {"files", "{ glob: /var/log/*.log, max_bytes: 1MiB }"},
    {"commands", "{ id: uname, argv: [uname, -a] }"},
    {"forbid", "/etc/shadow"},
};

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_SUITE("unit") {

TEST_CASE("every kind in the registry is complete and parses a valid entry of its own") {
  REQUIRE(collector_kinds().size() == k_valid_entry.size());
  YamlReader reader("conformance.yaml");
  for (const KindInfo& kind : collector_kinds()) {
    const std::string key(kind.key);
    CAPTURE(key);
    CHECK_FALSE(kind.summary.empty());
    REQUIRE(static_cast<bool>(kind.parse));
    REQUIRE(static_cast<bool>(kind.describe));
    REQUIRE(k_valid_entry.contains(key));
    auto entry = kind.parse(reader, YAML::Load(k_valid_entry.at(key)));
    REQUIRE_MESSAGE(entry.has_value(), (entry ? "" : entry.error().message));
    CHECK(&kind_of(*entry) == &kind);
    CHECK_FALSE(kind.describe(*entry).empty());
  }
}

TEST_CASE("every kind rejects a value of the wrong shape with a located message") {
  YamlReader reader("conformance.yaml");
  for (const KindInfo& kind : collector_kinds()) {
    const std::string key(kind.key);
    CAPTURE(key);
    auto entry = kind.parse(reader, YAML::Load("[a, list, is, never, an, entry]"));
    REQUIRE_FALSE(entry.has_value());
    CHECK(entry.error().message.rfind("conformance.yaml:1:1: ", 0) == 0);
  }
}

TEST_CASE("every kind is documented in manifests/README.md") {
  const std::string readme = read_text(std::string(VMSUPPORT_SOURCE_DIR) + "/manifests/README.md");
  REQUIRE_FALSE(readme.empty());
  for (const KindInfo& kind : collector_kinds()) {
    const std::string key(kind.key);
    CAPTURE(key);
    CHECK(readme.find("(`" + key + ":`)") != std::string::npos);
  }
}

}  // TEST_SUITE
