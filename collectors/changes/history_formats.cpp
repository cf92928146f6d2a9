// The RPM history logs (dnf.rpm.log, yum.log) and ESXi's esxupdate.log, read
// for parse_history() (see history.h). RPM names are cut from the right as rpm
// does: arch after the last '.', release and version after the last two '-'.
// esxupdate.log is read loosely, as its wording changed across ESXi releases:
// an ISO time, a known phrase, then any VIB ids "Vendor_bootbank_name_version".
#include <algorithm>
#include <array>
#include <chrono>
#include <unordered_map>

#include "changes/history.h"

namespace vmsupport::history_detail {
namespace {

constexpr auto k_npos = std::string_view::npos;

// Architectures rpm writes after a package's last '.'.
constexpr std::array<std::string_view, 20> k_rpm_arches = {
    "noarch",  "x86_64",  "i686", "i586",   "i486",        "i386",    "aarch64",
    "ppc64le", "ppc64",   "ppc",  "s390x",  "s390",        "armv7hl", "armv7hnl",
    "armv6hl", "riscv64", "ia64", "athlon", "loongarch64", "src"};

constexpr std::array<std::string_view, 12> k_months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// yum.log is in local time: a line up to this far after `now` is still this year's.
constexpr auto k_clock_slack = std::chrono::hours{24};

// esxupdate.log repeats a transaction's lists; the same change within this is one.
constexpr auto k_esx_window = std::chrono::hours{1};

constexpr std::string_view k_image_profile = "image-profile";

// A history log's word for a package change and what it means.
struct Step {
  std::string_view word;
  std::string_view action;
  bool old_side;  // the version written is the one before the change
};

// clang-format off
constexpr std::array<Step, 9> k_dnf_steps = {{
    {"Installed:", "install", false}, {"Obsolete:", "install", false},
    {"Upgrade:", "upgrade", false}, {"Upgraded:", "upgrade", true},
    {"Downgrade:", "downgrade", false}, {"Downgraded:", "downgrade", true},
    {"Reinstall:", "reinstall", false}, {"Erase:", "remove", true},
    {"Obsoleted:", "remove", true}}};

constexpr std::array<Step, 4> k_yum_steps = {{
    {"Installed:", "install", false}, {"Updated:", "upgrade", false},
    {"Erased:", "remove", true}, {"Obsoleted:", "remove", true}}};
// clang-format on

// An esxupdate.log phrase (lower case) and the action of the VIBs after it.
// "installing vib" and "removing vib" also match "VIBs" and "VIB(s)"; without
// the plural they may name one VIB by name only.
struct EsxPhrase {
  std::string_view text;
  std::string_view action;
};

// clang-format off
constexpr std::array<EsxPhrase, 9> k_vib_phrases = {{
    {"installing vib", "install"}, {"vibs to be installed", "install"},
    {"vibs being installed", "install"}, {"vibs to install", "install"},
    {"vibs to add", "install"}, {"removing vib", "remove"},
    {"vibs to be removed", "remove"}, {"vibs being removed", "remove"},
    {"vibs to remove", "remove"}}};

constexpr std::array<EsxPhrase, 4> k_profile_phrases = {{
    {"installing image profile", "install"}, {"updating image profile", "upgrade"},
    {"upgrading image profile", "upgrade"}, {"applying image profile", "upgrade"}}};
// clang-format on

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

template <typename Entry, std::size_t N>
const Entry* find_step(const std::array<Entry, N>& steps, std::string_view word) {
  const auto it = std::ranges::find(steps, word, &Entry::word);
  return it == steps.end() ? nullptr : &*it;
}

// An RPM as a history log names it.
struct Rpm {
  std::string_view name;
  std::string_view arch;  // "" when not written
  std::string version;    // "[epoch:]version-release"; "" when only the name is written
};

// "openssl-1:3.0.7-25.el9.x86_64" (dnf's NEVRA) or "1:openssl-1.0.2k-26.el7_9.x86_64"
// (yum's ENVRA); with neither arch nor leading epoch, a bare name ("openssl-devel").
bool split_rpm(std::string_view text, Rpm& rpm) {
  std::string_view epoch;
  const auto colon = text.find(':');
  if (colon != k_npos && colon > 0 && std::ranges::all_of(text.substr(0, colon), is_digit)) {
    epoch = text.substr(0, colon);
    text.remove_prefix(colon + 1);
  }
  const auto dot = text.rfind('.');
  if (dot != k_npos &&
      std::ranges::find(k_rpm_arches, text.substr(dot + 1)) != k_rpm_arches.end()) {
    rpm.arch = text.substr(dot + 1);
    text = text.substr(0, dot);
  } else if (epoch.empty()) {
    rpm.name = text;
    return !text.empty() && text.find(':') == k_npos;
  }
  const auto release = text.rfind('-');
  const auto version = release == k_npos || release == 0 ? k_npos : text.rfind('-', release - 1);
  if (version == k_npos || version == 0 || release + 1 == text.size() || release == version + 1) {
    return false;
  }
  rpm.name = text.substr(0, version);
  const auto evr = text.substr(version + 1);
  if (rpm.name.find(':') != k_npos || (!epoch.empty() && evr.find(':') != k_npos)) return false;
  rpm.version = epoch.empty() ? std::string(evr) : std::string(epoch) + ":" + std::string(evr);
  return true;
}

// An event for `step` of `rpm`, the version on the side the step names.
HistoryEvent rpm_event(const Step& step, const Rpm& rpm, Clock::time_point when,
                       std::string_view line) {
  HistoryEvent event{when, std::string(step.action), std::string(rpm.name), {},
                     {},   std::string(line)};
  if (step.old_side || step.action == "reinstall") event.from_version = rpm.version;
  if (!step.old_side) event.to_version = rpm.version;
  return event;
}

// Adds a dnf step, completing the open upgrade or downgrade of the same name
// and arch when the step is its other half.
void add_dnf_step(const Step& step, const Rpm& rpm, Clock::time_point when, std::string_view line,
                  std::unordered_map<std::string, std::size_t>& open,
                  std::vector<HistoryEvent>& events) {
  const bool paired = step.action == "upgrade" || step.action == "downgrade";
  std::string key =
      std::string(step.action) + ' ' + std::string(rpm.name) + '.' + std::string(rpm.arch);
  if (const auto it = paired ? open.find(key) : open.end(); it != open.end()) {
    HistoryEvent& event = events[it->second];
    std::string& missing = step.old_side ? event.from_version : event.to_version;
    if (missing.empty()) {
      missing = rpm.version;
      if (!step.old_side) event.when = when, event.line = line;
      open.erase(it);
      return;
    }
  }
  if (paired) open[std::move(key)] = events.size();
  events.push_back(rpm_event(step, rpm, when, line));
}

// The time of yum's "May 14 09:10:11": in `now`'s year, or the year before
// when that is more than k_clock_slack after `now` (or not a date).
bool yum_time(std::string_view month_name, std::string_view day_text, std::string_view time,
              Clock::time_point now, Clock::time_point& when) {
  const auto month = std::ranges::find(k_months, month_name);
  unsigned day = 0;
  for (const char c : day_text.substr(0, 3)) {
    day = is_digit(c) ? day * 10 + static_cast<unsigned>(c - '0') : 100;
  }
  if (month == k_months.end() || day == 0 || day > 31) return false;
  const auto number = static_cast<unsigned>(month - k_months.begin() + 1);
  const int year = static_cast<int>(
      std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(now)}.year());
  if (make_time(year, number, day, time, when) && when <= now + k_clock_slack) return true;
  return make_time(year - 1, number, day, time, when);
}

// `needle` (lower case) in `text`, ignoring ASCII case.
std::size_t find_nocase(std::string_view text, std::string_view needle) {
  const auto it = std::search(
      text.begin(), text.end(), needle.begin(), needle.end(),
      [](char a, char b) { return (a >= 'A' && a <= 'Z' ? static_cast<char>(a + 32) : a) == b; });
  return it == text.end() ? k_npos : static_cast<std::size_t>(it - text.begin());
}

// The first of `phrases` in `text` and where the text after it starts.
template <std::size_t N>
const EsxPhrase* find_phrase(const std::array<EsxPhrase, N>& phrases, std::string_view text,
                             std::size_t& after) {
  for (const EsxPhrase& phrase : phrases) {
    if (const auto at = find_nocase(text, phrase.text); at != k_npos) {
      after = at + phrase.text.size();
      return &phrase;
    }
  }
  return nullptr;
}

// The words of `text` between list punctuation: "['A', 'B']" -> A, B.
std::vector<std::string_view> list_tokens(std::string_view text) {
  constexpr std::string_view k_separators = " \t,;[]{}()'\"";
  std::vector<std::string_view> tokens;
  for (std::size_t start = 0; start < text.size();) {
    const auto end = std::min(text.find_first_of(k_separators, start), text.size());
    auto token = text.substr(start, end - start);
    while (!token.empty() && (token.back() == '.' || token.back() == ':')) token.remove_suffix(1);
    while (!token.empty() && token.front() == ':') token.remove_prefix(1);
    if (!token.empty()) tokens.push_back(token);
    start = end + 1;
  }
  return tokens;
}

// "VMware_bootbank_esx-base_7.0.3-0.85.21930508": vendor, install location,
// name (which may hold '_'), and a version starting with a digit.
bool split_vib_id(std::string_view id, std::string_view& name, std::string_view& version) {
  const auto first = id.find('_');
  const auto second = first == k_npos || first == 0 ? k_npos : id.find('_', first + 1);
  const auto last = id.rfind('_');
  if (second == k_npos || second == first + 1 || last <= second + 1) return false;
  name = id.substr(second + 1, last - second - 1);
  version = id.substr(last + 1);
  return !version.empty() && is_digit(version.front());
}

// The image profile named after `phrase` ("... image profile [to] 'NAME'").
void add_profile_event(const EsxPhrase& phrase, std::string_view rest, Clock::time_point when,
                       std::string_view line, std::vector<HistoryEvent>& out) {
  const auto tokens = list_tokens(rest);
  const bool to_word = tokens.size() > 1 && tokens.front() == "to";
  if (tokens.empty()) return;
  out.push_back({when, std::string(phrase.action), std::string(k_image_profile), "",
                 std::string(tokens[to_word ? 1 : 0]), std::string(line)});
}

// The VIBs listed after `phrase`: their ids, or the one name after a singular
// "Installing VIB" / "Removing VIB".
void add_vib_events(const EsxPhrase& phrase, std::string_view rest, Clock::time_point when,
                    std::string_view line, std::vector<HistoryEvent>& out) {
  bool single = phrase.text.ends_with("vib");
  for (const std::string_view plural : {"(s)", "s", "S"}) {
    if (single && rest.starts_with(plural)) single = false, rest.remove_prefix(plural.size());
  }
  const auto tokens = list_tokens(rest);
  const bool remove = phrase.action == "remove";
  for (const auto token : tokens) {
    std::string_view name, version;
    if (!split_vib_id(token, name, version)) continue;
    out.push_back({when, std::string(phrase.action), std::string(name),
                   remove ? std::string(version) : "", remove ? "" : std::string(version),
                   std::string(line)});
  }
  if (out.empty() && single && tokens.size() == 1) {
    out.push_back(
        {when, std::string(phrase.action), std::string(tokens.front()), "", "", std::string(line)});
  }
}

// True when the same change was kept less than k_esx_window before `event`;
// otherwise remembers `event` as kept.
bool repeats(const HistoryEvent& event, std::unordered_map<std::string, Clock::time_point>& kept) {
  std::string key =
      event.action + '\n' + event.package + '\n' + event.from_version + '\n' + event.to_version;
  const auto [it, added] = kept.try_emplace(std::move(key), event.when);
  if (!added && event.when - it->second <= k_esx_window) return true;
  it->second = event.when;
  return false;
}

// A VIB removed and installed within k_esx_window becomes one upgrade (or
// downgrade, reinstall) at the install, from the removed version.
void merge_vib_replacements(std::vector<HistoryEvent>& events) {
  std::unordered_map<std::string_view, std::vector<std::size_t>> installs;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i].action == "install" && events[i].package != k_image_profile &&
        !events[i].to_version.empty()) {
      installs[events[i].package].push_back(i);
    }
  }
  for (HistoryEvent& removed : events) {
    const auto it = installs.find(removed.package);
    if (removed.action != "remove" || removed.from_version.empty() || it == installs.end())
      continue;
    for (const std::size_t j : it->second) {
      HistoryEvent& added = events[j];
      const auto gap =
          added.when > removed.when ? added.when - removed.when : removed.when - added.when;
      if (added.action != "install" || gap > k_esx_window) continue;
      added.from_version = removed.from_version;
      added.action = change_action(added.from_version, added.to_version);
      removed.action.clear();  // merged
      break;
    }
  }
  std::erase_if(events, [](const HistoryEvent& event) { return event.action.empty(); });
}

}  // namespace

void parse_dnf(const std::vector<std::string_view>& lines, std::vector<HistoryEvent>& events) {
  std::unordered_map<std::string, std::size_t> open;  // "upgrade name.arch" -> half-read event
  for (const std::string_view line : lines) {
    Clock::time_point when;
    std::size_t length = 0;
    if (!parse_iso_prefix(line, when, length)) continue;
    const auto words = split_words(line.substr(length));  // LEVEL Step: nevra
    const Step* step = words.size() == 3 ? find_step(k_dnf_steps, words[1]) : nullptr;
    Rpm rpm;
    if (step == nullptr || !split_rpm(words[2], rpm) || rpm.version.empty()) continue;
    add_dnf_step(*step, rpm, when, line, open, events);
  }
}

void parse_yum(const std::vector<std::string_view>& lines, Clock::time_point now,
               std::vector<HistoryEvent>& events) {
  for (const std::string_view line : lines) {
    const auto words = split_words(line);  // Mon DD HH:MM:SS Step: package
    const Step* step = words.size() == 5 ? find_step(k_yum_steps, words[3]) : nullptr;
    Clock::time_point when;
    Rpm rpm;
    if (step == nullptr || !yum_time(words[0], words[1], words[2], now, when) ||
        !split_rpm(words[4], rpm) || (rpm.version.empty() && step->action != "remove")) {
      continue;
    }
    events.push_back(rpm_event(*step, rpm, when, line));
  }
}

void parse_esxupdate(const std::vector<std::string_view>& lines,
                     std::vector<HistoryEvent>& events) {
  std::unordered_map<std::string, Clock::time_point> kept;  // change -> when last kept
  std::vector<HistoryEvent> found;
  for (const std::string_view line : lines) {
    Clock::time_point when;
    std::size_t length = 0;
    if (!parse_iso_prefix(line, when, length)) continue;
    const auto text = line.substr(length);
    std::size_t after = 0;
    found.clear();
    if (const auto* phrase = find_phrase(k_profile_phrases, text, after)) {
      add_profile_event(*phrase, text.substr(after), when, line, found);
    } else if (const auto* vibs = find_phrase(k_vib_phrases, text, after)) {
      add_vib_events(*vibs, text.substr(after), when, line, found);
    }
    for (HistoryEvent& event : found) {
      if (!repeats(event, kept)) events.push_back(std::move(event));
    }
  }
  merge_vib_replacements(events);
}

}  // namespace vmsupport::history_detail
