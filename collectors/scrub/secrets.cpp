// Finding secrets to mask (see secrets.h). A Hyperscan pre-filter finds the
// few lines with a secret-looking keyword; only those are parsed.
#include "scrub/secrets.h"

#include <algorithm>
#include <array>
#include <set>

#include "scrub/hyperscan.h"
#include "util/text.h"

namespace vmsupport {
namespace {

// Substrings of a key that make it secret. "pass" alone is too broad
// (pciPassthru, bypass): it counts only as a whole key segment, like "pw".
// The .vmx key material of an encrypted VM (encryption.keySafe, the wrapped
// key; encryption.data, the encrypted configuration; dataFileKey; a vTPM's
// endorsement-key certificate vtpm.ekCRT) is masked like a password.
constexpr std::array<std::string_view, 24> k_keywords = {
    "password", "passwd", "passphrase", "passcode", "pwd", "secret", "token", "credential", "apikey", "api_key", "api-key", "accesskey",
    "access_key", "privatekey", "private_key", "licensekey", "license_key", "psk", "communit",
    "userdata", "keysafe", "encryption.data", "datafilekey", "ekcrt"};

// Hardware and machine identifiers: the value after `WORD:` (dmidecode,
// esxcli hardware platform get, smbiosDump, ipmitool fru, vendor agents' logs,
// macOS system_profiler: "Serial Number: 7QF2JT3", "Chassis Asset Tag: A-12",
// "UUID: 4c4c…", "Serial Number (system): C02X…", "Hardware UUID: …",
// "Computer Name: Bob's Mac", "User Name: Bob Smith (bob)"), `WORD = VALUE`,
// `"word": "VALUE"` and `<Word>VALUE</Word>`. A word that contains another
// comes before it.
constexpr std::array<std::string_view, 19> k_identifier_words = {
    "serial number", "serialnumber", "serial_number", "serial-number", "serial",
    "asset tag",     "assettag",     "asset_tag",     "service tag",   "servicetag",
    "service_tag",   "system uuid",  "hardware uuid", "platform uuid", "provisioning udid",
    "computer name", "computername", "user name",     "uuid"};

const LiteralSet& prefilter() {
  // The identifier words come first: a hit with id < k_identifier_words.size() is one.
  static const LiteralSet set = [] {
    std::vector<std::string> literals(k_identifier_words.begin(), k_identifier_words.end());
    literals.insert(literals.end(), k_keywords.begin(), k_keywords.end());
    literals.emplace_back("pass");
    literals.emplace_back("pw");
    literals.emplace_back("guestinfo.");
    literals.emplace_back("-----BEGIN ");
    literals.emplace_back("://");
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

// A base64 payload (standard or URL alphabet), not a long host name.
bool looks_base64(std::string_view value) {
  return value.size() >= 32 && std::all_of(value.begin(), value.end(), [](char c) {
           return (is_key_char(c) && c != '.') || c == '+' || c == '=';
         });
}

// Settings about secrets rather than secrets: PasswordAuthentication=no.
bool is_setting(std::string_view key, std::string_view value) {
  const std::string k = ascii_lower(key);
  static const std::set<std::string_view> k_flags = {"yes", "no", "true", "false", "on", "off"};
  return k.ends_with("authentication") || k_flags.contains(ascii_lower(value));
}

// nsswitch.conf's "passwd: files systemd" names a database, not a password.
bool is_nsswitch_source(std::string_view key, std::string_view value) {
  static const std::set<std::string_view> k_sources = {"files", "compat", "systemd", "sss", "ldap", "nis",
                                                       "nisplus", "db", "winbind", "dns", "mymachines", "altfiles"};
  return (key == "passwd" || key == "shadow") && k_sources.contains(value);
}

// A JSON member's bare number ("token_ttl": 3600, "secret": 2 of a count of
// masked secrets): a JSON secret is a string, a number is a length, a count or
// a duration. `key=1234` outside JSON is still masked.
bool is_json_number(std::string_view line, std::size_t separator, std::size_t begin, std::size_t end) {
  std::size_t key_end = separator;
  while (key_end > 0 && (line[key_end - 1] == ' ' || line[key_end - 1] == '\t')) --key_end;
  if (key_end == 0 || line[key_end - 1] != '"' || line[separator] != ':') return false;
  if (begin > 0 && (line[begin - 1] == '"' || line[begin - 1] == '\'')) return false;
  const std::string_view value = line.substr(begin, end - begin);
  return std::all_of(value.begin(), value.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.' || c == '-'; });
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

// scheme://user:PASSWORD@host
void mask_url_credentials(std::string_view line, std::size_t line_begin, std::vector<SecretSpan>& spans) {
  for (std::size_t at = line.find("://"); at != std::string_view::npos; at = line.find("://", at + 3)) {
    const std::size_t start = at + 3;
    const std::size_t stop = line.find_first_of("/ \t\"'>", start);
    const std::size_t host = line.rfind('@', stop == std::string_view::npos ? line.size() : stop);
    if (host == std::string_view::npos || host < start) continue;
    const std::size_t colon = line.find(':', start);
    if (colon == std::string_view::npos || colon >= host) continue;
    spans.push_back(SecretSpan{line_begin + colon + 1, line_begin + host, k_secret_mask});
  }
}

// <password>VALUE</password>, <communities>VALUE</communities>
void mask_xml_elements(std::string_view line, std::size_t line_begin, std::vector<SecretSpan>& spans) {
  for (std::size_t close = line.find('>'); close != std::string_view::npos; close = line.find('>', close + 1)) {
    const std::size_t open = line.rfind('<', close);
    if (open == std::string_view::npos || line.substr(open + 1, 1) == "/") continue;
    const std::string_view tag = line.substr(open + 1, close - open - 1);
    if (tag.empty() || !std::all_of(tag.begin(), tag.end(), is_key_char) || !is_secret_key(tag)) continue;
    const std::size_t end = line.find('<', close + 1);
    if (end == std::string_view::npos || end == close + 1) continue;
    spans.push_back(SecretSpan{line_begin + close + 1, line_begin + end, k_secret_mask});
  }
}

// --password VALUE on a command line.
void mask_option_values(std::string_view line, std::size_t line_begin, std::vector<SecretSpan>& spans) {
  for (std::size_t at = line.find("--"); at != std::string_view::npos; at = line.find("--", at + 2)) {
    std::size_t end = at + 2;
    while (end < line.size() && is_key_char(line[end])) ++end;
    if (end >= line.size() || line[end] != ' ' || !is_secret_key(line.substr(at + 2, end - at - 2))) continue;
    const std::size_t value = end + 1;
    std::size_t stop = line.find_first_of(" \t\r", value);
    if (stop == std::string_view::npos) stop = line.size();
    if (stop > value && line[value] != '-') spans.push_back(SecretSpan{line_begin + value, line_begin + stop, k_secret_mask});
  }
}

// Where the value of an identifier `word` found at `at` in `line` is
// ({0, 0}: none). Forms: `WORD [(qualifier)]: rest of the line` (dmidecode
// values hold blanks), `WORD = VALUE` (up to a blank or delimiter, or inside
// quotes), `"word": "VALUE"` (JSON) and `<Word>VALUE</Word>`. A bare `UUID`
// must be the line's first word and take ':': dmidecode's system UUID, not a
// datastore's (`Datastore UUID:`), a JSON object's `"uuid"` nor fstab's `UUID=`.
std::pair<std::size_t, std::size_t> identifier_value(std::string_view line, std::size_t at, std::string_view word) {
  const bool bare_uuid = word == "uuid";
  if (bare_uuid && line.find_first_not_of(" \t") != at) return {};
  std::size_t next = at + word.size();
  if (at > 0 && line[at - 1] == '<' && next < line.size() && line[next] == '>') {
    const std::size_t close = line.find('<', next + 1);
    return {next + 1, close == std::string_view::npos ? next + 1 : close};
  }
  const bool quoted_key =
      at > 0 && (line[at - 1] == '"' || line[at - 1] == '\'') && next < line.size() && line[next] == line[at - 1];
  if (quoted_key) ++next;
  auto skip_blanks = [&] {
    while (next < line.size() && (line[next] == ' ' || line[next] == '\t')) ++next;
  };
  skip_blanks();
  if (!quoted_key && next < line.size() && line[next] == '(') {  // "Serial Number (system):"
    next = line.find(')', next);
    if (next == std::string_view::npos) return {};
    ++next;
    skip_blanks();
  }
  if (next >= line.size() || (line[next] != ':' && line[next] != '=')) return {};
  if (bare_uuid && line[next] != ':') return {};
  if (quoted_key || line[next] == '=') return value_after(line, next);
  std::size_t value = next + 1;
  while (value < line.size() && (line[value] == ' ' || line[value] == '\t')) ++value;
  std::size_t stop = line.size();
  while (stop > value && (line[stop - 1] == '\r' || line[stop - 1] == ' ')) --stop;
  return {value, stop};
}

// The value of the first identifier of a line (see k_identifier_words). The
// word must not continue a longer word on its left (`myserial:`) nor run on
// to its right (`serial8250:`, `serial0.present`, `ID_SERIAL_SHORT=`). One
// span per line.
void mask_identifier(std::string_view line, std::size_t line_begin, std::vector<SecretSpan>& spans) {
  const std::string lowered = ascii_lower(line);
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  for (std::string_view word : k_identifier_words) {
    for (std::size_t at = lowered.find(word); at != std::string::npos; at = lowered.find(word, at + 1)) {
      if (at > 0 && alnum(lowered[at - 1])) continue;
      const auto [begin, end] = identifier_value(line, at, word);
      if (end <= begin) continue;
      spans.push_back(SecretSpan{line_begin + begin, line_begin + end, k_secret_mask});
      return;
    }
  }
}

void mask_line(std::string_view text, std::size_t line_begin, std::size_t line_end,
               std::vector<SecretSpan>& spans) {
  const std::string_view line = text.substr(line_begin, line_end - line_begin);
  mask_url_credentials(line, line_begin, spans);
  mask_xml_elements(line, line_begin, spans);
  mask_option_values(line, line_begin, spans);
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] != '=' && line[i] != ':') continue;
    const std::string_view key = key_before(line, i);
    if (key.empty()) continue;
    const bool guestinfo = ascii_lower(key).rfind("guestinfo.", 0) == 0;
    if (!is_secret_key(key) && !guestinfo) continue;
    const auto [begin, end] = value_after(line, i);
    if (end <= begin) continue;
    const std::string_view value = line.substr(begin, end - begin);
    if (value == k_secret_mask || is_nsswitch_source(key, value) || is_setting(key, value)) continue;
    if (is_json_number(line, i, begin, end)) continue;
    if (guestinfo && !is_secret_key(key) && !looks_base64(value)) continue;
    spans.push_back(SecretSpan{line_begin + begin, line_begin + end, k_secret_mask});
    i = end;
  }
}

// What a PEM block's header line (from "-----BEGIN ") holds: a private key,
// a certificate-like object (CERTIFICATE of any kind, CERTIFICATE REQUEST,
// X509 CRL, PKCS7, CMS: their DER bodies carry subjects, issuers and
// alternative names, which no name rule can see inside base64), or neither
// (a PUBLIC KEY, which names nothing, stays).
std::string_view pem_mask(std::string_view header, bool crlf) {
  static constexpr std::array<std::string_view, 2> k_key_kinds = {"PRIVATE KEY-----", "PRIVATE KEY BLOCK-----"};
  static constexpr std::array<std::string_view, 6> k_certificate_kinds = {
      "CERTIFICATE-----", "CERTIFICATE REQUEST-----", "CERTIFICATE PAIR-----", "CRL-----", "PKCS7-----", "CMS-----"};
  auto any_in = [&](const auto& kinds) {
    return std::any_of(kinds.begin(), kinds.end(), [&](std::string_view kind) { return header.find(kind) != std::string_view::npos; });
  };
  if (any_in(k_key_kinds)) return crlf ? k_private_key_mask_crlf : k_private_key_mask;
  if (any_in(k_certificate_kinds)) return crlf ? k_certificate_mask_crlf : k_certificate_mask;
  return {};
}

// A PEM block to mask from `begin` (at "-----BEGIN "): its body, between the
// header and footer lines, becomes one marker line.
bool mask_pem_block(std::string_view text, std::size_t begin, std::vector<SecretSpan>& spans, std::size_t& resume) {
  const std::size_t header_end = text.find('\n', begin);
  if (header_end == std::string_view::npos) return false;
  const std::string_view header = text.substr(begin, header_end - begin);
  const bool crlf = header_end > 0 && text[header_end - 1] == '\r';
  const std::string_view mask = pem_mask(header, crlf);
  if (mask.empty()) return false;
  std::size_t footer = text.find("-----END ", header_end);
  if (footer == std::string_view::npos) footer = text.size();
  spans.push_back(SecretSpan{header_end + 1, footer, mask});
  resume = footer;
  return true;
}

}  // namespace

bool is_secret_key(std::string_view key) {
  const std::string k = ascii_lower(key);
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
  // 1. Private-key and certificate bodies, whatever else stands on their header lines.
  std::vector<SecretSpan> keys;
  std::size_t resume = 0;
  for (const LiteralHit& hit : hits) {
    if (hit.begin >= resume && text.compare(hit.begin, 11, "-----BEGIN ") == 0) {
      mask_pem_block(text, hit.begin, keys, resume);
    }
  }
  // 2. Lines with a secret-looking key, outside the key bodies.
  //    A line whose only hits are identifier words (uuid, serial: common in .vmx
  //    files) gets only the identifier rule, which is cheap.
  std::vector<SecretSpan> values;
  for (std::size_t h = 0; h < hits.size();) {
    const std::size_t newline = text.rfind('\n', hits[h].begin);
    const std::size_t line_begin = newline == std::string_view::npos ? 0 : newline + 1;
    std::size_t line_end = text.find('\n', hits[h].begin);
    if (line_end == std::string_view::npos) line_end = text.size();
    bool identifier = false;
    bool secret = false;
    for (; h < hits.size() && hits[h].begin < line_end; ++h) {
      (hits[h].id < k_identifier_words.size() ? identifier : secret) = true;
    }
    const bool in_key = std::any_of(keys.begin(), keys.end(), [&](const SecretSpan& k) {
      return line_begin >= k.begin && line_begin < k.end;
    });
    if (in_key) continue;
    const std::string_view line = text.substr(line_begin, line_end - line_begin);
    if (identifier) mask_identifier(line, line_begin, values);
    if (secret) mask_line(text, line_begin, line_end, values);
  }
  // Both, in order, without overlaps (a key body wins).
  std::sort(values.begin(), values.end(), [](const SecretSpan& a, const SecretSpan& b) { return a.begin < b.begin; });
  std::vector<SecretSpan> spans;
  std::size_t covered = 0;
  std::size_t next_key = 0;
  for (const SecretSpan& value : values) {
    while (next_key < keys.size() && keys[next_key].end <= value.begin) spans.push_back(keys[next_key++]);
    if (value.begin < covered) continue;
    if (next_key < keys.size() && keys[next_key].begin < value.end) continue;
    spans.push_back(value);
    covered = value.end;
  }
  while (next_key < keys.size()) spans.push_back(keys[next_key++]);
  return spans;
}

}  // namespace vmsupport
