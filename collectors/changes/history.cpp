// Package history logs (see history.h): the pieces every format uses (lines,
// words, times, dpkg's version ordering), the dpkg.log and apt history.log
// readers, and parse_history(), which picks the reader, drops the events
// before `since` and sorts. dnf, yum and esxupdate are in history_formats.cpp.
#include "changes/history.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <unordered_map>

namespace vmsupport {
namespace history_detail {
namespace {

constexpr std::array<std::string_view, 5> k_formats = {"dpkg", "apt", "dnf", "yum", "esxupdate"};

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

// `text` without leading and trailing spaces and tabs.
std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

// `text` as a number; false unless it is 1 to 4 digits.
bool parse_number(std::string_view text, int& value) {
  if (text.empty() || text.size() > 4) return false;
  value = 0;
  for (const char c : text) {
    if (!is_digit(c)) return false;
    value = value * 10 + (c - '0');
  }
  return true;
}

// Minutes east of UTC of "+HHMM", "+HH:MM" or "+HH" (or '-') at the start of
// `text`, and the characters used; 0 used when there is none.
std::size_t parse_offset(std::string_view text, int& minutes) {
  int hours = 0, rest = 0, both = 0;
  std::size_t used = 0;
  if (text.size() >= 6 && text[3] == ':' && parse_number(text.substr(1, 2), hours) &&
      parse_number(text.substr(4, 2), rest)) {
    used = 6;
  } else if (text.size() >= 5 && parse_number(text.substr(1, 4), both)) {
    hours = both / 100;
    rest = both % 100;
    used = 5;
  } else if (text.size() >= 3 && parse_number(text.substr(1, 2), hours)) {
    used = 3;
  }
  if (used == 0 || hours > 14 || rest > 59) return 0;
  minutes = (text[0] == '-' ? -1 : 1) * (hours * 60 + rest);
  return used;
}

// dpkg's order of a character in the non-digit parts of a version: '~'
// before the end, the end (and digits), letters, then everything else.
int order(char c) {
  if (is_digit(c)) return 0;
  if (is_alpha(c)) return c;
  if (c == '~') return -1;
  return c == '\0' ? 0 : static_cast<unsigned char>(c) + 256;
}

// dpkg's verrevcmp(): alternating non-digit and numeric runs.
int compare_part(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  const auto at = [](std::string_view s, std::size_t k) { return k < s.size() ? s[k] : '\0'; };
  while (i < a.size() || j < b.size()) {
    while ((i < a.size() && !is_digit(a[i])) || (j < b.size() && !is_digit(b[j]))) {
      const int ac = order(at(a, i)), bc = order(at(b, j));
      if (ac != bc) return ac - bc;
      ++i, ++j;
    }
    while (at(a, i) == '0') ++i;
    while (at(b, j) == '0') ++j;
    int first_diff = 0;
    for (; is_digit(at(a, i)) && is_digit(at(b, j)); ++i, ++j) {
      if (first_diff == 0) first_diff = at(a, i) - at(b, j);
    }
    if (is_digit(at(a, i))) return 1;
    if (is_digit(at(b, j))) return -1;
    if (first_diff != 0) return first_diff;
  }
  return 0;
}

// A version cut into epoch (before the first ':'), upstream and revision
// (after the last '-').
struct VersionParts {
  std::string_view epoch;
  std::string_view upstream;
  std::string_view revision;
};

VersionParts split_version(std::string_view version) {
  VersionParts parts;
  if (const auto colon = version.find(':'); colon != std::string_view::npos) {
    parts.epoch = version.substr(0, colon);
    version.remove_prefix(colon + 1);
  }
  const auto dash = version.rfind('-');
  parts.upstream = version.substr(0, dash);
  if (dash != std::string_view::npos) parts.revision = version.substr(dash + 1);
  return parts;
}

// dpkg writes "<none>" for a version it does not have.
std::string dpkg_version(std::string_view version) {
  return version == "<none>" ? std::string() : std::string(version);
}

// dpkg.log: "2024-05-14 09:10:11 upgrade openssl:amd64 3.0.11-1~deb12u1 3.0.13-1~deb12u1".
void parse_dpkg(const std::vector<std::string_view>& lines, std::vector<HistoryEvent>& events) {
  std::unordered_map<std::string_view, std::size_t> last;  // package -> its latest event
  for (const std::string_view line : lines) {
    const auto words = split_words(line);
    Clock::time_point when;
    if (words.size() != 6 || !parse_date_time(words[0], words[1], when)) continue;
    const std::string_view verb = words[2], package = words[3], from = words[4], to = words[5];
    std::string_view action;
    if (verb == "install" || verb == "remove") {
      action = verb;
    } else if (verb == "upgrade") {
      action = from == "<none>" ? "install" : change_action(from, to);
    } else if (verb == "purge") {
      const auto it = last.find(package);
      if (it != last.end() && events[it->second].action == "remove") continue;
      action = "remove";
    } else {
      continue;  // status, configure, trigproc, conffile, startup
    }
    last[package] = events.size();
    events.push_back({when, std::string(action), std::string(package), dpkg_version(from),
                      dpkg_version(to), std::string(line)});
  }
}

// The action of an apt history list ("Upgrade" -> "upgrade"), "" for other keys.
std::string_view apt_action(std::string_view key) {
  if (key == "Install") return "install";
  if (key == "Upgrade") return "upgrade";
  if (key == "Downgrade") return "downgrade";
  if (key == "Reinstall") return "reinstall";
  if (key == "Remove" || key == "Purge") return "remove";
  return {};
}

// "a (1, 2), b (3, automatic)" cut at the commas outside parentheses, trimmed.
std::vector<std::string_view> split_list(std::string_view list) {
  std::vector<std::string_view> items;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= list.size(); ++i) {
    const char c = i < list.size() ? list[i] : ',';
    if (c == '(') ++depth;
    if (c == ')' && depth > 0) --depth;
    if (c != ',' || (depth > 0 && i < list.size())) continue;
    if (const auto item = trim(list.substr(start, i - start)); !item.empty()) items.push_back(item);
    start = i + 1;
  }
  return items;
}

// One "name (version[, version][, automatic])" item of an apt list into
// `event`; false when it is malformed or cut short.
bool read_apt_item(std::string_view item, std::string_view action, HistoryEvent& event) {
  const auto open = item.find('(');
  if (open == std::string_view::npos || item.back() != ')') return false;
  const auto name = trim(item.substr(0, open));
  std::vector<std::string_view> versions;
  for (const auto field : split_list(item.substr(open + 1, item.size() - open - 2))) {
    if (field != "automatic") versions.push_back(field);
  }
  const bool pair = action == "upgrade" || action == "downgrade";
  if (name.empty() || name.find(' ') != std::string_view::npos ||
      versions.size() != (pair ? 2U : 1U)) {
    return false;
  }
  event.package = name;
  event.action = action;
  if (action != "install") event.from_version = versions.front();
  if (action != "remove") event.to_version = versions.back();
  return true;
}

// The apt block being read: its Start-Date and the line events quote.
struct AptBlock {
  bool timed = false;
  Clock::time_point when;
  std::string_view quote;
};

// apt history.log: blocks of "Key: value" lines, separated by blank lines.
void parse_apt(const std::vector<std::string_view>& lines, std::vector<HistoryEvent>& events) {
  AptBlock block;
  for (const std::string_view line : lines) {
    const auto colon = line.find(':');
    if (trim(line).empty()) block = {};
    if (colon == std::string_view::npos) continue;
    const auto key = line.substr(0, colon);
    const auto value = trim(line.substr(colon + 1));
    if (key == "Start-Date") {
      const auto words = split_words(value);
      block = {};
      block.timed = words.size() == 2 && parse_date_time(words[0], words[1], block.when);
      block.quote = line;
    } else if (key == "Commandline") {
      block.quote = line;
    } else if (const auto action = apt_action(key); !action.empty() && block.timed) {
      for (const auto item : split_list(value)) {
        HistoryEvent event{block.when, {}, {}, {}, {}, std::string(block.quote)};
        if (read_apt_item(item, action, event)) events.push_back(std::move(event));
      }
    }
  }
}

}  // namespace

std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_blank(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && !is_blank(text[i])) ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

bool make_time(int year, unsigned month, unsigned day, std::string_view time,
               Clock::time_point& when) {
  int hour = 0, minute = 0, second = 0;
  if (time.size() != 8 || time[2] != ':' || time[5] != ':' ||
      !parse_number(time.substr(0, 2), hour) || !parse_number(time.substr(3, 2), minute) ||
      !parse_number(time.substr(6, 2), second) || hour > 23 || minute > 59 || second > 60) {
    return false;
  }
  if (year < 1970 || year > 2200) return false;  // beyond the clock's range (nanoseconds since 1970)
  const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{month},
                                         std::chrono::day{day}};
  if (!date.ok()) return false;
  when = std::chrono::sys_days{date} + std::chrono::hours{hour} + std::chrono::minutes{minute} +
         std::chrono::seconds{second};
  return true;
}

bool parse_date_time(std::string_view date, std::string_view time, Clock::time_point& when) {
  int year = 0, month = 0, day = 0;
  return date.size() == 10 && date[4] == '-' && date[7] == '-' &&
         parse_number(date.substr(0, 4), year) && parse_number(date.substr(5, 2), month) &&
         parse_number(date.substr(8, 2), day) &&
         make_time(year, static_cast<unsigned>(month), static_cast<unsigned>(day), time, when);
}

bool parse_iso_prefix(std::string_view line, Clock::time_point& when, std::size_t& length) {
  if (line.size() < 19 || line[10] != 'T' ||
      !parse_date_time(line.substr(0, 10), line.substr(11, 8), when)) {
    return false;
  }
  std::size_t pos = 19;
  if (pos < line.size() && (line[pos] == '.' || line[pos] == ',')) {
    for (++pos; pos < line.size() && is_digit(line[pos]);) ++pos;  // fractions dropped
  }
  if (pos < line.size() && line[pos] == 'Z') {
    ++pos;
  } else if (pos < line.size() && (line[pos] == '+' || line[pos] == '-')) {
    int minutes = 0;
    const std::size_t used = parse_offset(line.substr(pos), minutes);
    if (used == 0) return false;
    when -= std::chrono::minutes{minutes};
    pos += used;
  }
  if (pos < line.size() && !is_blank(line[pos])) return false;
  length = pos;
  return true;
}

std::string_view change_action(std::string_view from, std::string_view to) {
  const VersionParts a = split_version(from), b = split_version(to);
  int order = compare_part(b.epoch, a.epoch);
  if (order == 0) order = compare_part(b.upstream, a.upstream);
  if (order == 0) order = compare_part(b.revision, a.revision);
  return order > 0 ? "upgrade" : order < 0 ? "downgrade" : "reinstall";
}

}  // namespace history_detail

bool is_history_format(std::string_view format) {
  return std::ranges::find(history_detail::k_formats, format) != history_detail::k_formats.end();
}

std::vector<HistoryEvent> parse_history(std::string_view text, std::string_view format,
                                        Clock::time_point since, Clock::time_point now) {
  using namespace history_detail;
  const auto lines = split_lines(text);
  std::vector<HistoryEvent> events;
  if (format == "dpkg")
    parse_dpkg(lines, events);
  else if (format == "apt")
    parse_apt(lines, events);
  else if (format == "dnf")
    parse_dnf(lines, events);
  else if (format == "yum")
    parse_yum(lines, now, events);
  else if (format == "esxupdate")
    parse_esxupdate(lines, events);
  std::erase_if(events, [since](const HistoryEvent& event) { return event.when < since; });
  std::ranges::stable_sort(events, {}, &HistoryEvent::when);
  return events;
}

}  // namespace vmsupport
