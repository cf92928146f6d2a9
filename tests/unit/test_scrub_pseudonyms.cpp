// PseudonymMap: the shape of each category's pseudonyms, the address rules
// (subnets, special addresses, notations, dashed IPv4), reverse lookup, the
// map file and its stability across runs, and thread safety.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "../support/temp_tree.h"
#include "scrub/address_forms.h"
#include "scrub/pseudonyms.h"

using namespace vmsupport;

namespace {

struct Case {
  Category category;
  std::string original;
  std::string pseudonym;
};

// Asks `map` for each case in order and checks the answer.
void check_cases(PseudonymMap& map, const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    INFO(category_name(c.category), " ", c.original);
    CHECK(map.pseudonym(c.category, c.original) == c.pseudonym);
  }
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("names get typed pseudonyms numbered per category in the order first seen") {
    PseudonymMap map;
    check_cases(map, {
                         {Category::host, "esx01", "host-0001"},
                         {Category::host, "esx02", "host-0002"},
                         {Category::vm, "web-frontend", "vm-0001"},
                         {Category::user, "jdoe", "user-0001"},
                         {Category::word, "ProjectPhoenix", "word-0001"},
                         {Category::domain, "corp.example", "domain-01.invalid"},
                         {Category::domain, "lab.example", "domain-02.invalid"},
                         {Category::host, "esx01", "host-0001"},
                         {Category::vm, "esx01", "vm-0002"},
                     });
  }

  TEST_CASE("a moved map keeps its entries and numbering") {
    PseudonymMap map;
    CHECK(map.pseudonym(Category::host, "esx01") == "host-0001");
    CHECK(map.pseudonym(Category::ipv4, "10.1.2.3") != "10.1.2.3");
    PseudonymMap moved(std::move(map));
    CHECK(moved.entries().size() == 2);
    CHECK(moved.pseudonym(Category::host, "esx01") == "host-0001");
    CHECK(moved.pseudonym(Category::host, "esx02") == "host-0002");
    PseudonymMap assigned;
    assigned = std::move(moved);
    CHECK(assigned.original("host-0002") == std::optional<std::string>("esx02"));
  }

  TEST_CASE("names are looked up case-insensitively and keep their first spelling") {
    PseudonymMap map;
    CHECK(map.pseudonym(Category::host, "ESX01.Corp") == "host-0001");
    CHECK(map.pseudonym(Category::host, "esx01.corp") == "host-0001");
    CHECK(map.pseudonym(Category::host, "Esx01.CORP") == "host-0001");
    const auto entries = map.entries();
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].original == "ESX01.Corp");
    CHECK(entries[0].pseudonym == "host-0001");
  }

  TEST_CASE("numbers grow past their padding") {
    PseudonymMap map;
    for (int i = 1; i < 10000; ++i) map.pseudonym(Category::host, "h" + std::to_string(i));
    CHECK(map.pseudonym(Category::host, "h9999") == "host-9999");
    CHECK(map.pseudonym(Category::host, "h10000") == "host-10000");
    for (int i = 1; i < 100; ++i) map.pseudonym(Category::domain, "d" + std::to_string(i));
    CHECK(map.pseudonym(Category::domain, "d9") == "domain-09.invalid");
    CHECK(map.pseudonym(Category::domain, "d100") == "domain-100.invalid");
  }

  TEST_CASE("an empty original stays empty and a malformed address becomes a word") {
    PseudonymMap map;
    CHECK(map.pseudonym(Category::host, "") == "");
    CHECK(map.pseudonym(Category::ipv4, "") == "");
    check_cases(map, {
                         {Category::ipv4, "10.1.2.256", "word-0001"},
                         {Category::ipv4, "10.1.2", "word-0002"},
                         {Category::ipv6, "2001:db8::1%eth0", "word-0003"},
                         {Category::mac, "00:50:56:9a:bc", "word-0004"},
                         {Category::email, "no-at-sign", "word-0005"},
                         {Category::email, "@corp.example", "word-0006"},
                     });
    CHECK(map.entries().size() == 6);
  }

  TEST_CASE("IPv4 keeps the host octet and gives each /24 its own pseudo /24") {
    PseudonymMap map;
    check_cases(map, {
                         {Category::ipv4, "10.20.30.40", "240.0.1.40"},
                         {Category::ipv4, "10.20.30.1", "240.0.1.1"},
                         {Category::ipv4, "10.20.30.255", "240.0.1.255"},
                         {Category::ipv4, "192.168.1.10", "240.0.2.10"},
                         {Category::ipv4, "10.20.31.40", "240.0.3.40"},
                         {Category::ipv4, "10.20.30.0", "240.0.1.0"},
                         {Category::ipv4, "010.020.030.040", "240.0.1.40"},
                         {Category::ipv4, "10.20.30.40", "240.0.1.40"},
                     });
    CHECK(map.entries().size() == 6);  // 010.020.030.040 is 10.20.30.40
  }

  TEST_CASE("pseudo /24s never end in .0 and never reach 255.x") {
    PseudonymMap map;
    std::string last;
    for (int net = 0; net < 256; ++net) {
      last = map.pseudonym(Category::ipv4, "10.0." + std::to_string(net) + ".7");
      if (net == 254) CHECK(last == "240.0.255.7");
    }
    CHECK(last == "240.1.1.7");
  }

  TEST_CASE("special IPv4 addresses are kept as they are") {
    PseudonymMap map;
    const char* kept[] = {
        "0.0.0.0",         "127.0.0.1",   "127.12.34.56",    "255.255.255.255", "169.254.0.1",
        "169.254.169.254", "224.0.0.1",   "239.255.255.250", "240.0.1.40",      "250.1.2.3",
        "255.255.255.0",   "255.255.0.0", "255.0.0.0",       "255.255.255.252", "255.255.254.0",
        "128.0.0.0",       "192.0.0.0",
    };
    for (const char* address : kept) {
      INFO(address);
      CHECK(map.pseudonym(Category::ipv4, address) == address);
    }
    CHECK(map.entries().empty());
  }

  TEST_CASE("every contiguous netmask is kept and near-masks are not") {
    PseudonymMap map;
    for (int bits = 0; bits <= 32; ++bits) {
      const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
      const std::string text = std::to_string(mask >> 24) + '.' + std::to_string(mask >> 16 & 255) +
                               '.' + std::to_string(mask >> 8 & 255) + '.' +
                               std::to_string(mask & 255);
      INFO(text);
      CHECK(map.pseudonym(Category::ipv4, text) == text);
    }
    CHECK(map.pseudonym(Category::ipv4, "192.168.255.0") == "240.0.1.0");
    CHECK(map.pseudonym(Category::ipv4, "128.0.0.1") == "240.0.2.1");
  }

  TEST_CASE("IPv4 text is four octets joined by dots or by dashes, never by both") {
    struct Row {
      const char* text;
      std::optional<std::uint32_t> value;
      char separator;
    };
    const Row rows[] = {
        {"192.168.0.66", 0xc0a80042, '.'},
        {"192-168-0-66", 0xc0a80042, '-'},
        {"0-0-0-0", 0, '-'},
        {"255-255-255-255", 0xffffffff, '-'},
        {"010-020-030-040", 0x0a141e28, '-'},
        {"192-168-0.66", std::nullopt, 0},
        {"192.168-0-66", std::nullopt, 0},
        {"192-168-0", std::nullopt, 0},
        {"192-168-0-66-", std::nullopt, 0},
        {"-192-168-0-66", std::nullopt, 0},
        {"192--168-0-66", std::nullopt, 0},
        {"192-168-0-256", std::nullopt, 0},
        {"192-168-0-0066", std::nullopt, 0},
        {"192_168_0_66", std::nullopt, 0},
        {"", std::nullopt, 0},
    };
    for (const Row& row : rows) {
      INFO(row.text);
      const auto parsed = detail::parse_ipv4(row.text);
      REQUIRE(parsed.has_value() == row.value.has_value());
      if (!parsed) continue;
      CHECK(parsed->value == *row.value);
      CHECK(parsed->separator == row.separator);
    }
  }

  TEST_CASE("a dashed IPv4 address shares the dotted one's mapping and keeps its dashes") {
    PseudonymMap map;
    check_cases(map, {
                         {Category::ipv4, "192-168-0-66", "240-0-1-66"},
                         {Category::ipv4, "192.168.0.66", "240.0.1.66"},
                         {Category::ipv4, "192-168-0-7", "240-0-1-7"},
                         {Category::ipv4, "10.0.0.1", "240.0.2.1"},
                         {Category::ipv4, "10-0-0-1", "240-0-2-1"},
                         {Category::ipv4, "10-0-0-2", "240-0-2-2"},
                         {Category::ipv6, "::ffff:192.168.0.66", "::ffff:240.0.1.66"},
                         {Category::ipv4, "10-1-2-256", "word-0001"},
                         {Category::ipv4, "10-1-2.3", "word-0002"},
                     });
    const auto entries = map.entries();
    REQUIRE(entries.size() == 7);  // each address once, first spelling kept
    CHECK(entries[0].original == "192-168-0-66");
    CHECK(entries[0].pseudonym == "240-0-1-66");
    CHECK(entries[2].original == "10.0.0.1");
    CHECK(entries[2].pseudonym == "240.0.2.1");
  }

  TEST_CASE("special IPv4 addresses written with dashes are kept as they are") {
    PseudonymMap map;
    const char* kept[] = {"0-0-0-0",       "127-0-0-1",     "255-255-255-255", "169-254-1-2",
                          "224-0-0-251",   "255-255-255-0", "240-0-1-66",      "250-1-2-3",
                          "255-255-254-0", "128-0-0-0"};
    for (const char* address : kept) {
      INFO(address);
      CHECK(map.pseudonym(Category::ipv4, address) == address);
    }
    CHECK(map.entries().empty());
  }

  TEST_CASE("original() answers an IPv4 pseudonym in the separator it is asked with") {
    PseudonymMap map;
    map.pseudonym(Category::ipv4, "192.168.0.66");
    map.pseudonym(Category::ipv4, "10-0-0-1");
    map.pseudonym(Category::ipv4, "010.000.000.002");
    const std::pair<const char*, const char*> cases[] = {
        {"240.0.1.66", "192.168.0.66"}, {"240-0-1-66", "192-168-0-66"},   {"240-0-2-1", "10-0-0-1"},
        {"240.0.2.1", "10.0.0.1"},      {"240-0-2-2", "010-000-000-002"},
    };
    for (const auto& [pseudonym, original] : cases) {
      INFO(pseudonym);
      CHECK(map.original(pseudonym).value_or("<none>") == original);
    }
    CHECK_FALSE(map.original("240-0-1-67").has_value());
    CHECK_FALSE(map.original("127-0-0-1").has_value());
  }

  TEST_CASE("IPv6 maps each /64 into 3fff::/20, keeps the interface id and reads any notation") {
    PseudonymMap map;
    check_cases(map,
                {
                    {Category::ipv6, "2001:db8:0:0::1", "3fff:0:0:1::1"},
                    {Category::ipv6, "2001:db8::1", "3fff:0:0:1::1"},
                    {Category::ipv6, "2001:0DB8:0000:0000:0000:0000:0000:0001", "3fff:0:0:1::1"},
                    {Category::ipv6, "2001:db8::0:0:ab:1",
                     "3fff::1:0:0:ab:1"},  // RFC 5952: first longest run
                    {Category::ipv6, "2001:db8:0:7::c:d", "3fff::2:0:0:c:d"},
                    {Category::ipv6, "fd12:3456:789a:1::10", "3fff:0:0:3::10"},
                });
    const auto entries = map.entries();
    REQUIRE(entries.size() == 4);
    CHECK(entries[0].original == "2001:db8:0:0::1");
  }

  TEST_CASE("IPv6 link-local keeps fe80:: and maps the interface id") {
    PseudonymMap map;
    check_cases(map, {
                         {Category::ipv6, "fe80::250:56ff:fe9a:bcde", "fe80::1"},
                         {Category::ipv6, "FE80::250:56FF:FE9A:BCDE", "fe80::1"},
                         {Category::ipv6, "fe80::1", "fe80::2"},
                         {Category::ipv6, "fe80::250:56ff:fe9a:bcdf", "fe80::3"},
                     });
  }

  TEST_CASE("special IPv6 addresses are kept and IPv4 inside IPv6 follows the IPv4 rules") {
    PseudonymMap map;
    const char* kept[] = {"::",
                          "::1",
                          "ff02::1",
                          "ff02::1:ff9a:bcde",
                          "FF05::2",
                          "3fff:0:0:1::1",
                          "::ffff:127.0.0.1",
                          "::ffff:255.255.255.0",
                          "::ffff:169.254.1.1"};
    for (const char* address : kept) {
      INFO(address);
      CHECK(map.pseudonym(Category::ipv6, address) == address);
    }
    CHECK(map.entries().empty());
    check_cases(map, {
                         {Category::ipv6, "::ffff:10.1.2.3", "::ffff:240.0.1.3"},
                         {Category::ipv6, "::FFFF:10.1.2.4", "::ffff:240.0.1.4"},
                         {Category::ipv4, "10.1.2.3", "240.0.1.3"},
                         {Category::ipv6, "::ffff:a01:205", "::ffff:240.0.1.5"},
                     });
  }

  TEST_CASE("a MAC keeps its OUI, notation and letter case; its notations share one mapping") {
    PseudonymMap map;
    check_cases(map, {
                         {Category::mac, "00:50:56:9a:bc:de", "00:50:56:00:00:01"},
                         {Category::mac, "00-50-56-9A-BC-DE", "00-50-56-00-00-01"},
                         {Category::mac, "0050.569a.bcde", "0050.5600.0001"},
                         {Category::mac, "00:50:56:9A:BC:DE", "00:50:56:00:00:01"},
                         {Category::mac, "00:50:56:9a:bc:df", "00:50:56:00:00:02"},
                         {Category::mac, "3C:FD:FE:12:34:56", "3C:FD:FE:00:00:01"},
                         {Category::mac, "Ac:1f:6B:12:34:56", "Ac:1f:6B:00:00:01"},
                         {Category::mac, "ff:ff:ff:ff:ff:ff", "ff:ff:ff:ff:ff:ff"},
                         {Category::mac, "FF-FF-FF-FF-FF-FF", "FF-FF-FF-FF-FF-FF"},
                         {Category::mac, "00:00:00:00:00:00", "00:00:00:00:00:00"},
                     });
    const auto entries = map.entries();
    REQUIRE(entries.size() == 4);
    CHECK(entries[0].original == "00:50:56:9a:bc:de");
    CHECK(entries[0].pseudonym == "00:50:56:00:00:01");
  }

  TEST_CASE("NIC parts past nine follow the input's letter case") {
    PseudonymMap map;
    for (int i = 1; i < 10; ++i)
      map.pseudonym(Category::mac, "00:50:56:00:10:0" + std::to_string(i));
    CHECK(map.pseudonym(Category::mac, "00:50:56:AB:CD:EF") == "00:50:56:00:00:0A");
    CHECK(map.pseudonym(Category::mac, "00:50:56:ab:cd:ef") == "00:50:56:00:00:0a");
    CHECK(map.pseudonym(Category::mac, "0050.56AB.CDEF") == "0050.5600.000A");
  }

  TEST_CASE("an e-mail address becomes a user at a pseudo domain, consistent with both") {
    PseudonymMap map;
    check_cases(map,
                {
                    {Category::email, "Jane.Doe@Corp.Example", "user-0001@domain-01.invalid"},
                    {Category::user, "jane.doe", "user-0001"},
                    {Category::domain, "corp.example", "domain-01.invalid"},
                    {Category::email, "jane.doe@CORP.example", "user-0001@domain-01.invalid"},
                    {Category::user, "root", "user-0002"},
                    {Category::email, "root@lab.example", "user-0002@domain-02.invalid"},
                    {Category::email, "\"odd@local\"@corp.example", "user-0003@domain-01.invalid"},
                });
  }

  TEST_CASE("original() finds what pseudonym() made, in any case and notation") {
    PseudonymMap map;
    map.pseudonym(Category::host, "ESX01");
    map.pseudonym(Category::host, "esx01");
    map.pseudonym(Category::domain, "corp.example");
    map.pseudonym(Category::vm, "web01");
    map.pseudonym(Category::word, "Phoenix");
    map.pseudonym(Category::email, "Jane.Doe@Corp.Example");
    map.pseudonym(Category::ipv4, "10.1.2.3");
    map.pseudonym(Category::ipv6, "2001:db8::1");
    map.pseudonym(Category::ipv6, "fe80::250:56ff:fe9a:bcde");
    map.pseudonym(Category::ipv6, "::ffff:10.9.9.9");
    map.pseudonym(Category::mac, "00-50-56-9A-BC-DE");
    map.pseudonym(Category::mac, "00:50:56:9a:bc:de");
    const std::pair<const char*, const char*> cases[] = {
        {"host-0001", "ESX01"},
        {"HOST-0001", "ESX01"},
        {"domain-01.invalid", "corp.example"},
        {"Domain-01.Invalid", "corp.example"},
        {"vm-0001", "web01"},
        {"word-0001", "Phoenix"},
        {"user-0001@domain-01.invalid", "Jane.Doe@Corp.Example"},
        {"USER-0001@DOMAIN-01.INVALID", "Jane.Doe@Corp.Example"},
        {"240.0.1.3", "10.1.2.3"},
        {"3fff:0:0:1::1", "2001:db8::1"},
        {"3FFF:0000:0000:0001:0:0:0:1", "2001:db8::1"},
        {"fe80::1", "fe80::250:56ff:fe9a:bcde"},
        {"::ffff:240.0.2.9", "::ffff:10.9.9.9"},
        {"240.0.2.9", "10.9.9.9"},
        {"00-50-56-00-00-01", "00-50-56-9A-BC-DE"},
        {"00:50:56:00:00:01", "00-50-56-9A-BC-DE"},
        {"0050.5600.0001", "00-50-56-9A-BC-DE"},
    };
    for (const auto& [pseudonym, original] : cases) {
      INFO(pseudonym);
      CHECK(map.original(pseudonym).value_or("<none>") == original);
    }
    CHECK_FALSE(map.original("host-0002").has_value());
    // A local part seen only inside an e-mail has no entry of its own.
    CHECK_FALSE(map.original("user-0001").has_value());
    CHECK_FALSE(map.original("240.0.1.4").has_value());
    CHECK_FALSE(map.original("127.0.0.1").has_value());
    CHECK_FALSE(map.original("esx01").has_value());
  }

  TEST_CASE("the map file round-trips every entry with mode 0600 and no temporary left") {
    testing::TempTree tree;
    const std::string path = tree.host("/pseudonyms.json");
    write_text(path + ".tmp", "left over from a crash");
    ::chmod((path + ".tmp").c_str(), 0644);
    write_text(path, "{}");
    ::chmod(path.c_str(), 0644);

    PseudonymMap map;
    const std::string not_utf8 = "caf\xe9-\xff\xfe";
    map.pseudonym(Category::host, "ESX01");
    map.pseudonym(Category::host, not_utf8);
    map.pseudonym(Category::email, "Jane.Doe@Corp.Example");
    map.pseudonym(Category::ipv4, "10.1.2.3");
    map.pseudonym(Category::ipv6, "2001:db8::1");
    map.pseudonym(Category::ipv6, "fe80::250:56ff:fe9a:bcde");
    map.pseudonym(Category::mac, "00-50-56-9A-BC-DE");
    REQUIRE(map.save(path));

    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    CHECK((info.st_mode & 07777) == 0600);
    CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
    const std::string text = read_text(path);
    CHECK(text.find("\"format_version\": 1") != std::string::npos);
    CHECK(text.find("\"original_base64\"") != std::string::npos);

    const Result<PseudonymMap> loaded = PseudonymMap::load(path);
    REQUIRE(loaded);
    const auto before = map.entries();
    const auto after = loaded->entries();
    REQUIRE(after.size() == before.size());
    for (std::size_t i = 0; i < before.size(); ++i) {
      CHECK(after[i].category == before[i].category);
      CHECK(after[i].original == before[i].original);
      CHECK(after[i].pseudonym == before[i].pseudonym);
    }
    CHECK(loaded->original("host-0002").value_or("") == not_utf8);
  }

  TEST_CASE("the map file is valid JSON for an empty map and for names that need escaping") {
    testing::TempTree tree;
    const std::string path = tree.host("/map.json");
    PseudonymMap empty;
    REQUIRE(empty.save(path));
    const Result<PseudonymMap> loaded_empty = PseudonymMap::load(path);
    REQUIRE(loaded_empty);
    CHECK(loaded_empty->entries().empty());

    PseudonymMap map;
    const std::string tricky = "R&D \"Payroll\"\\DB\n\t\x01 \xe8\xb2\xa1\xe5\x8b\x99";
    map.pseudonym(Category::vm, tricky);
    REQUIRE(map.save(path));
    CHECK(nlohmann::json::accept(read_text(path)));
    const Result<PseudonymMap> loaded = PseudonymMap::load(path);
    REQUIRE(loaded);
    REQUIRE(loaded->entries().size() == 1);
    CHECK(loaded->entries()[0].original == tricky);
    CHECK(loaded->original("vm-0001").value_or("") == tricky);
  }

  TEST_CASE("a loaded map gives the stored pseudonyms and continues their numbering") {
    testing::TempTree tree;
    const std::string path = tree.host("/map.json");
    {
      PseudonymMap map;
      map.pseudonym(Category::host, "esx01");
      map.pseudonym(Category::host, "esx02");
      map.pseudonym(Category::ipv4, "10.0.0.1");
      map.pseudonym(Category::ipv4, "10.0.1.1");
      map.pseudonym(Category::ipv6, "2001:db8::1");
      map.pseudonym(Category::ipv6, "fe80::250:56ff:fe9a:bcde");
      map.pseudonym(Category::mac, "00:50:56:9a:bc:de");
      map.pseudonym(Category::email, "jdoe@corp.example");
      REQUIRE(map.save(path));
    }
    Result<PseudonymMap> loaded = PseudonymMap::load(path);
    REQUIRE(loaded);
    check_cases(*loaded, {
                             {Category::host, "ESX02", "host-0002"},
                             {Category::host, "esx03", "host-0003"},
                             {Category::ipv4, "10.0.0.1", "240.0.1.1"},
                             {Category::ipv4, "10.0.0.77", "240.0.1.77"},
                             {Category::ipv4, "10.0.2.1", "240.0.3.1"},
                             {Category::ipv6, "2001:db8::2", "3fff:0:0:1::2"},
                             {Category::ipv6, "2001:db8:0:1::2", "3fff:0:0:2::2"},
                             {Category::ipv6, "fe80::250:56ff:fe9a:bcde", "fe80::1"},
                             {Category::ipv6, "fe80::250:56ff:fe9a:bcdf", "fe80::2"},
                             {Category::mac, "00-50-56-9A-BC-DE", "00-50-56-00-00-01"},
                             {Category::mac, "00:50:56:9a:bc:df", "00:50:56:00:00:02"},
                             {Category::email, "JDoe@Corp.Example", "user-0001@domain-01.invalid"},
                             {Category::user, "root", "user-0002"},
                             {Category::domain, "lab.example", "domain-02.invalid"},
                         });
  }

  TEST_CASE("dashed IPv4 entries round-trip through the map file and keep one numbering") {
    testing::TempTree tree;
    const std::string path = tree.host("/map.json");
    {
      PseudonymMap map;
      map.pseudonym(Category::ipv4, "192-168-0-66");
      map.pseudonym(Category::ipv4, "10.0.0.1");
      REQUIRE(map.save(path));
    }
    CHECK(read_text(path).find("\"pseudonym\": \"240-0-1-66\"") != std::string::npos);
    Result<PseudonymMap> loaded = PseudonymMap::load(path);
    REQUIRE(loaded);
    check_cases(*loaded, {
                             {Category::ipv4, "192.168.0.66", "240.0.1.66"},
                             {Category::ipv4, "192-168-0-67", "240-0-1-67"},
                             {Category::ipv4, "10-0-0-9", "240-0-2-9"},
                             {Category::ipv4, "10-0-1-9", "240-0-3-9"},
                         });
    CHECK(loaded->original("240-0-1-66").value_or("") == "192-168-0-66");
    CHECK(loaded->original("240.0.1.66").value_or("") == "192.168.0.66");
  }

  TEST_CASE("numbers are never reused, even when the file's counters are missing or higher") {
    testing::TempTree tree;
    const std::string path = tree.host("/map.json");
    write_text(path, R"({"format_version": 1, "entries": [
      {"category": "host", "original": "a", "pseudonym": "host-0005"},
      {"category": "ipv4", "original": "10.0.0.1", "pseudonym": "240.0.9.1"}],
      "counters": {"vm": 7}})");
    Result<PseudonymMap> loaded = PseudonymMap::load(path);
    REQUIRE(loaded);
    CHECK(loaded->pseudonym(Category::host, "b") == "host-0006");
    CHECK(loaded->pseudonym(Category::vm, "c") == "vm-0008");
    CHECK(loaded->pseudonym(Category::ipv4, "10.0.0.2") == "240.0.9.2");
    CHECK(loaded->pseudonym(Category::ipv4, "10.0.1.2") == "240.0.10.2");
  }

  TEST_CASE("a missing map file is an empty map") {
    testing::TempTree tree;
    const Result<PseudonymMap> loaded = PseudonymMap::load(tree.host("/absent.json"));
    REQUIRE(loaded);
    CHECK(loaded->entries().empty());
  }

  TEST_CASE("a corrupt map file fails with a message naming the file and the fault") {
    testing::TempTree tree;
    const std::string path = tree.host("/map.json");
    const std::pair<std::string, std::string> cases[] = {
        {"", "invalid JSON"},
        {"{\"format_version\": 1, ", "invalid JSON"},
        {"[]", "not a JSON object"},
        {R"({"entries": []})", "no \"format_version\""},
        {R"({"format_version": 2, "entries": []})", "format_version 2"},
        {R"({"format_version": 1})", "no \"entries\" list"},
        {R"({"format_version": 1, "entries": [7]})", "entries[0]: not an object"},
        {R"({"format_version": 1, "entries": [{"category": "host", "original": "a"}]})",
         "entries[0]: needs"},
        {R"({"format_version": 1, "entries": [{"category": "planet", "original": "a", "pseudonym": "p"}]})",
         "entries[0]: unknown category \"planet\""},
        {R"({"format_version": 1, "entries": [{"category": "host", "original": "a", "pseudonym": "vm-0001"}]})",
         "entries[0]: \"vm-0001\" is not a host pseudonym"},
        {R"({"format_version": 1, "entries": [{"category": "ipv4", "original": "10.0.0.1", "pseudonym": "10.0.0.1"}]})",
         "entries[0]: \"10.0.0.1\" is not a ipv4 pseudonym"},
        {R"({"format_version": 1, "entries": [{"category": "mac", "original": "nope", "pseudonym": "00:50:56:00:00:01"}]})",
         "entries[0]: the original of \"00:50:56:00:00:01\" is not a valid mac"},
        {R"({"format_version": 1, "entries": [], "counters": {"host": -1}})",
         "counter \"host\" is not a number"},
    };
    for (const auto& [text, fault] : cases) {
      INFO(text);
      write_text(path, text);
      const Result<PseudonymMap> loaded = PseudonymMap::load(path);
      REQUIRE_FALSE(loaded);
      const std::string& message = loaded.error().message;
      CHECK(message.starts_with(path + ": not a vmsupport pseudonym map: "));
      CHECK(message.find(fault) != std::string::npos);
    }
  }

  TEST_CASE("an unreadable map file or a missing directory fails naming the path") {
    testing::TempTree tree;
    tree.dir("/a-directory");
    const Result<PseudonymMap> loaded = PseudonymMap::load(tree.host("/a-directory"));
    REQUIRE_FALSE(loaded);
    CHECK(loaded.error().message.starts_with(tree.host("/a-directory") + ": cannot read: "));

    PseudonymMap map;
    map.pseudonym(Category::host, "esx01");
    const Result<void> saved = map.save(tree.host("/no/such/dir/map.json"));
    REQUIRE_FALSE(saved);
    CHECK(saved.error().message.find(tree.host("/no/such/dir/map.json")) != std::string::npos);
  }

  TEST_CASE("copies carry the state and then go their own ways") {
    PseudonymMap map;
    map.pseudonym(Category::host, "esx01");
    PseudonymMap copy(map);
    CHECK(copy.pseudonym(Category::host, "esx02") == "host-0002");
    CHECK(map.pseudonym(Category::host, "other") == "host-0002");
    PseudonymMap assigned;
    assigned.pseudonym(Category::vm, "x");
    assigned = copy;
    CHECK(assigned.entries().size() == 2);
    CHECK(assigned.original("host-0002").value_or("") == "esx02");
    CHECK(assigned.pseudonym(Category::vm, "y") == "vm-0001");
    assigned = assigned;
    CHECK(assigned.entries().size() == 3);
  }

  TEST_CASE("threads asking for overlapping names get one consistent answer") {
    PseudonymMap map;
    constexpr int k_threads = 8;
    constexpr int k_names = 300;
    std::vector<std::vector<std::string>> answers(k_threads, std::vector<std::string>(k_names));
    std::vector<std::thread> threads;
    for (int t = 0; t < k_threads; ++t) {
      threads.emplace_back([&map, &answers, t] {
        for (int step = 0; step < k_names; ++step) {
          const int i = (step * 7 + t * 37) % k_names;  // each thread in its own order
          const std::string suffix = std::to_string(i);
          const std::string host = map.pseudonym(Category::host, (t % 2 ? "ESX" : "esx") + suffix);
          map.pseudonym(Category::ipv4,
                        "10.0." + std::to_string(i % 50) + "." + std::to_string(i % 200 + 1));
          map.pseudonym(Category::mac, "00:50:56:00:01:" + std::to_string(i % 90 + 10));
          map.original(host);
          answers[t][i] = host;
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    std::set<std::string> distinct;
    for (int i = 0; i < k_names; ++i) {
      for (int t = 1; t < k_threads; ++t) CHECK(answers[t][i] == answers[0][i]);
      distinct.insert(answers[0][i]);
    }
    CHECK(distinct.size() == k_names);
    CHECK(distinct.count("host-0001") == 1);
    CHECK(distinct.count("host-0300") == 1);
  }

}  // TEST_SUITE

TEST_SUITE("unit") {
  TEST_CASE("the parts of an e-mail get numbers but no entries, and keep them across a reload") {
    PseudonymMap map;
    CHECK(map.pseudonym(Category::email, "admin@vsphere.local") == "user-0001@domain-01.invalid");
    for (const PseudonymMap::Entry& entry : map.entries()) CHECK(entry.category == Category::email);
    // The same parts met as names later get the numbers they had in the e-mail.
    CHECK(map.pseudonym(Category::domain, "vsphere.local") == "domain-01.invalid");
    CHECK(map.pseudonym(Category::user, "someone") == "user-0002");
    vmsupport::testing::TempDir dir;
    const std::string file = (dir.path() / "map.json").string();
    PseudonymMap only_email;
    only_email.pseudonym(Category::email, "admin@vsphere.local");
    REQUIRE(only_email.save(file));
    auto loaded = PseudonymMap::load(file);
    REQUIRE(loaded.has_value());
    CHECK(loaded->pseudonym(Category::email, "root@vsphere.local") == "user-0002@domain-01.invalid");
    CHECK(loaded->pseudonym(Category::user, "admin") == "user-0001");
  }
}

TEST_SUITE("unit") {
  TEST_CASE("a global IPv6 interface id that could name the machine is hidden, stably") {
    PseudonymMap map;
    const std::string eui64 = map.pseudonym(Category::ipv6, "2001:db8::250:56ff:fe9a:bcde");
    INFO(eui64);
    CHECK(eui64.starts_with("3fff::1:"));
    CHECK(eui64.find("fe9a") == std::string::npos);
    CHECK(eui64.find("bcde") == std::string::npos);
    CHECK(map.pseudonym(Category::ipv6, "2001:DB8::250:56FF:FE9A:BCDE") == eui64);
    CHECK(map.pseudonym(Category::ipv6, "2001:db8::250:56ff:fe9a:bcdf") != eui64);
    CHECK(map.pseudonym(Category::ipv6, "2001:db8::53") == "3fff:0:0:1::53");  // set by hand: kept
    CHECK(map.original(eui64) == std::optional<std::string>("2001:db8::250:56ff:fe9a:bcde"));
    vmsupport::testing::TempDir dir;
    const std::string file = (dir.path() / "map.json").string();
    REQUIRE(map.save(file));
    auto loaded = PseudonymMap::load(file);
    REQUIRE(loaded.has_value());
    CHECK(loaded->pseudonym(Category::ipv6, "2001:db8:0:0:250:56ff:fe9a:bcde") == eui64);
    const std::string other = loaded->pseudonym(Category::ipv6, "2001:db8::aaaa:bbbb:cccc:dddd");
    PseudonymMap fresh;
    fresh.pseudonym(Category::ipv6, "2001:db8::250:56ff:fe9a:bcde");
    CHECK(fresh.pseudonym(Category::ipv6, "2001:db8::aaaa:bbbb:cccc:dddd") != other);  // another site's key
  }
}
