// The inventory (kinds/inventory): names taken from each kind of source text,
// the rules of Inventory::add (FQDN split, loopback and service accounts
// ignored, case-insensitive duplicates), gathering from a manifest's
// `inventory:` section on an in-memory file system, and the located messages
// of broken `inventory:` entries.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "host/filesystem.h"
#include "kinds/inventory.h"
#include "manifest/loader.h"

using namespace vmsupport;

namespace {

struct TextCase {
  std::string_view what;
  std::string take;
  std::string key;      // take: key; for xml_element, the element
  int min_uid;          // take: passwd
  std::string text;
  std::vector<std::string> names;
};

InventorySource source_of(const TextCase& c) {
  InventorySource source;
  source.take = c.take;
  if (c.take == "key") source.key = c.key;
  if (c.take == "xml_element") source.element = c.key;
  source.min_uid = c.min_uid;
  return source;
}

// "host esx01 | domain corp.example", in discovery order.
std::string render(const Inventory& inventory) {
  std::string out;
  for (const InventoryName& name : inventory.names) {
    if (!out.empty()) out += " | ";
    out += std::string(category_name(name.category)) + " " + name.name;
  }
  return out;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : " | ") + name;
  return out;
}

const std::string k_groups =
    "groups:\n"
    "  - id: Logs:Host\n"
    "    files: [/var/log/*.log]\n";

Manifest load(const std::string& inventory_yaml) {
  auto manifest = load_manifest("platform: esxi\n" + inventory_yaml + k_groups, "manifests/x.yaml");
  REQUIRE_MESSAGE(manifest.has_value(), (manifest ? "" : manifest.error().message));
  return *manifest;
}

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("each take finds the names of its kind of file") {
    const std::vector<TextCase> cases = {
        {"line: the first word of the first line", "line", "", 1000, "esx01.corp.example\n", {"esx01.corp.example"}},
        {"line: comments and blank lines skipped", "line", "", 1000, "# set by installer\n\n  web01  extra words\nweb02\n",
         {"web01"}},
        {"line: an empty file", "line", "", 1000, "", {}},
        {"line: only comments", "line", "", 1000, "# nothing\n   \n", {}},
        {"line: a line of form feeds and vertical tabs has no word (found by fuzz_inventory)", "line", "", 1000,
         "\v\f\n\fweb03\n", {"web03"}},
        {"key: esx.conf's quoted value", "key", "/adv/Misc/HostName", 1000,
         "/adv/Misc/HostIPAddr = \"10.0.0.5\"\n/adv/Misc/HostName = \"esx01.corp.example\"\n", {"esx01.corp.example"}},
        {"key: a .vmx displayName with a space", "key", "displayName", 1000,
         ".encoding = \"UTF-8\"\ndisplayName = \"Payroll DB\"\nguestOS = \"windows9srv-64\"\n", {"Payroll DB"}},
        {"key: KEY=VALUE and KEY: 'VALUE'", "key", "HOSTNAME", 1000, "HOSTNAME=web01\nHOSTNAME: 'web02'\n",
         {"web01", "web02"}},
        {"key: a longer key with the same start is another key", "key", "displayName", 1000,
         "displayNameOld = \"x\"\ndisplayName_2 = \"y\"\n", {}},
        {"key: a commented-out line is skipped", "key", "displayName", 1000, "# displayName = \"old\"\n", {}},
        {"key: a line without a separator is skipped", "key", "displayName", 1000, "displayName \"x\"\n", {}},
        {"hosts: every name after the address", "hosts", "", 1000,
         "127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n# 10.9.9.9 old\n"
         "10.0.0.5\tesx01.corp.example esx01  # mgmt\n10.0.0.6\n",
         {"localhost", "localhost", "ip6-localhost", "ip6-loopback", "esx01.corp.example", "esx01"}},
        {"resolv: search and domain lines", "resolv", "", 1000,
         "nameserver 10.0.0.2\nsearch corp.example lab.corp.example\ndomain corp.example\noptions ndots:2\n",
         {"corp.example", "lab.corp.example", "corp.example"}},
        {"passwd: users from min_uid, not nobody", "passwd", "", 1000,
         "root:x:0:0:root:/root:/bin/bash\n"
         "svc:x:999:999::/var/lib/svc:/usr/sbin/nologin\n"
         "jdoe:x:1000:1000:John Doe:/home/jdoe:/bin/bash\n"
         "asmith:x:1001:1001::/home/asmith:/bin/zsh\n"
         "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
         "nfsnobody:x:4294967294:4294967294::/:/sbin/nologin\n"
         "broken line\n",
         {"jdoe", "asmith"}},
        {"passwd: ESXi's min_uid 500", "passwd", "", 500,
         "root:x:0:0:Administrator:/:/bin/sh\ndcui:x:100:100:DCUI User:/:/bin/sh\n"
         "vpxuser:x:500:100:VMware VirtualCenter administration account:/:/bin/sh\n"
         "ops:x:501:100:Operations:/:/bin/sh\n",
         {"vpxuser", "ops"}},
        {"xml_element: libvirt's <name>", "xml_element", "name", 1000,
         "<domain type='kvm'>\n  <name>web01</name>\n  <uuid>564d1234-5678-90ab-cdef-1234567890ab</uuid>\n</domain>\n",
         {"web01"}},
        {"xml_element: a path gives its directory and file stem", "xml_element", "vmxCfgPath", 1000,
         "<ConfigRoot>\n  <ConfigEntry id=\"0000\">\n    <objID>1</objID>\n"
         "    <vmxCfgPath>/vmfs/volumes/5f1a2b3c-11223344-5566-001122334455/Payroll DB/Payroll DB.vmx</vmxCfgPath>\n"
         "  </ConfigEntry>\n  <ConfigEntry id=\"0001\">\n"
         "    <vmxCfgPath> /vmfs/volumes/ds1/web01/web01-new.vmx </vmxCfgPath>\n"
         "  </ConfigEntry>\n</ConfigRoot>\n",
         {"Payroll DB", "Payroll DB", "web01-new", "web01"}},
        {"xml_element: an element without its end is ignored", "xml_element", "name", 1000,
         "<name>a</name><name>b", {"a"}},
        {"xml_element: other elements are not taken", "xml_element", "name", 1000,
         "<title>x</title><hostname>y</hostname>", {}},
    };
    for (const TextCase& c : cases) {
      INFO(c.what);
      CHECK(join(names_from_text(source_of(c), c.text)) == join(c.names));
    }
  }

  TEST_CASE("plist_key takes the string after each <key>, in any dictionary; pattern takes a group of matching lines") {
    InventorySource plist;
    plist.take = "plist_key";
    plist.key = "ComputerName";
    CHECK(join(names_from_text(plist, "<dict><key>System</key><dict>\n\t<key>ComputerName</key>\n\t<string>Bob&apos;s Mac"
                                      "</string>\n<key>ComputerNameEncoding</key><integer>0</integer></dict></dict>")) ==
          "Bob's Mac");
    CHECK(join(names_from_text(plist, "<key>ComputerName</key><integer>0</integer>")).empty());
    CHECK(join(names_from_text(plist, "bplist00\xd1\x01\x02ComputerName")).empty());
    plist.key = "HostName";
    CHECK(join(names_from_text(plist, "<key>LocalHostName</key><string>a</string><key>HostName</key><string>b.example</string>")) ==
          "b.example");

    InventorySource vpxd;
    vpxd.take = "pattern";
    vpxd.contains = "vim.HostSystem:";
    vpxd.pattern = R"(vim\.HostSystem:host-[0-9]+,([^,\]\s]+)\])";
    const std::string log =
        "2022-06-02T11:58:12.796Z info vpxd[47240] [Originator@6876 sub=MoCluster opID=HB-host-363@2022-389ab9b1] Host "
        "[vim.HostSystem:host-363,esx-2-121.lab.example] has 1 HDCS resources\n"
        "2022-06-02T11:58:12.800Z info vpxd[1] host-363 reconnect [vim.HostSystem:host-9,esx9.lab.example] "
        "[vim.HostSystem:host-10,esx10.lab.example]\n"
        "2022-06-02T11:58:12.900Z info vpxd[1] vim.HostSystem:host-11 without a name\n"
        "no marker here: HostSystem:host-12,esx12.lab.example]";
    CHECK(join(names_from_text(vpxd, log)) == "esx-2-121.lab.example | esx9.lab.example | esx10.lab.example");
    // without a group, the whole match
    InventorySource whole;
    whole.take = "pattern";
    whole.contains = "Hostname=";
    whole.pattern = R"(Hostname=\S+)";
    CHECK(join(names_from_text(whole, "x vmx Hostname=mac01\n")) == "Hostname=mac01");
  }

  TEST_CASE("a pattern source reads a log in chunks and its names join the inventory in their category") {
    MemoryFileSystem fs;
    std::string big;
    while (big.size() < (6u << 20)) big += "vpxd: nothing to see here, just filling a large log file\n";
    fs.add_file("/var/log/vmware/vpxd/vpxd.log",
                "[vim.VirtualMachine:vm-1042,Payroll DB] powered on\n" + big + "[vim.VirtualMachine:vm-7,web, 01] on\n");
    fs.add_file("/var/log/vmware/vpxd/vpxd-1.log.gz", "\x1f\x8b [vim.VirtualMachine:vm-8,compressed]\n");
    const Manifest manifest = load(
        "inventory:\n"
        "  - { category: vm, glob: '/var/log/vmware/vpxd/vpxd*', take: pattern, contains: 'vim.VirtualMachine:',"
        " pattern: 'vim\\.VirtualMachine:vm-[0-9]+,([^\\]]+)\\]' }\n");
    CHECK(render(gather_inventory(manifest, fs)) == "vm Payroll DB | vm web, 01");
  }

  TEST_CASE("a host FQDN adds its short name and its domain, not the FQDN") {
    Inventory inventory;
    inventory.add(Category::host, "esx01.corp.example");
    CHECK(render(inventory) == "domain corp.example | host esx01");
    CHECK(inventory.count(Category::host) == 1);
    CHECK(inventory.count(Category::domain) == 1);
    inventory.add(Category::host, "esx02.CORP.example.");
    inventory.add(Category::host, " ESX01 ");
    CHECK(render(inventory) == "domain corp.example | host esx01 | host esx02");
  }

  TEST_CASE("loopback names, addresses and empty names are ignored") {
    Inventory inventory;
    for (const char* name : {"localhost", "LOCALHOST", "localhost.localdomain", "ip6-localhost", "ip6-loopback",
                             "ip6-allnodes", "broadcasthost", "", "   ", "10.0.0.5", "127.0.0.1."}) {
      inventory.add(Category::host, name);
    }
    inventory.add(Category::domain, "localdomain");
    inventory.add(Category::vm, "");
    CHECK(render(inventory) == "");
    inventory.add(Category::host, "esx01.localdomain");
    CHECK(render(inventory) == "host esx01");
  }

  TEST_CASE("service accounts are not user names") {
    Inventory inventory;
    for (const char* name : {"root", "ROOT", "vpxuser", "dcui", "nobody", "daemon", "sshd", "systemd-network"}) {
      inventory.add(Category::user, name);
    }
    inventory.add(Category::user, "jdoe");
    CHECK(render(inventory) == "user jdoe");
  }

  TEST_CASE("duplicates are dropped per category, ASCII case folded, first spelling kept") {
    Inventory inventory;
    inventory.add(Category::vm, "Payroll DB");
    inventory.add(Category::vm, "payroll db");
    inventory.add(Category::vm, "PAYROLL DB");
    inventory.add(Category::host, "Payroll DB");
    inventory.add(Category::vm, "M\xc3\xbcller-Buchhaltung");
    inventory.add(Category::vm, "m\xc3\xbcller-buchhaltung");
    inventory.add(Category::domain, "corp.example");
    inventory.add(Category::host, "esx01.Corp.Example");
    CHECK(render(inventory) ==
          "vm Payroll DB | host Payroll DB | vm M\xc3\xbcller-Buchhaltung | domain corp.example | host esx01");
    CHECK(inventory.count(Category::vm) == 2);
    CHECK(inventory.count(Category::user) == 0);
  }

  TEST_CASE("gather_inventory reads every source of the manifest, in order, best effort") {
    MemoryFileSystem fs;
    fs.add_file("/etc/vmware/esx.conf", "/adv/Misc/HostIPAddr = \"10.0.0.5\"\n/adv/Misc/HostName = \"esx01.corp.example\"\n");
    fs.add_file("/etc/hosts", "127.0.0.1 localhost.localdomain localhost\n10.0.0.5 esx01.corp.example esx01\n"
                              "10.0.0.7 vc01.corp.example vc01\n");
    fs.add_file("/etc/resolv.conf", "search corp.example lab.example\nnameserver 10.0.0.2\n");
    fs.add_file("/vmfs/volumes/ds1/Payroll DB/Payroll DB.vmx", "displayName = \"Payroll DB\"\n");
    fs.add_file("/vmfs/volumes/ds1/web01/web01.vmx", "displayName = \"Web Frontend\"\n");
    fs.add_file("/vmfs/volumes/ds1/.sdd.sf/vh.sf", "");
    fs.add_file("/vmfs/volumes/ds1/notes.txt", "not a directory\n");
    fs.add_file("/etc/vmware/hostd/vmInventory.xml",
                "<ConfigRoot><ConfigEntry id=\"0000\"><vmxCfgPath>/vmfs/volumes/ds1/Payroll DB/Payroll DB.vmx"
                "</vmxCfgPath></ConfigEntry><ConfigEntry id=\"0001\"><vmxCfgPath>/vmfs/volumes/ds2/dc01/dc01.vmx"
                "</vmxCfgPath></ConfigEntry></ConfigRoot>\n");
    fs.add_file("/etc/passwd", "root:x:0:0:Administrator:/:/bin/sh\nvpxuser:x:500:100::/:/bin/sh\n"
                               "jdoe:x:501:100:John Doe:/:/bin/sh\n");
    fs.add_special("/etc/hostname", FileType::fifo);
    const Manifest manifest = load(
        "inventory:\n"
        "  - { category: host, glob: /etc/vmware/esx.conf, take: key, key: /adv/Misc/HostName }\n"
        "  - { category: host, glob: /etc/hostname, take: line }\n"
        "  - { category: host, glob: /etc/hosts, take: hosts }\n"
        "  - { category: domain, glob: /etc/resolv.conf, take: resolv }\n"
        "  - { category: vm, glob: \"/vmfs/volumes/*/*/*.vmx\", take: key, key: displayName }\n"
        "  - { category: vm, glob: \"/vmfs/volumes/*/*\", take: dir_name }\n"
        "  - { category: vm, glob: /etc/vmware/hostd/vmInventory.xml, take: xml_element, element: vmxCfgPath }\n"
        "  - { category: user, glob: /etc/passwd, take: passwd, min_uid: 500 }\n"
        "  - { category: user, glob: /etc/missing/*.conf, take: line }\n");
    REQUIRE(manifest.inventory.size() == 9);
    const Inventory inventory = gather_inventory(manifest, fs);
    CHECK(render(inventory) ==
          "domain corp.example | host esx01 | host vc01 | domain lab.example | vm Payroll DB | vm Web Frontend"
          " | vm web01 | vm dc01 | user jdoe");
    CHECK(inventory.count(Category::vm) == 4);
  }

  TEST_CASE("gather_inventory with a hand-made manifest and an empty file system finds nothing") {
    MemoryFileSystem fs;
    Manifest manifest;
    InventorySource source;
    source.category = Category::host;
    source.glob = "/etc/hostname";
    source.take = "line";
    manifest.inventory.push_back(source);
    CHECK(gather_inventory(manifest, fs).names.empty());
    fs.add_file("/etc/hostname", "web01.lab.example\n");
    CHECK(render(gather_inventory(manifest, fs)) == "domain lab.example | host web01");
  }

  TEST_CASE("inventory entries parse with their defaults and marks") {
    const Manifest manifest = load(
        "inventory:\n"
        "  - { category: user, glob: /etc/passwd, take: passwd }\n"
        "  - category: vm\n"
        "    glob: /etc/libvirt/qemu/*.xml\n"
        "    take: xml_element\n"
        "    element: name\n");
    REQUIRE(manifest.inventory.size() == 2);
    const InventorySource& passwd = manifest.inventory[0];
    CHECK(passwd.category == Category::user);
    CHECK(passwd.glob == "/etc/passwd");
    CHECK(passwd.take == "passwd");
    CHECK(passwd.min_uid == 1000);
    CHECK(passwd.mark.file == "manifests/x.yaml");
    CHECK(passwd.mark.line == 3);
    const InventorySource& libvirt = manifest.inventory[1];
    CHECK(libvirt.category == Category::vm);
    CHECK(libvirt.element == "name");
    CHECK(libvirt.key.empty());
    CHECK(libvirt.mark.line == 4);
  }

  TEST_CASE("each broken inventory entry gives one exact, located message") {
    struct BrokenCase {
      std::string_view what;
      std::string_view inventory;
      std::string_view message;
    };
    const BrokenCase cases[] = {
        {"an unknown category",
         "inventory:\n"
         "  - { category: datastore, glob: /etc/hosts, take: hosts }\n",
         "manifests/x.yaml:3:17: 'category' must be host, domain, vm or user, got 'datastore'"},
        {"a category that is a pattern, not a name",
         "inventory:\n"
         "  - { category: ipv4, glob: /etc/hosts, take: hosts }\n",
         "manifests/x.yaml:3:17: 'category' must be host, domain, vm or user, got 'ipv4'"},
        {"an unknown take",
         "inventory:\n"
         "  - { category: host, glob: /etc/hosts, take: lines }\n",
         "manifests/x.yaml:3:47: 'take' must be one of line, key, hosts, resolv, passwd, dir_name, path_names, "
         "xml_element, user_fields, plist_key, pattern, got 'lines'"},
        {"take: plist_key without a key",
         "inventory:\n"
         "  - { category: host, glob: /Library/Preferences/SystemConfiguration/preferences.plist, take: plist_key }\n",
         "manifests/x.yaml:3:5: take: plist_key needs a 'key'"},
        {"take: pattern without the text its lines contain",
         "inventory:\n"
         "  - { category: host, glob: /var/log/x.log, take: pattern, pattern: 'Hostname=(\\S+)' }\n",
         "manifests/x.yaml:3:5: take: pattern needs a 'pattern' and the text its lines contain ('contains')"},
        {"take: pattern with a broken regular expression",
         "inventory:\n"
         "  - { category: host, glob: /var/log/x.log, take: pattern, contains: x, pattern: 'host=(' }\n",
         "manifests/x.yaml:3:82: 'pattern' is not a valid regular expression: "},
        {"user_fields for another category",
         "inventory:\n"
         "  - { category: host, glob: /var/log/auth.log, take: user_fields }\n",
         "manifests/x.yaml:3:54: take: user_fields finds users: its category must be user"},
        {"take: key without a key",
         "inventory:\n"
         "  - category: vm\n"
         "    glob: /vmfs/volumes/*/*/*.vmx\n"
         "    take: key\n",
         "manifests/x.yaml:3:5: take: key needs a 'key'"},
        {"take: xml_element without an element",
         "inventory:\n"
         "  - { category: vm, glob: /etc/vmware/hostd/vmInventory.xml, take: xml_element }\n",
         "manifests/x.yaml:3:5: take: xml_element needs an 'element'"},
        {"an entry without a take",
         "inventory:\n"
         "  - { category: host, glob: /etc/hostname }\n",
         "manifests/x.yaml:3:5: inventory entry has no 'take'"},
        {"an unknown key in an entry",
         "inventory:\n"
         "  - { category: vm, glob: /etc/x.xml, take: xml_element, elment: name }\n",
         "manifests/x.yaml:3:58: unknown key 'elment' in inventory entry (did you mean 'element'?)"},
        {"inventory that is not a list",
         "inventory: /etc/hosts\n",
         "manifests/x.yaml:2:12: 'inventory' must be a list of sources"},
    };
    for (const BrokenCase& c : cases) {
      INFO(c.what);
      auto manifest = load_manifest("platform: esxi\n" + std::string(c.inventory) + k_groups, "manifests/x.yaml");
      REQUIRE_FALSE(manifest.has_value());
      if (c.message.ends_with(": ")) {  // the regex library's own words follow
        CHECK(manifest.error().message.starts_with(c.message));
      } else {
        CHECK(manifest.error().message == c.message);
      }
    }
  }
}

TEST_SUITE("unit") {
  TEST_CASE("absolute domain names, quoted '#', .vmx escapes and XML entities give clean names") {
    Inventory inventory;
    inventory.add(Category::domain, "corp.example.");
    CHECK(render(inventory) == "domain corp.example");
    CHECK(join(names_from_text(source_of({"", "key", "displayName", 0, "", {}}), "displayName = \"Lab #2\"\n")) == "Lab #2");
    CHECK(join(names_from_text(source_of({"", "key", "displayName", 0, "", {}}), "displayName = \"Lab |232\"\n")) == "Lab #2");
    CHECK(join(names_from_text(source_of({"", "xml_element", "name", 0, "", {}}), "<name>R&amp;D</name>")) == "R&D");
  }
}

TEST_SUITE("unit") {
  TEST_CASE("real users start at the root's login.defs UID_MIN when it has one") {
    const Manifest manifest = load("inventory:\n  - { category: user, glob: /etc/passwd, take: passwd, min_uid: 1000 }\n");
    MemoryFileSystem fs;
    fs.add_file("/etc/passwd", "root:x:0:0::/root:/bin/bash\nerating:x:500:500::/home/erating:/bin/bash\n");
    CHECK(render(gather_inventory(manifest, fs)).empty());
    fs.add_file("/etc/login.defs", "# shadow\nUID_MIN                   500\nUID_MAX 60000\n");
    CHECK(render(gather_inventory(manifest, fs)) == "user erating");
  }

  TEST_CASE("users named in log fields join the inventory, except the passwd file's service accounts") {
    MemoryFileSystem fs;
    fs.add_file("/etc/passwd", "root:x:0:0::/root:/bin/bash\npostgres:x:26:26::/var/lib/pgsql:/bin/bash\n"
                               "jsmith:x:1000:1000::/home/jsmith:/bin/bash\n");
    fs.add_file("/var/log/secure", "sshd[1]: Accepted password for postgres from 192.0.2.1 port 22 ssh2\n"
                                   "sshd[2]: Accepted publickey for mkowalski from 192.0.2.2 port 22 ssh2\n"
                                   "sshd[3]: Failed password for invalid user oracle from 192.0.2.3 port 22 ssh2\n");
    // A log larger than the in-memory limit is read in chunks: a user on its last line counts.
    std::string big;
    while (big.size() < (6u << 20)) big += "kernel: nothing to see here, just filling a large log file\n";
    fs.add_file("/var/log/secure-20261101", big + "su: pam_unix(su-l:session): session opened for user anna by (uid=0)\n");
    fs.add_file("/var/log/secure-20261001.gz", "\x1f\x8b user=compressed\n");
    const Manifest manifest = load(
        "inventory:\n"
        "  - { category: user, glob: /etc/passwd, take: passwd, min_uid: 1000 }\n"
        "  - { category: user, glob: \"/var/log/secure*\", take: user_fields }\n");
    CHECK(render(gather_inventory(manifest, fs)) == "user jsmith | user mkowalski | user anna");
  }
}
