// Whole-token, encoding-aware, leftmost-longest name matching (see name_matcher.h).
#include "scrub/name_matcher.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "scrub/encodings.h"
#include "util/text.h"

namespace vmsupport {
namespace {

bool is_alnum(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= '0' && u <= '9') || ((u | 0x20) >= 'a' && (u | 0x20) <= 'z');
}

const std::array<std::string_view, 40> k_common_words = {
    "admin", "backup", "client", "cluster", "data", "database", "db", "default", "dev", "esx",
    "esxi", "guest", "host", "linux", "local", "localhost", "mail", "master", "node", "prod",
    "production", "root", "server", "service", "staging", "storage", "system", "template", "temp",
    "test", "ubuntu", "debian", "user", "vcenter", "vm", "web", "windows", "worker", "www", "photon"};

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The text of the line before `at`, at most 256 bytes of it.
std::string_view line_before(std::string_view text, std::size_t at) {
  std::size_t start = at;
  while (start > 0 && text[start - 1] != '\n' && at - start < 256) --start;
  return text.substr(start, at - start);
}

// The name is the whole line (a hostname file), blanks around it allowed.
bool alone_on_line(std::string_view text, std::size_t begin, std::size_t end) {
  const std::string_view before = line_before(text, begin);
  if (before.find_first_not_of(" \t") != std::string_view::npos) return false;
  std::size_t at = end;
  while (at < text.size() && is_blank(text[at])) ++at;
  return at == text.size() || text[at] == '\n' || text[at] == '\r';
}

// The name is the value of a field whose label names its category:
// "hostname = vm", "Host: vm", "kernel.hostname = vm", "_HOSTNAME=vm",
// "/adv/Misc/HostName = vm", "displayName = test".
bool after_label(std::string_view text, std::size_t begin, Category category) {
  std::size_t at = begin;
  while (at > 0 && begin - at < 16 &&
         (is_blank(text[at - 1]) || text[at - 1] == '=' || text[at - 1] == ':' || text[at - 1] == '"' ||
          text[at - 1] == '\'')) {
    --at;
  }
  if (at == begin) return false;
  const std::size_t label_end = at;
  while (at > 0 && label_end - at < 32 && (is_alnum(text[at - 1]) || text[at - 1] == '_' || text[at - 1] == '-')) --at;
  std::string label = ascii_lower(text.substr(at, label_end - at));
  label.erase(0, label.find_first_not_of("_-"));
  static constexpr std::array<std::string_view, 9> k_host_labels = {
      "host", "hostname", "host_name", "host-name", "nodename", "fqdn", "computername", "servername", "server_name"};
  static constexpr std::array<std::string_view, 5> k_vm_labels = {"displayname", "vmname", "vm_name", "vm-name",
                                                                  "vm"};
  const auto is_one_of = [&label](const auto& labels) {
    return std::find(labels.begin(), labels.end(), label) != labels.end();
  };
  if (category == Category::host) return is_one_of(k_host_labels);
  if (category == Category::vm) return is_one_of(k_vm_labels);
  return false;
}

// "12:34:56" at the end of `token`, perhaps with fractions and a zone:
// the time stamp of a syslog or journal line.
bool ends_in_time(std::string_view token) {
  const std::size_t colon = token.find(':');
  if (colon == std::string_view::npos || colon < 2 || colon + 6 > token.size()) return false;
  const std::string_view t = token.substr(colon - 2);
  return is_digit(t[0]) && is_digit(t[1]) && is_digit(t[3]) && is_digit(t[4]) && t[5] == ':' &&
         is_digit(t[6]) && is_digit(t[7]);
}

// The name is a host column: the field after the time stamp of a syslog line
// ("Dec  4 17:00:01 vm sshd[812]: ..."), a name after the address of a hosts
// line ("127.0.1.1 vm"), the node name of uname ("Linux vm 6.1.0-..."), or the
// host after '@' ("root@vm:~#").
bool in_host_column(std::string_view text, std::size_t begin, std::size_t end) {
  if (begin > 0 && text[begin - 1] == '@') return true;
  if (begin == 0 || !is_blank(text[begin - 1])) return false;
  const std::string_view before = line_before(text, begin);
  std::size_t token_end = before.size();
  while (token_end > 0 && is_blank(before[token_end - 1])) --token_end;
  std::size_t token_begin = token_end;
  while (token_begin > 0 && !is_blank(before[token_begin - 1])) --token_begin;
  const std::string_view previous = before.substr(token_begin, token_end - token_begin);
  // syslog: a program name and '[' or ':' follow.
  if (ends_in_time(previous) && end < text.size() && text[end] == ' ') {
    std::size_t at = end + 1;
    while (at < text.size() && (is_alnum(text[at]) || text[at] == '_' || text[at] == '-' || text[at] == '.' ||
                                text[at] == '/' || text[at] == '(' || text[at] == ')')) {
      ++at;
    }
    if (at > end + 1 && at < text.size() && (text[at] == '[' || text[at] == ':')) return true;
  }
  // uname: "Linux NAME 6.1.0-..."
  if (previous == "Linux" && end + 1 < text.size() && text[end] == ' ' && is_digit(text[end + 1])) return true;
  // hosts: the line starts with an address.
  const std::size_t first_end = before.find_first_of(" \t");
  const std::string_view first = before.substr(0, first_end);
  const bool address = !first.empty() && first.find_first_not_of("0123456789abcdefABCDEF.:%") == std::string_view::npos &&
                       (std::count(first.begin(), first.end(), '.') == 3 || std::count(first.begin(), first.end(), ':') >= 2);
  return address && first_end != std::string_view::npos;
}

// `"vm": ...`: a quoted key of JSON (or YAML) is a field's label, not a name.
bool is_quoted_key(std::string_view text, std::size_t begin, std::size_t end) {
  if (begin == 0 || text[begin - 1] != '"' || end >= text.size() || text[end] != '"') return false;
  std::size_t at = end + 1;
  while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
  return at < text.size() && text[at] == ':';
}

// A generic name counts only where it stands as a name of its own: a path
// component, a quoted or bracketed value, a datastore path ("[ds1] test/"),
// a line of its own, a labelled field, or a host column.
bool strong_context(std::string_view text, std::size_t begin, std::size_t end, Category category) {
  const char before = begin > 0 ? text[begin - 1] : '\n';
  const char after = end < text.size() ? text[end] : '\n';
  const bool opens = before == '/' || before == '"' || before == '\'' || before == '[' || before == '\\' ||
                     (before == ' ' && begin > 1 && text[begin - 2] == ']' && after == '/');
  const bool closes = after == '/' || after == '"' || after == '\'' || after == ']' || after == '.' ||
                      after == '\n' || after == '\r' || after == '\\';
  if (opens && closes) return !is_quoted_key(text, begin, end);
  if (alone_on_line(text, begin, end)) return true;
  if (after_label(text, begin, category)) return true;
  return category == Category::host && in_host_column(text, begin, end);
}

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// A hex-looking name ("dc01", "beef") inside a UUID is part of the UUID.
bool inside_uuid(std::string_view text, std::size_t begin, std::size_t end) {
  std::size_t first = begin;
  std::size_t last = end;
  while (first > 0 && (is_hex(text[first - 1]) || text[first - 1] == '-') && begin - first < 36) --first;
  while (last < text.size() && (is_hex(text[last]) || text[last] == '-') && last - end < 36) ++last;
  const std::string_view token = text.substr(first, last - first);
  for (std::size_t offset = 0; offset + 36 <= token.size(); ++offset) {
    const std::string_view uuid = token.substr(offset, 36);
    const bool shaped = uuid[8] == '-' && uuid[13] == '-' && uuid[18] == '-' && uuid[23] == '-' &&
                        std::count(uuid.begin(), uuid.end(), '-') == 4;
    if (shaped && first + offset <= begin && end <= first + offset + 36) return true;
  }
  return false;
}

bool whole_token(std::string_view text, std::size_t begin, std::size_t end) {
  if (is_alnum(text[begin]) && begin > 0 && is_alnum(text[begin - 1])) return false;
  if (is_alnum(text[end - 1]) && end < text.size() && is_alnum(text[end])) return false;
  return true;
}

}  // namespace

bool is_generic_name(std::string_view name) {
  if (name.size() < 3) return true;
  if (std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) return true;
  const std::string lowered = ascii_lower(name);
  return std::find(k_common_words.begin(), k_common_words.end(), lowered) != k_common_words.end();
}

Result<NameMatcher> NameMatcher::build(const std::vector<NameEntry>& names, const std::string& cache_dir) {
  auto matcher = compile(names, cache_dir);
  if (matcher) matcher->assign([&names](std::size_t i) { return names[i].replacement; });
  return matcher;
}

Result<NameMatcher> NameMatcher::compile(const std::vector<NameEntry>& names, const std::string& cache_dir) {
  NameMatcher matcher;
  std::vector<std::string> literals;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const NameEntry& entry = names[i];
    if (entry.name.empty()) continue;
    for (auto& [encoding, form] : encoded_forms(entry.name)) {
      matcher.m_forms.push_back(Form{{}, entry.category, entry.generic, i, encoding});
      literals.push_back(std::move(form));
    }
  }
  auto set = LiteralSet::compile(literals, cache_dir);
  if (!set) return std::unexpected(set.error());
  matcher.m_literals = std::move(*set);
  return matcher;
}

void NameMatcher::assign(const std::function<std::string(std::size_t)>& replacement_of) {
  std::size_t name = SIZE_MAX;
  std::string replacement;
  for (Form& form : m_forms) {
    if (form.name != name) {
      name = form.name;
      replacement = replacement_of(name);
    }
    form.replacement = encode(replacement, form.encoding);
  }
}

std::vector<NameMatch> NameMatcher::find(std::string_view text) const {
  std::vector<NameMatch> matches;
  find(text, matches);
  return matches;
}

void NameMatcher::find(std::string_view text, std::vector<NameMatch>& matches) const {
  matches.clear();
  thread_local std::vector<LiteralHit> hits;  // kept from one text to the next on this thread
  m_literals.scan(text, hits);
  std::sort(hits.begin(), hits.end(), [](const LiteralHit& a, const LiteralHit& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  std::size_t covered = 0;
  for (const LiteralHit& hit : hits) {
    if (hit.begin < covered) continue;
    const Form& form = m_forms[hit.id];
    if (!whole_token(text, hit.begin, hit.end) || inside_uuid(text, hit.begin, hit.end)) continue;
    if (form.generic && !strong_context(text, hit.begin, hit.end, form.category)) continue;
    matches.push_back(NameMatch{hit.begin, hit.end, form.replacement, form.category});
    covered = hit.end;
  }
}

}  // namespace vmsupport
