// Finds IPv4, IPv6, MAC and e-mail addresses by their shape (see patterns.h).
//
// One forward scan, no regex: only at a token start (a byte not preceded by a
// letter or digit) do the next few bytes decide which shapes to try, so
// ordinary words cost one table lookup per byte; '@' looks back for the local
// part of an e-mail. A later, enclosing e-mail replaces matches inside its
// local part; everything else is found left to right, longest shape first.
//
// Decisions (each pinned by a row in tests/unit/test_scrub_patterns.cpp):
// - IPv4 octets are decimal 0-255 without leading zeros ("01" is no octet):
//   Linux and ESXi tools never print them, inet_pton rejects them, they are
//   ambiguous (inet_aton reads 010 as octal 8), and zero-padded dates and
//   versions (24-05-14-08, 1.02.03.04) are left alone.
// - A quad that is a window of a longer dotted number (OIDs, 1.2.3.4.5,
//   12.1.5.20735119) is none. A quad is a version, not an address, when the
//   word right before it (only punctuation or blanks between, at most 16
//   bytes back) is "ver", "build", "release" or ends in "version"; "v1.2.3.4"
//   is a window of a longer token anyway. Not "any keyword in the 16 bytes
//   before": that leaks the address of dhcpd's "DHCPRELEASE of 192.0.2.10".
// - IPv6 is what inet_pton accepts, with three exceptions that are not
//   addresses in logs: groups of two hex digits without "::" (WWNs
//   20:00:00:25:b5:aa:00:01, fingerprints), one or two groups without any
//   decimal digit (a::b, add::bad: C++ scopes and words), and windows of a
//   longer colon sequence. "::" alone is returned (the map keeps it).
// - MAC is six groups of two hex digits (':' or '-', one separator per
//   address) or three groups of four ('.', Cisco), not a window of a longer
//   hex sequence (UUIDs, EUI-64, fingerprints, naa. ids), except netfilter's
//   "MAC=dst:src:type" header (exactly 14 groups): two MACs, EtherType left.
#include "scrub/patterns.h"

#include <arpa/inet.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace vmsupport {
namespace {

enum : std::uint8_t {
  k_digit = 1,   // 0-9
  k_hex = 2,     // 0-9 A-F a-f
  k_alpha = 4,   // A-Z a-z
  k_local = 8,   // e-mail local part: A-Z a-z 0-9 . _ % + -
  k_label = 16,  // domain label: A-Z a-z 0-9 -
  k_start = 32,  // may start an address: hex digit or ':'
};

constexpr std::array<std::uint8_t, 256> make_classes() {
  std::array<std::uint8_t, 256> classes{};
  for (int c = 0; c < 256; ++c) {
    std::uint8_t bits = 0;
    const bool digit = c >= '0' && c <= '9';
    const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    const bool hex = digit || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
    if (digit) bits |= k_digit;
    if (hex) bits |= k_hex | k_start;
    if (alpha) bits |= k_alpha;
    if (digit || alpha || c == '-') bits |= k_label;
    if (digit || alpha || c == '.' || c == '_' || c == '%' || c == '+' || c == '-') bits |= k_local;
    if (c == ':') bits |= k_start;
    classes[static_cast<std::size_t>(c)] = bits;
  }
  return classes;
}

constexpr std::array<std::uint8_t, 256> k_classes = make_classes();
constexpr std::size_t k_max_ipv6 = 45;       // INET6_ADDRSTRLEN - 1
constexpr std::size_t k_version_window = 16;  // how far back a version keyword may end

bool has(char c, std::uint8_t bits) {
  return (k_classes[static_cast<unsigned char>(c)] & bits) != 0;
}
bool is_digit(char c) { return has(c, k_digit); }
bool is_hex(char c) { return has(c, k_hex); }
bool is_alnum(char c) { return has(c, k_digit | k_alpha); }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// The text with bounds-checked access: outside it, at() is '\0', which is a
// boundary like any other punctuation.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : m_text(text) {}

  // Appends the address(es) starting at `p` (a token start) to `found`;
  // returns where they end, or 0 when there is none.
  std::size_t address_at(std::size_t p, std::vector<PatternMatch>& found) const;
  // The e-mail whose '@' is at `at_sign`, if any; drops the matches of `found`
  // inside its local part (the outer match wins).
  std::optional<PatternMatch> email_at(std::size_t at_sign, std::vector<PatternMatch>& found) const;

 private:
  char at(std::size_t i) const { return i < m_text.size() ? m_text[i] : '\0'; }
  char before(std::size_t i, std::size_t back) const { return i >= back ? m_text[i - back] : '\0'; }

  std::size_t octet_length(std::size_t p) const;
  std::size_t quad_end(std::size_t p, char separator) const;
  bool dotted_start_ok(std::size_t p) const;
  bool continues_sequence_before(std::size_t p) const;
  bool continues_sequence_after(std::size_t end) const;
  bool after_version_keyword(std::size_t p) const;
  std::size_t ipv4_end(std::size_t p) const;
  std::size_t dashed_ipv4_end(std::size_t p) const;
  bool followed_by_file_extension(std::size_t end) const;
  std::size_t mac_end(std::size_t p, char separator) const;
  std::size_t mac_header_end(std::size_t p) const;
  std::size_t cisco_mac_end(std::size_t p) const;
  std::size_t ipv6_end(std::size_t p) const;
  std::size_t domain_end(std::size_t p) const;

  std::string_view m_text;
};

// Length of a decimal octet 0-255 at `p`, or 0 if there is none.
std::size_t Scanner::octet_length(std::size_t p) const {
  if (!is_digit(at(p))) return 0;
  if (at(p) == '0') return is_digit(at(p + 1)) ? 0 : 1;
  unsigned value = 0;
  std::size_t n = 0;
  while (n < 4 && is_digit(at(p + n))) value = value * 10 + static_cast<unsigned>(at(p + n++) - '0');
  return (n <= 3 && value <= 255) ? n : 0;
}

// End of four octets joined by `separator`, or 0.
std::size_t Scanner::quad_end(std::size_t p, char separator) const {
  std::size_t q = p;
  for (int k = 0; k < 4; ++k) {
    if (k > 0 && at(q++) != separator) return 0;
    const std::size_t n = octet_length(q);
    if (n == 0) return 0;
    q += n;
  }
  return q;
}

// Not inside a dotted token: "x.10.0.0.1", "1.2.840" windows are refused.
bool Scanner::dotted_start_ok(std::size_t p) const {
  const char prev = before(p, 1);
  return !is_alnum(prev) && !(prev == '.' && is_alnum(before(p, 2)));
}

// True when `p` follows a separator that follows an all-hex token: p is then
// a window of a longer sequence (UUID, fingerprint, "0000:3b:00.0"), while
// "MAC:00:50:..." or "dhcp-10-..." start afresh.
bool Scanner::continues_sequence_before(std::size_t p) const {
  const char prev = before(p, 1);
  if (prev != ':' && prev != '-' && prev != '.') return false;
  std::size_t n = 0;
  for (std::size_t q = p - 1; q > 0 && n < 64 && is_alnum(m_text[q - 1]); --q, ++n) {
    if (!is_hex(m_text[q - 1])) return false;
  }
  return n > 0;
}

// True when a separator and one more hex group (1-4 digits) follow `end`.
bool Scanner::continues_sequence_after(std::size_t end) const {
  const char next = at(end);
  if (next != ':' && next != '-' && next != '.') return false;
  std::size_t n = 0;
  while (n < 5 && is_hex(at(end + 1 + n))) ++n;
  return n >= 1 && n <= 4 && !is_alnum(at(end + 1 + n));
}

// "version 1.2.3.4", "Build: 1.2.3.4", "productVersion=\"1.2.3.4\"".
bool Scanner::after_version_keyword(std::size_t p) const {
  const std::size_t low = p > k_version_window ? p - k_version_window : 0;
  std::size_t q = p;
  while (q > low && !is_alnum(m_text[q - 1]) && m_text[q - 1] != '\n') --q;
  const std::size_t word_end = q;
  while (q > 0 && word_end - q < 32 && has(m_text[q - 1], k_alpha)) --q;
  if (word_end <= low || q == word_end) return false;
  char word[32];
  const std::size_t length = word_end - q;
  for (std::size_t k = 0; k < length; ++k) word[k] = lower(m_text[q + k]);
  const std::string_view w(word, length);
  return w == "ver" || w == "build" || w == "release" || w.ends_with("version");
}

std::size_t Scanner::ipv4_end(std::size_t p) const {
  if (!dotted_start_ok(p)) return 0;
  const std::size_t end = quad_end(p, '.');
  if (end == 0 || is_alnum(at(end)) || (at(end) == '.' && is_digit(at(end + 1)))) return 0;
  if (followed_by_file_extension(end)) return 0;  // jackson-databind-2.13.2.2.jar
  return after_version_keyword(p) ? 0 : end;
}

// A version in a file name: ".jar", ".rpm", ".so" ... right after the quad.
bool Scanner::followed_by_file_extension(std::size_t end) const {
  static constexpr std::string_view k_extensions[] = {".jar", ".war", ".rpm", ".deb", ".so", ".vib",
                                                      ".zip", ".tar", ".tgz", ".gz", ".whl", ".py"};
  for (std::string_view extension : k_extensions) {
    if (m_text.compare(end, extension.size(), extension) == 0 && !is_alnum(at(end + extension.size()))) return true;
  }
  return false;
}

// "dhcp-192-168-0-66", "ip-10-0-0-1.ec2.internal".
std::size_t Scanner::dashed_ipv4_end(std::size_t p) const {
  const char prev = before(p, 1);
  if (is_alnum(prev)) return 0;
  if (prev == '-' && is_digit(before(p, 2))) {
    // Part of a longer dashed number (1-2-3-4-5), unless the digits end a
    // word: "ec2-52-80-34-196.compute..." holds an address.
    std::size_t k = 2;
    while (is_digit(before(p, k))) ++k;
    if (!has(before(p, k), k_alpha)) return 0;
  }
  const std::size_t end = quad_end(p, '-');
  if (end == 0 || is_alnum(at(end)) || (at(end) == '-' && is_digit(at(end + 1)))) return 0;
  return after_version_keyword(p) ? 0 : end;
}

// 00:50:56:aa:bb:cc or 00-50-56-AA-BB-CC.
std::size_t Scanner::mac_end(std::size_t p, char separator) const {
  if (is_alnum(before(p, 1)) || continues_sequence_before(p)) return 0;
  std::size_t q = p;
  for (int k = 0; k < 6; ++k) {
    if (k > 0 && at(q++) != separator) return 0;
    if (!is_hex(at(q)) || !is_hex(at(q + 1))) return 0;
    q += 2;
  }
  if (is_alnum(at(q)) || continues_sequence_after(q)) return 0;
  return q;
}

// netfilter's LOG target prints the MAC header as one sequence of 14 bytes,
// "MAC=00:50:56:aa:bb:cc:00:50:56:11:22:33:08:00": destination, source, type.
std::size_t Scanner::mac_header_end(std::size_t p) const {
  if (is_alnum(before(p, 1)) || continues_sequence_before(p)) return 0;
  std::size_t q = p;
  for (int k = 0; k < 14; ++k) {
    if (k > 0 && at(q++) != ':') return 0;
    if (!is_hex(at(q)) || !is_hex(at(q + 1))) return 0;
    q += 2;
  }
  if (is_alnum(at(q)) || continues_sequence_after(q)) return 0;
  return q;
}

// 0050.56aa.bbcc.
std::size_t Scanner::cisco_mac_end(std::size_t p) const {
  if (!dotted_start_ok(p)) return 0;
  std::size_t q = p;
  for (int k = 0; k < 3; ++k) {
    if (k > 0 && at(q++) != '.') return 0;
    for (int d = 0; d < 4; ++d) {
      if (!is_hex(at(q++))) return 0;
    }
  }
  if (is_alnum(at(q)) || (at(q) == '.' && is_alnum(at(q + 1)))) return 0;
  return q;
}

// Shapes inet_pton accepts that are not addresses in logs (see the top).
bool is_ipv6_lookalike(std::string_view candidate) {
  if (candidate == "::") return false;
  const bool compressed = candidate.find("::") != std::string_view::npos;
  std::size_t groups = 0;
  bool all_two_digit = true;
  bool any_decimal = false;
  std::size_t run = 0;
  for (std::size_t k = 0; k <= candidate.size(); ++k) {
    const char c = k < candidate.size() ? candidate[k] : ':';
    if (c == ':') {
      if (run > 0) ++groups;
      if (run > 0 && run != 2) all_two_digit = false;
      run = 0;
    } else {
      any_decimal = any_decimal || is_digit(c);
      ++run;
    }
  }
  return (!compressed && all_two_digit) || (groups <= 2 && !any_decimal);
}

// An IPv6 address; the zone id ("%vmk0") and prefix ("/64") stay outside.
std::size_t Scanner::ipv6_end(std::size_t p) const {
  const char prev = before(p, 1);
  if (is_alnum(prev) || prev == '.' || continues_sequence_before(p)) return 0;
  std::size_t run_end = p;
  std::size_t colons = 0;
  while (run_end - p <= 64 && (has(at(run_end), k_hex) || at(run_end) == ':' || at(run_end) == '.')) {
    colons += at(run_end++) == ':';
  }
  if (colons < 2 || is_alnum(at(run_end)) || run_end - p > 64) return 0;
  std::size_t end = run_end;
  while (end > p && m_text[end - 1] == '.') --end;  // a sentence's full stop
  if (end - p >= 2 && m_text[end - 1] == ':' && m_text[end - 2] != ':') --end;  // "fe80::1: up"
  if (end - p < 2 || end - p > k_max_ipv6) return 0;
  // "42:42::" in passwd's "gdm:x:42:42::/var/lib/gdm" is two fields and an
  // empty one: a trailing "::" counts only before a prefix length ("fe80::/64").
  if (end - p > 2 && m_text.compare(end - 2, 2, "::") == 0 && !(at(end) == '/' && is_digit(at(end + 1)))) return 0;
  if (is_ipv6_lookalike(m_text.substr(p, end - p))) return 0;  // cheaper than inet_pton: first
  char buffer[k_max_ipv6 + 1];
  std::memcpy(buffer, m_text.data() + p, end - p);
  buffer[end - p] = '\0';
  unsigned char address[16];
  return inet_pton(AF_INET6, buffer, address) == 1 ? end : 0;
}

std::size_t Scanner::address_at(std::size_t p, std::vector<PatternMatch>& found) const {
  const auto add = [p, &found](std::size_t end, Category category) {
    if (end != 0) found.push_back({p, end, category});
    return end;
  };
  if (at(p) == ':') return add(ipv6_end(p), Category::ipv6);
  std::size_t hex = 0;
  while (hex < 5 && is_hex(at(p + hex))) ++hex;
  std::size_t digits = 0;
  while (digits < hex && is_digit(at(p + digits))) ++digits;
  const bool decimal = digits == hex && hex <= 3;
  switch (at(p + hex)) {
    case ':':
      // A MAC first (the common case in logs): where one ends without a
      // further ':', the same bytes are no IPv6 address (six groups of two
      // digits without "::" are refused there), so the order changes nothing.
      if (hex == 2) {
        if (const std::size_t end = mac_end(p, ':'); end != 0 && at(end) != ':') return add(end, Category::mac);
      }
      if (hex <= 4 && add(ipv6_end(p), Category::ipv6) != 0) return found.back().end;
      if (hex != 2) return 0;
      if (add(mac_end(p, ':'), Category::mac) != 0) return found.back().end;
      if (const std::size_t end = mac_header_end(p); end != 0) {
        found.push_back({p, p + 17, Category::mac});
        found.push_back({p + 18, p + 35, Category::mac});
        return end;
      }
      return 0;
    case '-':
      if (hex == 2 && add(mac_end(p, '-'), Category::mac) != 0) return found.back().end;
      return decimal ? add(dashed_ipv4_end(p), Category::ipv4) : 0;
    case '.':
      if (decimal) return add(ipv4_end(p), Category::ipv4);
      return hex == 4 ? add(cisco_mac_end(p), Category::mac) : 0;
    default:
      return 0;
  }
}

// End of a domain with at least two labels whose last one is letters only
// (2+), or 0: "corp.example" yes, "localhost" and "10.0.0.1" no.
std::size_t Scanner::domain_end(std::size_t p) const {
  std::size_t q = p;
  std::size_t best = 0;
  for (std::size_t labels = 1;; ++labels) {
    const std::size_t start = q;
    bool letters = true;
    while (has(at(q), k_label)) letters = has(at(q++), k_alpha) && letters;
    if (q == start) break;
    if (labels >= 2 && letters && q - start >= 2) best = q;
    if (at(q) != '.' || !has(at(q + 1), k_label)) break;
    ++q;
  }
  return best;
}

std::optional<PatternMatch> Scanner::email_at(std::size_t at_sign,
                                              std::vector<PatternMatch>& found) const {
  const std::size_t end = domain_end(at_sign + 1);
  if (end == 0) return std::nullopt;
  std::size_t begin = at_sign;
  while (begin > 0 && has(m_text[begin - 1], k_local)) --begin;
  std::size_t keep = found.size();
  while (keep > 0 && found[keep - 1].end > begin) {
    if (found[keep - 1].begin < begin) {
      begin = found[keep - 1].end;  // cannot swallow a match that started earlier
      break;
    }
    --keep;
  }
  while (begin < at_sign && m_text[begin] == '.') ++begin;
  if (begin == at_sign) return std::nullopt;
  found.resize(keep);
  return PatternMatch{begin, end, Category::email};
}

}  // namespace

std::vector<PatternMatch> find_patterns(std::string_view text) {
  std::vector<PatternMatch> found;
  find_patterns(text, found);
  return found;
}

namespace detail {

std::size_t next_candidate_scalar(std::string_view text, std::size_t i) {
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '@' || (has(c, k_start) && (i == 0 || !is_alnum(text[i - 1])))) return i;
  }
  return text.size();
}

#if defined(__SSE2__)
namespace {
// Bytes of `v` in [low, high], as 0xff.
__m128i in_range(__m128i v, char low, char high) {
  const __m128i shifted = _mm_sub_epi8(v, _mm_set1_epi8(low));
  return _mm_cmpeq_epi8(_mm_min_epu8(shifted, _mm_set1_epi8(static_cast<char>(high - low))), shifted);
}
}  // namespace

// 16 bytes at a time: the classes of k_classes by range compares,
// and "not after a letter or digit" by shifting the letter-or-digit mask.
std::size_t next_candidate(std::string_view text, std::size_t i) {
  const char* data = text.data();
  bool after_word = i > 0 && i <= text.size() && is_alnum(data[i - 1]);
  for (; i + 16 <= text.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
    const __m128i folded = _mm_or_si128(v, _mm_set1_epi8(0x20));  // ASCII letters to lower case
    const __m128i digit = in_range(v, '0', '9');
    const auto alnum = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(digit, in_range(folded, 'a', 'z'))));
    const __m128i hex = _mm_or_si128(digit, in_range(folded, 'a', 'f'));
    const auto start =
        static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(hex, _mm_cmpeq_epi8(v, _mm_set1_epi8(':')))));
    const auto at_sign = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('@'))));
    const unsigned candidates = (start & ~((alnum << 1) | (after_word ? 1u : 0u))) | at_sign;
    if (candidates != 0) return i + static_cast<std::size_t>(__builtin_ctz(candidates));
    after_word = (alnum & 0x8000u) != 0;
  }
  return next_candidate_scalar(text, i);
}
#else
std::size_t next_candidate(std::string_view text, std::size_t i) { return next_candidate_scalar(text, i); }
#endif

}  // namespace detail

void find_patterns(std::string_view text, std::vector<PatternMatch>& found) {
  found.clear();
  const Scanner scanner(text);
  // Only at a candidate (an address's first byte after no letter or digit,
  // or an '@') is there anything to try; ordinary text is skipped.
  for (std::size_t i = detail::next_candidate(text, 0); i < text.size();) {
    std::size_t end = 0;
    if (text[i] != '@') {
      end = scanner.address_at(i, found);
    } else if (const auto email = scanner.email_at(i, found)) {
      found.push_back(*email);
      end = email->end;
    }
    i = detail::next_candidate(text, end != 0 ? end : i + 1);
  }
}

}  // namespace vmsupport
