// Tests for deliver/upload_target: {case}/{file} placeholders, URL-encoding,
// what may be printed of a URL and of a header, and --header parsing.
#include <doctest/doctest.h>

#include <string>

#include "deliver/upload_target.h"

namespace vmsupport {
namespace {

struct ExpandCase {
  const char* url;
  const char* case_id;
  const char* file;
  const char* expected;  // nullptr: fails
  const char* error_part;
};

const ExpandCase k_expand_cases[] = {
    {"https://h/cases/{case}/files/{file}", "24012345", "b.tgz", "https://h/cases/24012345/files/b.tgz", ""},
    {"https://h/up/{file}?sig=abc", "", "b c+d.tgz", "https://h/up/b%20c%2Bd.tgz?sig=abc", ""},
    {"https://h/incoming/", "", "b.tgz.part-001", "https://h/incoming/b.tgz.part-001", ""},
    {"http://h/fixed", "", "b.tgz", "http://h/fixed", ""},
    {"https://h/{file}/", "", "a.tgz", "https://h/a.tgz/", ""},
    {"https://h/{case}/x", "", "b.tgz", nullptr, "has {case} but no --case"},
    {"https://h/{bundle}", "", "b.tgz", nullptr, "unknown placeholder '{bundle}'"},
    {"ftp://h/x", "", "b.tgz", nullptr, "not an http:// or https:// URL"},
    {"h/x", "", "b.tgz", nullptr, "not an http:// or https:// URL"},
};

struct RedactCase {
  const char* url;
  const char* expected;
};

const RedactCase k_redact_cases[] = {
    {"https://h/x", "https://h/x"},
    {"https://user:secret@h:8443/x", "https://***@h:8443/x"},
    {"https://h/x?sig=abc&expires=1&SECRET", "https://h/x?sig=***&expires=***&***"},  // a bare value may be a token
    {"https://h/x?sig=abc#frag", "https://h/x?sig=***"},
    {"https://u:p@h?token=t", "https://***@h?token=***"},
    {"https://h/{case}/{file}", "https://h/{case}/{file}"},
};

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("upload URLs get their placeholders filled, URL-encoded, or fail naming the problem") {
    for (const ExpandCase& c : k_expand_cases) {
      CAPTURE(std::string(c.url));
      auto url = expand_upload_url(c.url, c.case_id, c.file);
      if (c.expected) {
        REQUIRE(url);
        CHECK(*url == c.expected);
      } else {
        REQUIRE_FALSE(url);
        CHECK(url.error().message.find(c.error_part) != std::string::npos);
      }
    }
  }

  TEST_CASE("a URL names each file when it holds {file} or ends with a slash") {
    CHECK(url_names_each_file("https://h/{file}"));
    CHECK(url_names_each_file("https://h/dir/"));
    CHECK_FALSE(url_names_each_file("https://h/one-place"));
  }

  TEST_CASE("printed URLs hide credentials and query values") {
    for (const RedactCase& c : k_redact_cases) {
      CAPTURE(std::string(c.url));
      CHECK(redact_url(c.url) == std::string(c.expected));
    }
  }

  TEST_CASE("url_encode keeps only unreserved characters") {
    CHECK(url_encode("a-Z_0.9~") == "a-Z_0.9~");
    CHECK(url_encode("a/b c%\xc3\xa9") == "a%2Fb%20c%25%C3%A9");
  }

  TEST_CASE("--header is parsed into name and value, and printed without its value") {
    auto header = parse_header("Authorization:   Bearer abc.def  ");
    REQUIRE(header);
    CHECK(header->name == "Authorization");
    CHECK(header->value == "Bearer abc.def");
    CHECK(redact_header(*header) == "Authorization: ***");
    auto empty_value = parse_header("X-Empty:");
    REQUIRE(empty_value);
    CHECK(empty_value->value.empty());
  }

  TEST_CASE("a bad --header fails without quoting its value") {
    auto no_colon = parse_header("Authorization Bearer secret");
    REQUIRE_FALSE(no_colon);
    CHECK(no_colon.error().message.find("no ':'") != std::string::npos);
    CHECK(no_colon.error().message.find("secret") == std::string::npos);
    auto no_name = parse_header(": secret");
    REQUIRE_FALSE(no_name);
    CHECK(no_name.error().message.find("secret") == std::string::npos);
    auto spaced = parse_header("Auth Token: secret");
    REQUIRE_FALSE(spaced);
    CHECK(spaced.error().message.find("Auth Token: ***") != std::string::npos);
    auto line_break = parse_header("X-A: one\r\nX-B: two");
    REQUIRE_FALSE(line_break);
    CHECK(line_break.error().message.find("line break") != std::string::npos);
    CHECK(line_break.error().message.find("two") == std::string::npos);
  }
}

}  // namespace vmsupport
