// Facts about the host for the bundle's name and manifest.json: its name,
// version (OS and VMware product) and kernel, read from the root (and from
// uname when the root is "/").
#pragma once

#include <string>

#include "host/filesystem.h"

namespace vmsupport {

struct HostFacts {
  std::string hostname;         // "esx-prod-08.corp.example", or "unknown"
  std::string hostname_source;  // "/etc/hostname", "esx.conf", "uname"
  std::string os;               // the OS and VMware product with their versions, or "" (see host_facts.cpp)
  std::string kernel;           // "Linux 6.1.0-18-amd64" when the root is "/", else ""
};

// Never fails: what cannot be read stays empty ("unknown" for the host name).
HostFacts read_host_facts(FileSystem& fs);

// The host name cut to its first label and to [A-Za-z0-9_-], for file names.
std::string short_host_name(const std::string& hostname);

}  // namespace vmsupport
