// Host facts: the version the report shows, from whatever the host has
// (os-release with or without PRETTY_NAME, ESXi's release files, the VMware
// desktop products' own version files).
#include <doctest/doctest.h>

#include "host/filesystem.h"
#include "kinds/host_facts.h"

using namespace vmsupport;

TEST_SUITE("unit") {

TEST_CASE("the host's version comes from os-release, ESXi's files or the VMware product installed") {
  struct Case {
    const char* name;
    std::vector<std::pair<std::string, std::string>> files;
    std::string version;
  };
  const std::vector<Case> cases = {
      {"PRETTY_NAME", {{"/etc/os-release", "NAME=\"Debian\"\nPRETTY_NAME=\"Debian GNU/Linux 12\"\n"}}, "Debian GNU/Linux 12"},
      {"NAME and VERSION", {{"/etc/os-release", "NAME=\"VMware Photon OS\"\nVERSION=\"3.0\"\nVERSION_ID=3.0\n"}},
       "VMware Photon OS 3.0"},
      {"NAME and VERSION_ID", {{"/usr/lib/os-release", "NAME=Alpine\nVERSION_ID=3.19.1\n"}}, "Alpine 3.19.1"},
      {"NAME alone", {{"/etc/os-release", "NAME=Minimal\n"}}, "Minimal"},
      {"ESXi release file", {{"/etc/vmware-release", "VMware ESXi 8.0.3 build-24022510\n"},
                             {"/bootbank/boot.cfg", "build=8.0.3-0.0.1\n"}}, "VMware ESXi 8.0.3 build-24022510"},
      {"ESXi boot bank", {{"/bootbank/boot.cfg", "title=Loading VMware ESXi\nbuild=7.0.3-0.95.22348816\n"}},
       "VMware ESXi 7.0.3-0.95.22348816"},
      {"Workstation", {{"/etc/os-release", "NAME=\"Ubuntu\"\nVERSION=\"22.04 LTS\"\n"},
                       {"/etc/vmware/config", "product.name = \"VMware Workstation\"\nproduct.version = \"17.5.1\"\n"}},
       "VMware Workstation 17.5.1 on Ubuntu 22.04 LTS"},
      {"Workstation Player", {{"/etc/vmware/config", "player.product.version = \"17.0.2\"\n"}},
       "VMware Workstation Player 17.0.2"},
      {"Fusion on macOS",
       {{"/Applications/VMware Fusion.app/Contents/Info.plist",
         "<plist><dict><key>CFBundleShortVersionString</key>\n\t<string>13.5.1</string></dict></plist>"},
        {"/System/Library/CoreServices/SystemVersion.plist",
         "<dict><key>ProductName</key><string>macOS</string><key>ProductVersion</key><string>14.4.1</string></dict>"}},
       "VMware Fusion 13.5.1 on macOS 14.4.1"},
      {"nothing", {}, ""},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    MemoryFileSystem fs;
    for (const auto& [path, content] : c.files) fs.add_file(path, content);
    CHECK(read_host_facts(fs).os == c.version);
  }
}

}
