// Address forms for the pseudonym map (internal): reading and writing IPv4
// (dotted, or dashed as inside host names), IPv6 and MAC text, the special
// addresses the map keeps, the pseudo address spaces (a /24 in 240.0.0.0/4,
// a /64 in 3fff::/20, a NIC part under the original OUI) with their
// numbering, and the canonical keys originals and pseudonyms are looked up
// by. Pure functions: the numbers themselves are given out by PseudonymMap.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "scrub/category.h"

namespace vmsupport::detail {

// `text` with ASCII letters in lower case; other bytes unchanged.
std::string ascii_lower(std::string_view text);

// The low `digits` hex digits of `value`, zero-padded, in lower (or upper) case.
std::string hex_text(std::uint64_t value, std::size_t digits, bool upper = false);

// ---- IPv4

struct Ipv4 {
  std::uint32_t value = 0;
  char separator = '.';  // '.', or '-' as in the host name dhcp-192-168-0-66
};

// Four decimal octets (1-3 digits each, 0-255) joined by '.' or by '-' (one
// separator throughout); nullopt for anything else.
std::optional<Ipv4> parse_ipv4(std::string_view text);

// `address` as four decimal octets without leading zeros joined by `separator`.
std::string format_ipv4(std::uint32_t address, char separator = '.');

// True for the addresses kept as they are: unspecified, loopback, contiguous
// netmasks (which include broadcast), link-local, multicast and 240.0.0.0/4
// (where pseudonyms live).
bool is_kept_ipv4(std::uint32_t address);

// The `number`-th pseudo /24 (from 1) as its first three octets, within
// 240-254.0-255.1-255; 240.0.0 (the overflow /24) for 0 or past the last.
std::uint32_t ipv4_pseudo_net(std::uint64_t number);

// The inverse of ipv4_pseudo_net (0 for the overflow /24); nullopt for a /24
// it never makes.
std::optional<std::uint64_t> ipv4_net_number(std::uint32_t net);

// `original` with its IPv4 separator changed to the one `pseudonym` is
// written with, when both are IPv4 text; otherwise `original` unchanged.
std::string in_ipv4_notation_of(std::string original, std::string_view pseudonym);

// ---- IPv6

struct Ipv6 {
  std::uint64_t high = 0;  // the /64 prefix
  std::uint64_t low = 0;   // the interface id
};

// What inet_pton accepts (no zone "%eth0"); nullopt otherwise.
std::optional<Ipv6> parse_ipv6(std::string_view text);

// RFC 5952 text (inet_ntop): lower case, the first longest zero run as "::".
std::string format_ipv6(const Ipv6& address);

// True for ::, ::1, ff00::/8 (multicast) and 3fff::/20 (where pseudonyms live).
bool is_kept_ipv6(const Ipv6& address);

// True for fe80::/10.
bool is_link_local(const Ipv6& address);

// True for ::ffff:a.b.c.d (IPv4-mapped) and ::a.b.c.d (IPv4-compatible);
// the IPv4 address is the low 32 bits.
bool embeds_ipv4(const Ipv6& address);

// The `number`-th pseudo /64 prefix in 3fff::/20; 3fff:: (number 0) past the last.
std::uint64_t ipv6_pseudo_net(std::uint64_t number);

// The inverse of ipv6_pseudo_net; nullopt for a prefix outside 3fff::/20.
std::optional<std::uint64_t> ipv6_net_number(std::uint64_t high);

// ---- MAC: 00:50:56:9a:bc:de, 00-50-56-9A-BC-DE, 0050.569a.bcde

struct MacText {
  std::uint64_t value = 0;  // the 48 bits
  char separator = ':';     // ':' or '-' between pairs; '.' between groups of four
  bool upper = false;       // hex letters written in upper case (and none in lower)
};

// Six hex pairs joined by ':' or '-', or three groups of four joined by '.';
// nullopt for anything else.
std::optional<MacText> parse_mac(std::string_view text);

// True for 00:00:00:00:00:00 and the broadcast ff:ff:ff:ff:ff:ff.
bool is_kept_mac(std::uint64_t value);

// The `number`-th pseudo MAC (from 1) under the OUI of `value`; the NIC part
// 00:00:00 for a number past the last (2^24-1).
std::uint64_t mac_pseudo(std::uint64_t value, std::uint64_t number);

// `pseudo` written like `original` (as parsed into `form`): its OUI exactly
// as written, the NIC part in its notation and letter case.
std::string render_mac(std::string_view original, const MacText& form, std::uint64_t pseudo);

// ---- lookup keys

// The form a pseudonym is looked up by, whatever its category: a MAC as
// lower-case pairs joined by ':', IPv4 dotted without leading zeros, IPv6 as
// RFC 5952 text, anything else in ASCII lower case.
std::string canonical_form(std::string_view text);

// The key `original` is looked up by in `category`: an address by its value
// (IPv4 dotted, so both notations share it), a name in ASCII lower case;
// nullopt for an address that does not parse.
std::optional<std::string> original_key(Category category, std::string_view original);

}  // namespace vmsupport::detail
