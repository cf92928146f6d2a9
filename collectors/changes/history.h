// Package and VIB history logs, read as "what changed recently" for bundles
// that have no earlier snapshot to diff against: dpkg.log, apt's history.log,
// dnf.rpm.log, yum.log and ESXi's esxupdate.log are turned into a list of
// install / upgrade / downgrade / remove / reinstall events. Pure functions,
// no I/O; lines that are not understood (noise, truncated, other formats) are
// skipped. Times the logs write without a zone (dpkg, apt and yum write the
// host's local time) are taken as UTC, so on a host east or west of UTC they
// are off by its offset; dnf's and esxupdate's ISO times keep their offset.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "util/text.h"
#include "util/units.h"

namespace vmsupport {

// One package change read from a history log.
struct HistoryEvent {
  Clock::time_point when;  // UTC; see the file comment for logs without a zone
  // "install", "upgrade", "downgrade", "remove" or "reinstall" (dpkg's and
  // apt's purges are removes; dnf's "Obsolete"/"Obsoleted" are an install of
  // the new package and a remove of the old one).
  std::string action;
  // As the log names it: "openssl:amd64" (dpkg, apt). RPMs (dnf, yum) by name
  // only, "openssl", arch and version dropped; VIBs by name, "esx-base" (the
  // word after "Removing VIB" when it is no VIB id); image profiles as
  // "image-profile", the profile's name being the to_version.
  std::string package;
  std::string from_version;  // "" when the log does not say (installs, yum's updates)
  std::string to_version;    // "" when the log does not say (removes)
  // The line the event came from, without its line ending, for quoting; for
  // apt, the block's "Commandline:" line (its "Start-Date:" line when the
  // block has none).
  std::string line;
};

// True for the formats parse_history() reads: "dpkg" (/var/log/dpkg.log),
// "apt" (/var/log/apt/history.log), "dnf" (/var/log/dnf.rpm.log), "yum"
// (/var/log/yum.log) and "esxupdate" (ESXi's /var/log/esxupdate.log, also
// /var/run/log/esxupdate.log).
bool is_history_format(std::string_view format);

// The events of `text`, a whole log in `format` (see is_history_format();
// an unknown format gives no events), that happened at or after `since`,
// oldest first (events at the same time keep the log's order). Lines end in
// "\n" or "\r\n". yum.log has no year: `now`'s year is used, or the year
// before when that puts the line more than a day after `now` (a day of
// slack, as the log is in the host's local time). Per format:
//  - dpkg: the install / upgrade / remove / purge lines; status, configure,
//    trigproc, conffile and startup lines are noise. An "upgrade" to a lower
//    version (dpkg's ordering) is a downgrade, to the same one a reinstall; a
//    purge right after a remove of the same package is part of that remove.
//    An "install" over a package left in config-files state keeps its from
//    version.
//  - apt: the Install / Upgrade / Downgrade / Reinstall / Remove / Purge
//    lists of each block, timed by its Start-Date (entries of a block
//    without one are skipped).
//  - dnf: Installed / Upgrade / Downgrade / Reinstall / Erase / Obsolete /
//    Obsoleted; an "Upgraded:" (or "Downgraded:") line gives the from version
//    of the matching "Upgrade:" of the same name and arch. Versions are
//    "[epoch:]version-release", e.g. "1:3.0.7-25.el9".
//  - yum: Installed / Updated / Erased / Obsoleted; "Updated" has no from
//    version, and "Erased" lines written with the name only have none either.
//    Both "1:openssl-1.0.2k-26.el7_9.x86_64" (yum's) and NEVRA are read.
//  - esxupdate: lines with an ISO time and a phrase such as "VIBs to
//    install", "VIBs to be installed", "Installing VIB(s)", "VIBs to be
//    removed", "Removing VIB(s)" or "Installing / Updating / Applying image
//    profile NAME". VIB ids "Vendor_bootbank_name_version" found after the
//    phrase give package and version. The same change repeated within an
//    hour is kept once, and a VIB removed and installed within an hour is one
//    upgrade (or downgrade / reinstall, by dpkg's version ordering).
// Never throws.
std::vector<HistoryEvent> parse_history(std::string_view text, std::string_view format,
                                        Clock::time_point since, Clock::time_point now);

// Shared by history.cpp and history_formats.cpp; not for callers.
namespace history_detail {

// `text` cut at runs of spaces and tabs; no empty words.
std::vector<std::string_view> split_words(std::string_view text);

// UTC time of day `time` ("HH:MM:SS") on the given date; false for anything
// else or an invalid date (Feb 30, Feb 29 of a common year).
bool make_time(int year, unsigned month, unsigned day, std::string_view time,
               Clock::time_point& when);

// UTC time of "YYYY-MM-DD" and "HH:MM:SS"; false for anything else.
bool parse_date_time(std::string_view date, std::string_view time, Clock::time_point& when);

// UTC time of a "YYYY-MM-DDTHH:MM:SS[.fff][Z|+HHMM|+HH:MM|+HH]" at the start
// of `line`, followed by the end or a space; `length` is its length.
bool parse_iso_prefix(std::string_view line, Clock::time_point& when, std::size_t& length);

// "upgrade", "downgrade" or "reinstall": `to` against `from` in dpkg's
// ordering of "[epoch:]upstream[-revision]" versions.
std::string_view change_action(std::string_view from, std::string_view to);

// The format parsers: events in log order, no `since` filter.
void parse_dnf(const std::vector<std::string_view>& lines, std::vector<HistoryEvent>& events);
void parse_yum(const std::vector<std::string_view>& lines, Clock::time_point now,
               std::vector<HistoryEvent>& events);
void parse_esxupdate(const std::vector<std::string_view>& lines, std::vector<HistoryEvent>& events);

}  // namespace history_detail
}  // namespace vmsupport
