// Finding secrets to mask (see secrets.h). A Hyperscan pre-filter finds the
// few lines with a secret-looking keyword; only those are parsed.
#include "scrub/secrets.h"

#include <algorithm>
#include <array>
#include <set>

#include "scrub/hyperscan.h"

namespace vmsupport {
namespace {

// Substrings of a key that make it secret. "pass" alone is too broad
// (pciPassthru, bypass): it counts only as a whole key segment, like "pw".
constexpr std::array<std::string_view, 20> k_keywords = {
    "password", "passwd", "passphrase", "passcode", "pwd", "secret", "token", "credential", "apikey", "api_key", "api-key", "accesskey",
    "access_key", "privatekey", "private_key", "licensekey", "license_key", "psk", "community",
    "userdata"};

const LiteralSet& prefilter() {
  static const LiteralSet set = [] {
    std::vector<std::string> literals(k_keywords.begin(), k_keywords.end());
    literals.emplace_back("pass");
    literals.emplace_back("pw");
    literals.emplace_back("guestinfo.");
    literals.emplace_back("-----BEGIN ");
    auto compiled = LiteralSet::compile(literals);
    return compiled ? std::move(*compiled) : LiteralSet();
  }();
  return set;
}

bool is_key_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= '0' && u <= '9') || ((u | 0x20) >= 'a' && (u | 0x20) <= 'z') || c == '_' || c == '-' ||
         c == '.' || c == '/';
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return out;
}

bool looks_base64(std::string_view value) {
  return value.size() >= 32 && std::all_of(value.begin(), value.end(), [](char c) {
           return is_key_char(c) || c == '+' || c == '=';
         });
}

// nsswitch.conf's "passwd: files systemd" names a database, not a password.
bool is_nsswitch_source(std::string_view key, std::string_view value) {
  static const std::set<std::string_view> k_sources = {"files", "compat", "systemd", "sss", "ldap", "nis",
                                                       "nisplus", "db", "winbind", "dns", "mymachines", "altfiles"};
  return (key == "passwd" || key == "shadow") && k_sources.contains(value);
}

// The key that ends just before `separator` (skipping spaces and a quote), or "".
std::string_view key_before(std::string_view line, std::size_t separator) {
  std::size_t end = separator;
  while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t')) --end;
  if (end > 0 && (line[end - 1] == '"' || line[end - 1] == '\'')) --end;
  std::size_t begin = end;
  while (begin > 0 && is_key_char(line[begin - 1])) --begin;
  return line.substr(begin, end - begin);
}

// The value after `separator`: inside quotes, or up to a delimiter.
std::pair<std::size_t, std::size_t> value_after(std::string_view line, std::size_t separator) {
  std::size_t begin = separator + 1;
  while (begin < line.size() && (line[begin] == ' ' || line[begin] == '\t')) ++begin;
  if (begin < line.size() && (line[begin] == '"' || line[begin] == '\'')) {
    const char quote = line[begin++];
    std::size_t end = begin;
    while (end < line.size() && line[end] != quote) end += line[end] == '\\' ? 2 : 1;
    return {begin, std::min(end, line.size())};
  }
  std::size_t end = begin;
  while (end < line.size() && line[end] != ' ' && line[end] != '\t' && line[end] != ',' &&
         line[end] != ';' && line[end] != '&' && line[end] != '\r') {
    ++end;
  }
  return {begin, end};
}

void mask_line(std::string_view text, std::size_t line_begin, std::size_t line_end,
               std::vector<SecretSpan>& spans) {
  const std::string_view line = text.substr(line_begin, line_end - line_begin);
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] != '=' && line[i] != ':') continue;
    const std::string_view key = key_before(line, i);
    if (key.empty()) continue;
    const bool guestinfo = lower(key).rfind("guestinfo.", 0) == 0;
    if (!is_secret_key(key) && !guestinfo) continue;
    const auto [begin, end] = value_after(line, i);
    if (end <= begin) continue;
    const std::string_view value = line.substr(begin, end - begin);
    if (value == k_secret_mask || is_nsswitch_source(key, value)) continue;
    if (guestinfo && !is_secret_key(key) && !looks_base64(value)) continue;
    spans.push_back(SecretSpan{line_begin + begin, line_begin + end, k_secret_mask});
    i = end;
  }
}

// A PEM private-key block from `begin` (at "-----BEGIN "): the body is masked.
bool mask_private_key(std::string_view text, std::size_t begin, std::vector<SecretSpan>& spans,
                      std::size_t& resume) {
  const std::size_t header_end = text.find('\n', begin);
  if (header_end == std::string_view::npos) return false;
  const std::string_view header = text.substr(begin, header_end - begin);
  if (header.find("PRIVATE KEY-----") == std::string_view::npos) return false;
  std::size_t footer = text.find("-----END ", header_end);
  if (footer == std::string_view::npos) footer = text.size();
  spans.push_back(SecretSpan{header_end + 1, footer, k_private_key_mask});
  resume = footer;
  return true;
}

}  // namespace

bool is_secret_key(std::string_view key) {
  const std::string k = lower(key);
  for (std::string_view word : k_keywords) {
    if (k.find(word) != std::string::npos) return true;
  }
  std::size_t start = 0;
  while (start <= k.size()) {
    std::size_t end = k.find_first_of("._-/", start);
    if (end == std::string::npos) end = k.size();
    const std::string_view segment = std::string_view(k).substr(start, end - start);
    if (segment == "pass" || segment == "pw") return true;
    start = end + 1;
  }
  return false;
}

std::vector<SecretSpan> find_secrets(std::string_view text) {
  std::vector<LiteralHit> hits = prefilter().scan(text);
  std::sort(hits.begin(), hits.end(), [](const LiteralHit& a, const LiteralHit& b) { return a.begin < b.begin; });
  std::vector<SecretSpan> spans;
  std::size_t done = 0;  // text before this offset is handled
  for (const LiteralHit& hit : hits) {
    if (hit.begin < done) continue;
    if (text.compare(hit.begin, 11, "-----BEGIN ") == 0) {
      if (mask_private_key(text, hit.begin, spans, done)) continue;
    }
    const std::size_t line_begin = text.rfind('\n', hit.begin) == std::string_view::npos ? 0 : text.rfind('\n', hit.begin) + 1;
    std::size_t line_end = text.find('\n', hit.begin);
    if (line_end == std::string_view::npos) line_end = text.size();
    if (line_begin < done) continue;
    mask_line(text, line_begin, line_end, spans);
    done = line_end;
  }
  return spans;
}

}  // namespace vmsupport
