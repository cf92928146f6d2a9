// UTF-8 validation and base64, used for non-UTF-8 file names in manifest.json;
// counted nouns for messages.
#include <doctest/doctest.h>

#include "util/text.h"

using namespace vmsupport;

TEST_SUITE("unit") {

TEST_CASE("UTF-8 validity is decided byte-exactly") {
  struct Case {
    std::string text;
    bool valid;
  };
  const Case cases[] = {
      {"", true},
      {"plain ascii", true},
      {"M\xc3\xbcller-Buchhaltung", true},
      {"\xe8\xb2\xa1\xe5\x8b\x99", true},
      {"\xf0\x9f\x98\x80", true},
      {"\xff\xfe", false},
      {"lone lead \xc3 then ascii", false},
      {"lone continuation \x80", false},
      {"truncated \xe2\x82", false},
      {"overlong \xc0\xaf", false},
      {"surrogate \xed\xa0\x80", false},
      {"beyond U+10FFFF \xf4\x90\x80\x80", false},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(is_valid_utf8(c.text) == c.valid);
  }
}

TEST_CASE("base64 round-trips any bytes") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t n = 0; n <= all.size(); n += 37) {
    CHECK(base64_decode(base64_encode(all.substr(0, n))) == all.substr(0, n));
  }
  CHECK(base64_decode("Zm9v\nYmFy") == "foobar");
}

TEST_CASE("a count and its noun: singular only for one") {
  CHECK(counted(0, "item") == "0 items");
  CHECK(counted(1, "item") == "1 item");
  CHECK(counted(2, "attempt") == "2 attempts");
  CHECK(counted(100000, "problem") == "100000 problems");
}

}  // TEST_SUITE
