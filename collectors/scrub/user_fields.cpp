// Finding user names in fields (see user_fields.h): one pass looking for the
// few anchors ("user", "for ", '\\', "/home/", "/Users/"), then a check of
// the shape around each.
#include "scrub/user_fields.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <utility>

namespace vmsupport {
namespace {

bool is_alpha(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
bool is_alnum(char c) { return is_alpha(c) || (c >= '0' && c <= '9'); }
bool is_name_char(char c) { return is_alnum(c) || c == '.' || c == '_' || c == '-' || c == '$'; }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool starts_with_nocase(std::string_view text, std::size_t at, std::string_view word) {
  if (at + word.size() > text.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (lower(text[at + i]) != word[i]) return false;
  }
  return true;
}

// Accounts every host of a kind has (ESXi's vpxuser and dcui, Windows' SYSTEM…): not personal.
constexpr std::array<std::string_view, 39> k_builtin = {
    "root", "admin", "administrator", "administrators", "guest", "nobody", "nfsnobody", "system",
    "localsystem", "daemon", "bin", "sys", "vpxuser", "dcui", "sshd", "ntp", "messagebus", "polkitd",
    "systemd-network", "www-data", "anonymous", "null", "unknown", "invalid", "public", "default",
    "shared", "all", "none", "user", "users", "localservice", "networkservice", "vslauser",
    "vpxd-extension", "machine", "solution", "vmware", "everyone"};

// The name that starts at `at`: letters, digits and . _ - $, not ending in a
// dot or dash; empty when it does not start with a letter or digit.
std::size_t name_end(std::string_view text, std::size_t at) {
  if (at >= text.size() || !is_alnum(text[at])) return at;
  std::size_t end = at;
  while (end < text.size() && is_name_char(text[end]) && end - at < 64) ++end;
  while (end > at && (text[end - 1] == '.' || text[end - 1] == '-')) --end;
  return end;
}

// A pseudonym of a user, host, VM or word (user-0001): text scrubbed once
// (a member's source path in manifest.json) is scrubbed again as a document,
// and `/home/user-0001` must not make `user-0001` a user of its own.
bool is_name_pseudonym(std::string_view name) {
  for (std::string_view prefix : {"user-", "host-", "vm-", "word-"}) {
    if (!name.starts_with(prefix) || name.size() < prefix.size() + 4) continue;
    const std::string_view digits = name.substr(prefix.size());
    if (std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) return true;
  }
  return false;
}

void add(std::vector<UserField>& out, std::string_view text, std::size_t begin, std::size_t end) {
  if (end <= begin || end - begin < 2) return;
  const std::string_view name = text.substr(begin, end - begin);
  if (!std::any_of(name.begin(), name.end(), is_alpha) || is_builtin_account(name) || is_name_pseudonym(name)) return;
  if (std::count(name.begin(), name.end(), '.') >= 2) return;  // a host name (machine account), not a person
  if (!out.empty() && out.back().end > begin) return;
  out.push_back(UserField{begin, end});
}

std::size_t skip_blanks(std::string_view text, std::size_t at) {
  while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
  return at;
}

// user=NAME, user: NAME, username="NAME", user 'NAME', User NAME@host, user NAME(uid=…)
void after_user(std::string_view text, std::size_t at, std::vector<UserField>& out) {
  std::size_t p = at + 4;
  if (starts_with_nocase(text, p, "name")) p += 4;
  else if (starts_with_nocase(text, p, "_name") || starts_with_nocase(text, p, "-name")) p += 5;
  const bool colon = p < text.size() && text[p] == ':';
  const bool assigned = p < text.size() && (text[p] == '=' || colon);
  if (assigned) p = skip_blanks(text, p + 1);
  else p = skip_blanks(text, p);
  if (p == at + 4 && !assigned) return;  // "users", "userid": another word
  const bool quoted = p < text.size() && (text[p] == '"' || text[p] == '\'');
  if (quoted) ++p;
  const std::size_t end = name_end(text, p);
  if (end == p) return;
  const char after = end < text.size() ? text[end] : '\n';
  if (after == '\\') return;  // user=DOMAIN\NAME: the name comes after the backslash
  // "User: NAME" must end the field; "AHCI-USER: Already in check…" is prose.
  if (colon && !quoted && after != '\n' && after != '\r' && after != ',' && after != ';' && after != ')' &&
      after != ']' && after != '@') {
    return;
  }
  // A bare "user NAME" counts only as "User NAME@host" or PAM's "for user NAME(uid=…)" / "… by".
  const bool pam = at >= 4 && starts_with_nocase(text, at - 4, "for ") &&
                   (after == '(' || starts_with_nocase(text, end, " by "));
  if (!assigned && !quoted && after != '@' && !pam) return;
  add(out, text, p, end);
}

// sshd: "Accepted publickey for NAME from", "Failed password for NAME from".
// Not "for invalid user NAME": no such account exists there; the names are
// what scanners on the network try (test, oracle, support…), not the site's.
void after_for(std::string_view text, std::size_t at, std::vector<UserField>& out) {
  const std::size_t p = at + 4;
  const std::size_t end = name_end(text, p);
  if (end == p || !starts_with_nocase(text, end, " from ")) return;
  add(out, text, p, end);
}

// A backslash escape rather than a separator: \n2025, \tValue, \x2d, \u00e9.
bool is_escape(std::string_view from_backslash) {
  if (from_backslash.size() < 2) return true;
  const char c = from_backslash[1];
  const char next = from_backslash.size() > 2 ? from_backslash[2] : ' ';
  const bool lower_next = next >= 'a' && next <= 'z';
  if ((c == 'n' || c == 't' || c == 'r') && !lower_next) return true;
  const auto hex = [&](std::size_t count) {
    if (from_backslash.size() < 2 + count) return false;
    return std::all_of(from_backslash.begin() + 2, from_backslash.begin() + 2 + static_cast<std::ptrdiff_t>(count),
                       [](char h) { return std::isxdigit(static_cast<unsigned char>(h)) != 0; });
  };
  return (c == 'x' && hex(2)) || (c == 'u' && hex(4));
}

// DOMAIN\NAME with an upper-case (NetBIOS or SSO) domain: CORP\jdoe, VSPHERE.LOCAL\jane
void around_backslash(std::string_view text, std::size_t at, std::vector<UserField>& out) {
  std::size_t start = at;
  while (start > 0 && (std::isupper(static_cast<unsigned char>(text[start - 1])) || std::isdigit(static_cast<unsigned char>(text[start - 1])) ||
                       text[start - 1] == '.' || text[start - 1] == '-')) {
    --start;
  }
  if (at - start < 3 || !std::isupper(static_cast<unsigned char>(text[start]))) return;
  if (text[at - 1] == '.' || text[at - 1] == '-') return;
  if (start > 0 && (is_alnum(text[start - 1]) || text[start - 1] == '\\' || text[start - 1] == '/')) return;
  if (is_escape(text.substr(at))) return;
  const std::size_t end = name_end(text, at + 1);
  if (end < text.size() && text[end] == '\\') return;  // a path, not an account
  const std::string_view name = text.substr(at + 1, end - at - 1);
  if (std::none_of(name.begin(), name.end(), [](char c) { return c >= 'a' && c <= 'z'; })) return;  // CD\RW
  add(out, text, at + 1, end);
}

// C:\Users\NAME (also JSON-escaped and with slashes), /home/NAME, /Users/NAME
void after_home(std::string_view text, std::size_t at, std::size_t length, std::vector<UserField>& out) {
  std::size_t p = at + length;
  while (p < text.size() && (text[p] == '\\' || text[p] == '/')) ++p;
  add(out, text, p, name_end(text, p));
}

}  // namespace

bool is_builtin_account(std::string_view name) {
  std::string folded(name);
  std::transform(folded.begin(), folded.end(), folded.begin(), lower);
  if (folded.starts_with("svc_") || folded.ends_with("$")) return true;  // machine accounts
  return std::find(k_builtin.begin(), k_builtin.end(), folded) != k_builtin.end();
}

std::vector<UserField> find_user_fields(std::string_view text) {
  // Candidates first, with memmem/memchr (fast on text without any), then
  // each checked in text order.
  enum class Anchor : std::uint8_t { user, for_, backslash, home };
  std::vector<std::pair<std::size_t, Anchor>> anchors;
  const auto find_all = [&](std::string_view needle, std::size_t back, Anchor anchor) {
    for (std::size_t at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1)) {
      if (at >= back) anchors.emplace_back(at - back, anchor);
    }
  };
  find_all("ser", 1, Anchor::user);
  find_all("SER", 1, Anchor::user);
  find_all("for ", 0, Anchor::for_);
  find_all("\\", 0, Anchor::backslash);
  find_all("/home/", 0, Anchor::home);
  find_all("/Users/", 0, Anchor::home);
  std::sort(anchors.begin(), anchors.end());
  std::vector<UserField> out;
  for (const auto& [i, anchor] : anchors) {
    const bool word_start = i == 0 || !is_alnum(text[i - 1]);
    switch (anchor) {
      case Anchor::user:
        if (word_start && lower(text[i]) == 'u' && (i == 0 || text[i - 1] != '-')) after_user(text, i, out);
        break;
      case Anchor::for_:
        if (word_start) after_for(text, i, out);
        break;
      case Anchor::backslash:
        if (i == 0 || text[i - 1] == '\\') break;
        if (i >= 5 && starts_with_nocase(text, i - 5, "users\\")) after_home(text, i, 1, out);
        else around_backslash(text, i, out);
        break;
      case Anchor::home:
        after_home(text, i, text[i + 1] == 'h' ? 6 : 7, out);
        break;
    }
  }
  return out;
}

}  // namespace vmsupport
