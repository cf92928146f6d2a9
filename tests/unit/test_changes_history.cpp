// parse_history (changes/history): each log format from realistic excerpts
// with their noise lines (dpkg.log, apt history.log, dnf.rpm.log, yum.log,
// esxupdate.log of ESXi 7 and 8), version pairing and ordering, the `since`
// filter, yum's missing year (December read in January), malformed and cut
// lines, CRLF, empty input and 50,000-line logs.
#include <doctest/doctest.h>

#include <chrono>
#include <cstddef>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "changes/history.h"
#include "util/units.h"

namespace vmsupport {
namespace {

// An ISO UTC time as a time point.
Clock::time_point utc(std::string_view iso) {
  return parse_since(iso, Clock::time_point{}).value();
}

const Clock::time_point k_now = utc("2024-05-20T12:00:00Z");
const Clock::time_point k_epoch = Clock::time_point{};

// What one event should be; `when` as format_iso_utc() prints it.
struct Expected {
  std::string_view when;
  std::string_view action;
  std::string_view package;
  std::string_view from;
  std::string_view to;
};

void check_events(const std::vector<HistoryEvent>& events, const std::vector<Expected>& expected) {
  REQUIRE(events.size() == expected.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    INFO("event ", i, ": ", events[i].line);
    CHECK(format_iso_utc(events[i].when) == expected[i].when);
    CHECK(events[i].action == expected[i].action);
    CHECK(events[i].package == expected[i].package);
    CHECK(events[i].from_version == expected[i].from);
    CHECK(events[i].to_version == expected[i].to);
  }
}

std::vector<HistoryEvent> parse_all(std::string_view text, std::string_view format) {
  return parse_history(text, format, k_epoch, k_now);
}

constexpr std::string_view k_dpkg_log =
    "2024-05-14 09:10:09 startup archives unpack\n"
    "2024-05-14 09:10:10 upgrade openssl:amd64 3.0.11-1~deb12u1 3.0.13-1~deb12u1\n"
    "2024-05-14 09:10:10 status half-configured openssl:amd64 3.0.11-1~deb12u1\n"
    "2024-05-14 09:10:10 status unpacked openssl:amd64 3.0.11-1~deb12u1\n"
    "2024-05-14 09:10:10 status half-installed openssl:amd64 3.0.11-1~deb12u1\n"
    "2024-05-14 09:10:11 status unpacked openssl:amd64 3.0.13-1~deb12u1\n"
    "2024-05-14 09:10:11 install libfoo1:amd64 <none> 1.2-3\n"
    "2024-05-14 09:10:11 status half-installed libfoo1:amd64 1.2-3\n"
    "2024-05-14 09:10:11 status triggers-pending man-db:amd64 2.11.2-2\n"
    "2024-05-14 09:10:12 startup packages configure\n"
    "2024-05-14 09:10:12 configure openssl:amd64 3.0.13-1~deb12u1 <none>\n"
    "2024-05-14 09:10:12 status installed openssl:amd64 3.0.13-1~deb12u1\n"
    "2024-05-14 09:10:12 trigproc man-db:amd64 2.11.2-2 <none>\n"
    "2024-05-14 09:10:12 conffile /etc/ssl/openssl.cnf keep\n"
    "2024-05-15 10:00:00 startup packages purge\n"
    "2024-05-15 10:00:01 remove libbar:amd64 1.0-1 <none>\n"
    "2024-05-15 10:00:01 status config-files libbar:amd64 1.0-1\n"
    "2024-05-15 10:00:02 purge libbar:amd64 1.0-1 <none>\n"
    "2024-05-15 10:00:02 status not-installed libbar:amd64 <none>\n"
    "2024-05-15 10:00:03 purge oldconf:all 2.0-1 <none>\n"
    "2024-05-16 08:00:00 upgrade tzdata:all 2024a-0+deb12u1 2023c-8\n"
    "2024-05-16 08:00:01 upgrade bash:amd64 5.2.15-2+b2 5.2.15-2+b2\n"
    "2024-05-16 08:00:02 install libbaz1:amd64 0.9-1 1.0-1\n";

TEST_SUITE("unit") {
  TEST_CASE("the five history formats are known, nothing else") {
    for (const auto* format : {"dpkg", "apt", "dnf", "yum", "esxupdate"}) {
      CHECK(is_history_format(format));
    }
    for (const auto* format : {"", "rpm", "DPKG", "apt-history", "esxupdate.log"}) {
      CHECK_FALSE(is_history_format(format));
    }
  }

  TEST_CASE(
      "dpkg.log gives installs, upgrades and removes, and skips status, configure and trigproc "
      "lines") {
    const auto events = parse_all(k_dpkg_log, "dpkg");
    check_events(events,
                 {{"2024-05-14T09:10:10Z", "upgrade", "openssl:amd64", "3.0.11-1~deb12u1",
                   "3.0.13-1~deb12u1"},
                  {"2024-05-14T09:10:11Z", "install", "libfoo1:amd64", "", "1.2-3"},
                  {"2024-05-15T10:00:01Z", "remove", "libbar:amd64", "1.0-1", ""},
                  {"2024-05-15T10:00:03Z", "remove", "oldconf:all", "2.0-1", ""},
                  {"2024-05-16T08:00:00Z", "downgrade", "tzdata:all", "2024a-0+deb12u1", "2023c-8"},
                  {"2024-05-16T08:00:01Z", "reinstall", "bash:amd64", "5.2.15-2+b2", "5.2.15-2+b2"},
                  {"2024-05-16T08:00:02Z", "install", "libbaz1:amd64", "0.9-1", "1.0-1"}});
    CHECK(events[0].line ==
          "2024-05-14 09:10:10 upgrade openssl:amd64 3.0.11-1~deb12u1 3.0.13-1~deb12u1");
  }

  TEST_CASE("dpkg's upgrade lines are told apart by dpkg's version ordering") {
    struct Case {
      const char* from;
      const char* to;
      const char* action;
    };
    const Case cases[] = {
        {"1.0~rc1-1", "1.0-1", "upgrade"},  {"1.0-1", "1.0~rc1-1", "downgrade"},
        {"1:1.0-1", "2.0-1", "downgrade"},  {"2.0-1", "1:1.0-1", "upgrade"},
        {"1.0-1", "1.0-1+b1", "upgrade"},   {"1.0-10", "1.0-9", "downgrade"},
        {"1.2.10", "1.2.9", "downgrade"},   {"1.0a", "1.0+dfsg", "upgrade"},
        {"0:1.0-01", "1.0-1", "reinstall"}, {"2.36-9+deb12u4", "2.36-9+deb12u7", "upgrade"},
    };
    for (const Case& c : cases) {
      const std::string line =
          std::string("2024-05-14 09:10:10 upgrade pkg:amd64 ") + c.from + " " + c.to + "\n";
      const auto events = parse_all(line, "dpkg");
      INFO(line);
      REQUIRE(events.size() == 1);
      CHECK(events[0].action == c.action);
    }
  }

  TEST_CASE("apt history.log blocks give one event per listed package, quoting the command line") {
    const std::string_view log =
        "\n"
        "Start-Date: 2024-05-14  09:10:05\n"
        "Commandline: apt-get upgrade -y\n"
        "Requested-By: jdoe (1000)\n"
        "Upgrade: openssl:amd64 (3.0.11-1~deb12u1, 3.0.13-1~deb12u1), libssl3:amd64 "
        "(3.0.11-1~deb12u1, 3.0.13-1~deb12u1)\n"
        "End-Date: 2024-05-14  09:10:20\n"
        "\n"
        "Start-Date: 2024-05-15  11:00:00\n"
        "Commandline: apt install nginx\n"
        "Requested-By: jdoe (1000)\n"
        "Install: nginx-common:amd64 (1.22.1-9, automatic), libnginx-mod-http-geoip:amd64 "
        "(1:1.22.1-9, automatic), nginx:amd64 (1.22.1-9)\n"
        "End-Date: 2024-05-15  11:00:09\n"
        "\n"
        "Start-Date: 2024-05-16  07:30:00\n"
        "Commandline: apt purge apache2\n"
        "Remove: apache2-bin:amd64 (2.4.57-2)\n"
        "Purge: apache2:amd64 (2.4.57-2)\n"
        "End-Date: 2024-05-16  07:30:04\n"
        "\n"
        "Start-Date: 2024-05-17  06:25:03\n"
        "Downgrade: curl:amd64 (7.88.1-10+deb12u6, 7.88.1-10+deb12u5)\n"
        "Reinstall: bash:amd64 (5.2.15-2+b2)\n"
        "Error: Sub-process /usr/bin/dpkg returned an error code (1)\n"
        "End-Date: 2024-05-17  06:25:10\n";
    const auto events = parse_all(log, "apt");
    check_events(
        events,
        {{"2024-05-14T09:10:05Z", "upgrade", "openssl:amd64", "3.0.11-1~deb12u1",
          "3.0.13-1~deb12u1"},
         {"2024-05-14T09:10:05Z", "upgrade", "libssl3:amd64", "3.0.11-1~deb12u1",
          "3.0.13-1~deb12u1"},
         {"2024-05-15T11:00:00Z", "install", "nginx-common:amd64", "", "1.22.1-9"},
         {"2024-05-15T11:00:00Z", "install", "libnginx-mod-http-geoip:amd64", "", "1:1.22.1-9"},
         {"2024-05-15T11:00:00Z", "install", "nginx:amd64", "", "1.22.1-9"},
         {"2024-05-16T07:30:00Z", "remove", "apache2-bin:amd64", "2.4.57-2", ""},
         {"2024-05-16T07:30:00Z", "remove", "apache2:amd64", "2.4.57-2", ""},
         {"2024-05-17T06:25:03Z", "downgrade", "curl:amd64", "7.88.1-10+deb12u6",
          "7.88.1-10+deb12u5"},
         {"2024-05-17T06:25:03Z", "reinstall", "bash:amd64", "5.2.15-2+b2", "5.2.15-2+b2"}});
    CHECK(events[0].line == "Commandline: apt-get upgrade -y");
    CHECK(events[5].line == "Commandline: apt purge apache2");
    CHECK(events[7].line == "Start-Date: 2024-05-17  06:25:03");
  }

  TEST_CASE("apt lists cut short or outside a dated block are skipped") {
    const std::string_view log =
        "Upgrade: orphan:amd64 (1.0-1, 1.0-2)\n"
        "End-Date: 2024-05-13  23:59:59\n"
        "\n"
        "Start-Date: 2024-05-14  09:10:05\n"
        "Commandline: apt-get upgrade\n"
        "Upgrade: a:amd64 (1.0-1, 1.0-2), b:amd64 (2.0-1, 2.0\n"
        "Install: c:amd64 (1.0-1), d:amd64 ()\n"
        "Upgrade: e:amd64 (1.0-1)\n"
        "\n"
        "Install: after-blank:amd64 (1.0-1)\n"
        "Start-Date: yesterday\n"
        "Install: undated:amd64 (1.0-1)\n";
    check_events(parse_all(log, "apt"),
                 {{"2024-05-14T09:10:05Z", "upgrade", "a:amd64", "1.0-1", "1.0-2"},
                  {"2024-05-14T09:10:05Z", "install", "c:amd64", "", "1.0-1"}});
  }

  TEST_CASE("dnf.rpm.log pairs Upgrade with Upgraded by name and arch, and reads zone offsets") {
    const std::string_view log =
        "2024-05-14T09:10:00+0000 INFO --- logging initialized ---\n"
        "2024-05-14T09:10:05+0000 SUBDEBUG Upgrade: openssl-libs-1:3.0.7-25.el9.x86_64\n"
        "2024-05-14T09:10:06+0000 SUBDEBUG Upgrade: openssl-1:3.0.7-25.el9.x86_64\n"
        "2024-05-14T09:10:06+0000 SUBDEBUG Upgrade: glibc-2.34-100.el9.i686\n"
        "2024-05-14T09:10:06+0000 SUBDEBUG Upgrade: glibc-2.34-100.el9.x86_64\n"
        "2024-05-14T09:10:06+0000 SUBDEBUG Installed: foo-1.2-3.el9.noarch\n"
        "2024-05-14T09:10:07+0000 SUBDEBUG Upgraded: openssl-1:3.0.7-24.el9.x86_64\n"
        "2024-05-14T09:10:07+0000 SUBDEBUG Upgraded: glibc-2.34-83.el9.x86_64\n"
        "2024-05-14T09:10:07+0000 SUBDEBUG Upgraded: glibc-2.34-60.el9.i686\n"
        "2024-05-14T09:10:07+0000 SUBDEBUG Upgraded: openssl-libs-1:3.0.7-24.el9.x86_64\n"
        "2024-05-14T09:10:07+0000 INFO warning: /etc/foo.conf created as /etc/foo.conf.rpmnew\n"
        "\n"
        "2024-05-14T09:10:08+0000 SUBDEBUG Erase: bar-1.0-1.el9.x86_64\n"
        "2024-05-14T09:10:08+0000 SUBDEBUG Obsoleted: python3-old-1.0-1.el9.noarch\n"
        "2024-05-15T10:00:00+0100 SUBDEBUG Downgrade: curl-7.76.1-26.el9.x86_64\n"
        "2024-05-15T10:00:01+01:00 SUBDEBUG Downgraded: curl-7.76.1-29.el9.x86_64\n"
        "2024-05-15T10:00:02Z SUBDEBUG Reinstall: bash-5.1.8-9.el9.x86_64\n"
        "2024-05-15T10:00:02Z SUBDEBUG Reinstalled: bash-5.1.8-9.el9.x86_64\n"
        "2024-05-15T10:00:03Z INFO Running scriptlet: bash-5.1.8-9.el9.x86_64\n"
        "2024-05-15T10:00:04-0500 SUBDEBUG Installed: kernel-5.14.0-427.13.1.el9_4.x86_64\n";
    const auto events = parse_all(log, "dnf");
    check_events(
        events,
        {{"2024-05-14T09:10:05Z", "upgrade", "openssl-libs", "1:3.0.7-24.el9", "1:3.0.7-25.el9"},
         {"2024-05-14T09:10:06Z", "upgrade", "openssl", "1:3.0.7-24.el9", "1:3.0.7-25.el9"},
         {"2024-05-14T09:10:06Z", "upgrade", "glibc", "2.34-60.el9", "2.34-100.el9"},
         {"2024-05-14T09:10:06Z", "upgrade", "glibc", "2.34-83.el9", "2.34-100.el9"},
         {"2024-05-14T09:10:06Z", "install", "foo", "", "1.2-3.el9"},
         {"2024-05-14T09:10:08Z", "remove", "bar", "1.0-1.el9", ""},
         {"2024-05-14T09:10:08Z", "remove", "python3-old", "1.0-1.el9", ""},
         {"2024-05-15T09:00:00Z", "downgrade", "curl", "7.76.1-29.el9", "7.76.1-26.el9"},
         {"2024-05-15T10:00:02Z", "reinstall", "bash", "5.1.8-9.el9", "5.1.8-9.el9"},
         {"2024-05-15T15:00:04Z", "install", "kernel", "", "5.14.0-427.13.1.el9_4"}});
    CHECK(events[2].line == "2024-05-14T09:10:06+0000 SUBDEBUG Upgrade: glibc-2.34-100.el9.i686");
  }

  TEST_CASE("dnf.rpm.log keeps the half of an upgrade it has, whichever half comes first") {
    const std::string_view log =
        "2024-05-14T09:10:07Z SUBDEBUG Upgraded: zlib-1.2.11-40.el9.x86_64\n"
        "2024-05-14T09:10:08Z SUBDEBUG Upgrade: zlib-1.2.11-41.el9.x86_64\n"
        "2024-05-14T09:10:09Z SUBDEBUG Upgraded: lonely-1.0-1.el9.x86_64\n"
        "2024-05-14T09:10:10Z SUBDEBUG Upgrade: newonly-2.0-1.el9.x86_64\n";
    check_events(parse_all(log, "dnf"),
                 {{"2024-05-14T09:10:08Z", "upgrade", "zlib", "1.2.11-40.el9", "1.2.11-41.el9"},
                  {"2024-05-14T09:10:09Z", "upgrade", "lonely", "1.0-1.el9", ""},
                  {"2024-05-14T09:10:10Z", "upgrade", "newonly", "", "2.0-1.el9"}});
  }

  TEST_CASE("yum.log gives installs, updates and erasures in both epoch spellings") {
    const std::string_view log =
        "May 04 08:00:00 Installed: epel-release-7-14.noarch\n"
        "May 14 09:10:11 Updated: 1:openssl-libs-1.0.2k-26.el7_9.x86_64\n"
        "May 14 09:10:12 Updated: openssl-1:1.0.2k-26.el7_9.x86_64\n"
        "May 14 09:10:13 Installed: httpd-2.4.6-99.el7.centos.1.x86_64\n"
        "May 14 09:10:13 Installed: httpd-tools-2.4.6-99.el7.centos.1.x86_64\n"
        "May 14 09:10:14 Erased: openssl-devel\n"
        "May 14 09:10:15 Erased: 1:openssl-static-1.0.2k-25.el7_9.x86_64\n"
        "May 14 09:10:16 Obsoleted: python-perf-3.10.0-1160.108.1.el7.x86_64\n"
        "May  4 08:00:01 Installed: nano-2.3.1-10.el7.x86_64\n";
    check_events(parse_all(log, "yum"),
                 {{"2024-05-04T08:00:00Z", "install", "epel-release", "", "7-14"},
                  {"2024-05-04T08:00:01Z", "install", "nano", "", "2.3.1-10.el7"},
                  {"2024-05-14T09:10:11Z", "upgrade", "openssl-libs", "", "1:1.0.2k-26.el7_9"},
                  {"2024-05-14T09:10:12Z", "upgrade", "openssl", "", "1:1.0.2k-26.el7_9"},
                  {"2024-05-14T09:10:13Z", "install", "httpd", "", "2.4.6-99.el7.centos.1"},
                  {"2024-05-14T09:10:13Z", "install", "httpd-tools", "", "2.4.6-99.el7.centos.1"},
                  {"2024-05-14T09:10:14Z", "remove", "openssl-devel", "", ""},
                  {"2024-05-14T09:10:15Z", "remove", "openssl-static", "1:1.0.2k-25.el7_9", ""},
                  {"2024-05-14T09:10:16Z", "remove", "python-perf", "3.10.0-1160.108.1.el7", ""}});
  }

  TEST_CASE("yum.log lines after now belong to the year before (a December line read in January)") {
    const Clock::time_point now = utc("2025-01-03T10:00:00Z");
    const std::string_view log =
        "Feb 29 10:00:00 Installed: leap-1.0-1.el7.x86_64\n"
        "Dec 30 23:59:59 Updated: tzdata-2024b-1.el7.noarch\n"
        "Jan 02 08:00:00 Installed: vim-enhanced-7.4.629-8.el7_9.x86_64\n"
        "Jan 03 18:00:00 Installed: ahead-of-utc-1.0-1.el7.x86_64\n"
        "Jan 05 07:00:00 Installed: last-january-1.0-1.el7.x86_64\n";
    check_events(parse_history(log, "yum", k_epoch, now),
                 {{"2024-01-05T07:00:00Z", "install", "last-january", "", "1.0-1.el7"},
                  {"2024-02-29T10:00:00Z", "install", "leap", "", "1.0-1.el7"},
                  {"2024-12-30T23:59:59Z", "upgrade", "tzdata", "", "2024b-1.el7"},
                  {"2025-01-02T08:00:00Z", "install", "vim-enhanced", "", "7.4.629-8.el7_9"},
                  {"2025-01-03T18:00:00Z", "install", "ahead-of-utc", "", "1.0-1.el7"}});
  }

  TEST_CASE(
      "esxupdate.log of ESXi 7 gives VIB upgrades, removals and the image profile, once each") {
    const std::string_view log =
        "2024-05-14T09:10:00Z esxupdate: 2099123: root: INFO: Command = profile.update\n"
        "2024-05-14T09:10:00Z esxupdate: 2099123: root: INFO: Options = {'depot': "
        "['/vmfs/volumes/datastore1/VMware-ESXi-7.0U3o-22348816-depot.zip'], 'profile': "
        "'ESXi-7.0U3o-22348816-standard', 'oktoremove': True}\n"
        "2024-05-14T09:10:02Z esxupdate: 2099123: HostImage: INFO: Attempting to download VIB "
        "esx-base\n"
        "2024-05-14T09:10:04Z esxupdate: 2099123: Transaction: INFO: Skipping installed VIBs: "
        "VMware_bootbank_cpu-microcode_7.0.3-0.105.22348816\n"
        "2024-05-14T09:10:05Z esxupdate: 2099123: Transaction: INFO: Final list of VIBs to "
        "install: "
        "VMware_bootbank_esx-base_7.0.3-0.105.22348816, VMware_bootbank_vsan_7.0.3-0.105.22348816\n"
        "2024-05-14T09:10:05Z esxupdate: 2099123: Transaction: INFO: VIBs to be removed: "
        "['VMware_bootbank_esx-base_7.0.3-0.85.21930508', "
        "'VMware_bootbank_vsan_7.0.3-0.85.21930508', "
        "'VMW_bootbank_i40en_1.11.1.31-1vmw.703.0.20.19193900']\n"
        "2024-05-14T09:10:06Z esxupdate: 2099123: HostImage: INFO: Installing image profile "
        "ESXi-7.0U3o-22348816-standard\n"
        "2024-05-14T09:10:30Z esxupdate: 2099123: BootBankInstaller.pyc: INFO: Installing VIB(s): "
        "VMware_bootbank_esx-base_7.0.3-0.105.22348816\n"
        "2024-05-14T09:10:40Z esxupdate: 2099123: root: DEBUG: <<<\n"
        "2024-05-15T08:00:00Z esxupdate: 3104567: BootBankInstaller.pyc: INFO: Removing VIB "
        "tools-light\n";
    const auto events = parse_all(log, "esxupdate");
    check_events(
        events,
        {{"2024-05-14T09:10:05Z", "upgrade", "esx-base", "7.0.3-0.85.21930508",
          "7.0.3-0.105.22348816"},
         {"2024-05-14T09:10:05Z", "upgrade", "vsan", "7.0.3-0.85.21930508", "7.0.3-0.105.22348816"},
         {"2024-05-14T09:10:05Z", "remove", "i40en", "1.11.1.31-1vmw.703.0.20.19193900", ""},
         {"2024-05-14T09:10:06Z", "install", "image-profile", "", "ESXi-7.0U3o-22348816-standard"},
         {"2024-05-15T08:00:00Z", "remove", "tools-light", "", ""}});
    CHECK(events[3].line.ends_with("Installing image profile ESXi-7.0U3o-22348816-standard"));
  }

  TEST_CASE("esxupdate.log of ESXi 8 (syslog tags, fractions) and its other wordings") {
    const std::string_view log =
        "2024-05-15T08:00:00.123Z In(14) esxupdate[2101166]: Transaction: INFO: VIBs to be "
        "installed: ['Mellanox_bootbank_nmlx5-core_4.23.0.66-1OEM.800.1.0.20613240']\n"
        "2024-05-15T08:00:01.456Z In(14) esxupdate[2101166]: Transaction: INFO: Removing VIBs: "
        "{'VMware_locker_tools-light_12.1.5.20735119-20841705'}\n"
        "2024-05-15T08:00:02Z In(14) esxupdate[2101166]: HostImage: INFO: Updating image profile "
        "to 'ESXi-8.0U2b-23305546-standard'\n"
        "2024-05-15T08:00:03Z In(14) esxupdate[2101166]: Transaction: INFO: VIBs to install: "
        "set()\n"
        "VIBs to install: VMware_bootbank_esx-base_8.0.2-0.40.23305546\n"
        "2024-05-15T09:30:00Z In(14) esxupdate[2101200]: Transaction: INFO: VIBs to be installed: "
        "['Mellanox_bootbank_nmlx5-core_4.23.0.66-1OEM.800.1.0.20613240']\n";
    check_events(
        parse_all(log, "esxupdate"),
        {{"2024-05-15T08:00:00Z", "install", "nmlx5-core", "", "4.23.0.66-1OEM.800.1.0.20613240"},
         {"2024-05-15T08:00:01Z", "remove", "tools-light", "12.1.5.20735119-20841705", ""},
         {"2024-05-15T08:00:02Z", "upgrade", "image-profile", "", "ESXi-8.0U2b-23305546-standard"},
         {"2024-05-15T09:30:00Z", "install", "nmlx5-core", "", "4.23.0.66-1OEM.800.1.0.20613240"}});
  }

  TEST_CASE("events before since are dropped, events at since are kept") {
    const auto since = utc("2024-05-15T10:00:01Z");
    check_events(parse_history(k_dpkg_log, "dpkg", since, k_now),
                 {{"2024-05-15T10:00:01Z", "remove", "libbar:amd64", "1.0-1", ""},
                  {"2024-05-15T10:00:03Z", "remove", "oldconf:all", "2.0-1", ""},
                  {"2024-05-16T08:00:00Z", "downgrade", "tzdata:all", "2024a-0+deb12u1", "2023c-8"},
                  {"2024-05-16T08:00:01Z", "reinstall", "bash:amd64", "5.2.15-2+b2", "5.2.15-2+b2"},
                  {"2024-05-16T08:00:02Z", "install", "libbaz1:amd64", "0.9-1", "1.0-1"}});
    CHECK(parse_history(k_dpkg_log, "dpkg", k_now, k_now).empty());
  }

  TEST_CASE("malformed and cut lines are ignored in every format") {
    struct Case {
      const char* format;
      const char* text;
    };
    const Case cases[] = {
        {"dpkg", "2024-05-14 09:10:11 upgrade openssl:amd64 3.0.11-1"},
        {"dpkg", "2024-05-14 09:10:11 upgrade openssl:amd64 3.0.11-1 3.0.13-1 extra"},
        {"dpkg", "2024-13-14 09:10:11 install a:amd64 <none> 1.0"},
        {"dpkg", "2024-02-30 09:10:11 install a:amd64 <none> 1.0"},
        {"dpkg", "2024-05-14 24:10:11 install a:amd64 <none> 1.0"},
        {"dpkg", "2024-05-14 09:10 install a:amd64 <none> 1.0"},
        {"dpkg", "2024-05-1"},
        {"apt", "Start-Date: 2024-05-14  09:10:05\nInstall: a:amd64 (1.0"},
        {"apt", "Start-Date: 2024-05-14\nInstall: a:amd64 (1.0-1)"},
        {"apt", "Start-Date: 2024-05-14  09:10:05\nInstall: two words (1.0-1)\nInstall: :"},
        {"dnf", "2024-05-14T09:10:11+0000 SUBDEBUG Installed: foo"},
        {"dnf", "2024-05-14T09:10:11+0000 SUBDEBUG Installed: foo-1.2-3.el9.noa"},
        {"dnf", "2024-05-14T09:10:11+0000 SUBDEBUG Installed:"},
        {"dnf", "2024-05-14T09:10:11+99 SUBDEBUG Installed: foo-1.2-3.el9.noarch"},
        {"dnf", "2024-05-14T09:10:1 SUBDEBUG Installed: foo-1.2-3.el9.noarch"},
        {"dnf", "2024-05-14T09:10:11+0000SUBDEBUG Installed: foo-1.2-3.el9.noarch"},
        {"dnf", "2024-05-14T09:10:11+0000 SUBDEBUG Installed: -1.2.noarch"},
        {"yum", "May 14 09:10:11 Updated:"},
        {"yum", "Foo 14 09:10:11 Updated: a-1.0-1.el7.x86_64"},
        {"yum", "May 32 09:10:11 Updated: a-1.0-1.el7.x86_64"},
        {"yum", "May 14 9:10:11 Updated: a-1.0-1.el7.x86_64"},
        {"yum", "May 14 09:10:11 Installed: foo-1.2-3.el7.x8"},
        {"yum", "May 14 09:10:11 Cleanup: a-1.0-1.el7.x86_64"},
        {"esxupdate", "2024-05-14T09:10:05Z esxupdate: 1: Transaction: INFO: VIBs to install: "},
        {"esxupdate", "2024-05-14 09:10:05 esxupdate: VIBs to install: VMware_bootbank_a_1.0-1"},
        {"esxupdate", "2024-05-14T09:10:05Z esxupdate: VIBs to install: VMware_bootbank_a"},
        {"esxupdate", "2024-05-14T09:10:05Z esxupdate: Installing VIBs took 3 seconds"},
        {"esxupdate", "2024-05-14T09:1"},
    };
    for (const Case& c : cases) {
      INFO(c.format, ": ", c.text);
      CHECK(parse_all(c.text, c.format).empty());
    }
  }

  TEST_CASE("CRLF line endings read like LF, and lines are quoted without the CR") {
    std::string dpkg_crlf, apt_crlf;
    for (const char c : k_dpkg_log)
      dpkg_crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    const auto lf = parse_all(k_dpkg_log, "dpkg");
    const auto crlf = parse_all(dpkg_crlf, "dpkg");
    REQUIRE(crlf.size() == lf.size());
    for (std::size_t i = 0; i < lf.size(); ++i) {
      CHECK(crlf[i].line == lf[i].line);
      CHECK(crlf[i].to_version == lf[i].to_version);
    }
    const auto apt = parse_all(
        "Start-Date: 2024-05-14  09:10:05\r\nCommandline: apt install nginx\r\n"
        "Install: nginx:amd64 (1.22.1-9)\r\n\r\nStart-Date: 2024-05-15  09:10:05\r\n"
        "Remove: nginx:amd64 (1.22.1-9)\r\n",
        "apt");
    check_events(apt, {{"2024-05-14T09:10:05Z", "install", "nginx:amd64", "", "1.22.1-9"},
                       {"2024-05-15T09:10:05Z", "remove", "nginx:amd64", "1.22.1-9", ""}});
    CHECK(apt[0].line == "Commandline: apt install nginx");
    const auto yum = parse_all("May 14 09:10:13 Installed: httpd-2.4.6-99.el7.x86_64\r\n", "yum");
    REQUIRE(yum.size() == 1);
    CHECK(yum[0].to_version == "2.4.6-99.el7");
  }

  TEST_CASE("logs cut at any byte or with bytes changed never crash and stay sorted") {
    struct Sample {
      const char* format;
      std::string_view text;
    };
    const Sample samples[] = {
        {"dpkg", k_dpkg_log},
        {"apt",
         "Start-Date: 2024-05-14  09:10:05\nCommandline: apt-get upgrade\nUpgrade: a:amd64 "
         "(1:1.0-1, 1:1.0-2), b:amd64 (2.0-1, 2.0-2)\nInstall: c (1, automatic)\nEnd-Date: "
         "2024-05-14  09:10:06\n"},
        {"dnf",
         "2024-05-14T09:10:05+0000 SUBDEBUG Upgrade: openssl-1:3.0.7-25.el9.x86_64\n"
         "2024-05-14T09:10:07+01:00 SUBDEBUG Upgraded: openssl-1:3.0.7-24.el9.x86_64\n"},
        {"yum",
         "Dec 31 23:59:59 Updated: 1:openssl-1.0.2k-26.el7_9.x86_64\nJan 01 00:00:00 Erased: "
         "x\n"},
        {"esxupdate",
         "2024-05-14T09:10:05.5Z esxupdate: 1: Transaction: INFO: VIBs to be removed: "
         "['VMware_bootbank_esx-base_7.0.3-0.85.1']\n2024-05-14T09:10:05Z Installing VIB(s): "
         "VMware_bootbank_esx-base_7.0.3-0.105.2, Installing image profile to 'P'\n"},
    };
    std::mt19937 random(20240514);
    for (const Sample& sample : samples) {
      for (std::size_t round = 0; round < 2000; ++round) {
        std::string text(sample.text.substr(0, random() % (sample.text.size() + 1)));
        for (std::size_t flips = random() % 4; flips > 0 && !text.empty(); --flips) {
          text[random() % text.size()] = "0:-_ ()[],.\n\rTZ+\x80"[random() % 17];
        }
        const auto events = parse_history(text, sample.format, k_epoch, k_now);
        for (std::size_t i = 1; i < events.size(); ++i) CHECK(events[i - 1].when <= events[i].when);
      }
    }
  }

  TEST_CASE("empty input and unknown formats give no events") {
    for (const auto* format : {"dpkg", "apt", "dnf", "yum", "esxupdate", "unknown", ""}) {
      CHECK(parse_all("", format).empty());
      CHECK(parse_all("\n\r\n\n", format).empty());
    }
    CHECK(parse_all(k_dpkg_log, "rpm").empty());
  }

  TEST_CASE("50,000-line logs are parsed in one pass") {
    constexpr std::size_t k_lines = 50000;
    std::string dpkg, dnf, esx;
    for (std::size_t i = 0; i < k_lines; ++i) {
      const std::string n = std::to_string(i);
      const std::string second = std::to_string(10 + i % 50);
      if (i % 5 == 0) {
        dpkg += "2024-05-14 09:10:" + second + " upgrade pkg" + n + ":amd64 1.0-1 1.0-2\n";
      } else {
        dpkg += "2024-05-14 09:10:" + second + " status installed pkg" + n + ":amd64 1.0-2\n";
      }
      dnf += "2024-05-14T09:10:" + second + "+0000 SUBDEBUG " +
             (i % 2 == 0 ? "Upgrade: pkg" + n + "-1.0-2.el9.x86_64\n"
                         : "Upgraded: pkg" + std::to_string(i - 1) + "-1.0-1.el9.x86_64\n");
      esx += "2024-05-14T09:10:" + second + "Z esxupdate: 1: Transaction: INFO: " +
             (i % 2 == 0 ? "Final list of VIBs to install: VMware_bootbank_vib" + n + "_7.0.3-2\n"
                         : "VIBs to be removed: ['VMware_bootbank_vib" + std::to_string(i - 1) +
                               "_7.0.3-1']\n");
    }
    CHECK(parse_all(dpkg, "dpkg").size() == k_lines / 5);
    const auto dnf_events = parse_all(dnf, "dnf");
    REQUIRE(dnf_events.size() == k_lines / 2);
    CHECK(dnf_events.back().from_version == "1.0-1.el9");
    const auto esx_events = parse_all(esx, "esxupdate");
    REQUIRE(esx_events.size() == k_lines / 2);
    CHECK(esx_events.back().action == "upgrade");
  }
}

}  // namespace
}  // namespace vmsupport
