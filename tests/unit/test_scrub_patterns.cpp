// Address shapes found in free text: every trap other scrubbers fall into is
// a row here (versions and OIDs as IPs, UUIDs as MACs, times and PCI
// addresses as IPv6), next to the real-world lines they hide in.
#include <doctest/doctest.h>

#include <arpa/inet.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "scrub/category.h"
#include "scrub/patterns.h"

using namespace vmsupport;

namespace {

struct Expected {
  std::string_view text;
  Category category;
};

struct Case {
  std::string_view line;
  std::vector<Expected> expected;
};

// "ipv4 10.0.0.1 | mac 00:50:56:aa:bb:cc", the same for found and expected.
std::string render(std::string_view line, const std::vector<PatternMatch>& found) {
  std::string out;
  for (const PatternMatch& m : found) {
    if (!out.empty()) out += " | ";
    out += std::string(category_name(m.category)) + " " +
           std::string(line.substr(m.begin, m.end - m.begin));
  }
  return out;
}

std::string render(const std::vector<Expected>& expected) {
  std::string out;
  for (const Expected& e : expected) {
    if (!out.empty()) out += " | ";
    out += std::string(category_name(e.category)) + " " + std::string(e.text);
  }
  return out;
}

void check_cases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    INFO("line: ", c.line);
    CHECK(render(c.line, find_patterns(c.line)) == render(c.expected));
  }
}

constexpr Category ipv4 = Category::ipv4;
constexpr Category ipv6 = Category::ipv6;
constexpr Category mac = Category::mac;
constexpr Category email = Category::email;

}  // namespace

TEST_SUITE("unit") {

TEST_CASE("category names round-trip and unknown names are refused") {
  for (Category c : {Category::host, Category::domain, Category::vm, Category::user,
                     Category::word, Category::ipv4, Category::ipv6, Category::mac,
                     Category::email}) {
    CHECK(category_from_name(category_name(c)) == c);
  }
  CHECK(category_name(Category::ipv6) == "ipv6");
  CHECK(category_name(Category::email) == "email");
  CHECK_FALSE(category_from_name("").has_value());
  CHECK_FALSE(category_from_name("IPv4").has_value());
  CHECK_FALSE(category_from_name("hostname").has_value());
}

TEST_CASE("IPv4 addresses are found inside punctuation-delimited tokens") {
  check_cases({
      {"10.0.0.1", {{"10.0.0.1", ipv4}}},
      {"ip=10.0.0.1,", {{"10.0.0.1", ipv4}}},
      {"[192.0.2.10]", {{"192.0.2.10", ipv4}}},
      {"192.0.2.10:443", {{"192.0.2.10", ipv4}}},
      {"connection from 10.1.2.3.", {{"10.1.2.3", ipv4}}},
      {"host-192.0.2.7 is up", {{"192.0.2.7", ipv4}}},
      {"route 10.0.0.1/24 via 10.0.0.254", {{"10.0.0.1", ipv4}, {"10.0.0.254", ipv4}}},
      {"0.0.0.0 255.255.255.255 255.255.255.0",
       {{"0.0.0.0", ipv4}, {"255.255.255.255", ipv4}, {"255.255.255.0", ipv4}}},
      {"range 10.0.0.1-10.0.0.9", {{"10.0.0.1", ipv4}, {"10.0.0.9", ipv4}}},
      {"\"192.0.2.1\"", {{"192.0.2.1", ipv4}}},
      {"(192.0.2.1)", {{"192.0.2.1", ipv4}}},
      {"addr_10.0.0.1", {{"10.0.0.1", ipv4}}},
      {"mgmt:10.0.0.1", {{"10.0.0.1", ipv4}}},
      {"1.0.0.10.in-addr.arpa", {{"1.0.0.10", ipv4}}},
  });
}

TEST_CASE("IPv4 lookalikes are not addresses") {
  check_cases({
      {"256.1.1.1", {}},
      {"1.2.3.256", {}},
      {"1.2.3", {}},
      {"1.2.3.4.5", {}},
      {"OID 1.2.840.113549.1.1.11", {}},
      {"sha256WithRSAEncryption (1.2.840.113549.1.1.11)", {}},
      {"tools 12.1.5.20735119", {}},
      {"01.2.3.4", {}},
      {"192.168.001.010", {}},
      {"1.02.03.04", {}},
      {"a10.0.0.1", {}},
      {"10.0.0.1a", {}},
      {"x.10.0.0.1", {}},
      {"10.0.0.1.5", {}},
      {"1234.5.6.7", {}},
      {"PCI 0000:3b:00.0 vmnic0", {}},
      {"08:20:00.123", {}},
  });
}

TEST_CASE("version strings next to a version keyword are not addresses") {
  check_cases({
      {"ESXi version 10.2.0.1", {}},
      {"Version: 7.0.3.0", {}},
      {"productVersion=\"8.0.2.0\"", {}},
      {"VERSION 1.2.3.4", {}},
      {"ver 1.2.3.4", {}},
      {"Build 6.5.0.1", {}},
      {"release-1.2.3.4", {}},
      {"vmware-tools v1.2.3.4", {}},
      {"V1.2.3.4", {}},
      {"version 10-2-0-1", {}},
      // The keyword must be the word right before the number.
      {"build server 10.0.0.5", {{"10.0.0.5", ipv4}}},
      {"DHCPRELEASE of 192.0.2.10 from 00:50:56:aa:bb:cc via vmk0",
       {{"192.0.2.10", ipv4}, {"00:50:56:aa:bb:cc", mac}}},
      {"server 10.0.0.5", {{"10.0.0.5", ipv4}}},
      {"version\n10.0.0.5", {{"10.0.0.5", ipv4}}},
      {"version is unknown, peer 10.0.0.5", {{"10.0.0.5", ipv4}}},
  });
}

TEST_CASE("IPv4 addresses written with dashes inside host names are found") {
  check_cases({
      {"dhcp-192-168-0-66", {{"192-168-0-66", ipv4}}},
      {"ip-10-0-0-1.ec2.internal", {{"10-0-0-1", ipv4}}},
      {"10-0-0-1", {{"10-0-0-1", ipv4}}},
      {"host dhcp-192-168-0-66.corp.example up", {{"192-168-0-66", ipv4}}},
      {"dhcp-192-168-0-66-2", {}},
      {"dhcp-1-192-168-0-66", {}},
      {"dhcp-192-168-0-666", {}},
      {"dhcp-192-168-0", {}},
      {"dhcp-192-168-00-66", {}},
      {"dhcp-192-168-0-66x", {}},
      {"2024-05-14", {}},
      {"24-05-14-08", {}},
      {"5f1e2d3c-aaaa-bbbb-cccc-001122334455", {}},
  });
}

TEST_CASE("IPv6 addresses in every form inet_pton accepts are found") {
  check_cases({
      {"2001:0db8:0000:0000:0000:0000:0000:0001", {{"2001:0db8:0000:0000:0000:0000:0000:0001", ipv6}}},
      {"2001:db8::1", {{"2001:db8::1", ipv6}}},
      {"::1", {{"::1", ipv6}}},
      {"::", {{"::", ipv6}}},
      {"listen [::]:22", {{"::", ipv6}}},
      {"fe80::1", {{"fe80::1", ipv6}}},
      {"fe80::", {}},  // a trailing "::" counts only before a prefix length
      {"fe80::/10", {{"fe80::", ipv6}}},
      {"gdm:x:42:42::/var/lib/gdm:/sbin/nologin", {}},
      {"::ffff:192.0.2.1", {{"::ffff:192.0.2.1", ipv6}}},
      {"64:ff9b::192.0.2.33", {{"64:ff9b::192.0.2.33", ipv6}}},
      {"FE80::250:56FF:FE9A:BCDE", {{"FE80::250:56FF:FE9A:BCDE", ipv6}}},
      {"fe80::250:56ff:fe9a:bcde%vmk0 up", {{"fe80::250:56ff:fe9a:bcde", ipv6}}},
      {"fe80::1%eth0", {{"fe80::1", ipv6}}},
      {"2001:db8::/32", {{"2001:db8::", ipv6}}},
      {"[2001:db8::1]:443", {{"2001:db8::1", ipv6}}},
      {"https://[2001:db8::1]:8443/sdk", {{"2001:db8::1", ipv6}}},
      {"peer 2001:db8::1.", {{"2001:db8::1", ipv6}}},
      {"fe80::1: link up", {{"fe80::1", ipv6}}},
      {"ip:2001:db8::1", {{"2001:db8::1", ipv6}}},
      {"1:2:3:4:5:6:7:8", {{"1:2:3:4:5:6:7:8", ipv6}}},
      {"addrs=2001:db8::1,2001:db8::2", {{"2001:db8::1", ipv6}, {"2001:db8::2", ipv6}}},
  });
}

TEST_CASE("IPv6 lookalikes are not addresses") {
  check_cases({
      {"08:20:00", {}},
      {"at 08:20:00.123 done", {}},
      {"2024-05-14T08:20:00Z", {}},
      {"2024-05-14T08:20:00.123+02:00", {}},
      {"std::string", {}},
      {"a::b", {}},
      {"add::bad", {}},
      {"Foo::Bar::baz()", {}},
      {"ns :: name", {{"::", ipv6}}},
      {"0000:3b:00.0", {}},
      {"vmhba1:C0:T0:L1", {}},
      {"SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s", {}},
      {"aa:bb:cc:dd:ee:ff:00:11:22:33", {}},
      {"MD5:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99", {}},
      {"wwn 20:00:00:25:b5:aa:00:01", {}},
      {"fe80::1g", {}},
      {"1:2:3:4:5:6:7:8:9", {}},
      {"2001:db8:::1", {}},
      {"12345::1", {}},
      {"fe80::1.2.3", {}},
      {"fe80::1x::2", {}},
      {"x.fe80::1", {}},
  });
}

TEST_CASE("MAC addresses are found in colon, dash and Cisco notation") {
  check_cases({
      {"00:50:56:aa:bb:cc", {{"00:50:56:aa:bb:cc", mac}}},
      {"00-50-56-AA-BB-CC", {{"00-50-56-AA-BB-CC", mac}}},
      {"0050.56aa.bbcc", {{"0050.56aa.bbcc", mac}}},
      {"0050.5691.2345", {{"0050.5691.2345", mac}}},
      {"00:50:56:Aa:bB:cC", {{"00:50:56:Aa:bB:cC", mac}}},
      {"ethernet0.generatedAddress = \"00:50:56:9a:bc:de\"", {{"00:50:56:9a:bc:de", mac}}},
      {"MAC:00:50:56:aa:bb:cc", {{"00:50:56:aa:bb:cc", mac}}},
      {"host-00-50-56-aa-bb-cc", {{"00-50-56-aa-bb-cc", mac}}},
      {"00:50:56:aa:bb:cc-eth0", {{"00:50:56:aa:bb:cc", mac}}},
      {"lladdr 00:50:56:aa:bb:cc.", {{"00:50:56:aa:bb:cc", mac}}},
      {"ff:ff:ff:ff:ff:ff", {{"ff:ff:ff:ff:ff:ff", mac}}},
      // netfilter's LOG target: destination MAC, source MAC, EtherType.
      {"MAC=00:50:56:aa:bb:cc:00:50:56:11:22:33:08:00 SRC=10.0.0.5",
       {{"00:50:56:aa:bb:cc", mac}, {"00:50:56:11:22:33", mac}, {"10.0.0.5", ipv4}}},
  });
}

TEST_CASE("MAC lookalikes are not addresses") {
  check_cases({
      {"00:50:56-aa-bb-cc", {}},
      {"00:50:56:aa:bb", {}},
      {"00:50:56:aa:bb:cc:dd", {}},
      {"00:50:56:aa:bb:cc:dd:ee", {}},
      {"00-50-56-aa-bb-cc-dd-ee", {}},
      {"00:50:56:aa:bb:cg", {}},
      {"000:50:56:aa:bb:cc", {}},
      {"5f1e2d3c-aaaa-bbbb-cccc-001122334455", {}},
      {"uuid.bios = \"564d1234-5678-9abc-def0-123456789abc\"", {}},
      {"naa.600508b1001c3a5a8b2c0e1d2f3a4b5c", {}},
      {"0050.56aa.bbcc.dd01", {}},
      {"x.0050.56aa.bbcc", {}},
      {"id 0x005056aabbcc", {}},
      {"deadbeef:00:50:56:aa:bb:cc", {}},
      {"MAC=00:50:56:aa:bb:cc:00:50:56:11:22:33:08", {}},
      {"MAC=00:50:56:aa:bb:cc:00:50:56:11:22:33:08:00:01", {}},
      {"SHA256 fingerprint 12:34:56:78:9a:bc:de:f0:12:34:56:78:9a:bc:de:f0:12:34:56:78:9a:bc:de:f0:12:34:56:78:9a:bc:de:f0",
       {}},
  });
}

TEST_CASE("e-mail addresses are found and their sentence's full stop is left out") {
  check_cases({
      {"From: Jane Doe <jane.doe@corp.example>", {{"jane.doe@corp.example", email}}},
      {"mail admin@vsphere.local.", {{"admin@vsphere.local", email}}},
      {"mailto:first.last+tag@mail.corp.example.com",
       {{"first.last+tag@mail.corp.example.com", email}}},
      {"a_b%c-d@x-y.example.org;", {{"a_b%c-d@x-y.example.org", email}}},
      {"root@localhost", {}},
      {"user@10.0.0.1", {{"10.0.0.1", ipv4}}},
      {"ssh root@192.0.2.4 -p 22", {{"192.0.2.4", ipv4}}},
      {"@corp.example", {}},
      {"jane@", {}},
      {"jane@.example", {}},
      {"jane@corp.e", {}},
      {"jane@corp.example.123", {{"jane@corp.example", email}}},
      {"[Originator@6876 sub=Vimsvc.TaskManager]", {}},
      {"...jane@corp.example", {{"jane@corp.example", email}}},
      {"a@b.example@c.example", {{"a@b.example", email}}},
  });
}

TEST_CASE("the enclosing match wins over shapes inside it") {
  check_cases({
      {"ip-10-0-0-1@corp.example", {{"ip-10-0-0-1@corp.example", email}}},
      {"00-50-56-aa-bb-cc@corp.example", {{"00-50-56-aa-bb-cc@corp.example", email}}},
      {"admin@dhcp-10-0-0-1.corp.example", {{"admin@dhcp-10-0-0-1.corp.example", email}}},
      {"::ffff:10.0.0.1", {{"::ffff:10.0.0.1", ipv6}}},
      {"10.0.0.1 jane@corp.example", {{"10.0.0.1", ipv4}, {"jane@corp.example", email}}},
  });
}

TEST_CASE("real log lines give exactly their addresses") {
  check_cases({
      {"2024-05-14T08:20:00.123Z cpu3:2097700)Tcpip: vmk0 192.0.2.10 netmask 255.255.255.0",
       {{"192.0.2.10", ipv4}, {"255.255.255.0", ipv4}}},
      {"2024-05-14T08:20:01.456Z info hostd[2099123] [Originator@6876 sub=Vimsvc opID=ab12cd34] "
       "Connection to [192.0.2.50:443] closed",
       {{"192.0.2.50", ipv4}}},
      {"May 14 08:20:02 esx01 sshd[12345]: Accepted password for root from 203.0.113.5 port 51234 "
       "ssh2",
       {{"203.0.113.5", ipv4}}},
      {"ethernet0.address = \"00:50:56:9a:bc:de\"", {{"00:50:56:9a:bc:de", mac}}},
      {"    link/ether 00:50:56:9a:bc:de brd ff:ff:ff:ff:ff:ff",
       {{"00:50:56:9a:bc:de", mac}, {"ff:ff:ff:ff:ff:ff", mac}}},
      {"    inet 192.0.2.10/24 brd 192.0.2.255 scope global eth0",
       {{"192.0.2.10", ipv4}, {"192.0.2.255", ipv4}}},
      {"    inet6 fe80::250:56ff:fe9a:bcde/64 scope link", {{"fe80::250:56ff:fe9a:bcde", ipv6}}},
      {"    inet6 ::1/128 scope host", {{"::1", ipv6}}},
      {"nameserver 2001:db8::53", {{"2001:db8::53", ipv6}}},
      {"nameserver 192.0.2.53", {{"192.0.2.53", ipv4}}},
      {"vmk0  Management Network  IPv4  192.0.2.10  255.255.255.0  192.0.2.255  "
       "00:50:56:6a:11:22  1500",
       {{"192.0.2.10", ipv4}, {"255.255.255.0", ipv4}, {"192.0.2.255", ipv4},
        {"00:50:56:6a:11:22", mac}}},
      {"0000:3b:00.0 8086:1572 Intel(R) Ethernet Controller X710 vmnic0 00:50:56:01:02:03",
       {{"00:50:56:01:02:03", mac}}},
      {"Device: naa.600508b1001c3a5a8b2c0e1d2f3a4b5c  Path: vmhba1:C0:T0:L1", {}},
      {"Lease of 192.0.2.66 to dhcp-192-168-0-66 (00-50-56-AA-BB-CC)",
       {{"192.0.2.66", ipv4}, {"192-168-0-66", ipv4}, {"00-50-56-AA-BB-CC", mac}}},
      {"VMware ESXi 8.0.2 build-22380479, vmware-tools 12.1.5.20735119", {}},
  });
}

TEST_CASE("matches at the very start and end of the buffer keep exact offsets") {
  const std::string_view at_start = "10.0.0.1 up";
  auto found = find_patterns(at_start);
  REQUIRE(found.size() == 1);
  CHECK(found[0].begin == 0);
  CHECK(found[0].end == 8);

  const std::string_view at_end = "peer fe80::1";
  found = find_patterns(at_end);
  REQUIRE(found.size() == 1);
  CHECK(found[0].begin == 5);
  CHECK(found[0].end == at_end.size());
  CHECK(found[0].category == Category::ipv6);

  // A window of a larger buffer: the bytes around it are not looked at.
  const std::string_view big = "1.2.3.4.5";
  CHECK(render(big.substr(0, 7), find_patterns(big.substr(0, 7))) == "ipv4 1.2.3.4");
  CHECK(find_patterns(big).empty());

  CHECK(find_patterns("").empty());
  CHECK(find_patterns(std::string_view()).empty());
  CHECK(find_patterns(":").empty());
  CHECK(find_patterns("@").empty());
  CHECK(find_patterns("a").empty());
}

TEST_CASE("invalid UTF-8 and NUL bytes next to a match are boundaries") {
  check_cases({
      {"\xff" "10.0.0.1" "\xfe", {{"10.0.0.1", ipv4}}},
      {"\xc3" "00:50:56:aa:bb:cc" "\x80", {{"00:50:56:aa:bb:cc", mac}}},
      {"\xe2\x82" "2001:db8::1" "\xff\xff", {{"2001:db8::1", ipv6}}},
      {"\x80jane@corp.example\xc0", {{"jane@corp.example", email}}},
      {"M\xc3\xbcller 10.0.0.1", {{"10.0.0.1", ipv4}}},
  });
  const std::string with_nul("\0" "10.0.0.1" "\0", 10);
  const auto found = find_patterns(with_nul);
  REQUIRE(found.size() == 1);
  CHECK(found[0].begin == 1);
  CHECK(found[0].end == 9);
}

TEST_CASE("random bytes give ordered, non-overlapping, valid matches") {
  std::mt19937 random(20240514);
  const std::string_view alphabet = "0123456789abcdefABCDEF:.-@x_ \n%/[]g";
  for (int round = 0; round < 2000; ++round) {
    std::string text(static_cast<std::size_t>(random() % 80), ' ');
    for (char& c : text) {
      c = (random() % 16 == 0) ? static_cast<char>(random() % 256)
                               : alphabet[random() % alphabet.size()];
    }
    std::size_t previous_end = 0;
    for (const PatternMatch& m : find_patterns(text)) {
      INFO("text: ", text);
      REQUIRE(m.begin >= previous_end);
      REQUIRE(m.begin < m.end);
      REQUIRE(m.end <= text.size());
      previous_end = m.end;
      const std::string value = text.substr(m.begin, m.end - m.begin);
      unsigned char address[16];
      if (m.category == Category::ipv6) {
        CHECK(inet_pton(AF_INET6, value.c_str(), address) == 1);
      } else if (m.category == Category::ipv4 && value.find('.') != std::string::npos) {
        CHECK(inet_pton(AF_INET, value.c_str(), address) == 1);
      } else if (m.category == Category::email) {
        CHECK(value.find('@') != std::string::npos);
      }
    }
  }
}

}  // TEST_SUITE

TEST_SUITE("unit") {

// The vectorised skip must stop exactly where its byte-by-byte definition
// does: at every length (blocks of 16 and the tail), from every offset, with
// bytes of every value (0x80 and up are no letters, ' ' | 0x20 is no letter).
TEST_CASE("the vectorised candidate skip agrees with its definition") {
  std::mt19937 random(20261206);
  const std::string_view alphabet = "abcdefghxyzABCDEFGXYZ0123456789:@.-_ \n[]`{";
  for (int round = 0; round < 3000; ++round) {
    std::string text(static_cast<std::size_t>(random() % 70), ' ');
    const unsigned sparse = 1 + random() % 8;  // some texts with long runs without candidates
    for (char& c : text) {
      if (random() % 8 == 0) c = static_cast<char>(random() % 256);
      else if (random() % sparse == 0) c = alphabet[random() % alphabet.size()];
      else c = "ghijklmnopqrstuvwxyz"[random() % 20];
    }
    for (std::size_t from = 0; from <= text.size(); ++from) {
      INFO("text: ", text, " from ", from);
      REQUIRE(detail::next_candidate(text, from) == detail::next_candidate_scalar(text, from));
    }
  }
  CHECK(detail::next_candidate("host gsx01 in 10.0.0.1", 0) == 14);
  CHECK(detail::next_candidate("host esx01 in 10.0.0.1", 0) == 5);  // e is a hex digit
  CHECK(detail::next_candidate("qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq mail@x", 0) == 38);
  CHECK(detail::next_candidate("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", 3) == 40);
  CHECK(detail::next_candidate("x1 ::1", 1) == 3);
}

}  // TEST_SUITE
