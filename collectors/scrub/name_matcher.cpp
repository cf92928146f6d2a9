// Whole-token, encoding-aware, leftmost-longest name matching (see name_matcher.h).
#include "scrub/name_matcher.h"

#include <algorithm>
#include <array>

#include "scrub/encodings.h"

namespace vmsupport {
namespace {

bool is_alnum(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= '0' && u <= '9') || ((u | 0x20) >= 'a' && (u | 0x20) <= 'z');
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

const std::array<std::string_view, 40> k_common_words = {
    "admin", "backup", "client", "cluster", "data", "database", "db", "default", "dev", "esx",
    "esxi", "guest", "host", "linux", "local", "localhost", "mail", "master", "node", "prod",
    "production", "root", "server", "service", "staging", "storage", "system", "template", "temp",
    "test", "ubuntu", "debian", "user", "vcenter", "vm", "web", "windows", "worker", "www", "photon"};

// A generic name counts only where it stands as a name of its own.
bool strong_context(std::string_view text, std::size_t begin, std::size_t end) {
  const char before = begin > 0 ? text[begin - 1] : '\n';
  const char after = end < text.size() ? text[end] : '\n';
  const bool opens = before == '/' || before == '"' || before == '\'' || before == '[' || before == '\\';
  const bool closes = after == '/' || after == '"' || after == '\'' || after == ']' || after == '.' ||
                      after == '\n' || after == '\r' || after == '\\';
  return opens && closes;
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
  const std::string lowered = lower(name);
  return std::find(k_common_words.begin(), k_common_words.end(), lowered) != k_common_words.end();
}

Result<NameMatcher> NameMatcher::build(const std::vector<NameEntry>& names) {
  NameMatcher matcher;
  std::vector<std::string> literals;
  for (const NameEntry& entry : names) {
    if (entry.name.empty()) continue;
    for (auto& [encoding, form] : encoded_forms(entry.name)) {
      matcher.m_forms.push_back(Form{form, encode(entry.replacement, encoding), entry.category, entry.generic});
      literals.push_back(std::move(form));
    }
  }
  auto set = LiteralSet::compile(literals);
  if (!set) return std::unexpected(set.error());
  matcher.m_literals = std::move(*set);
  return matcher;
}

std::vector<NameMatch> NameMatcher::find(std::string_view text) const {
  std::vector<LiteralHit> hits = m_literals.scan(text);
  std::sort(hits.begin(), hits.end(), [](const LiteralHit& a, const LiteralHit& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  std::vector<NameMatch> matches;
  std::size_t covered = 0;
  for (const LiteralHit& hit : hits) {
    if (hit.begin < covered) continue;
    const Form& form = m_forms[hit.id];
    if (!whole_token(text, hit.begin, hit.end)) continue;
    if (form.generic && !strong_context(text, hit.begin, hit.end)) continue;
    matches.push_back(NameMatch{hit.begin, hit.end, form.replacement, form.category});
    covered = hit.end;
  }
  return matches;
}

}  // namespace vmsupport
