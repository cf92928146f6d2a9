// Tests for bundle/case_info: case ids and severities as support engineers
// type them (valid and not), case.json's fields and README.txt's lines.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "bundle/case_info.h"

namespace vmsupport {

TEST_SUITE("unit") {

TEST_CASE("case ids are letters, digits and dashes, at most 64") {
  struct Case {
    const char* id;
    bool valid;
  };
  const std::string longest(64, '7');
  for (const Case& c : {Case{"24012345", true}, Case{"SR-2024-0001", true}, Case{"abc", true},
                        Case{longest.c_str(), true}, Case{"", false}, Case{"-1234", false},
                        Case{"12 34", false}, Case{"12/34", false}, Case{"12_34", false}, Case{"caf\xc3\xa9", false},
                        Case{"../x", false}}) {
    INFO("id '" << c.id << "'");
    CHECK(check_case_id(c.id).has_value() == c.valid);
  }
  CHECK_FALSE(check_case_id(std::string(65, '7')).has_value());
  CHECK(check_case_id("12 34").error().message.find("'12 34'") != std::string::npos);
}

TEST_CASE("severities are 1 to 4 with the vendor's meanings") {
  CHECK(parse_severity("1").value() == 1);
  CHECK(parse_severity("4").value() == 4);
  for (const char* bad : {"0", "5", "", "12", "high", "-1", "2.0"}) {
    INFO("severity '" << bad << "'");
    REQUIRE_FALSE(parse_severity(bad).has_value());
    CHECK(parse_severity(bad).error().message.find("1 (production down)") != std::string::npos);
  }
  CHECK(severity_meaning(1) == "production down");
  CHECK(severity_meaning(2) == "severely degraded");
  CHECK(severity_meaning(3) == "minor impact");
  CHECK(severity_meaning(4) == "general question");
  CHECK(severity_meaning(0).empty());
}

TEST_CASE("case.json has every field, null when not given") {
  const auto full = nlohmann::json::parse(render_case_json({"24012345", 2, "hostd crashed", "ops desk"}));
  CHECK(full["id"] == "24012345");
  CHECK(full["severity"] == 2);
  CHECK(full["severity_meaning"] == "severely degraded");
  CHECK(full["description"] == "hostd crashed");
  CHECK(full["contact"] == "ops desk");
  const auto some = nlohmann::json::parse(render_case_json({"7", 0, "", ""}));
  CHECK(some["severity"].is_null());
  CHECK(some["severity_meaning"].is_null());
  CHECK(some["description"].is_null());
  CHECK(some.size() == full.size());
}

TEST_CASE("README lines show the fields given, severity with its meaning") {
  const std::string lines = render_case_lines({"24012345", 1, "", "ops desk"});
  CHECK(lines == "Case:      24012345\nSeverity:  1 (production down)\nContact:   ops desk\n");
  CHECK(render_case_lines({}).empty());
  CHECK(CaseInfo{}.empty());
  CHECK_FALSE(CaseInfo{"", 0, "x", ""}.empty());
}

}  // TEST_SUITE

}  // namespace vmsupport
