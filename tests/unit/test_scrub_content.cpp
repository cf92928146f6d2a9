// ContentScrubber (scrub/content_scrubber) with a real PseudonymMap: names,
// host names under known domains, addresses and e-mail replaced, secrets
// masked first, every other byte kept (false-positive traps included),
// --keep, the counts, collected items (gzip members decompressed, binary ones
// left out, paths and link targets scrubbed) and the way back through the map.
#include <doctest/doctest.h>

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "kinds/inventory.h"
#include "kinds/item.h"
#include "scrub/content_scrubber.h"
#include "scrub/pseudonyms.h"
#include "scrub/secrets.h"
#include "scrub/unscrubber.h"
#include "../support/gzip.h"

using namespace vmsupport;
using vmsupport::testing::gzip;

namespace {

// Pseudonyms follow inventory order: corp.example -> domain-01.invalid,
// esx01 -> host-0001, dc01 -> host-0002, Payroll DB -> vm-0001,
// test -> vm-0002, jdoe -> user-0001.
Inventory sample_inventory() {
  Inventory inventory;
  inventory.add(Category::host, "esx01.corp.example");
  inventory.add(Category::host, "dc01");
  inventory.add(Category::vm, "Payroll DB");
  inventory.add(Category::vm, "test");
  inventory.add(Category::user, "jdoe");
  return inventory;
}

std::unique_ptr<ContentScrubber> make_scrubber(PseudonymMap& map, const ScrubSettings& settings = {}) {
  auto scrubber = ContentScrubber::create(sample_inventory(), settings, map);
  REQUIRE_MESSAGE(scrubber.has_value(), (scrubber ? "" : scrubber.error().message));
  return std::move(*scrubber);
}

std::string scrub(const ContentScrubber& scrubber, std::string_view text) {
  ScrubCounts counts;
  return scrubber.scrub_text(text, counts);
}

std::string render(const ScrubCounts& counts) {
  std::string out;
  for (const auto& [category, count] : counts) out += (out.empty() ? "" : " ") + category + "=" + std::to_string(count);
  return out;
}

CollectedItem item_of(std::string archive_path, std::string content) {
  CollectedItem item;
  item.source = "/" + archive_path;
  item.archive_path = std::move(archive_path);
  item.content = std::move(content);
  item.original_size = item.content.size();
  return item;
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  return text;
}

// Values that look like addresses or names to a careless scrubber.
const std::vector<std::string_view> k_traps = {
    "VMware ESXi 7.0.3 build-20328353",
    "vpxa version 12.1.5.20735119",
    "sha256WithRSAEncryption 1.2.840.113549.1.1.11",
    "uuid.bios = \"564d1234-5678-90ab-cdef-1234567890ab\"",
    "vmnic0 0000:3b:00.0 ixgben Up 10000Mbps",
    "world 0x7f3a2b1c cartel 0x43a0ffee id deadbeefcafe",
    "2024-05-14T08:20:00.123Z info hostd[2099] opID=a1b2c3d4",
    "naa.600508b1001c3a5a8b2c0e1d2f3a4b5c : HP Serial Attached SCSI Disk",
    "scsi0:0.fileName = \"disk-000001.vmdk\"",
    "mask 255.255.255.0 gateway 0.0.0.0 loopback 127.0.0.1 ::1 broadcast 255.255.255.255",
    "multicast 224.0.0.251 ff02::fb link-local 169.254.1.1 mac ff:ff:ff:ff:ff:ff",
    "a dc01x xdc01 Payroll DBA mytest testing jdoe2 corp.examples",
    "a unit test of the backup server",
};

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("inventory names are replaced by their pseudonyms, in any case and encoding") {
    PseudonymMap map;
    const auto scrubber = make_scrubber(map);
    CHECK(scrub(*scrubber, "dc01 DC01 dc01-flat.vmdk") == "host-0002 host-0002 host-0002-flat.vmdk");
    CHECK(scrub(*scrubber, "[datastore1] Payroll DB/Payroll DB.vmx") == "[datastore1] vm-0001/vm-0001.vmx");
    CHECK(scrub(*scrubber, "GET /vm/Payroll%20DB?x=Payroll+DB") == "GET /vm/vm-0001?x=vm-0001");
    CHECK(scrub(*scrubber, "/vmfs/volumes/ds1/test/test.vmx") == "/vmfs/volumes/ds1/vm-0002/vm-0002.vmx");
    CHECK(scrub(*scrubber, "user jdoe logged in") == "user user-0001 logged in");
    CHECK(scrub(*scrubber, "esx01 is up") == "host-0001 is up");
  }

  TEST_CASE("a host name under a known domain becomes host-NNNN.domain-NN.invalid") {
    PseudonymMap map;
    const auto scrubber = make_scrubber(map);
    CHECK(scrub(*scrubber, "esx01.corp.example") == "host-0001.domain-01.invalid");
    CHECK(scrub(*scrubber, "ESX01.CORP.EXAMPLE") == "host-0001.domain-01.invalid");
    CHECK(scrub(*scrubber, "connected to https://vc01.corp.example/sdk") ==
          "connected to https://host-0003.domain-01.invalid/sdk");
    CHECK(scrub(*scrubber, "esx-prod-08.corp.example:443") == "host-0004.domain-01.invalid:443");
    CHECK(scrub(*scrubber, "search corp.example") == "search domain-01.invalid");
    CHECK(scrub(*scrubber, "vc01.corp.example again") == "host-0003.domain-01.invalid again");
    CHECK(map.original("host-0004") == "esx-prod-08");
  }

  TEST_CASE("text without anything to replace comes back byte for byte") {
    PseudonymMap map;
    const auto scrubber = make_scrubber(map);
    std::string text = "first line\n\n\r\n\tindented\r\nno newline at the end";
    text += std::string(70000, 'x') + "\n";
    text += "invalid UTF-8: \xff\xfe\xc3 and \xe8\xb2 end\n";
    text += "UTF-8: M\xc3\xbcller \xe8\xb2\xa1\xe5\x8b\x99\n";
    for (std::string_view trap : k_traps) text += std::string(trap) + "\r\n";
    ScrubCounts counts;
    CHECK(scrubber->scrub_text(text, counts) == text);
    CHECK(counts.empty());
    CHECK(scrub(*scrubber, "").empty());
  }

  TEST_CASE("false-positive traps survive one by one") {
    PseudonymMap map;
    const auto scrubber = make_scrubber(map);
    for (std::string_view trap : k_traps) {
      INFO("trap: ", trap);
      CHECK(scrub(*scrubber, trap) == trap);
    }
    CHECK(map.entries().size() == 6);  // the inventory's names only: nothing new was made
  }

  TEST_CASE("every byte around a replacement is kept") {
    PseudonymMap map;
    const auto scrubber = make_scrubber(map);
    const std::string long_prefix(100000, 'a');
    CHECK(scrub(*scrubber, long_prefix + " dc01\r\n") == long_prefix + " host-0002\r\n");
    CHECK(scrub(*scrubber, "\n\ndc01\n\n") == "\n\nhost-0002\n\n");
    CHECK(scrub(*scrubber, "\xff\xfe dc01 \xc3\n") == "\xff\xfe host-0002 \xc3\n");
    CHECK(scrub(*scrubber, "\xff" "dc01\xfe") == "\xff" "host-0002\xfe");
    CHECK(scrub(*scrubber, "a\tdc01\tb\r\nc\r\n") == "a\thost-0002\tb\r\nc\r\n");
    CHECK(scrub(*scrubber, "7.0.3 dc01 0000:3b:00.0") == "7.0.3 host-0002 0000:3b:00.0");
  }

  TEST_CASE("addresses and e-mail are replaced, special addresses kept") {
    PseudonymMap map;
    const auto scrubber = make_scrubber(map);
    const std::string out =
        scrub(*scrubber, "ip 10.20.30.40 mask 255.255.255.0 gw 0.0.0.0 lo 127.0.0.1\n"
                         "mac 00:50:56:aa:bb:cc v6 2001:db8:1:2::10\n"
                         "mail jdoe@corp.example alice@example.org\n");
    const std::string ip = map.pseudonym(Category::ipv4, "10.20.30.40");
    const std::string mac = map.pseudonym(Category::mac, "00:50:56:aa:bb:cc");
    const std::string v6 = map.pseudonym(Category::ipv6, "2001:db8:1:2::10");
    const std::string alice = map.pseudonym(Category::email, "alice@example.org");
    CHECK(ip.starts_with("240."));
    CHECK(ip.ends_with(".40"));
    CHECK(mac.starts_with("00:50:56:"));
    CHECK(mac != "00:50:56:aa:bb:cc");
    CHECK(out == "ip " + ip + " mask 255.255.255.0 gw 0.0.0.0 lo 127.0.0.1\n"
                 "mac " + mac + " v6 " + v6 + "\n"
                 "mail user-0001@domain-01.invalid " + alice + "\n");
    CHECK(alice.starts_with("user-0002@domain-02.invalid"));
  }

  TEST_CASE("secrets are masked and win over names and addresses inside them") {
    PseudonymMap map;
    const auto scrubber = make_scrubber(map);
    ScrubCounts counts;
    CHECK(scrubber->scrub_text("password=dc01 host=dc01", counts) == "password=******** host=host-0002");
    CHECK(render(counts) == "host=1 secret=1");
    CHECK(scrub(*scrubber, "{\"secret\": \"Payroll DB at 10.0.0.1\", \"vm\": \"Payroll DB\"}") ==
          "{\"secret\": \"********\", \"vm\": \"vm-0001\"}");
    CHECK(scrub(*scrubber, "token: jdoe@corp.example") == "token: ********");
    CHECK(scrub(*scrubber, "-----BEGIN RSA PRIVATE KEY-----\ndc01\n10.0.0.1\n-----END RSA PRIVATE KEY-----\n") ==
          "-----BEGIN RSA PRIVATE KEY-----\n" + std::string(k_private_key_mask) + "-----END RSA PRIVATE KEY-----\n");
    CHECK(scrub(*scrubber, "pciPassthru0.present = \"TRUE\"\nPasswordAuthentication yes\n") ==
          "pciPassthru0.present = \"TRUE\"\nPasswordAuthentication yes\n");
  }

  TEST_CASE("--keep leaves a category as it is") {
    const std::string text = "dc01 esx01.corp.example Payroll DB jdoe 10.20.30.40 00:50:56:aa:bb:cc alice@example.org";
    {
      PseudonymMap map;
      ScrubSettings settings;
      settings.keep = {Category::ipv4, Category::ipv6};
      const std::string out = scrub(*make_scrubber(map, settings), text);
      CHECK(out.starts_with("host-0002 host-0001.domain-01.invalid vm-0001 user-0001 10.20.30.40 00:50:56:"));
    }
    {
      PseudonymMap map;
      ScrubSettings settings;
      settings.keep = {Category::host};
      const std::string out = scrub(*make_scrubber(map, settings), text);
      CHECK(out.starts_with("dc01 esx01.domain-01.invalid vm-0001 user-0001 240."));
    }
    {
      PseudonymMap map;
      ScrubSettings settings;
      settings.keep = {Category::vm, Category::mac, Category::email};
      const std::string out = scrub(*make_scrubber(map, settings), text);
      CHECK(out.starts_with("host-0002 host-0001.domain-01.invalid Payroll DB user-0001 240."));
      CHECK(out.ends_with(" 00:50:56:aa:bb:cc alice@example.org"));
    }
    {
      PseudonymMap map;
      ScrubSettings settings;
      settings.keep = {Category::domain};
      CHECK(scrub(*make_scrubber(map, settings), "esx01.corp.example corp.example") ==
            "host-0001.corp.example corp.example");
    }
  }

  TEST_CASE("--keep parses category names, ip for both families") {
    const auto both = parse_keep("ip,mac");
    REQUIRE(both.has_value());
    CHECK(*both == std::set<Category>{Category::ipv4, Category::ipv6, Category::mac});
    const auto names = parse_keep("host,,vm,user,domain,email,ipv6");
    REQUIRE(names.has_value());
    CHECK(names->size() == 6);
    CHECK(parse_keep("")->empty());
    const auto unknown = parse_keep("host,ips");
    REQUIRE_FALSE(unknown.has_value());
    CHECK(unknown.error().message == "--keep: unknown category 'ips' (host, domain, vm, user, ip, ipv4, ipv6, mac, email)");
    CHECK_FALSE(parse_keep("word").has_value());
  }

  TEST_CASE("--scrub-word words are replaced as word pseudonyms") {
    PseudonymMap map;
    ScrubSettings settings;
    settings.words = {"Project Falcon", "ACME"};
    const auto scrubber = make_scrubber(map, settings);
    ScrubCounts counts;
    CHECK(scrubber->scrub_text("project falcon for acme, not ACMEs", counts) == "word-0001 for word-0002, not ACMEs");
    CHECK(render(counts) == "word=2");
  }

  TEST_CASE("the counts tell how many values of each category were replaced") {
    PseudonymMap map;
    const auto scrubber = make_scrubber(map);
    ScrubCounts counts;
    scrubber->scrub_text("dc01 esx01.corp.example corp.example Payroll DB jdoe 10.0.0.1 10.0.0.2 127.0.0.1\n"
                         "00:50:56:aa:bb:cc fe80::250:56ff:feaa:bbcc bob@example.org password=x token=y\n",
                         counts);
    CHECK(render(counts) == "domain=1 email=1 host=2 ipv4=2 ipv6=1 mac=1 secret=2 user=1 vm=1");
    scrubber->scrub_text("dc01", counts);
    CHECK(counts["host"] == 3);
  }

  TEST_CASE("a text item has its content, path, source and link target scrubbed") {
    PseudonymMap map;
    const auto scrubber = make_scrubber(map);
    CollectedItem item = item_of("var/log/dc01/hostd.log", "dc01 started Payroll DB\n");
    const ScrubbedItem scrubbed = scrubber->scrub(std::move(item));
    CHECK(scrubbed.scrubbed());
    CHECK(scrubbed.item().archive_path == "var/log/host-0002/hostd.log");
    CHECK(scrubbed.item().source == "/var/log/host-0002/hostd.log");
    CHECK(scrubbed.item().content == "host-0002 started vm-0001\n");
    CHECK(scrubbed.item().status == Status::ok);
    // The member's own counts (scrub-report.json's "members"): its content, not its path.
    CHECK(render(scrubbed.counts()) == "host=1 vm=1");

    CollectedItem link = item_of("vms/Payroll DB.vmx", "");
    link.link_target = "../vmfs/volumes/ds1/Payroll DB/Payroll DB.vmx";
    const ScrubbedItem scrubbed_link = scrubber->scrub(std::move(link));
    CHECK(scrubbed_link.item().archive_path == "vms/vm-0001.vmx");
    CHECK(scrubbed_link.item().link_target == "../vmfs/volumes/ds1/vm-0001/vm-0001.vmx");

    const ScrubReport report = scrubber->report();
    CHECK(report.totals.at("host") == 3);
    CHECK(report.totals.at("vm") == 5);
    CHECK(report.inventory.at("host") == 2);
    CHECK(report.inventory.at("domain") == 1);
    CHECK(report.inventory.at("vm") == 2);
    CHECK(report.inventory.at("user") == 1);
  }

  TEST_CASE("a gzip member is decompressed, scrubbed and loses its .gz") {
    PseudonymMap map;
    const auto scrubber = make_scrubber(map);
    const std::string plain = "2024-05-14T08:20:00.123Z dc01 vmkernel: booted 7.0.3\r\n\r\nPayroll DB on 10.0.0.9\n";
    const std::string compressed = gzip(plain);
    REQUIRE(compressed.size() > 2);
    REQUIRE(static_cast<unsigned char>(compressed[0]) == 0x1f);
    const ScrubbedItem scrubbed = scrubber->scrub(item_of("var/run/log/dc01-vmkernel.0.gz", compressed));
    CHECK(scrubbed.item().archive_path == "var/run/log/host-0002-vmkernel.0");
    CHECK(scrubbed.item().content == "2024-05-14T08:20:00.123Z host-0002 vmkernel: booted 7.0.3\r\n\r\nvm-0001 on " +
                                         map.pseudonym(Category::ipv4, "10.0.0.9") + "\n");
    CHECK(scrubbed.item().original_size == plain.size());
    CHECK(scrubbed.item().status == Status::ok);
    CHECK(scrubbed.item().reason.find("decompressed from host-0002-vmkernel.0.gz") != std::string::npos);
    CHECK(scrubbed.item().reason.find("dc01") == std::string::npos);
  }

  TEST_CASE("a binary member is left out, whether plain, gzip-compressed or a broken gzip") {
    PseudonymMap map;
    const auto scrubber = make_scrubber(map);
    const std::string elf = std::string("\x7f" "ELF\x02\x01\x01\0\0\0 dc01", 15);
    const std::vector<CollectedItem> items = {
        item_of("bin/tool", elf),
        item_of("var/core/zdump.1.gz", gzip(elf)),
        item_of("var/log/broken.gz", std::string("\x1f\x8b\x08\x00garbage", 11)),
    };
    for (const CollectedItem& item : items) {
      INFO("member: ", item.archive_path);
      const ScrubbedItem scrubbed = scrubber->scrub(item);
      CHECK(scrubbed.item().archive_path.empty());
      CHECK(scrubbed.item().content.empty());
      CHECK(scrubbed.item().status == Status::skipped);
      CHECK(scrubbed.item().reason.find("binary content left out") != std::string::npos);
    }
    CHECK(scrubber->report().left_out.size() == 3);
  }

  TEST_CASE("every pseudonym leads back to its original through the map, in any case") {
    PseudonymMap map;
    const auto scrubber = make_scrubber(map);
    const std::string text = "dc01 vc01.corp.example Payroll DB test jdoe 10.20.30.40 00:50:56:aa:bb:cc "
                             "2001:db8:1:2::10 alice@example.org";
    const std::string out = scrub(*scrubber, text);
    CHECK(out.find("dc01") == std::string::npos);
    CHECK(out.find("vc01") == std::string::npos);
    CHECK(out.find("corp.example") == std::string::npos);
    CHECK(out.find("10.20.30.40") == std::string::npos);
    CHECK(out.find("alice") == std::string::npos);
    const std::vector<PseudonymMap::Entry> entries = map.entries();
    CHECK(entries.size() >= 11);
    for (const PseudonymMap::Entry& entry : entries) {
      INFO(category_name(entry.category), " ", entry.original, " -> ", entry.pseudonym);
      CHECK(map.original(entry.pseudonym) == entry.original);
      CHECK(map.original(upper(entry.pseudonym)) == entry.original);
    }
    CHECK(map.original("host-0002") == "dc01");
    CHECK(map.original("VM-0001") == "Payroll DB");
    CHECK(map.original("host-0003") == "vc01");
    CHECK(map.original("domain-01.invalid") == "corp.example");
  }

  TEST_CASE("unscrubbing gives back an address in each notation the scrubber wrote it (found by fuzz_scrub)") {
    // The map keeps 82.252.162.81 as first met (dotted); the host name
    // beside it carries the same address dashed, and both come back.
    PseudonymMap map;
    const auto scrubber = make_scrubber(map);
    const std::string text = "connection from 82.252.162.81 (lns-tou-82-252-162-81.adsl.example.net) "
                             "and from dhcp-10-1-2-3 then 10.1.2.3, dc01\r\n";
    const std::string out = scrub(*scrubber, text);
    CHECK(out.find("82-252-162") == std::string::npos);
    CHECK(out.find("10-1-2") == std::string::npos);
    auto unscrubber = Unscrubber::create(map);
    REQUIRE(unscrubber);
    CHECK(unscrubber->unscrub(out) == text);
  }
}

TEST_SUITE("unit") {
  TEST_CASE("the domain is still replaced when a name took the host label before it") {
    PseudonymMap map;
    auto scrubber = make_scrubber(map);
    CHECK(scrub(*scrubber, "vm Payroll DB-replica.corp.example") == "vm vm-0001-replica.domain-01.invalid");
    CHECK(scrub(*scrubber, "Payroll DB.corp.example") == "vm-0001.domain-01.invalid");
  }

  TEST_CASE("a NUL byte anywhere makes a member binary, and the report names it scrubbed") {
    PseudonymMap map;
    auto scrubber = make_scrubber(map);
    std::string content(10000, 'a');
    content += std::string(1, '\0') + "tail";
    ScrubbedItem item = scrubber->scrub(item_of("bin/dc01-tool", content));
    CHECK(item.item().archive_path.empty());
    const ScrubReport report = scrubber->report();
    REQUIRE(report.left_out.size() == 1);
    CHECK(report.left_out[0].first == "bin/host-0002-tool");
  }

  TEST_CASE("a user in a log field is replaced there even when no inventory source named it") {
    PseudonymMap map;
    Inventory inventory = sample_inventory();
    inventory.service_accounts = {"postgres"};
    auto scrubber = ContentScrubber::create(inventory, {}, map);
    REQUIRE(scrubber);
    ScrubCounts counts;
    const std::string out = (*scrubber)->scrub_text(
        "Accepted password for mkowalski from 10.0.0.1 port 22\nuser=postgres user=jdoe C:\\Users\\Anna\\x\n", counts);
    CHECK(out == "Accepted password for " + map.pseudonym(Category::user, "mkowalski") + " from " +
                     map.pseudonym(Category::ipv4, "10.0.0.1") + " port 22\nuser=postgres user=user-0001 C:\\Users\\" +
                     map.pseudonym(Category::user, "Anna") + "\\x\n");
    CHECK(counts.at("user") == 3);
    ScrubSettings keep_users;
    keep_users.keep = {Category::user};
    auto keeping = ContentScrubber::create(inventory, keep_users, map);
    REQUIRE(keeping);
    CHECK((*keeping)->scrub_text("user=mkowalski", counts) == "user=mkowalski");
  }
}
