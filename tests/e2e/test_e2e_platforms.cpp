// End-to-end tests of the vcenter, workstation, fusion and guest platforms:
// `list --detect` on each fixture root and on ambiguous roots built at test
// time (explained, by documented precedence, overridden by --platform); a
// scrubbed collect of each fixture holds the platform's key logs and config,
// none of the fixture's planted names and addresses, no forbidden file, and
// passes `verify --map`; the hardware groups of linux and esxi take vendor logs
// and EDAC counters and mask serial numbers.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "e2e_support.h"

using namespace e2e;

namespace {

// Members whose path starts with `prefix` and ends with `suffix`.
int count_members(const Bundle& bundle, const std::string& prefix, const std::string& suffix = "") {
  return static_cast<int>(std::count_if(bundle.members.begin(), bundle.members.end(), [&](const auto& m) {
    return m.first.starts_with(prefix) && m.first.ends_with(suffix);
  }));
}

std::string detect(const fs::path& root, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"list", "--detect", "--root", root.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  const RunResult r = run(args);
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 0);
  return r.out;
}

// A scrubbed collect of `root` (exit 0), verified with the pseudonym map.
Collected collect_scrubbed(const fs::path& root, const TempDir& work, const std::vector<std::string>& extra = {}) {
  Collected c = collect_quiet({"--root", root.string()}, work.path(), extra);
  INFO("stderr: " << c.run.err);
  CHECK(c.run.exit_code == 0);
  REQUIRE(c.bundle.error.empty());
  CHECK(c.bundle.manifest["scrub"]["scrubbed"] == true);
  const RunResult verify = run({"verify", c.path.string(), "--map", (work.path() / "state/map.json").string()});
  INFO("verify: " << verify.out << verify.err);
  CHECK(verify.exit_code == 0);
  return c;
}

void check_no_forbidden(const Bundle& bundle) {
  for (const auto& [path, member] : bundle.members) {
    INFO("member " << path);
    CHECK(member.content.find("FORBIDDEN-") == std::string::npos);
  }
}

const char* const k_tools = "usr/bin/vmtoolsd";

}  // namespace

TEST_SUITE("e2e") {

TEST_CASE("each platform's fixture root is detected as that platform, with the markers that decided it") {
  struct Expect {
    const char* fixture;
    const char* line;  // the first line of list --detect
  };
  for (const Expect& e : {Expect{"vcenter", "platform vcenter: /etc/vmware-vpx/vpxd.cfg exists"},
                          Expect{"workstation", "platform workstation: /usr/lib/vmware/bin/vmware-vmx exists"},
                          Expect{"fusion", "platform fusion: /Applications/VMware Fusion.app exists"},
                          Expect{"guest", "platform guest: /usr/bin/vmtoolsd exists"},
                          Expect{"esxi", "platform esxi: /etc/vmware/esx.conf exists"},
                          Expect{"linux", "platform linux: /etc/os-release exists"}}) {
    INFO(e.fixture);
    const std::string out = detect(k_source_dir / "tests/fixtures" / e.fixture);
    CHECK(out.substr(0, out.find('\n')) == e.line);
    CHECK(out.find("precedence: esxi (100) > vcenter (80) > fusion (60) = workstation (60) > guest (20) > "
                   "linux (0, fallback)") != std::string::npos);
  }
  // vcenter is a Linux host: linux matched too, and lost on priority
  const std::string vcenter = detect(k_source_dir / "tests/fixtures/vcenter");
  CHECK(vcenter.find("  markers found: /etc/vmware-vpx/vpxd.cfg, /usr/lib/vmware-vmon/vmon-cli (priority 80)") !=
        std::string::npos);
  CHECK(vcenter.find("  also matched: linux (priority 0): /etc/os-release - ruled out by vcenter's higher priority") !=
        std::string::npos);
}

TEST_CASE("list --plan prints every planned task, as many of each kind as its JSON counts") {
  for (const char* fixture : {"esxi", "vcenter", "workstation", "fusion", "guest", "linux"}) {
    INFO(fixture);
    const std::string root = (k_source_dir / "tests/fixtures" / fixture).string();
    const RunResult text = run({"list", "--plan", "--root", root});
    const RunResult json = run({"list", "--plan", "--root", root, "--json"});
    REQUIRE(text.exit_code == 0);
    REQUIRE(json.exit_code == 0);
    std::map<std::string, int> lines;  // "+", "$", "-", "@": one task each
    std::istringstream in(text.out);
    for (std::string line; std::getline(in, line);) {
      if (line.size() > 6 && line.starts_with("    ") && line[5] == ' ') ++lines[line.substr(4, 1)];
    }
    const auto doc = nlohmann::json::parse(json.out);
    CHECK(lines["+"] == doc["files"].get<int>());
    CHECK(lines["$"] == doc["commands"].get<int>());
    CHECK(lines["-"] == doc["skipped"].get<int>());
    const int total = lines["+"] + lines["$"] + lines["-"] + lines["@"];
    CHECK(text.out.find(" from " + std::to_string(total) + " tasks") != std::string::npos);
  }
  // the VMs' files come after the host's in gathering order, and are listed
  const RunResult ws = run({"list", "--plan", "--root", (k_source_dir / "tests/fixtures/workstation").string()});
  CHECK(ws.out.find("+ home/alice/vmware/Tax Return 2024/Tax Return 2024.vmx") != std::string::npos);
  CHECK(ws.out.find("+ tmp/vmware-alice/vmware-ui-4242.log") != std::string::npos);
}

TEST_CASE("ambiguous roots are decided by the documented precedence, and --platform overrides it") {
  TempDir work;
  SUBCASE("a Linux VM with VMware Tools is a guest") {
    const fs::path root = work.path() / "root";
    copy_fixture("linux", root);
    write_file(root / k_tools, "");
    const std::string out = detect(root);
    CHECK(out.starts_with("platform guest: /usr/bin/vmtoolsd exists\n"));
    CHECK(out.find("also matched: linux (priority 0): /etc/os-release") != std::string::npos);
  }
  SUBCASE("a Workstation host that is itself a VM guest is a workstation") {
    const fs::path root = work.path() / "root";
    copy_fixture("workstation", root);
    write_file(root / k_tools, "");
    const std::string out = detect(root);
    CHECK(out.starts_with("platform workstation: /usr/lib/vmware/bin/vmware-vmx exists\n"));
    CHECK(out.find("also matched: guest (priority 20): /usr/bin/vmtoolsd - ruled out by workstation's higher "
                   "priority") != std::string::npos);
    CHECK(out.find("also matched: linux (priority 0)") != std::string::npos);
    CHECK(detect(root, {"--platform", "guest"}).starts_with("platform guest: --platform guest\n"));
  }
  SUBCASE("a vCenter appliance (a VM with tools) is a vcenter") {
    const fs::path root = work.path() / "root";
    copy_fixture("vcenter", root);
    write_file(root / k_tools, "");
    write_file(root / "etc/vmware-tools/tools.conf", "");
    const std::string out = detect(root);
    CHECK(out.starts_with("platform vcenter: "));
    CHECK(out.find("also matched: guest (priority 20): /usr/bin/vmtoolsd, /etc/vmware-tools") != std::string::npos);
  }
  SUBCASE("ESXi wins over everything, also over Workstation's /etc/vmware") {
    const fs::path root = work.path() / "root";
    copy_fixture("esxi", root);
    write_file(root / "etc/vmware/networking", "VERSION=1,0\n");
    const std::string out = detect(root);
    CHECK(out.starts_with("platform esxi: /etc/vmware/esx.conf exists\n"));
    CHECK(out.find("also matched: workstation (priority 60): /etc/vmware/networking") != std::string::npos);
  }
  SUBCASE("--json gives the same decision as data") {
    const fs::path root = work.path() / "root";
    copy_fixture("workstation", root);
    write_file(root / k_tools, "");
    const RunResult r = run({"list", "--detect", "--json", "--root", root.string()});
    REQUIRE(r.exit_code == 0);
    const auto json = nlohmann::json::parse(r.out);
    CHECK(json["platform"] == "workstation");
    CHECK(json["markers"][0] == "/usr/lib/vmware/bin/vmware-vmx");
    REQUIRE(json["also_matched"].size() == 2);
    CHECK(json["also_matched"][0]["platform"] == "guest");
    CHECK(json["also_matched"][1]["platform"] == "linux");
    CHECK(json["precedence"][0]["platform"] == "esxi");
    CHECK(json["precedence"].size() == 6);
  }
}

TEST_CASE("list shows every platform with its detection rule and includes") {
  const RunResult r = run({"list"});
  REQUIRE(r.exit_code == 0);
  for (const char* platform : {"esxi - ", "vcenter - ", "workstation - ", "fusion - ", "guest - ", "linux - "}) {
    INFO(platform);
    CHECK(("\n" + r.out).find(std::string("\n") + platform) != std::string::npos);
  }
  CHECK(r.out.find("  includes: linux") != std::string::npos);
  CHECK(r.out.find("  detect: priority 20; any of /usr/bin/vmtoolsd, /usr/sbin/vmtoolsd, /etc/vmware-tools") !=
        std::string::npos);
}

TEST_CASE("a missing or circular include stops the run with exit code 2, naming the manifest") {
  TempDir work;
  const fs::path dir = work.path() / "manifests";
  write_file(dir / "a.yaml", "platform: a\ninclude: [b]\ndetect: {fallback: true}\n");
  write_file(dir / "b.yaml", "platform: b\ninclude:\n  - a\n");
  RunResult r = run({"list", "--manifests", dir.string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(dir.string() + "/b.yaml:3:5: include cycle: a -> b -> a") != std::string::npos);
  write_file(dir / "b.yaml", "platform: b\ninclude: [linx]\n");
  r = run({"collect", "--manifests", dir.string(), "--root", (k_source_dir / "tests/fixtures/linux").string(), "-o",
           (work.path() / "out").string() + "/"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(dir.string() + "/b.yaml:2:11: include: no manifest for platform 'linx' (known: a, b)") !=
        std::string::npos);
  CHECK_FALSE(fs::exists(work.path() / "out"));
}

TEST_CASE("a vcenter root gives vpxd and service logs, configuration and certificate dates, scrubbed") {
  TempDir work;
  const fs::path root = work.path() / "root";
  copy_fixture("vcenter", root);
  const Collected c = collect_scrubbed(root, work);
  CHECK(c.bundle.manifest["platform"]["name"] == "vcenter");
  for (const char* member : {"var/log/vmware/vpxd/vpxd.log", "var/log/vmware/vpxd/vpxd-alert.log",
                             "var/log/vmware/vmon/vmon.log", "var/log/vmware/sso/ssoAdminServer.log",
                             "var/log/vmware/envoy/envoy.log", "var/log/vmware/rhttpproxy/rhttpproxy.log",
                             "var/log/vmware/applmgmt/applmgmt.log",
                             "var/log/vmware/vsphere-ui/logs/vsphere_client_virgo.log", "etc/vmware-vpx/vpxd.cfg",
                             "etc/vmware/service-state", "etc/vmware-vpx/ssl/rui.crt",
                             // the services no entry names: the rest of /var/log/vmware, walked
                             "var/log/vmware/vsan-health/vmware-vsan-health-service.log",
                             "var/log/vmware/vmware-sps/sps.log", "var/log/vmware/vapi/endpoint/endpoint.log",
                             // the linux content it includes
                             "etc/passwd", "var/log/messages"}) {
    INFO(member);
    CHECK(c.bundle.members.contains(member));
  }
  // a named service's log is gathered once, by its own entry (normal priority), with no
  // second item from the walk of /var/log/vmware (low priority)
  CHECK(items_for(c.bundle, "/var/log/vmware/vpxd/vpxd.log").size() == 1);
  const auto other = items_for(c.bundle, "/var/log/vmware/vsan-health/vmware-vsan-health-service.log");
  REQUIRE(other.size() == 1);
  CHECK(other.front()["status"] == "ok");
  // never: private keys, the database password file
  for (const char* member : {"etc/vmware-vpx/ssl/rui.key", "etc/vmware-vpx/vcdb.properties",
                             "etc/vmware/vmware-vmafd/machine-ssl.key", "etc/shadow"}) {
    INFO(member);
    CHECK_FALSE(c.bundle.members.contains(member));
  }
  check_no_forbidden(c.bundle);
  // the certificate file: BEGIN/END kept, its base64 body (CN = the appliance's FQDN) masked
  const std::string crt = c.bundle.members.at("etc/vmware-vpx/ssl/rui.crt").content;
  CHECK(crt == "-----BEGIN CERTIFICATE-----\n[certificate removed by vmsupport]\n-----END CERTIFICATE-----\n");
  // its subject, issuer and expiry date, as text, from the root's certificate files (host name scrubbed)
  const std::string vpxd_cert = "commands/Certificates_vCenter/vpxd-rui-enddate.txt";
  REQUIRE(c.bundle.members.contains(vpxd_cert));
  const std::string dates = c.bundle.members.at(vpxd_cert).content;
  CHECK(dates.find("notAfter=") != std::string::npos);
  CHECK(dates.find("subject=") != std::string::npos);
  CHECK(dates.find("issuer=") != std::string::npos);
  CHECK(c.bundle.members.contains("commands/Certificates_vCenter/vmca-root-enddate.txt"));
  const auto skipped =
      items_for(c.bundle, "openssl x509 -noout -subject -issuer -enddate -in {root}/etc/vmware-sso/keys/ssoserver.crt");
  REQUIRE(skipped.size() == 1);
  CHECK(skipped.front()["status"] == "skipped");
  // the appliance's names, the SSO domain (install-defaults), the hosts and VMs vpxd names
  // with their MoRefs (esx-fixture-03 in a domain no other source knows), everywhere
  const std::vector<std::string> found =
      leaks(c.bundle, {"vc-fixture-01", "esx-fixture-02", "vc.example", "opsjane", "192.0.2.", "198.51.100.",
                       "vsphere.local", "esx-fixture-03", "lab.example", "Billing Archive"});
  for (const std::string& leak : found) FAIL_CHECK("leak: " << leak);
}

TEST_CASE("a workstation root gives the host config and the VMs each user's inventory lists, scrubbed") {
  TempDir work;
  const fs::path root = work.path() / "root";
  copy_fixture("workstation", root);
  const Collected c = collect_scrubbed(root, work);
  CHECK(c.bundle.manifest["platform"]["name"] == "workstation");
  for (const char* member : {"etc/vmware/config", "etc/vmware/networking", "etc/vmware/vmnet8/nat/nat.conf",
                             "etc/vmware/vmnet8/dhcpd/dhcpd.conf", "var/log/vmware-installer"}) {
    INFO(member);
    CHECK(c.bundle.members.contains(member));
  }
  // names of users and VMs are pseudonyms in member paths too (srv/vms/vm-0001/…): count by shape
  CHECK(count_members(c.bundle, "srv/vms/", "/vmware.log") == 1);
  CHECK(count_members(c.bundle, "srv/vms/", "/vmware-0.log") == 1);
  CHECK(count_members(c.bundle, "home/", "/.vmware/inventory.vmls") == 1);
  CHECK(count_members(c.bundle, "home/", "/.vmware/preferences") == 1);
  CHECK(count_members(c.bundle, "tmp/vmware-") == 1);
  CHECK(count_members(c.bundle, "srv/vms/", ".vmx") == 1);
  CHECK(count_members(c.bundle, "home/", ".vmx") == 1);  // the listed VM, not the unlisted one
  CHECK(count_members(c.bundle, "home/", ".vmsd") == 1);
  CHECK(count_members(c.bundle, "home/", "/vmware.log") == 1);
  for (const auto& [path, member] : c.bundle.members) CHECK_MESSAGE(path.find("Unlisted") == std::string::npos, path);
  CHECK_FALSE(c.bundle.members.contains("etc/vmware/license-ws-170-e1-202208"));
  check_no_forbidden(c.bundle);
  // the VM's zdump beside its .vmx is described as a crash core
  REQUIRE(c.bundle.members.contains("cores/cores.json"));
  CHECK(c.bundle.members.at("cores/cores.json").content.find("vmware-vmx-zdump.000") != std::string::npos);
  const std::vector<std::string> found =
      leaks(c.bundle, {"ws-fixture-01", "home.example", "alice", "Build Box", "build-box", "Tax Return 2024",
                       "192.0.2.", "00:0c:29:aa:bb"});
  for (const std::string& leak : found) FAIL_CHECK("leak: " << leak);
}

TEST_CASE("a fusion root gives the users' Fusion logs, preferences and inventoried VM bundles, scrubbed") {
  TempDir work;
  const fs::path root = work.path() / "root";
  copy_fixture("fusion", root);
  SUBCASE("the Mac's names from its SystemConfiguration preferences (the fixture's /etc/hosts has only localhost)") {}
  SUBCASE("without preferences.plist, the Mac's name from vmware-vmx's and Fusion's Hostname= lines") {
    fs::remove(root / "Library/Preferences/SystemConfiguration/preferences.plist");
    fs::remove(root / "Library/Logs/VMware/vmnet-bridge.log");  // it names the Mac's Bonjour and computer names
  }
  const Collected c = collect_scrubbed(root, work);
  CHECK(c.bundle.manifest["platform"]["name"] == "fusion");
  CHECK(c.bundle.members.contains("Library/Preferences/VMware Fusion/networking"));
  CHECK(count_members(c.bundle, "Users/", "/Library/Logs/VMware Fusion/vmware-vmfusion.log") == 1);
  CHECK(count_members(c.bundle, "Users/", "/Library/Preferences/VMware Fusion/preferences") == 1);
  CHECK(count_members(c.bundle, "Users/", ".vmwarevm/vmware.log") == 1);
  CHECK(count_members(c.bundle, "Users/", ".vmx") == 1);
  CHECK(count_members(c.bundle, "Users/", ".plist") == 1);
  CHECK_FALSE(c.bundle.members.contains("Library/Preferences/VMware Fusion/license-fusion-130-e4-202208"));
  check_no_forbidden(c.bundle);
  // macOS commands are skipped (not failed) here
  for (const char* command : {"sw_vers", "system_profiler SPHardwareDataType SPSoftwareDataType"}) {
    const auto items = items_for(c.bundle, command);
    REQUIRE(items.size() == 1);
    CHECK(items.front()["status"] == "skipped");
  }
  const std::vector<std::string> found =
      leaks(c.bundle, {"mac-fixture-01", "home.example", "Studio-Fixture-Mac", "Studio Fixture Mac", "bob",
                       "Design Studio", "192.0.2.", "00:0c:29:cc:dd"});
  for (const std::string& leak : found) FAIL_CHECK("leak: " << leak);
}

TEST_CASE("a guest root gives the tools' logs and config plus the linux content, scrubbed") {
  TempDir work;
  const fs::path root = work.path() / "root";
  copy_fixture("guest", root);
  const Collected c = collect_scrubbed(root, work);
  CHECK(c.bundle.manifest["platform"]["name"] == "guest");
  for (const char* member : {"var/log/vmware-vmsvc-root.log", "var/log/vmware-vmsvc-root.1.log",
                             "var/log/vmware-vgauthsvc.log.0", "var/log/vmware-network.log",
                             "etc/vmware-tools/tools.conf", "etc/vmware-tools/vgauth.conf",
                             // from linux
                             "etc/passwd", "etc/os-release", "var/log/messages"}) {
    INFO(member);
    CHECK(c.bundle.members.contains(member));
  }
  CHECK(count_members(c.bundle, "var/log/vmware-vmusr-") == 1);
  CHECK_FALSE(c.bundle.members.contains("etc/vmware-tools/GuestProxyData/server/key.pem"));
  check_no_forbidden(c.bundle);
  const std::vector<std::string> found =
      leaks(c.bundle, {"guest-fixture-01", "guest.example", "carol", "192.0.2.", "00:50:56:9a:66"});
  for (const std::string& leak : found) FAIL_CHECK("leak: " << leak);
}

TEST_CASE("hardware groups take vendor agent logs, EDAC counters and mcelog, and mask serial numbers") {
  const std::string serial = "SRVSN-7Q4242";
  const std::string tag = "ASSET-0042-FX";
  const std::string uuid = "4c4c4544-0051-4610-8032-b7c04f4a5433";
  const std::string dmi = "Handle 0x0001, DMI type 1, 27 bytes\nSystem Information\n\tManufacturer: Dell Inc.\n"
                          "\tSerial Number: " + serial + "\n\tUUID: " + uuid + "\n\tAsset Tag: " + tag + "\n";
  SUBCASE("linux") {
    TempDir work;
    const fs::path root = work.path() / "root";
    copy_fixture("linux", root);
    write_file(root / "opt/dell/srvadmin/var/log/openmanage/omsa.log", "2024-05-14 08:00:00 Service Tag: " + serial + "\n" + dmi);
    write_file(root / "var/log/hp-ams/ams.log", "2024-05-14 08:00:00 iLO reports chassis serial number: " + serial + "\n");
    write_file(root / "var/log/mcelog", "Hardware event. This is not a software error.\nCPU 0 BANK 8 TSC 1a2b\n");
    write_file(root / "sys/devices/system/edac/mc/mc0/ce_count", "3\n");
    write_file(root / "sys/devices/system/edac/mc/mc0/ue_count", "0\n");
    write_file(root / "sys/devices/system/edac/mc/mc0/dimm0/dimm_label", "CPU_SrcID#0_Ha#0_Chan#0_DIMM#0\n");
    const Collected c = collect_scrubbed(root, work);
    for (const char* member : {"opt/dell/srvadmin/var/log/openmanage/omsa.log", "var/log/hp-ams/ams.log",
                               "var/log/mcelog", "sys/devices/system/edac/mc/mc0/ce_count",
                               "sys/devices/system/edac/mc/mc0/ue_count",
                               "sys/devices/system/edac/mc/mc0/dimm0/dimm_label"}) {
      INFO(member);
      CHECK(c.bundle.members.contains(member));
    }
    CHECK(c.bundle.members.at("sys/devices/system/edac/mc/mc0/ce_count").content == "3\n");
    for (const std::string& leak : leaks(c.bundle, {serial, tag, uuid})) FAIL_CHECK("identifier survives: " << leak);
    // ipmitool and dmidecode describe the running machine: skipped for another root
    for (const char* command : {"ipmitool sel elist", "dmidecode"}) {
      const auto items = items_for(c.bundle, command);
      REQUIRE(items.size() == 1);
      CHECK(items.front()["status"] == "skipped");
    }
  }
  SUBCASE("esxi") {
    TempDir work;
    const fs::path root = work.path() / "root";
    copy_fixture("esxi", root);
    write_file(root / "var/log/dcism/dcism.log", "2024-05-14T08:00:00Z iSM: " + dmi);
    write_file(root / "var/log/ipmi/0/sel.raw", "SEL entry 1: Memory ECC correctable\n");
    const Collected c = collect_scrubbed(root, work);
    CHECK(c.bundle.members.contains("var/log/dcism/dcism.log"));
    CHECK(c.bundle.members.contains("var/log/ipmi/0/sel.raw"));
    for (const std::string& leak : leaks(c.bundle, {serial, tag, uuid})) FAIL_CHECK("identifier survives: " << leak);
    const auto items = items_for(c.bundle, "localcli hardware ipmi sel list");
    REQUIRE(items.size() == 1);
    CHECK(items.front()["status"] == "skipped");
  }
}

}  // TEST_SUITE
