// Host facts: name, OS and kernel of the root (see host_facts.h).
#include "kinds/host_facts.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <regex>

namespace vmsupport {
namespace {

std::string first_line(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

std::string read_small(FileSystem& fs, const std::string& path) {
  auto content = fs.read(path, 1 << 20);
  return content ? content->bytes : std::string();
}

std::string esx_conf_hostname(FileSystem& fs) {
  static const std::regex k_key(R"re(^/adv/Misc/HostName\s*=\s*"([^"]*)")re",
                                std::regex::multiline);
  const std::string text = read_small(fs, "/etc/vmware/esx.conf");
  std::smatch match;
  return std::regex_search(text, match, k_key) ? match[1].str() : std::string();
}

// The first match of `pattern` (its group 1) in the file at `path`, or "".
std::string first_match(FileSystem& fs, const std::string& path, const std::regex& pattern) {
  const std::string text = read_small(fs, path);
  std::smatch match;
  return std::regex_search(text, match, pattern) ? match[1].str() : std::string();
}

// os-release's PRETTY_NAME, else NAME and VERSION (or VERSION_ID): Photon OS
// and minimal images leave PRETTY_NAME out.
std::string os_release_name(FileSystem& fs) {
  static const std::regex k_pretty(R"re(^PRETTY_NAME="?([^"\n]*)"?)re", std::regex::multiline);
  static const std::regex k_name(R"re(^NAME="?([^"\n]*)"?)re", std::regex::multiline);
  static const std::regex k_version(R"re(^VERSION="?([^"\n]*)"?)re", std::regex::multiline);
  static const std::regex k_version_id(R"re(^VERSION_ID="?([^"\n]*)"?)re", std::regex::multiline);
  for (const char* path : {"/etc/os-release", "/usr/lib/os-release"}) {
    if (std::string pretty = first_match(fs, path, k_pretty); !pretty.empty()) return pretty;
    const std::string name = first_match(fs, path, k_name);
    if (name.empty()) continue;
    std::string version = first_match(fs, path, k_version);
    if (version.empty()) version = first_match(fs, path, k_version_id);
    return version.empty() ? name : name + " " + version;
  }
  return {};
}

// ESXi has no os-release: /etc/vmware-release ("VMware ESXi 8.0.3 build-..."),
// else the build line of the boot bank's boot.cfg.
std::string esxi_version(FileSystem& fs) {
  if (std::string release = first_line(read_small(fs, "/etc/vmware-release")); !release.empty()) return release;
  static const std::regex k_build(R"re(^build=(\S+))re", std::regex::multiline);
  for (const char* path : {"/bootbank/boot.cfg", "/altbootbank/boot.cfg"}) {
    if (std::string build = first_match(fs, path, k_build); !build.empty()) return "VMware ESXi " + build;
  }
  return {};
}

// The VMware desktop product installed on the host, with its version, or "".
std::string vmware_product(FileSystem& fs) {
  static const std::regex k_product(R"re(^product\.version\s*=\s*"([^"]*)")re", std::regex::multiline);
  static const std::regex k_player(R"re(^player\.product\.version\s*=\s*"([^"]*)")re", std::regex::multiline);
  static const std::regex k_bundle(R"re(<key>CFBundleShortVersionString</key>\s*<string>([^<]*)</string>)re");
  if (std::string version = first_match(fs, "/etc/vmware/config", k_product); !version.empty()) {
    return "VMware Workstation " + version;
  }
  if (std::string version = first_match(fs, "/etc/vmware/config", k_player); !version.empty()) {
    return "VMware Workstation Player " + version;
  }
  if (std::string version = first_match(fs, "/Applications/VMware Fusion.app/Contents/Info.plist", k_bundle);
      !version.empty()) {
    return "VMware Fusion " + version;
  }
  return {};
}

// macOS has no os-release: SystemVersion.plist's ProductVersion.
std::string macos_version(FileSystem& fs) {
  static const std::regex k_version(R"re(<key>ProductVersion</key>\s*<string>([^<]*)</string>)re");
  const std::string version = first_match(fs, "/System/Library/CoreServices/SystemVersion.plist", k_version);
  return version.empty() ? std::string() : "macOS " + version;
}

// What the report calls the host's version: the OS, and the VMware product
// on it ("VMware Workstation 17.5.1 on Ubuntu 22.04 LTS"); for ESXi the
// product is the OS.
std::string host_version(FileSystem& fs) {
  std::string os = os_release_name(fs);
  if (os.empty()) os = esxi_version(fs);
  if (os.empty()) os = macos_version(fs);
  const std::string product = vmware_product(fs);
  if (product.empty()) return os;
  return os.empty() ? product : product + " on " + os;
}

// macOS keeps its names in SystemConfiguration's preferences: HostName (set
// by an administrator), else LocalHostName (the Bonjour name), else ComputerName.
std::string macos_hostname(FileSystem& fs) {
  const std::string text = read_small(fs, "/Library/Preferences/SystemConfiguration/preferences.plist");
  for (const char* key : {"HostName", "LocalHostName", "ComputerName"}) {
    const std::regex pattern(std::string("<key>") + key + R"re(</key>\s*<string>([^<]+)</string>)re");
    std::smatch match;
    if (std::regex_search(text, match, pattern)) return match[1].str();
  }
  return {};
}

}  // namespace

HostFacts read_host_facts(FileSystem& fs) {
  HostFacts facts;
  facts.os = host_version(fs);
  if (fs.root() == "/") {
    utsname name{};
    if (uname(&name) == 0) {
      facts.hostname = name.nodename;
      facts.hostname_source = "uname";
      facts.kernel = std::string(name.sysname) + " " + name.release;
    }
    return facts;
  }
  if (std::string name = first_line(read_small(fs, "/etc/hostname")); !name.empty()) {
    facts.hostname = name;
    facts.hostname_source = "/etc/hostname";
  } else if (name = esx_conf_hostname(fs); !name.empty()) {
    facts.hostname = name;
    facts.hostname_source = "/etc/vmware/esx.conf";
  } else if (name = macos_hostname(fs); !name.empty()) {
    facts.hostname = name;
    facts.hostname_source = "/Library/Preferences/SystemConfiguration/preferences.plist";
  } else {
    facts.hostname = "unknown";
    facts.hostname_source = "none found";
  }
  return facts;
}

std::string short_host_name(const std::string& hostname) {
  std::string out;
  for (char c : hostname.substr(0, hostname.find('.'))) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
    out += keep ? c : '_';
  }
  return out.empty() ? "unknown" : out;
}

}  // namespace vmsupport
