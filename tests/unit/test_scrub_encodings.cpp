// The encodings names take in bundle files (scrub/encodings): each encoder on
// the characters it must escape and on those it must leave alone, and the
// distinct forms encoded_forms() gives for typical names, raw first.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scrub/encodings.h"

using namespace vmsupport;

namespace {

struct Case {
  Encoding encoding;
  std::string_view text;
  std::string_view encoded;
};

std::string_view encoding_label(Encoding encoding) {
  switch (encoding) {
    case Encoding::raw: return "raw";
    case Encoding::url: return "url";
    case Encoding::url_plus: return "url_plus";
    case Encoding::xml: return "xml";
    case Encoding::xml_numeric: return "xml_numeric";
    case Encoding::json: return "json";
    case Encoding::json_unicode: return "json_unicode";
    case Encoding::json_html: return "json_html";
    case Encoding::systemd: return "systemd";
  }
  return "?";
}

const Encoding k_all[] = {Encoding::raw,  Encoding::url,          Encoding::url_plus, Encoding::xml,
                          Encoding::xml_numeric, Encoding::json, Encoding::json_unicode, Encoding::json_html, Encoding::systemd};

// "raw:esx01 | url:esx01": forms with their encodings, for readable failures.
std::string render(const std::vector<std::pair<Encoding, std::string>>& forms) {
  std::string out;
  for (const auto& [encoding, form] : forms) {
    if (!out.empty()) out += " | ";
    out += std::string(encoding_label(encoding)) + ":" + form;
  }
  return out;
}

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("each encoder escapes what its format escapes and keeps the rest") {
    const std::vector<Case> cases = {
        {Encoding::raw, "Payroll DB", "Payroll DB"},
        {Encoding::raw, "R&D <\"x\">", "R&D <\"x\">"},

        {Encoding::url, "Payroll DB", "Payroll%20DB"},
        {Encoding::url, "R&D", "R%26D"},
        {Encoding::url, "a-b.c_d~e09AZ", "a-b.c_d~e09AZ"},
        {Encoding::url, "a/b+c", "a%2Fb%2Bc"},
        {Encoding::url, "M\xc3\xbcller", "M%C3%BCller"},

        {Encoding::url_plus, "Payroll DB", "Payroll+DB"},
        {Encoding::url_plus, "a+b c", "a%2Bb+c"},
        {Encoding::url_plus, "R&D", "R%26D"},

        {Encoding::xml, "R&D", "R&amp;D"},
        {Encoding::xml, "<a href='x'>\"", "&lt;a href=&apos;x&apos;&gt;&quot;"},
        {Encoding::xml, "Payroll DB", "Payroll DB"},
        {Encoding::xml, "M\xc3\xbcller", "M\xc3\xbcller"},

        {Encoding::xml_numeric, "R&D", "R&#38;D"},
        {Encoding::xml_numeric, "<'\">", "&#60;&#39;&#34;&#62;"},

        {Encoding::json, "say \"hi\"\\", "say \\\"hi\\\"\\\\"},
        {Encoding::json, "tab\tend", "tab\\u0009end"},
        {Encoding::json, "M\xc3\xbcller", "M\xc3\xbcller"},
        {Encoding::json, "Payroll DB/x", "Payroll DB/x"},

        {Encoding::json_unicode, "M\xc3\xbcller", "M\\u00fcller"},
        {Encoding::json_unicode, "\xe8\xb2\xa1\xe5\x8b\x99", "\\u8ca1\\u52d9"},   // 財務
        {Encoding::json_unicode, "\xf0\x9f\x98\x80", "\\ud83d\\ude00"},          // U+1F600: a surrogate pair
        {Encoding::json_unicode, "a\"b", "a\\\"b"},
        {Encoding::json_unicode, "esx01", "esx01"},

        {Encoding::systemd, "Payroll DB", "Payroll\\x20DB"},
        {Encoding::systemd, "/vmfs/volumes/ds1", "-vmfs-volumes-ds1"},
        {Encoding::systemd, "dc-01", "dc\\x2d01"},
        {Encoding::systemd, ".hidden.conf", "\\x2ehidden.conf"},
        {Encoding::systemd, "a.b:c_d", "a.b:c_d"},
        {Encoding::systemd, "M\xc3\xbcller", "M\\xc3\\xbcller"},
    };
    for (const Case& c : cases) {
      INFO(encoding_label(c.encoding), ": ", c.text);
      CHECK(encode(c.text, c.encoding) == c.encoded);
    }
  }

  TEST_CASE("the empty text is empty in every encoding") {
    for (Encoding encoding : k_all) {
      INFO(encoding_label(encoding));
      CHECK(encode("", encoding).empty());
    }
  }

  TEST_CASE("a truncated UTF-8 sequence at the end is not read past") {
    // The lead byte of a 2-byte sequence with nothing after it: kept as one code unit.
    const std::string encoded = encode("ab\xc3", Encoding::json_unicode);
    CHECK(encoded.starts_with("ab\\u00"));
    CHECK(encoded.size() == 8);
  }

  TEST_CASE("encoded forms are distinct, raw first, one per differing encoding") {
    struct FormsCase {
      std::string_view name;
      std::vector<std::pair<Encoding, std::string>> forms;
    };
    const std::vector<FormsCase> cases = {
        {"esx01", {{Encoding::raw, "esx01"}}},
        {"Payroll DB",
         {{Encoding::raw, "Payroll DB"},
          {Encoding::url, "Payroll%20DB"},
          {Encoding::url_plus, "Payroll+DB"},
          {Encoding::systemd, "Payroll\\x20DB"}}},
        {"R&D",
         {{Encoding::raw, "R&D"},
          {Encoding::url, "R%26D"},
          {Encoding::xml, "R&amp;D"},
          {Encoding::xml_numeric, "R&#38;D"},
          {Encoding::json_html, "R\\u0026D"},
          {Encoding::systemd, "R\\x26D"}}},
        {"M\xc3\xbcller-Buchhaltung",
         {{Encoding::raw, "M\xc3\xbcller-Buchhaltung"},
          {Encoding::url, "M%C3%BCller-Buchhaltung"},
          {Encoding::json_unicode, "M\\u00fcller-Buchhaltung"},
          {Encoding::systemd, "M\\xc3\\xbcller\\x2dBuchhaltung"}}},
    };
    for (const FormsCase& c : cases) {
      INFO("name: ", c.name);
      const auto forms = encoded_forms(c.name);
      CHECK(render(forms) == render(c.forms));
      std::set<std::string> distinct;
      for (const auto& form : forms) distinct.insert(form.second);
      CHECK(distinct.size() == forms.size());
    }
  }

  TEST_CASE("every encoded form is what encode() gives for its encoding") {
    for (std::string_view name : {"Payroll DB", "R&D", "Lab \"A\"/B", "\xe8\xb2\xa1\xe5\x8b\x99 01"}) {
      for (const auto& [encoding, form] : encoded_forms(name)) {
        INFO(name, " ", encoding_label(encoding));
        CHECK(form == encode(name, encoding));
      }
    }
  }
}
