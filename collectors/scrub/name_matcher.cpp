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

// A generic name counts only where it stands as a name of its own.
bool strong_context(std::string_view text, std::size_t begin, std::size_t end) {
  const char before = begin > 0 ? text[begin - 1] : '\n';
  const char after = end < text.size() ? text[end] : '\n';
  const bool opens = before == '/' || before == '"' || before == '\'' || before == '[' || before == '\\';
  const bool closes = after == '/' || after == '"' || after == '\'' || after == ']' || after == '.' ||
                      after == '\n' || after == '\r' || after == '\\';
  return opens && closes;
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
  NameMatcher matcher;
  std::vector<std::string> literals;
  for (const NameEntry& entry : names) {
    if (entry.name.empty()) continue;
    for (auto& [encoding, form] : encoded_forms(entry.name)) {
      matcher.m_forms.push_back(Form{form, encode(entry.replacement, encoding), entry.category, entry.generic});
      literals.push_back(std::move(form));
    }
  }
  auto set = LiteralSet::compile(literals, cache_dir);
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
    if (!whole_token(text, hit.begin, hit.end) || inside_uuid(text, hit.begin, hit.end)) continue;
    if (form.generic && !strong_context(text, hit.begin, hit.end)) continue;
    matches.push_back(NameMatch{hit.begin, hit.end, form.replacement, form.category});
    covered = hit.end;
  }
  return matches;
}

}  // namespace vmsupport
