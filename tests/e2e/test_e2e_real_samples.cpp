// End-to-end scrubbing on real files from public repositories
// (shared/data/real, see its PROVENANCE.md). Each case builds a fake host root at
// test time, puts the real files where the platform's manifest reads them, runs the
// real binary with scrubbing on (the default) and checks that none of the personal
// values each file is known to hold survives, in any member's contents or name, and
// that `verify --map` passes.
//
// - The real files are never copied into this repository: they are read from
//   ../shared/data/real beside it, at test time. Without that directory every case
//   is skipped (a message and return).
// - Per real file, `values_<file>` lists the personal values it holds (host names,
//   domains, VM names, users, IPv4/IPv6/MAC, e-mail), written down from reading it.
//   A plain value must not survive as a case-insensitive substring; a `token(...)`
//   value (short or generic) must not survive as a whole token.
// - `known_leaks_<file>` lists the values of that file the engine misses today,
//   each with the reason. They are engine findings, kept apart so that the test stays
//   strict for everything else; a known leak that no longer survives is reported so
//   it can move to the checked list. Never move a value there to make a run pass.
// - Identity overlays: the samples come without the files a host declares its names
//   in (the ESXi /etc is an installer image with an empty esx.conf and no resolv.conf;
//   the Linux and vCenter logs come without any /etc). Each root gets the few
//   inventory files its host would have had, with values taken from the logs
//   themselves (the name every syslog line carries, the DNS domain an ifcfg log
//   shows, the VMs a report says are registered). They are written with `overlay()`;
//   everything else is a real file, byte for byte.
// - Platform roots: the vCenter, Workstation VM and guest-tools files are also placed
//   where the vcenter, workstation and guest manifests read them (the markers of the
//   platform overlaid), and their parsing shape is checked after scrubbing: a member
//   has the same lines, and every line of the shape (`key = "value"` of a .vmx, the
//   timestamp prefix of a log) still has it (`check_parses`).
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <regex>
#include <set>

#include "e2e_support.h"

using namespace e2e;

namespace {

const fs::path k_real = k_source_dir / "../shared/data/real";
const std::string k_datastore = "/vmfs/volumes/5f1e2d3c-aaaa-bbbb-cccc-001122334455";

bool real_samples_present() {
  if (fs::is_directory(k_real)) return true;
  MESSAGE("skipped: " << k_real.string() << " is absent (real samples, shared/data/real/PROVENANCE.md)");
  return false;
}

// ------------------------------------------------------------------ values and how they are searched

struct Value {
  std::string text;
  bool token = false;  // whole token: the bytes either side are not [A-Za-z0-9]
  Value(const char* value) : text(value) {}
  Value(std::string value, bool whole) : text(std::move(value)), token(whole) {}
};
Value token(const char* value) { return Value(value, true); }

struct Leak {
  Value value;
  const char* why;
};

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : static_cast<char>(c); });
  return text;
}

bool is_alnum(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z');
}

// Every member's name and contents (and symlink target), as searched.
struct Text {
  std::string where;  // "member" or "name of member"
  std::string original;
  std::string lowered;
};

std::vector<Text> corpus_of(const Bundle& bundle) {
  std::vector<Text> corpus;
  for (const auto& [path, member] : bundle.members) {
    corpus.push_back({"name of " + path, path, lower(path)});
    const std::string content = member.symlink ? member.link_target : member.content;
    corpus.push_back({path, content, lower(content)});
  }
  return corpus;
}

// "member:line: the line around the hit", printable.
std::string describe_hit(const Text& text, std::size_t at, std::size_t length) {
  const std::size_t line = 1 + static_cast<std::size_t>(std::count(text.original.begin(), text.original.begin() + at, '\n'));
  std::size_t begin = text.original.rfind('\n', at);
  begin = begin == std::string::npos ? 0 : begin + 1;
  std::size_t end = text.original.find('\n', at + length);
  if (end == std::string::npos) end = text.original.size();
  begin = std::max(begin, at > 80 ? at - 80 : 0);
  end = std::min(end, at + length + 80);
  std::string context = text.original.substr(begin, end - begin);
  for (char& c : context) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return text.where + ":" + std::to_string(line) + ": " + context;
}

// Where `value` survives in the bundle, or "".
std::string find_value(const std::vector<Text>& corpus, const Value& value) {
  const std::string needle = lower(value.text);
  for (const Text& text : corpus) {
    for (std::size_t at = text.lowered.find(needle); at != std::string::npos; at = text.lowered.find(needle, at + 1)) {
      const std::size_t end = at + needle.size();
      if (value.token && ((at > 0 && is_alnum(text.lowered[at - 1])) ||
                          (end < text.lowered.size() && is_alnum(text.lowered[end])))) {
        continue;
      }
      return describe_hit(text, at, needle.size());
    }
  }
  return {};
}

// Where `exact` (case-sensitive: base64, hashes) survives, or "".
std::string find_exact(const std::vector<Text>& corpus, const std::string& exact) {
  for (const Text& text : corpus) {
    const std::size_t at = text.original.find(exact);
    if (at != std::string::npos) return describe_hit(text, at, exact.size());
  }
  return {};
}

// ------------------------------------------------------------------ real files and their values

// A real file, where it goes in the root, the values it holds and the ones leaking.
struct Sample {
  std::string real;    // path under shared/data/real
  std::string inside;  // absolute path inside the root
  std::vector<Value> values;
  std::vector<Leak> known_leaks;
  bool unchanged = false;  // holds nothing personal: must come back byte for byte
};

// ---- ESXi host n294-esxi-ht-04.sc.sero.gic.ericsson.se (root "esxi-ens")

// esxi/parseesxilogs_info.txt: ENS diagnostics (vim.host.DnsConfig, vmk and vmnic
// config, inline VM configs).
const std::vector<Value> values_ens_info = {
    "n294-esxi-ht-04", "sc.sero.gic.ericsson.se",
    "standard5gc-htnp-b9f7d6d9b-dgf66", "standard5gc-htnp-b9f7d6d9b-z574b",
    token("10.221.16.10"), token("10.221.16.11"), token("214.13.178.170"), token("214.13.178.129"),
    token("172.31.216.40"), token("172.31.216.104"), token("172.31.217.107"), token("172.31.217.108"),
    token("172.31.217.1"),
    "b8:3f:d2:24:0b:28", "b8:3f:d2:89:2e:52", "e8:eb:d3:cc:63:d8", "ec:2a:72:40:9c:de",
    "00:50:56:61:60:b1", "00:50:56:6d:6d:cf"};
const std::vector<Leak> known_leaks_ens_info = {};

// esxi/ens-port-info.txt: ENS port table; VM vNIC names wrapped over two lines
// ("standard5gc-" / "htnp-b9f7d6d9b-dgf66.eth0").
const std::vector<Value> values_ens_port = {
    "00:50:56:b0:c4:3e", "00:50:56:53:dd:da", "00:50:56:5a:9c:8f", "02:50:56:56:44:52", "b8:3f:d2:24:1a:48"};
const std::vector<Leak> known_leaks_ens_port = {
    {"htnp-b9f7d6d9b-dgf66", "VM name cut by the table's column wrap: only the whole name is in the inventory"},
    {"htnp-b9f7d6d9b-z574b", "VM name cut by the table's column wrap: only the whole name is in the inventory"}};

// vm/standard5gc-htnp-b9f7d6d9b-dgf66.vmx and -z574b.vmx (also: guestinfo payloads,
// checked in the case itself, read from the file at test time).
const std::vector<Value> values_vmx_dgf66 = {
    "standard5gc-htnp-b9f7d6d9b-dgf66",
    "00:50:56:b0:c4:3e", "00:50:56:b0:56:5a", "00:50:56:b0:8c:20", "00:50:56:b0:29:50"};
const std::vector<Leak> known_leaks_vmx_dgf66 = {
    {"b83fd2892e52", "host MAC b8:3f:d2:89:2e:52 as bare hex, the node part of the vSAN namespace UUID in "
                     "sched.swap.derivedName: not a MAC notation the pattern finder knows (arguably kept as a UUID)"}};
const std::vector<Value> values_vmx_z574b = {
    "standard5gc-htnp-b9f7d6d9b-z574b",
    "00:50:56:b0:96:cb", "00:50:56:b0:ce:a4", "00:50:56:b0:2b:45", "00:50:56:b0:bf:e6"};
const std::vector<Leak> known_leaks_vmx_z574b = {};


// vm/Dogecoin P2Pool.vmx, .vmxf and dogecoin_vmware.log (Workstation 10 on Windows host Antony-PC).
const std::vector<Value> values_vmx_dogecoin = {"Dogecoin P2Pool", "00:0c:29:3f:55:a6"};
const std::vector<Leak> known_leaks_vmx_dogecoin = {};
const std::vector<Value> values_vmxf_dogecoin = {"Dogecoin P2Pool"};
const std::vector<Leak> known_leaks_vmxf_dogecoin = {};
const std::vector<Value> values_log_dogecoin = {
    "Dogecoin P2Pool", "00:0c:29:3f:55:a6",
    token("192.168.0.7"), token("192.168.88.1"), token("192.168.136.1"),
    "257c:744e:24ea:3b18", "3c6a:ebfc:6dce:7c39", "3d10:3131:73e2:ac1f",  // fe80:: interface ids
    // the user of C:\\Users\\Antony\\ paths (a log-field user), also inside the host name Antony-PC
    token("Antony"), "Antony-PC"};
const std::vector<Leak> known_leaks_log_dogecoin = {};

// vm/Windows 10.vmx and alexuslee90_vmware.log (Player 17.5 on LAPTOP-25NBHP7S).
const std::vector<Value> values_vmx_windows10 = {"Windows 10", "00:0c:29:09:f8:7f"};
const std::vector<Leak> known_leaks_vmx_windows10 = {};
const std::vector<Value> values_log_alexuslee90 = {
    "Windows 10", "00:0c:29:09:f8:7f",
    token("192.168.19.1"), token("192.168.132.1"), token("192.168.0.10"),
    "2603:8090:a04:d00", "b77e:c4d9:1e1e:106c",
    "68e9:e3d2:4159:f70d", "bdc2:8d83:9f99:51a0",  // global interface ids
    token("alee8")};  // the user of C:\\Users\\alee8\\ paths (a log-field user)
const std::vector<Leak> known_leaks_log_alexuslee90 = {
    {"LAPTOP-25NBHP7S", "host name only in the log's own `Hostname=` line: no inventory source on this root holds it"},
    {"Windows 11 x64", "another VM of the Player host (pref.mruVM2): in no inventory of this root"}};

// vm/CentOS 7 64 位.vmx (displayName "hh") and vinci230_vmware.log (host 干饭滴, GBK).
// "hh" is a generic name (under 3 letters): checked in the forms the .vmx and its path
// hold it; as a bare token it is a known leak of the vmware.log below.
const std::vector<Value> values_vmx_hh = {"displayName = \"hh\"", "/hh/", "00:0c:29:cd:00:67"};
const std::vector<Leak> known_leaks_vmx_hh = {};
const std::vector<Value> values_log_vinci230 = {
    "00:0c:29:cd:00:67",
    token("192.168.235.14"), token("192.168.30.1"), token("192.168.158.1"), token("192.168.137.1"),
    token("172.21.208.1"), "2409:8961:1f28:826f", "38d1:ee23:7e92:681b", "41ff:8212:df63:b3c7",
    "7d3e:ccbd:a484:9844", "e517:a400:6445:e04c",  // global interface ids
    token("Vinci")};  // the user of C:\\Users\\Vinci\\ and D:\\Users\\Vinci\\ paths (a log-field user)
const std::vector<Leak> known_leaks_log_vinci230 = {
    {token("hh"), "generic (2-letter) VM name in `MKSRemoteMgr: Set default display name: hh`: not a position "
                  "the generic-name rule treats as a name (quotes, brackets, path components)"},
    {"干饭滴", "host name only in the log's own `Hostname=` line: no inventory source on this root holds it"}};

// vm/richardlarbimensah_vmware.log (Workstation 17.6 on DESKTOP-FA13UF1; no .vmx,
// the VM directory names the VM).
const std::vector<Value> values_log_richard = {
    "Richard's Liver Server 1", "00:0c:29:9b:8e:e6", "00:0c:29:9b:8e:f0",
    token("10.33.5.198"), token("192.168.101.1"), token("192.168.162.1"),
    "7695:31ee:b4cc:3dce", "76e:bc9d:f7b7:53d3", "b8cd:42ba:c0bf:4611"};
const std::vector<Leak> known_leaks_log_richard = {
    {"DESKTOP-FA13UF1", "host name only in the log's own `Hostname=` line: no inventory source on this root holds it"},
    {"\\Users\\User\\", "Windows user `User` in C:\\Users\\User\\ paths: not in /etc/passwd, and a generic word"},
    {"Richard's Kali", "another VM of the Workstation host (window tab1.file): in no inventory of this root"},
    {"Richard's Live Server 2", "another VM of the Workstation host (window tab3.file): in no inventory of this root"}};

// The same three logs as they are placed (in Fusion VM bundles, Workstation VMs, ESXi
// datastores): every manifest with VMs reads each VM log's own `Hostname=` line (the
// host that ran the VM) before anything is written.
std::vector<Value> plus(std::vector<Value> values, std::vector<Value> more) {
  values.insert(values.end(), more.begin(), more.end());
  return values;
}
const std::vector<Value> values_log_alexuslee90_with_host = plus(values_log_alexuslee90, {"LAPTOP-25NBHP7S"});
const std::vector<Leak> known_leaks_log_alexuslee90_with_host = {
    {"Windows 11 x64", "another VM of the Player host (pref.mruVM2): in no inventory of this root"}};
const std::vector<Value> values_log_vinci230_with_host = plus(values_log_vinci230, {"干饭滴"});
const std::vector<Leak> known_leaks_log_vinci230_with_host = {known_leaks_log_vinci230.front()};
const std::vector<Value> values_log_richard_with_host = plus(values_log_richard, {"DESKTOP-FA13UF1"});
const std::vector<Leak> known_leaks_log_richard_with_host(known_leaks_log_richard.begin() + 1, known_leaks_log_richard.end());

// ---- ESXi host PTRS-ESXi-D02.ptrsad.local (root "esxi-ptrs")

// esxi/result_tdlog_SR-…%3A…txt: support engineer's analysis of that host's vm-support bundle.
const std::vector<Value> values_tdlog = {
    "PTRS-ESXi-D02", "ptrsad.local", "ptrs-esxi-d01", "ptrs-esxi-d03",
    // VMs registered on the host (the overlay's VM directories, named as the report lists them)
    "ptrs-dbe02_10.84.163.32", "Z-VRA-ptrs-esxi-d02", "vCLS-366dae0f-e252-4fbf-b9ce-ad06b8e4df8d",
    token("10.84.233.3"), token("10.84.233.4"), token("10.84.233.5"), token("10.84.233.14"),
    token("10.84.233.254"), token("10.84.241.201"), token("118.163.81.61"), token("10.84.136.111"),
    token("172.16.3.111"), token("10.84.163.32"), token("10.84.131.126"),
    "d4:f5:ef:5b:fa:30", "d4:f5:ef:5b:fa:38", "d4:f5:ef:5c:57:50", "b4:7a:f1:e1:79:5e", "30:7c:5e:f6:25:c0",
    "98:f2:b3:21:b3:4c"};
const std::vector<Leak> known_leaks_tdlog = {
    {"lpdvcspt03.acc.broadcom.net", "the analysing support server's FQDN: in no inventory, its domain unknown"},
    {token("ptrs-dbe02"), "stem of VM `ptrs-dbe02_10.84.163.32` in the Nimble volume name `ptrs-dbe02_NBS`: the "
                          "inventory knows only the whole VM name"},
    {token("ptrs-dsm01"), "stem of VM `ptrs-dsm01_10.84.131.126` in the volume name `ptrs-dsm01_NBS`"},
    {token("pfre-vap01"), "stem of VM `pfre-vap01_10.84.213.85` in the volume name `pfre-vap01_NBS`"},
    {token("perms-vap01"), "stem of VM `perms-vap01_10.84.213.81` in the volume name `perms-vap01_NBS`"},
    {token("ptrs-dvc01"), "the vCenter's name, in the HA faultDomainId and the datastore `ptrs-dvc01_NBS`: in no "
                          "inventory of an ESXi host"},
    {"d4f5ef5bfa30", "vmk0 MAC d4:f5:ef:5b:fa:30 as bare hex, the node part of VMFS UUIDs "
                     "(615d4431-6024cee6-b69a-d4f5ef5bfa30): not a MAC notation the pattern finder knows"}};

// The VMs the report lists as registered on PTRS-ESXi-D02 (overlay: their directories).
const std::vector<std::string> k_ptrs_vms = {
    "ptrs-dbe02_10.84.163.32", "pfre-vap01_10.84.213.85",  "prapp-vap01_10.84.213.71", "ptrs-vks01_10.84.213.61",
    "ptrs-djs01_10.84.163.33", "ptrs-ddb01_10.84.164.21",  "ptrs-eap01_10.84.211.21",  "ptrs-dks01_10.84.163.61",
    "ptrs-vjs01_10.84.213.33", "ptrs-dap02_10.84.163.22",  "ptrs-vap02_10.84.213.22",  "perms-vap01_10.84.213.81",
    "pfre-dap02_10.84.163.86", "ptrs-dva02_10.84.163.52",  "Z-VRA-ptrs-esxi-d02.ptrsad.local",
    "ptrs-vdb01_10.84.214.21", "ptrs-dsm01_10.84.131.126", "vCLS-366dae0f-e252-4fbf-b9ce-ad06b8e4df8d"};

// ---- Linux host openshiftrunner1 (CentOS 7, domain stomas.cst; root "linux-logssrv")

// linux/logssrv_messages: every line carries the host name; GitLab runner polling
// gitlab01-adm.stomas.cst; a login of soporte.bizware; 42 fe80:: addresses of veths.
const std::vector<Value> values_logssrv_messages = {
    "openshiftrunner1", "stomas.cst", "gitlab01-adm", "soporte.bizware",
    "1067:61ff:fe5c:7707", "3b:eaff:fe0f:d92e", "e078:5dff:febc:e383", "f8a4:d0ff:fe23:e84f"};
const std::vector<Leak> known_leaks_logssrv_messages = {};
// linux/logssrv_secure-20211101
const std::vector<Value> values_logssrv_secure = {"openshiftrunner1", token("192.168.130.40")};
const std::vector<Leak> known_leaks_logssrv_secure = {};
// linux/logssrv_ifcfg.log: anaconda's network set-up (address, gateway, DNS, DOMAIN=).
const std::vector<Value> values_logssrv_ifcfg = {
    "stomas.cst", token("192.168.130.108"), token("192.168.130.1"), token("192.168.130.6"), token("192.168.130.17")};
const std::vector<Leak> known_leaks_logssrv_ifcfg = {};
// guest/logssrv_vmware-vmsvc.log, guest/logssrv_vmware-vgauthsvc.log.0: nothing personal.

// ---- Linux host tdberating (CentOS 5; root "linux-daybreak")

// linux/daybreak_messages: host name, DHCP leases, kernel build e-mails.
const std::vector<Value> values_daybreak_messages = {
    token("tdberating"),
    token("192.168.15.70"), token("192.168.15.71"), token("192.168.15.254"), token("192.168.15.1"),
    token("192.168.15.164"), token("192.168.120.254"), token("192.168.120.129"),
    "mockbuild@c1bm.rdu2.centos.org", "tigran@veritas.com", "tsbogend@alpha.franken.de", "dm-devel@redhat.com"};
const std::vector<Leak> known_leaks_daybreak_messages = {};
// linux/daybreak_secure: root logins from 192.168.15.23, `su - erating`.
const std::vector<Value> values_daybreak_secure = {token("tdberating"), token("192.168.15.23"), token("erating")};
const std::vector<Leak> known_leaks_daybreak_secure = {};
// linux/anaconda.syslog: installer kernel log of the VM.
const std::vector<Value> values_anaconda = {
    "00:50:56:80:01:12", "00:50:56:80:68:2d", "dm-devel@redhat.com", "mockbuild@builder10.centos.org"};
const std::vector<Leak> known_leaks_anaconda = {};
// linux/access_log.4: Apache clients.
const std::vector<Value> values_access_log = {
    token("177.131.1.2"), token("168.63.250.93"), token("177.158.81.70"), token("81.219.138.15"),
    token("199.201.107.135"), token("147.213.125.30"), token("61.175.198.188"), token("54.236.244.89"),
    token("187.33.1.173")};
const std::vector<Leak> known_leaks_access_log = {};
// guest/daybreak_vmware-vmsvc.log, vmware-install.log, vmware-tools-upgrader.log: nothing personal.

// ---- loghub hosts (roots "linux-combo", "linux-labsz", "linux-tbird")

// linux/Linux_2k.log (host combo): remote hosts of failed logins and ftp connections.
const std::vector<Value> values_linux_2k = {
    token("combo"),
    token("150.183.249.110"), token("62.99.164.82"), token("207.30.238.8"), token("218.188.2.4"),
    token("203.101.45.59"), token("211.72.151.162"), token("211.107.232.1"),
    "220-135-151-1",  // dash-embedded in 220-135-151-1.hinet-ip.hinet.net
    "bhcompile@bugs.build.redhat.com"};
const std::vector<Leak> known_leaks_linux_2k = {
    {"059.45.101.203", "zero-padded, reversed IPv4 of 203.101.45.59 inside dsl-Chn-static-059.45.101.203."
                       "touchtelindia.net: an address form the pattern finder does not take"},
    {"host8.topspot.net", "remote client's reverse-DNS name: in no inventory, its domain unknown"},
    {"n219076184117.netvigator.com", "remote client's reverse-DNS name: in no inventory, its domain unknown"},
    {"csnsu.nsuok.edu", "remote client's reverse-DNS name: in no inventory, its domain unknown"}};

// linux/OpenSSH_2k.log (host LabSZ): brute-force sources.
const std::vector<Value> values_openssh_2k = {
    token("LabSZ"),
    token("183.62.140.253"), token("187.141.143.180"), token("103.99.0.122"), token("112.95.230.3"),
    token("5.188.10.180"), token("173.234.31.186"),
    "187-141-143-180",  // dash-embedded in customer-187-141-143-180-sta.uninet-ide.com
    "52-80-34-196"};    // and in ec2-52-80-34-196.cn-north-1.compute.amazonaws.com.cn
const std::vector<Leak> known_leaks_openssh_2k = {
    {"ns.marryaldkfaczcz.com", "remote client's reverse-DNS name: in no inventory, its domain unknown"}};

// linux/Thunderbird_2k.log (syslog of the Thunderbird cluster, mostly from tbird-admin1),
// HPC_2k.log and BGL_2k.log (cluster event logs).
const std::vector<Value> values_thunderbird = {
    token("tbird-admin1"), token("10.100.20.250"), token("10.100.22.250"), token("10.100.18.250"),
    token("10.100.4.251"), "00:11:43:e3:ba:c3"};
const std::vector<Leak> known_leaks_thunderbird = {
    {token("tbird-sm1"), "other cluster node's name: in no inventory of this host"},
    {token("dn228"), "other cluster node's name: in no inventory of this host"}};
const std::vector<Value> values_hpc = {token("10.128.0.0"), token("10.96.0.0")};
const std::vector<Leak> known_leaks_hpc = {{token("node-246"), "cluster node name: in no inventory of this host"}};
const std::vector<Value> values_bgl = {token("172.16.96.116"), token("10.7.0.130"), token("10.2.2.80")};
const std::vector<Leak> known_leaks_bgl = {};

// ---- vCenter vcenter.resnick-tech.com and vc.chang.wcp (linux roots "vcenter-resnick",
// "vcenter-chang"; a vcenter platform comes later, the linux manifest takes these as
// /var/log/messages and daemon.log rotations)

// vcenter/test-format-common.log: vpxd events, appliance audit, ESXi Hostd/shell lines.
const std::vector<Value> values_format_common = {
    "vcenter.resnick-tech.com", "resnick-tech.com", "esxi01.resnick-tech.com", token("esxi01"),
    token("10.100.10.190"), token("10.100.10.30"), "administrator@vsphere.local",
    "vcenter.resnick-tech.com@vsphere.local"};
const std::vector<Leak> known_leaks_format_common = {
    {token("vcenter"), "the appliance's own short name is a generic word: replaced only in quotes, brackets or "
                       "paths, not in the syslog HOSTNAME field (`<14>1 … vcenter vpxd …`)"},
    {token("host123"), "another vCenter's syslog host name: in no inventory of this host"},
    {token("ESXI"), "the ESXi host's syslog host name (and a generic word): in no inventory of this host"},
    {"VSPHERE.LOCAL\\Administrator", "DOMAIN\\user form of a user and domain in no inventory: only the "
                                     "e-mail administrator@vsphere.local is replaced, as a whole (README: "
                                     "log-field users not yet)"},
    {"Kali Linux - Foobar", "VM name in a forwarded Hostd event: in no inventory of a vCenter/Linux root"}};
const std::vector<std::string> known_verify_findings_vcenter_resnick = {};
// The same file where the vcenter platform reads it, on an appliance whose SSO domain
// (install-defaults, overlay) is the one its lines name: `VSPHERE.LOCAL\Administrator`.
const std::vector<Value> values_format_common_vcenter = [] {
  std::vector<Value> values = values_format_common;
  values.push_back("VSPHERE.LOCAL\\Administrator");
  values.push_back("vsphere.local");
  return values;
}();
const std::vector<Leak> known_leaks_format_common_vcenter = {
    {token("vcenter"), "the appliance's own short name is a generic word: replaced only in quotes, brackets or "
                       "paths, not in the syslog HOSTNAME field (`<14>1 … vcenter vpxd …`)"},
    {token("host123"), "another vCenter's syslog host name: in no inventory of this host"},
    {token("ESXI"), "the ESXi host's syslog host name (and a generic word): in no inventory of this host"},
    {"Kali Linux - Foobar", "VM name in an ESXi Hostd event forwarded to this syslog, not in a vpxd MoRef "
                            "(`[vim.VirtualMachine:vm-N,NAME]`): in no inventory of this appliance"}};

// vcenter/logfile_vpxd.0 (lnav): the hosts a vCenter manages.
const std::vector<Value> values_vpxd = {};
const std::vector<Leak> known_leaks_vpxd = {
    {"esx-2-121.vlcm.com", "managed ESXi host of a vCenter: in no inventory, domain unknown"},
    {"esx-2-192.vlcm.com", "managed ESXi host of a vCenter: in no inventory, domain unknown"}};
// The same file as the vcenter platform's vpxd.log: vpxd names each managed host with its
// MoRef (`[vim.HostSystem:host-363,esx-2-121.vlcm.com]`), which the inventory reads.
const std::vector<Value> values_vpxd_vcenter = {"esx-2-121.vlcm.com", "esx-2-192.vlcm.com", token("esx-2-121"),
                                                token("esx-2-192"), "vlcm.com"};
const std::vector<Leak> known_leaks_vpxd_vcenter = {};
// vcenter/logfile_vmw_log.0: cluster name and MoRefs only (not categories): nothing personal.
// vcenter/vmon-703-20395099-unhealthy.log: nothing personal; version strings that look like IPs.
//   KNOWN FALSE POSITIVE (not a leak, so not asserted): jar versions in class paths are
//   taken for IPv4 and replaced (jackson-databind-2.13.2.2.jar -> …-240.0.N.2.jar).
// vcenter/vmon-803-24022515-healthy.log: the appliance's PNID and machine account.
const std::vector<Value> values_vmon_803 = {
    "vc.chang.wcp", "chang.wcp", "machine-2e0395de-f21b-42d0-bab2-fda9dd5a53d5@vsphere.local",
    "machine-2e0395de-f21b-42d0-bab2-fda9dd5a53d5"};
const std::vector<Leak> known_leaks_vmon_803 = {
    {"domainName: vsphere.local", "the SSO domain, in no inventory: only the e-mail machine-…@vsphere.local "
                                  "is replaced, as a whole"}};
const std::vector<std::string> known_verify_findings_vcenter_chang = {};
// The same file where the vcenter platform reads it: the SSO domain comes from install-defaults.
const std::vector<Value> values_vmon_803_vcenter = [] {
  std::vector<Value> values = values_vmon_803;
  values.push_back("domainName: vsphere.local");
  values.push_back("vsphere.local");
  return values;
}();

// ------------------------------------------------------------------ roots

class Root {
 public:
  fs::path dir() const { return m_work.path() / "root"; }
  fs::path state() const { return m_work.path() / "state"; }
  fs::path out() const { return m_work.path() / "out"; }
  fs::path at(const std::string& inside) const { return dir() / fs::path(inside).relative_path(); }

  // A real file at `inside`.
  void place(const Sample& sample) {
    const fs::path target = at(sample.inside);
    fs::create_directories(target.parent_path());
    fs::copy_file(k_real / sample.real, target, fs::copy_options::overwrite_existing);
    fs::permissions(target, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::add);
    m_samples.push_back(sample);
  }
  // A real directory tree (read-only in the share) at `inside`, made writable.
  void place_tree(const std::string& real, const std::string& inside) {
    fs::create_directories(at(inside).parent_path());
    fs::copy(k_real / real, at(inside), fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    for (const auto& entry : fs::recursive_directory_iterator(at(inside))) {
      if (!entry.is_symlink()) {
        fs::permissions(entry.path(), fs::perms::owner_all, fs::perm_options::add | fs::perm_options::nofollow);
      }
    }
  }
  // An identity file the real host would have had (see the header).
  void overlay(const std::string& inside, const std::string& content) const { write_file(at(inside), content); }
  void overlay_dir(const std::string& inside) const { fs::create_directories(at(inside)); }

  // The minimal /etc of a Linux root: release, host name, accounts, fstab.
  void linux_etc(const std::string& release, const std::string& hostname, const std::string& passwd) const {
    overlay("/etc/os-release", "NAME=\"" + release + "\"\n");
    overlay("/etc/hostname", hostname + "\n");
    overlay("/etc/hosts", "127.0.0.1   localhost localhost.localdomain\n::1         localhost localhost.localdomain\n");
    overlay("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n" + passwd);
    overlay("/etc/group", "root:x:0:\n");
    overlay("/etc/fstab", "");
  }

  const std::vector<Sample>& samples() const { return m_samples; }

 private:
  TempDir m_work;
  std::vector<Sample> m_samples;
};

Collected collect(const Root& root) {
  fs::create_directories(root.out());
  Collected c;
  c.run = run({"collect", "--root", root.dir().string(), "--state-dir", root.state().string(), "-o",
               root.out().string() + "/", "-q"});
  c.path = find_one(root.out(), ".tgz");
  if (!c.path.empty()) c.bundle = read_bundle(c.path);
  return c;
}

// Collects the root and checks everything this file is about; `extra` adds a case's own checks.
void check_root(const Root& root, const std::vector<std::string>& known_verify_findings = {},
                const std::function<void(const Bundle&, const std::vector<Text>&)>& extra = {}) {
  const Collected c = collect(root);
  INFO("collect stderr: " << c.run.err);
  CHECK((c.run.exit_code == 0 || c.run.exit_code == 1));
  REQUIRE(!c.path.empty());
  REQUIRE(c.bundle.error.empty());
  CHECK(c.bundle.manifest["scrub"]["scrubbed"] == true);
  const std::vector<Text> corpus = corpus_of(c.bundle);

  for (const Sample& sample : root.samples()) {
    INFO("real file: " << sample.real << " at " << sample.inside);
    // Placed where the manifest reads it (a path holding a name is itself scrubbed).
    const auto items = items_for(c.bundle, sample.inside);
    if (!items.empty()) CHECK(items.front()["status"] == "ok");
    if (sample.unchanged) {
      const std::string member = sample.inside.substr(1);
      REQUIRE(c.bundle.members.contains(member));
      CHECK_MESSAGE(c.bundle.members.at(member).content == read_file(k_real / sample.real),
                    "nothing personal in it, yet the scrubber changed it");
    }
    for (const Value& value : sample.values) {
      const std::string hit = find_value(corpus, value);
      CHECK_MESSAGE(hit.empty(), sample.real << ": \"" << value.text << "\" survives at " << hit);
    }
    for (const Leak& leak : sample.known_leaks) {
      if (find_value(corpus, leak.value).empty()) {
        MESSAGE(sample.real << ": known leak \"" << leak.value.text
                            << "\" no longer survives: move it to the checked values");
      }
    }
  }
  if (extra) extra(c.bundle, corpus);

  // verify --map: exit 0, or 1 with only the known findings ("member: what", line numbers aside).
  const RunResult verify = run({"verify", c.path.string(), "--map", (root.state() / "map.json").string()});
  INFO("verify: " << verify.out << verify.err);
  std::set<std::string> unexpected;
  bool known_seen = false;
  std::istringstream lines(verify.out + "\n" + verify.err);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("problem: ")) continue;
    const std::size_t colon = line.rfind(": ");
    std::string where = line.substr(9, colon - 9);  // member:line
    where = where.substr(0, where.rfind(':'));
    const std::string finding = where + ": " + line.substr(colon + 2);
    if (std::find(known_verify_findings.begin(), known_verify_findings.end(), finding) != known_verify_findings.end()) {
      known_seen = true;
    } else {
      unexpected.insert(finding);
    }
  }
  for (const std::string& finding : unexpected) FAIL_CHECK("verify: " << finding);
  CHECK((verify.exit_code == 0 || (verify.exit_code == 1 && known_seen && unexpected.empty())));
  if (!known_verify_findings.empty() && verify.exit_code == 0) {
    MESSAGE("verify no longer reports the known findings: remove them from the list");
  }
}

// The ESXi 6.7 installer /etc, with the host's identity (overlay).
void esxi_etc(Root& root, const std::string& fqdn, const std::string& resolv) {
  root.place_tree("esxi-6.7-root/etc", "/etc");
  root.overlay("/etc/vmware/esx.conf", "/adv/Misc/HostName = \"" + fqdn + "\"\n");
  root.overlay("/etc/resolv.conf", resolv);
}

// What the real /etc of an ESXi holds that must never be in a bundle.
void check_esxi_forbidden(const Bundle& bundle, const std::vector<Text>& corpus) {
  for (const char* member : {"etc/shadow", "etc/ssh/ssh_host_rsa_key", "etc/ssh/ssh_host_dsa_key",
                             "etc/ssh/keys-root/authorized_keys", "etc/krb5.keytab", "etc/random-seed",
                             "etc/ntp.keys", "etc/vmware/ssl/rui.key", "etc/vmware/license.cfg"}) {
    INFO(member);
    CHECK(!bundle.members.contains(member));
  }
  // root's password hash
  std::istringstream shadow(read_file(k_real / "esxi-6.7-root/etc/shadow"));
  for (std::string line; std::getline(shadow, line);) {
    const std::size_t first = line.find(':');
    const std::size_t second = line.find(':', first + 1);
    const std::string hash = line.substr(first + 1, second - first - 1);
    if (hash.size() > 8) CHECK_MESSAGE(find_exact(corpus, hash).empty(), "a password hash of /etc/shadow survives");
  }
}

// guestinfo.* payloads of a real .vmx (base64 cloud-init with a join token and an SSH
// key): no piece of them may survive. Read at test time, not written down here.
void check_guestinfo_masked(const std::string& real_vmx, const std::vector<Text>& corpus) {
  std::istringstream vmx(read_file(k_real / real_vmx));
  int payloads = 0;
  for (std::string line; std::getline(vmx, line);) {
    if (!line.starts_with("guestinfo.")) continue;
    const std::size_t open = line.find('"');
    const std::size_t close = line.rfind('"');
    if (open == std::string::npos || close <= open + 1) continue;
    const std::string value = line.substr(open + 1, close - open - 1);
    if (value.size() < 120) continue;  // guestinfo.userdata.encoding = "base64" and the like
    ++payloads;
    for (const std::size_t at : {std::size_t{0}, value.size() / 2, value.size() - 40}) {
      CHECK_MESSAGE(find_exact(corpus, value.substr(at, 40)).empty(),
                    real_vmx << ": a piece of its " << line.substr(0, line.find(' ')) << " payload survives");
    }
  }
  CHECK(payloads == 2);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The real file still parses after scrubbing: some member (its path may hold
// pseudonyms) has as many lines, and each line has `shape` exactly when the
// original's line has it. For a .vmx, the keys must also be the same, in order.
void check_parses(const Bundle& bundle, const std::string& real, const std::string& shape, bool same_keys = false) {
  const std::regex line_shape(shape);
  const std::vector<std::string> original = lines_of(read_file(k_real / real));
  auto key_of = [](const std::string& line) { return line.substr(0, line.find(" = ")); };
  int shaped = 0;
  for (const std::string& line : original) shaped += std::regex_search(line, line_shape) ? 1 : 0;
  REQUIRE_MESSAGE(shaped > 0, real << ": no line of the expected shape in the original");
  for (const auto& [path, member] : bundle.members) {
    const std::vector<std::string> lines = lines_of(member.content);
    if (lines.size() != original.size()) continue;
    bool same = true;
    for (std::size_t i = 0; same && i < lines.size(); ++i) {
      const bool had = std::regex_search(original[i], line_shape);
      same = had == std::regex_search(lines[i], line_shape) && (!same_keys || !had || key_of(lines[i]) == key_of(original[i]));
    }
    if (same) return;
  }
  FAIL_CHECK(real << ": no member keeps its " << original.size() << " lines and their shape");
}

// The shapes: a .vmx `key = "value"` line, and the timestamps vmware.log, vpxd and vmon lines start with.
const std::string k_vmx_line = R"(^[A-Za-z0-9_.:|-]+ = "[^"]*"\r?$)";
const std::string k_log_line = R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d))";

// The /etc of openshiftrunner1 (overlay): name from every syslog line, domain and DNS
// servers from its ifcfg log, the user whose session the log shows.
void openshiftrunner_etc(Root& root) {
  root.linux_etc("CentOS Linux", "openshiftrunner1",
                 "gdm:x:42:42::/var/lib/gdm:/sbin/nologin\n"
                 "soporte.bizware:x:1000:1000::/home/soporte.bizware:/bin/bash\n");
  root.overlay("/etc/resolv.conf", "search stomas.cst\nnameserver 192.168.130.6\nnameserver 192.168.130.17\n");
}

// The Windows 10, hh and Richard VMs' files (.vmx, vmware.log), each VM in a directory
// of `base` named after its displayName plus `suffix` (".vmwarevm" for Fusion);
// Richard's VM has only its log.
void place_player_vms(Root& root, const std::string& base, const std::string& suffix) {
  root.place({"vm/Windows 10.vmx", base + "Windows 10" + suffix + "/Windows 10.vmx", values_vmx_windows10,
              known_leaks_vmx_windows10});
  root.place({"vm/alexuslee90_vmware.log", base + "Windows 10" + suffix + "/vmware.log", values_log_alexuslee90_with_host,
              known_leaks_log_alexuslee90_with_host});
  root.place({"vm/CentOS 7 64 位.vmx", base + "hh" + suffix + "/CentOS 7 64 位.vmx", values_vmx_hh, known_leaks_vmx_hh});
  root.place({"vm/vinci230_vmware.log", base + "hh" + suffix + "/vmware.log", values_log_vinci230_with_host,
              known_leaks_log_vinci230_with_host});
  root.place({"vm/richardlarbimensah_vmware.log", base + "Richard's Liver Server 1" + suffix + "/vmware.log",
              values_log_richard_with_host, known_leaks_log_richard_with_host});
}

// The Workstation and Player VMs' files (.vmx, .vmxf, vmware.log): the Dogecoin VM's
// and place_player_vms's, in directories of `base`.
void place_hosted_vms(Root& root, const std::string& base) {
  root.place({"vm/Dogecoin P2Pool.vmx", base + "Dogecoin P2Pool/Dogecoin P2Pool.vmx", values_vmx_dogecoin,
              known_leaks_vmx_dogecoin});
  root.place({"vm/Dogecoin P2Pool.vmxf", base + "Dogecoin P2Pool/Dogecoin P2Pool.vmxf", values_vmxf_dogecoin,
              known_leaks_vmxf_dogecoin});
  root.place({"vm/dogecoin_vmware.log", base + "Dogecoin P2Pool/vmware.log", values_log_dogecoin,
              known_leaks_log_dogecoin});
  place_player_vms(root, base, "");
}

int members_under(const Bundle& bundle, const std::string& prefix) {
  return static_cast<int>(std::count_if(bundle.members.begin(), bundle.members.end(),
                                        [&](const auto& m) { return m.first.starts_with(prefix); }));
}

}  // namespace

TEST_SUITE("e2e") {

TEST_CASE("real samples: ESXi n294-esxi-ht-04 with ENS diagnostics, vSAN and Workstation VMs") {
  if (!real_samples_present()) return;
  Root root;
  esxi_etc(root, "n294-esxi-ht-04.sc.sero.gic.ericsson.se",
           "search sc.sero.gic.ericsson.se\nnameserver 10.221.16.10\nnameserver 10.221.16.11\n");
  root.place({"esxi/parseesxilogs_info.txt", "/var/run/log/ens-diagnostics-info.log", values_ens_info,
              known_leaks_ens_info});
  root.place({"esxi/ens-port-info.txt", "/var/run/log/ens-port-info.log", values_ens_port, known_leaks_ens_port});
  // VM directories named after each .vmx displayName.
  const std::string d = k_datastore;
  root.place({"vm/standard5gc-htnp-b9f7d6d9b-dgf66.vmx",
              d + "/standard5gc-htnp-b9f7d6d9b-dgf66/standard5gc-htnp-b9f7d6d9b-dgf66.vmx", values_vmx_dgf66,
              known_leaks_vmx_dgf66});
  root.place({"vm/standard5gc-htnp-b9f7d6d9b-z574b.vmx",
              d + "/standard5gc-htnp-b9f7d6d9b-z574b/standard5gc-htnp-b9f7d6d9b-z574b.vmx", values_vmx_z574b,
              known_leaks_vmx_z574b});
  place_hosted_vms(root, d + "/");

  check_root(root, {}, [](const Bundle& bundle, const std::vector<Text>& corpus) {
    CHECK(bundle.manifest["platform"]["name"] == "esxi");
    CHECK(bundle.members.contains("var/run/log/ens-diagnostics-info.log"));
    CHECK(bundle.members.contains("var/run/log/ens-port-info.log"));
    CHECK(members_under(bundle, k_datastore.substr(1) + "/") == 10);  // every VM file placed, renamed
    check_esxi_forbidden(bundle, corpus);
    check_guestinfo_masked("vm/standard5gc-htnp-b9f7d6d9b-dgf66.vmx", corpus);
    check_guestinfo_masked("vm/standard5gc-htnp-b9f7d6d9b-z574b.vmx", corpus);
  });
}

TEST_CASE("real samples: ESXi PTRS-ESXi-D02 with a support analysis of its bundle") {
  if (!real_samples_present()) return;
  Root root;
  esxi_etc(root, "PTRS-ESXi-D02.ptrsad.local", "search ptrsad.local\n");
  for (const std::string& vm : k_ptrs_vms) root.overlay_dir(k_datastore + "/" + vm);
  root.place({"esxi/result_tdlog_SR-35212372_ccb7b6b9-f8b6-45a8-a1ff-35235412d13a_2024-05-30T16%3A02%3A21.txt",
              "/var/run/log/result_tdlog_SR-35212372_ccb7b6b9-f8b6-45a8-a1ff-35235412d13a_2024-05-30T16%3A02%3A21.log",
              values_tdlog, known_leaks_tdlog});
  check_root(root, {}, [](const Bundle& bundle, const std::vector<Text>& corpus) {
    CHECK(bundle.manifest["platform"]["name"] == "esxi");
    check_esxi_forbidden(bundle, corpus);
  });
}

TEST_CASE("real samples: Linux openshiftrunner1 (CentOS 7 VM) with guest tools logs") {
  if (!real_samples_present()) return;
  Root root;
  openshiftrunner_etc(root);
  root.place({"linux/logssrv_messages", "/var/log/messages", values_logssrv_messages, known_leaks_logssrv_messages});
  root.place({"linux/logssrv_secure-20211101", "/var/log/secure-20211101", values_logssrv_secure,
              known_leaks_logssrv_secure});
  // The linux manifest takes no /var/log/anaconda or /var/log/vmware-*.log: these go
  // where it looks (rotations of boot.log and daemon.log).
  root.place({"linux/logssrv_ifcfg.log", "/var/log/boot.log-anaconda-ifcfg", values_logssrv_ifcfg,
              known_leaks_logssrv_ifcfg});
  root.place({"guest/logssrv_vmware-vmsvc.log", "/var/log/daemon.log-vmware-vmsvc", {}, {}, true});
  root.place({"guest/logssrv_vmware-vgauthsvc.log.0", "/var/log/daemon.log-vmware-vgauthsvc.0", {}, {}, true});
  check_root(root);
}

TEST_CASE("real samples: Linux tdberating (CentOS 5 VM) with tools installer logs and an access log") {
  if (!real_samples_present()) return;
  Root root;
  // overlay: name from every syslog line; the account `su - erating` opens, with the
  // uid CentOS 5 gives the first user (UID_MIN 500)
  root.linux_etc("CentOS", "tdberating", "erating:x:500:500::/home/erating:/bin/bash\n");
  root.overlay("/etc/login.defs", "UID_MIN                   500\n");
  root.place({"linux/daybreak_messages", "/var/log/messages", values_daybreak_messages, known_leaks_daybreak_messages});
  root.place({"linux/daybreak_secure", "/var/log/secure", values_daybreak_secure, known_leaks_daybreak_secure});
  root.place({"linux/anaconda.syslog", "/var/log/dmesg-anaconda.syslog", values_anaconda, known_leaks_anaconda});
  root.place({"linux/access_log.4", "/var/log/daemon.log-httpd-access_log.4", values_access_log,
              known_leaks_access_log});
  root.place({"guest/daybreak_vmware-vmsvc.log", "/var/log/daemon.log-vmware-vmsvc", {}, {}, true});
  root.place({"guest/vmware-install.log", "/var/log/boot.log-vmware-install", {}, {}, true});
  root.place({"guest/vmware-tools-upgrader.log", "/var/log/boot.log-vmware-tools-upgrader", {}, {}, true});
  check_root(root);
}

TEST_CASE("real samples: loghub Linux and OpenSSH hosts") {
  if (!real_samples_present()) return;
  SUBCASE("combo") {
    Root root;
    root.linux_etc("Linux", "combo", "");
    root.place({"linux/Linux_2k.log", "/var/log/messages", values_linux_2k, known_leaks_linux_2k});
    check_root(root);
  }
  SUBCASE("LabSZ") {
    Root root;
    root.linux_etc("Linux", "LabSZ", "");
    root.place({"linux/OpenSSH_2k.log", "/var/log/secure", values_openssh_2k, known_leaks_openssh_2k});
    check_root(root);
  }
}

TEST_CASE("real samples: loghub cluster logs on the Thunderbird admin node") {
  if (!real_samples_present()) return;
  Root root;
  root.linux_etc("Linux", "tbird-admin1", "");
  root.place({"linux/Thunderbird_2k.log", "/var/log/messages", values_thunderbird, known_leaks_thunderbird});
  root.place({"linux/HPC_2k.log", "/var/log/messages-hpc", values_hpc, known_leaks_hpc});
  root.place({"linux/BGL_2k.log", "/var/log/messages-bgl", values_bgl, known_leaks_bgl});
  check_root(root);
}

TEST_CASE("real samples: vCenter logs on a Linux root") {
  if (!real_samples_present()) return;
  SUBCASE("vcenter.resnick-tech.com") {
    Root root;
    root.linux_etc("VMware Photon OS", "vcenter.resnick-tech.com", "");
    root.place({"vcenter/test-format-common.log", "/var/log/messages", values_format_common,
                known_leaks_format_common});
    root.place({"vcenter/logfile_vpxd.0", "/var/log/daemon.log-vpxd.0", values_vpxd, known_leaks_vpxd});
    root.place({"vcenter/logfile_vmw_log.0", "/var/log/daemon.log-vmw_log.0", {}, {}, true});
    root.place({"vcenter/vmon-703-20395099-unhealthy.log", "/var/log/daemon.log-vmon-703", {}, {}});
    check_root(root, known_verify_findings_vcenter_resnick);
  }
  SUBCASE("vc.chang.wcp") {
    Root root;
    root.linux_etc("VMware Photon OS", "vc.chang.wcp", "");
    root.place({"vcenter/vmon-803-24022515-healthy.log", "/var/log/daemon.log-vmon-803", values_vmon_803,
                known_leaks_vmon_803});
    check_root(root, known_verify_findings_vcenter_chang);
  }
}

TEST_CASE("real samples: vCenter logs where the vcenter platform reads them") {
  if (!real_samples_present()) return;
  auto vcenter_root = [](Root& root, const std::string& pnid) {
    root.linux_etc("VMware Photon OS", pnid, "");
    root.overlay("/etc/vmware-vpx/vpxd.cfg", "<config><vpxd><das/></vpxd></config>\n");
    root.overlay("/usr/lib/vmware-vmon/vmon-cli", "");
    // the SSO domain the logs name (`administrator@vsphere.local`, `domainName: vsphere.local`)
    root.overlay("/etc/vmware/install-defaults/vmdir.domain-name", "vsphere.local\n");
  };
  SUBCASE("vcenter.resnick-tech.com") {
    Root root;
    vcenter_root(root, "vcenter.resnick-tech.com");
    root.place({"vcenter/test-format-common.log", "/var/log/messages", values_format_common_vcenter,
                known_leaks_format_common_vcenter});
    root.place({"vcenter/logfile_vpxd.0", "/var/log/vmware/vpxd/vpxd.log", values_vpxd_vcenter,
                known_leaks_vpxd_vcenter});
    root.place({"vcenter/logfile_vmw_log.0", "/var/log/vmware/vpxd/vpxd-1.log", {}, {}, true});
    root.place({"vcenter/vmon-703-20395099-unhealthy.log", "/var/log/vmware/vmon/vmon.log", {}, {}});
    check_root(root, known_verify_findings_vcenter_resnick, [](const Bundle& bundle, const std::vector<Text>&) {
      // The appliance's short host name is `vcenter`, the platform's own name: the
      // documents keep the tool's words (manifest.json's platform, README.txt,
      // index.html) and scrub the host's values; verify passes with the map.
      CHECK(bundle.manifest["platform"]["name"] == "vcenter");
      CHECK(bundle.manifest["host"]["hostname"] != "vcenter");
      CHECK(bundle.members.contains("var/log/vmware/vpxd/vpxd.log"));
      CHECK(bundle.members.contains("var/log/vmware/vmon/vmon.log"));
      check_parses(bundle, "vcenter/logfile_vpxd.0", k_log_line);
      check_parses(bundle, "vcenter/vmon-703-20395099-unhealthy.log", k_log_line);
    });
  }
  SUBCASE("vc.chang.wcp") {
    Root root;
    vcenter_root(root, "vc.chang.wcp");
    root.place({"vcenter/vmon-803-24022515-healthy.log", "/var/log/vmware/vmon/vmon.log", values_vmon_803_vcenter,
                {}});
    check_root(root, known_verify_findings_vcenter_chang, [](const Bundle& bundle, const std::vector<Text>&) {
      CHECK(bundle.manifest["platform"]["name"] == "vcenter");
      check_parses(bundle, "vcenter/vmon-803-24022515-healthy.log", k_log_line);
    });
  }
}

TEST_CASE("real samples: Workstation and Player VMs found through a user's inventory") {
  if (!real_samples_present()) return;
  Root root;
  // overlay: a Workstation host whose user lists the VMs in inventory.vmls (the
  // display names are each .vmx's own; the log-only VM is named by its directory)
  root.linux_etc("Ubuntu", "ws-real-01", "wsuser:x:1000:1000::/home/wsuser:/bin/bash\n");
  root.overlay("/usr/lib/vmware/bin/vmware-vmx", "");
  const std::string vms = "/home/wsuser/vmware/";
  root.overlay("/home/wsuser/.vmware/inventory.vmls",
               ".encoding = \"UTF-8\"\n"
               "vmlist1.config = \"" + vms + "Dogecoin P2Pool/Dogecoin P2Pool.vmx\"\n"
               "vmlist2.config = \"" + vms + "Windows 10/Windows 10.vmx\"\n"
               "vmlist3.config = \"" + vms + "hh/CentOS 7 64 \xe4\xbd\x8d.vmx\"\n"
               "vmlist4.config = \"" + vms + "Richard's Liver Server 1/Richard's Liver Server 1.vmx\"\n"
               "vmlist4.DisplayName = \"Richard's Liver Server 1\"\n"
               "vmlist5.config = \"/srv/vms/standard5gc-htnp-b9f7d6d9b-dgf66/standard5gc-htnp-b9f7d6d9b-dgf66.vmx\"\n");
  place_hosted_vms(root, vms);
  root.place({"vm/standard5gc-htnp-b9f7d6d9b-dgf66.vmx",
              "/srv/vms/standard5gc-htnp-b9f7d6d9b-dgf66/standard5gc-htnp-b9f7d6d9b-dgf66.vmx", values_vmx_dgf66,
              known_leaks_vmx_dgf66});
  check_root(root, {}, [](const Bundle& bundle, const std::vector<Text>& corpus) {
    CHECK(bundle.manifest["platform"]["name"] == "workstation");
    CHECK(members_under(bundle, "home/") == 9);  // inventory.vmls and the 8 VM files under the user's home
    CHECK(members_under(bundle, "srv/vms/") == 1);
    check_guestinfo_masked("vm/standard5gc-htnp-b9f7d6d9b-dgf66.vmx", corpus);
    for (const char* vmx : {"vm/Dogecoin P2Pool.vmx", "vm/Windows 10.vmx", "vm/CentOS 7 64 位.vmx",
                            "vm/standard5gc-htnp-b9f7d6d9b-dgf66.vmx"}) {
      check_parses(bundle, vmx, k_vmx_line, true);
    }
    for (const char* log : {"vm/dogecoin_vmware.log", "vm/alexuslee90_vmware.log", "vm/vinci230_vmware.log",
                            "vm/richardlarbimensah_vmware.log"}) {
      check_parses(bundle, log, k_log_line);
    }
  });
}

TEST_CASE("real samples: VM logs in Fusion bundles name the host that ran them (Hostname=)") {
  if (!real_samples_present()) return;
  Root root;
  // overlay: a Mac whose user lists the VMs in vmInventory; no /etc/hosts name, no
  // SystemConfiguration preferences: the host names come from the logs alone
  root.overlay("/Applications/VMware Fusion.app/Contents/Info.plist", "<plist/>\n");
  root.overlay("/etc/hosts", "127.0.0.1 localhost\n");
  const std::string vms = "/Users/mu/Virtual Machines.localized/";
  root.overlay("/Users/mu/Library/Application Support/VMware Fusion/vmInventory",
               "vmlist1.config = \"" + vms + "Windows 10.vmwarevm/Windows 10.vmx\"\n"
               "vmlist2.config = \"" + vms + "hh.vmwarevm/CentOS 7 64 \xe4\xbd\x8d.vmx\"\n"
               "vmlist3.config = \"" + vms + "Richard's Liver Server 1.vmwarevm/Richard's Liver Server 1.vmx\"\n"
               "vmlist3.DisplayName = \"Richard's Liver Server 1\"\n");
  place_player_vms(root, vms, ".vmwarevm");
  check_root(root, {}, [](const Bundle& bundle, const std::vector<Text>&) {
    CHECK(bundle.manifest["platform"]["name"] == "fusion");
    CHECK(members_under(bundle, "Users/") == 6);  // vmInventory, 2 .vmx, 3 vmware.log
    for (const char* log : {"vm/alexuslee90_vmware.log", "vm/vinci230_vmware.log", "vm/richardlarbimensah_vmware.log"}) {
      check_parses(bundle, log, k_log_line);
    }
  });
}

TEST_CASE("real samples: open-vm-tools logs where the guest platform reads them") {
  if (!real_samples_present()) return;
  Root root;
  openshiftrunner_etc(root);
  root.overlay("/usr/bin/vmtoolsd", "");
  root.overlay("/etc/vmware-tools/tools.conf", "[logging]\nlog = true\n");
  root.place({"linux/logssrv_secure-20211101", "/var/log/secure-20211101", values_logssrv_secure,
              known_leaks_logssrv_secure});
  // two guests' tools logs in the places open-vm-tools and the old tools write them;
  // nothing personal in them: they must come back byte for byte
  root.place({"guest/logssrv_vmware-vmsvc.log", "/var/log/vmware-vmsvc-root.log", {}, {}, true});
  root.place({"guest/logssrv_vmware-vgauthsvc.log.0", "/var/log/vmware-vgauthsvc.log.0", {}, {}, true});
  root.place({"guest/daybreak_vmware-vmsvc.log", "/var/log/vmware-vmsvc.log", {}, {}, true});
  root.place({"guest/vmware-install.log", "/var/log/vmware-install.log", {}, {}, true});
  root.place({"guest/vmware-tools-upgrader.log", "/var/log/vmware-tools-upgrader.log", {}, {}, true});
  check_root(root, {}, [](const Bundle& bundle, const std::vector<Text>&) {
    CHECK(bundle.manifest["platform"]["name"] == "guest");
    CHECK(bundle.members.contains("etc/vmware-tools/tools.conf"));
    CHECK(bundle.members.contains("var/log/secure-20211101"));  // the linux content it includes
  });
}

}  // TEST_SUITE
