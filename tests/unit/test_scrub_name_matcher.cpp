// NameMatcher (scrub/name_matcher): known names found as whole tokens, in any
// ASCII case and in every encoding, replaced in the encoding they were found
// in, leftmost-longest; generic names only where they stand as names; and
// names outside ASCII.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "scrub/name_matcher.h"

using namespace vmsupport;

namespace {

struct Case {
  std::string_view text;
  std::string_view expected;  // the text with every match replaced
};

// The names most cases below use; replacements are written like pseudonyms.
std::vector<NameEntry> sample_names() {
  return {
      {"dc01", "host-0001", Category::host, false},
      {"Payroll DB", "vm-0001", Category::vm, false},
      {"R&D", "vm-0002", Category::vm, false},
      {"esx01.corp.example", "host-0002", Category::host, false},
      {"esx01", "host-0003", Category::host, false},
      {"test", "vm-0003", Category::vm, true},
      {"server", "host-0004", Category::host, true},
      {"M\xc3\xbcller-Buchhaltung", "vm-0004", Category::vm, false},
      {"\xe8\xb2\xa1\xe5\x8b\x99\xe3\x82\xb5\xe3\x83\xbc\xe3\x83\x90" "01", "vm-0005", Category::vm, false},  // 財務サーバ01
  };
}

NameMatcher build(const std::vector<NameEntry>& names) {
  auto matcher = NameMatcher::build(names);
  REQUIRE(matcher.has_value());
  return std::move(*matcher);
}

// `text` with every match replaced by its replacement.
std::string replace(const NameMatcher& matcher, std::string_view text) {
  std::string out;
  std::size_t at = 0;
  for (const NameMatch& m : matcher.find(text)) {
    out.append(text.substr(at, m.begin - at));
    out += m.replacement;
    at = m.end;
  }
  out.append(text.substr(at));
  return out;
}

void check_cases(const NameMatcher& matcher, const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    INFO("text: ", c.text);
    CHECK(replace(matcher, c.text) == c.expected);
  }
}

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("a name matches as a whole token, between punctuation, but not inside a longer word") {
    const NameMatcher matcher = build(sample_names());
    check_cases(matcher, {
        {"dc01", "host-0001"},
        {"dc01-flat.vmdk", "host-0001-flat.vmdk"},
        {"/vmfs/volumes/ds1/dc01/dc01.vmx", "/vmfs/volumes/ds1/host-0001/host-0001.vmx"},
        {"[datastore1] Payroll DB/Payroll DB.vmx", "[datastore1] vm-0001/vm-0001.vmx"},
        {"host=dc01,port=443", "host=host-0001,port=443"},
        {"_dc01_", "_host-0001_"},
        {"(dc01)", "(host-0001)"},
        {"dc012 xdc01 0dc01 dc01x", "dc012 xdc01 0dc01 dc01x"},
        {"Payroll DBA", "Payroll DBA"},
        {"MyPayroll DB", "MyPayroll DB"},
        {"", ""},
        {"nothing to see here\n", "nothing to see here\n"},
    });
  }

  TEST_CASE("a name matches in any ASCII case") {
    const NameMatcher matcher = build(sample_names());
    check_cases(matcher, {
        {"DC01 Dc01 dC01", "host-0001 host-0001 host-0001"},
        {"PAYROLL DB payroll db", "vm-0001 vm-0001"},
        {"r&d", "vm-0002"},
        {"m\xc3\xbcller-buchhaltung", "vm-0004"},
    });
  }

  TEST_CASE("a name matches in every encoding and is replaced in the same encoding") {
    const NameMatcher matcher = build(sample_names());
    check_cases(matcher, {
        {"GET /vm/Payroll%20DB/summary", "GET /vm/vm-0001/summary"},
        {"GET /vm/payroll%20db/summary", "GET /vm/vm-0001/summary"},
        {"?name=Payroll+DB&x=1", "?name=vm-0001&x=1"},
        {"unit vm-Payroll\\x20DB.scope", "unit vm-vm\\x2d0001.scope"},
        {"<name>R&amp;D</name>", "<name>vm-0002</name>"},
        {"<name>R&#38;D</name>", "<name>vm-0002</name>"},
        {"q=R%26D", "q=vm-0002"},
        {"M%C3%BCller-Buchhaltung", "vm-0004"},
        {"m%c3%bcller-buchhaltung", "vm-0004"},
        {"{\"vm\": \"M\\u00fcller-Buchhaltung\"}", "{\"vm\": \"vm-0004\"}"},
        {"{\"vm\": \"M\\u00FCller-Buchhaltung\"}", "{\"vm\": \"vm-0004\"}"},
        {"M\\xc3\\xbcller\\x2dBuchhaltung.service", "vm\\x2d0004.service"},
    });
  }

  TEST_CASE("a replacement with characters to escape is escaped like the match") {
    const NameMatcher matcher = build({{"R&D", "X&Y Z", Category::vm, false}});
    check_cases(matcher, {
        {"R&D", "X&Y Z"},
        {"R%26D", "X%26Y%20Z"},
        {"R&amp;D", "X&amp;Y Z"},
        {"R&#38;D", "X&#38;Y Z"},
        {"R\\x26D", "X\\x26Y\\x20Z"},
    });
  }

  TEST_CASE("the longest name wins where two start at the same place") {
    const NameMatcher matcher = build(sample_names());
    check_cases(matcher, {
        {"esx01.corp.example", "host-0002"},
        {"esx01", "host-0003"},
        {"esx01.corp.example esx01 ESX01.CORP.EXAMPLE", "host-0002 host-0003 host-0002"},
        {"esx01.corp.examples", "host-0003.corp.examples"},
        {"https://esx01.corp.example/ui", "https://host-0002/ui"},
    });
    // The same holds whatever order the names are given in.
    const NameMatcher reversed = build({{"esx01", "short", Category::host, false},
                                        {"esx01.corp.example", "long", Category::host, false}});
    CHECK(replace(reversed, "esx01.corp.example") == "long");
  }

  TEST_CASE("a match reports its span and category") {
    const NameMatcher matcher = build(sample_names());
    const std::string_view text = "vm Payroll DB on dc01";
    const std::vector<NameMatch> matches = matcher.find(text);
    REQUIRE(matches.size() == 2);
    CHECK(matches[0].begin == 3);
    CHECK(matches[0].end == 13);
    CHECK(matches[0].category == Category::vm);
    CHECK(matches[0].replacement == "vm-0001");
    CHECK(matches[1].begin == 17);
    CHECK(matches[1].end == 21);
    CHECK(matches[1].category == Category::host);
  }

  TEST_CASE("a generic name matches only as a path component, a quoted value or a bracketed token") {
    const NameMatcher matcher = build(sample_names());
    check_cases(matcher, {
        {"/vmfs/volumes/ds1/test/test.vmx", "/vmfs/volumes/ds1/vm-0003/vm-0003.vmx"},
        {"displayName = \"test\"", "displayName = \"vm-0003\""},
        {"name='test'", "name='vm-0003'"},
        {"[test] powered on", "[vm-0003] powered on"},
        {"\"server\"", "\"host-0004\""},
        {"run test now", "run test now"},
        {"unit test passed", "unit test passed"},
        {"test-1 test.log", "test-1 test.log"},
        {"the server started", "the server started"},
        {"server: up", "server: up"},
        {"cd /test\n", "cd /vm-0003\n"},
        // A JSON key is a field's label, its value a name.
        {"{\"test\": \"test\"}", "{\"test\": \"vm-0003\"}"},
        {"\"server\" : null", "\"server\" : null"},
    });
  }

  TEST_CASE("a generic host name is replaced where it stands as the host: its own line, a host field, a host column") {
    const NameMatcher matcher = build({{"vm", "host-0001", Category::host, true},
                                       {"test", "vm-0003", Category::vm, true}});
    check_cases(matcher, {
        // /etc/hostname, and a README's host line
        {"vm\n", "host-0001\n"},
        {"vm", "host-0001"},
        {"  vm \r\n", "  host-0001 \r\n"},
        {"Host:      vm (Debian GNU/Linux 12)", "Host:      host-0001 (Debian GNU/Linux 12)"},
        // labelled fields
        {"kernel.hostname = vm\n", "kernel.hostname = host-0001\n"},
        {"_HOSTNAME=vm\n", "_HOSTNAME=host-0001\n"},
        {"/adv/Misc/HostName = vm", "/adv/Misc/HostName = host-0001"},
        {"nodename: vm", "nodename: host-0001"},
        {"displayName = test", "displayName = vm-0003"},
        // host columns: syslog, journal, hosts, uname, user@host
        {"Dec  4 17:00:01 vm sshd[812]: Accepted", "Dec  4 17:00:01 host-0001 sshd[812]: Accepted"},
        {"2026-12-04T17:00:01.123+00:00 vm kernel: x", "2026-12-04T17:00:01.123+00:00 host-0001 kernel: x"},
        {"127.0.1.1\tvm.localdomain vm\n", "127.0.1.1\thost-0001.localdomain host-0001\n"},
        {"::1 localhost vm", "::1 localhost host-0001"},
        {"Linux vm 6.1.0-18-amd64 #1 SMP", "Linux host-0001 6.1.0-18-amd64 #1 SMP"},
        {"root@vm:~# ls", "root@host-0001:~# ls"},
        {"[ds1] test/test.vmx", "[ds1] vm-0003/vm-0003.vmx"},
        // and nowhere else
        {"vm.swappiness = 60", "vm.swappiness = 60"},
        {"total-vm:34323760kB", "total-vm:34323760kB"},
        {"inventory: 2 host, 0 vm, 1 user", "inventory: 2 host, 0 vm, 1 user"},
        {"Dec  4 17:00:01 vm is the word", "Dec  4 17:00:01 vm is the word"},
        {"the vm was started", "the vm was started"},
        {"hostname = test", "hostname = test"},
        {"vm = vm", "vm = vm"},
        {"10:00:00 start test", "10:00:00 start test"},
    });
  }

  TEST_CASE("names outside ASCII match whole, their ASCII letters in any case") {
    const NameMatcher matcher = build(sample_names());
    check_cases(matcher, {
        {"M\xc3\xbcller-Buchhaltung.vmx", "vm-0004.vmx"},
        {"[ds1] M\xc3\xbcller-Buchhaltung/M\xc3\xbcller-Buchhaltung.vmdk", "[ds1] vm-0004/vm-0004.vmdk"},
        {"XM\xc3\xbcller-Buchhaltung", "XM\xc3\xbcller-Buchhaltung"},
        {"\xe8\xb2\xa1\xe5\x8b\x99\xe3\x82\xb5\xe3\x83\xbc\xe3\x83\x90" "01.vmx", "vm-0005.vmx"},
        {"vm=\xe8\xb2\xa1\xe5\x8b\x99\xe3\x82\xb5\xe3\x83\xbc\xe3\x83\x90" "01\n", "vm=vm-0005\n"},
        {"\xe8\xb2\xa1\xe5\x8b\x99\xe3\x82\xb5\xe3\x83\xbc\xe3\x83\x90" "012", "\xe8\xb2\xa1\xe5\x8b\x99\xe3\x82\xb5\xe3\x83\xbc\xe3\x83\x90" "012"},
        {"\\u8ca1\\u52d9\\u30b5\\u30fc\\u30d0" "01", "vm-0005"},
        {"%E8%B2%A1%E5%8B%99%E3%82%B5%E3%83%BC%E3%83%90" "01", "vm-0005"},
    });
  }

  TEST_CASE("matches never overlap and come in text order") {
    const NameMatcher matcher = build(sample_names());
    const std::string text = "dc01 Payroll DB esx01.corp.example R&amp;D dc01-flat.vmdk [test]";
    const std::vector<NameMatch> matches = matcher.find(text);
    REQUIRE(matches.size() == 6);
    for (std::size_t i = 1; i < matches.size(); ++i) CHECK(matches[i - 1].end <= matches[i].begin);
  }

  TEST_CASE("compile then assign matches like build, asking each name's replacement once, in order") {
    std::vector<NameEntry> names = sample_names();
    names.insert(names.begin() + 1, NameEntry{"", "unused", Category::host, false});
    std::vector<NameEntry> unnamed = names;
    for (NameEntry& entry : unnamed) entry.replacement.clear();
    auto compiled = NameMatcher::compile(unnamed);
    REQUIRE(compiled.has_value());
    std::vector<std::size_t> asked;
    compiled->assign([&](std::size_t i) {
      asked.push_back(i);
      return names[i].replacement;
    });
    std::vector<std::size_t> expected;
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (!names[i].name.empty()) expected.push_back(i);
    }
    CHECK(asked == expected);
    const NameMatcher built = build(names);
    for (std::string_view text : {"dc01 Payroll%20DB R&amp;D [test] esx01.corp.example", "/server/x"}) {
      CHECK(replace(*compiled, text) == replace(built, text));
    }
  }

  TEST_CASE("empty names are ignored, and no names find nothing") {
    const NameMatcher empty = build({});
    CHECK(empty.size() == 0);
    CHECK(empty.find("dc01 anything").empty());
    const NameMatcher blank = build({{"", "host-0001", Category::host, false}});
    CHECK(blank.size() == 0);
    CHECK(blank.find("some text").empty());
    const NameMatcher one = build({{"", "x", Category::host, false}, {"dc01", "host-0001", Category::host, false}});
    CHECK(one.size() == 1);
    CHECK(replace(one, "dc01") == "host-0001");
  }

  TEST_CASE("generic names are short ones, digits only and common words, in any case") {
    struct GenericCase {
      std::string_view name;
      bool generic;
    };
    const std::vector<GenericCase> cases = {
        {"vm", true},      {"ab", true},       {"x", true},          {"123456", true},
        {"test", true},    {"TEST", true},     {"Server", true},     {"backup", true},
        {"localhost", true}, {"photon", true}, {"esx01", false},     {"dc01", false},
        {"Payroll DB", false}, {"test01", false}, {"web-frontend", false}, {"12a", false},
        {"\xe8\xb2\xa1\xe5\x8b\x99", false},
    };
    for (const GenericCase& c : cases) {
      INFO("name: ", c.name);
      CHECK(is_generic_name(c.name) == c.generic);
    }
  }
}

TEST_SUITE("unit") {
  TEST_CASE("a name inside a UUID is part of the UUID, not the name") {
    const NameMatcher matcher = build(sample_names());
    check_cases(matcher, {
                             {"uuid.bios = \"564d1234-dc01-90ab-cdef-1234567890ab\"",
                              "uuid.bios = \"564d1234-dc01-90ab-cdef-1234567890ab\""},
                             {"dc01-flat.vmdk in 564d1234-5678-90ab-cdef-1234567890ab",
                              "host-0001-flat.vmdk in 564d1234-5678-90ab-cdef-1234567890ab"},
                         });
  }

  TEST_CASE("Go's JSON form of a name (R\\u0026D) is found") {
    const NameMatcher matcher = build(sample_names());
    check_cases(matcher, {{"{\"name\": \"R\\u0026D\"}", "{\"name\": \"vm-0002\"}"}});
  }
}
