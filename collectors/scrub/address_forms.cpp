// Address forms for the pseudonym map (see address_forms.h): parsers and
// printers for IPv4, IPv6 and MAC text, the special-address rules, the pseudo
// spaces and the canonical lookup keys.
//
// Choices: IPv4 octets may carry leading zeros here (010.020.030.040 is
// 10.20.30.40, never octal): the pattern finder never returns them, and a map
// file written by hand may. The pseudo /24s are 240-254.0-255.1-255: 255.x
// would look like netmasks, x.y.0 like a network.
#include "scrub/address_forms.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace vmsupport::detail {
namespace {

constexpr std::uint64_t k_ipv4_net_count = std::uint64_t{15} * 256 * 255;
constexpr std::uint32_t k_ipv4_overflow_net = 240u << 16;  // 240.0.0
constexpr std::uint64_t k_ipv6_pseudo_prefix = 0x3fff'0000'0000'0000;
constexpr std::uint64_t k_ipv6_net_count = std::uint64_t{1} << 44;
constexpr std::uint64_t k_mac_nic_count = 0xffffff;
constexpr std::uint64_t k_mac_broadcast = 0xffff'ffff'ffff;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Contiguous ones from the top: 255.255.255.0, 255.255.255.252, 128.0.0.0 ...
bool is_netmask(std::uint32_t address) {
  const std::uint32_t host_bits = ~address;
  return (host_bits & (host_bits + 1)) == 0;
}

std::string canonical_mac(std::uint64_t value) {
  const std::string digits = hex_text(value, 12);
  std::string text;
  for (std::size_t i = 0; i < 12; i += 2) text += (i ? ":" : "") + digits.substr(i, 2);
  return text;
}

}  // namespace

std::string ascii_lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

std::string hex_text(std::uint64_t value, std::size_t digits, bool upper) {
  const char* alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string text(digits, '0');
  for (std::size_t i = digits; i-- > 0; value >>= 4) text[i] = alphabet[value & 15];
  return text;
}

// ---- IPv4

std::optional<Ipv4> parse_ipv4(std::string_view text) {
  const char* at = text.data();
  const char* end = text.data() + text.size();
  Ipv4 address;
  for (int part = 0; part < 4; ++part) {
    if (part == 1 && at != end && *at == '-') address.separator = '-';
    if (part > 0 && (at == end || *at++ != address.separator)) return std::nullopt;
    unsigned octet = 0;
    const auto [stop, error] = std::from_chars(at, end, octet);
    if (error != std::errc() || stop - at > 3 || octet > 255) return std::nullopt;
    address.value = address.value << 8 | octet;
    at = stop;
  }
  if (at != end) return std::nullopt;
  return address;
}

std::string format_ipv4(std::uint32_t address, char separator) {
  return std::to_string(address >> 24) + separator + std::to_string(address >> 16 & 255) +
         separator + std::to_string(address >> 8 & 255) + separator + std::to_string(address & 255);
}

bool is_kept_ipv4(std::uint32_t address) {
  const bool unspecified_or_loopback = address == 0 || address >> 24 == 127;
  const bool link_local = address >> 16 == 0xa9fe;          // 169.254.0.0/16
  const bool multicast_or_reserved = address >> 28 >= 0xe;  // 224/4, 240/4 (pseudonyms), broadcast
  return unspecified_or_loopback || is_netmask(address) || link_local || multicast_or_reserved;
}

std::uint32_t ipv4_pseudo_net(std::uint64_t number) {
  if (number == 0 || number > k_ipv4_net_count) return k_ipv4_overflow_net;
  const std::uint64_t index = number - 1;
  const std::uint64_t first = 240 + index / 255 / 256;
  return static_cast<std::uint32_t>(first << 16 | (index / 255 % 256) << 8 | (index % 255 + 1));
}

std::optional<std::uint64_t> ipv4_net_number(std::uint32_t net) {
  const std::uint32_t first = net >> 16;
  const std::uint32_t second = net >> 8 & 255;
  const std::uint32_t third = net & 255;
  if (net == k_ipv4_overflow_net) return 0;
  if (first < 240 || first > 254 || third == 0) return std::nullopt;
  return (std::uint64_t{first - 240} * 256 + second) * 255 + third;
}

std::string in_ipv4_notation_of(std::string original, std::string_view pseudonym) {
  const std::optional<Ipv4> asked = parse_ipv4(pseudonym);
  const std::optional<Ipv4> stored = parse_ipv4(original);
  if (asked && stored) {
    std::replace(original.begin(), original.end(), stored->separator, asked->separator);
  }
  return original;
}

// ---- IPv6

std::optional<Ipv6> parse_ipv6(std::string_view text) {
  in6_addr raw{};
  if (text.find('\0') != std::string_view::npos ||
      inet_pton(AF_INET6, std::string(text).c_str(), &raw) != 1) {
    return std::nullopt;
  }
  Ipv6 address;
  for (int i = 0; i < 8; ++i) address.high = address.high << 8 | raw.s6_addr[i];
  for (int i = 8; i < 16; ++i) address.low = address.low << 8 | raw.s6_addr[i];
  return address;
}

std::string format_ipv6(const Ipv6& address) {
  in6_addr raw{};
  for (int i = 0; i < 8; ++i) {
    raw.s6_addr[7 - i] = static_cast<std::uint8_t>(address.high >> (8 * i));
    raw.s6_addr[15 - i] = static_cast<std::uint8_t>(address.low >> (8 * i));
  }
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, &raw, text, sizeof text);
  return text;
}

bool is_kept_ipv6(const Ipv6& address) {
  const bool unspecified_or_loopback = address.high == 0 && address.low <= 1;
  return unspecified_or_loopback || address.high >> 56 == 0xff || address.high >> 44 == 0x3fff0;
}

bool is_link_local(const Ipv6& address) {
  return address.high >> 54 == 0x3fa;
}

// ::a.b.c.d is what inet_ntop prints for ::/96 when the seventh group is not 0.
bool embeds_ipv4(const Ipv6& address) {
  const std::uint64_t upper = address.low >> 32;
  return address.high == 0 && (upper == 0xffff || (upper == 0 && address.low >> 16 != 0));
}

std::uint64_t ipv6_pseudo_net(std::uint64_t number) {
  return k_ipv6_pseudo_prefix | (number < k_ipv6_net_count ? number : 0);
}

std::optional<std::uint64_t> ipv6_net_number(std::uint64_t high) {
  if (high >> 44 != k_ipv6_pseudo_prefix >> 44) return std::nullopt;
  return high & (k_ipv6_net_count - 1);
}

// ---- MAC

std::optional<MacText> parse_mac(std::string_view text) {
  MacText mac;
  const bool pairs = text.size() == 17 && (text[2] == ':' || text[2] == '-');
  const bool quads = text.size() == 14 && text[4] == '.';
  if (!pairs && !quads) return std::nullopt;
  mac.separator = pairs ? text[2] : '.';
  const std::size_t group = mac.separator == '.' ? 5 : 3;
  bool has_upper = false;
  bool has_lower = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i % group == group - 1) {
      if (text[i] != mac.separator) return std::nullopt;
      continue;
    }
    const int digit = hex_digit(text[i]);
    if (digit < 0) return std::nullopt;
    has_upper = has_upper || (text[i] >= 'A' && text[i] <= 'F');
    has_lower = has_lower || (text[i] >= 'a' && text[i] <= 'f');
    mac.value = mac.value << 4 | static_cast<std::uint64_t>(digit);
  }
  mac.upper = has_upper && !has_lower;
  return mac;
}

bool is_kept_mac(std::uint64_t value) {
  return value == 0 || value == k_mac_broadcast;
}

std::uint64_t mac_pseudo(std::uint64_t value, std::uint64_t number) {
  return (value >> 24) << 24 | (number <= k_mac_nic_count ? number : 0);
}

std::string render_mac(std::string_view original, const MacText& form, std::uint64_t pseudo) {
  const std::string nic = hex_text(pseudo & 0xffffff, 6, form.upper);
  if (form.separator == '.') {
    return std::string(original.substr(0, 7)) + nic.substr(0, 2) + '.' + nic.substr(2);
  }
  const char s = form.separator;
  return std::string(original.substr(0, 8)) + s + nic.substr(0, 2) + s + nic.substr(2, 2) + s +
         nic.substr(4);
}

// ---- lookup keys

std::string canonical_form(std::string_view text) {
  if (const auto mac = parse_mac(text)) return canonical_mac(mac->value);
  if (const auto ipv4 = parse_ipv4(text)) return format_ipv4(ipv4->value);
  if (const auto ipv6 = parse_ipv6(text)) return format_ipv6(*ipv6);
  return ascii_lower(text);
}

std::optional<std::string> original_key(Category category, std::string_view original) {
  switch (category) {
    case Category::ipv4:
      if (const auto address = parse_ipv4(original)) return format_ipv4(address->value);
      return std::nullopt;
    case Category::ipv6:
      if (const auto address = parse_ipv6(original)) return format_ipv6(*address);
      return std::nullopt;
    case Category::mac:
      if (const auto mac = parse_mac(original)) return hex_text(mac->value, 12);
      return std::nullopt;
    case Category::host:
    case Category::domain:
    case Category::vm:
    case Category::user:
    case Category::word:
    case Category::email:
      break;
  }
  return ascii_lower(original);
}

}  // namespace vmsupport::detail
