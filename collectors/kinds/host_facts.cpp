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

std::string os_release_name(FileSystem& fs) {
  static const std::regex k_pretty(R"re(^PRETTY_NAME="?([^"\n]*)"?)re", std::regex::multiline);
  for (const char* path : {"/etc/os-release", "/usr/lib/os-release"}) {
    const std::string text = read_small(fs, path);
    std::smatch match;
    if (std::regex_search(text, match, k_pretty)) return match[1].str();
  }
  return {};
}

}  // namespace

HostFacts read_host_facts(FileSystem& fs) {
  HostFacts facts;
  facts.os = os_release_name(fs);
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
