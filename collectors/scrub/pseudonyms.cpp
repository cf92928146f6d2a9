// PseudonymMap (see pseudonyms.h): typed, numbered pseudonyms, the address
// rules that keep subnets, vendors and notations recognisable, and the map
// file. The file stores the entries (and the counters); the numbers given to
// address parts (a /24, a /64, a link-local interface id) are read back from
// the entries, so the file has one source of truth.
//
// Choices: the local part of an e-mail address is looked up as a user (the
// same "jdoe" in a path and in an address gets one pseudonym) and its domain
// as a domain. An empty original stays empty. An original that is not a
// valid address of its category (it should not reach here: patterns.h
// validates) becomes a word pseudonym: it is never passed through. Besides
// the special addresses of pseudonyms.h, 3fff::/20 is kept, as 240.0.0.0/4
// is for IPv4: pseudo addresses live there and are never mapped again.
// ::a.b.c.d (IPv4-compatible) is treated like ::ffff:a.b.c.d. When a
// space runs out (979,200 pseudo /24s; 2^44 pseudo /64s; 2^24-1 NIC parts per
// OUI) every further original shares its space's number 0 (240.0.0.x,
// 3fff::/64, <oui>:00:00:00): nothing leaks, only original() gets ambiguous.
#include "scrub/pseudonyms.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "util/text.h"

namespace vmsupport {
namespace {

using Entry = PseudonymMap::Entry;

constexpr int k_format_version = 1;
constexpr char k_not_a_map[] = ": not a vmsupport pseudonym map: ";

// Pseudo /24s are 240-254.0-255.1-255: 240.0.0.0/4 is reserved and never a
// real address, 255.x would look like netmasks, x.y.0 like a network.
constexpr std::uint64_t k_ipv4_net_count = std::uint64_t{15} * 256 * 255;
constexpr std::uint32_t k_ipv4_overflow_net = 240u << 16;  // 240.0.0
// Pseudo /64s: 3fff::/20, the documentation prefix of RFC 9637.
constexpr std::uint64_t k_ipv6_pseudo_prefix = 0x3fff'0000'0000'0000;
constexpr std::uint64_t k_ipv6_net_count = std::uint64_t{1} << 44;
constexpr std::uint64_t k_mac_nic_count = 0xffffff;
constexpr std::uint64_t k_mac_broadcast = 0xffff'ffff'ffff;

std::string ascii_lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

std::string zero_padded(std::uint64_t number, std::size_t width) {
  std::string digits = std::to_string(number);
  if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
  return digits;
}

std::string hex_text(std::uint64_t value, std::size_t digits, bool upper = false) {
  const char* alphabet = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string text(digits, '0');
  for (std::size_t i = digits; i-- > 0; value >>= 4) text[i] = alphabet[value & 15];
  return text;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// ---- names: host-0001, domain-01.invalid

std::string name_pseudonym(Category category, std::uint64_t number) {
  if (category == Category::domain) return "domain-" + zero_padded(number, 2) + ".invalid";
  return std::string(category_name(category)) + '-' + zero_padded(number, 4);
}

// The number in a pseudonym made by name_pseudonym; nullopt for anything else.
std::optional<std::uint64_t> name_number(Category category, std::string_view pseudonym) {
  const std::string prefix = std::string(category_name(category)) + '-';
  const std::string_view suffix = category == Category::domain ? ".invalid" : "";
  if (pseudonym.size() <= prefix.size() + suffix.size() || !pseudonym.starts_with(prefix) ||
      !pseudonym.ends_with(suffix)) {
    return std::nullopt;
  }
  const char* begin = pseudonym.data() + prefix.size();
  const char* end = pseudonym.data() + pseudonym.size() - suffix.size();
  std::uint64_t number = 0;
  const auto [stop, error] = std::from_chars(begin, end, number);
  if (error != std::errc() || stop != end) return std::nullopt;
  return number;
}

// ---- IPv4

// A dotted quad (1-3 decimal digits per octet); nullopt otherwise.
std::optional<std::uint32_t> parse_ipv4(std::string_view text) {
  const char* at = text.data();
  const char* end = text.data() + text.size();
  std::uint32_t address = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0 && (at == end || *at++ != '.')) return std::nullopt;
    unsigned octet = 0;
    const auto [stop, error] = std::from_chars(at, end, octet);
    if (error != std::errc() || stop - at > 3 || octet > 255) return std::nullopt;
    address = address << 8 | octet;
    at = stop;
  }
  if (at != end) return std::nullopt;
  return address;
}

std::string format_ipv4(std::uint32_t address) {
  return std::to_string(address >> 24) + '.' + std::to_string(address >> 16 & 255) + '.' +
         std::to_string(address >> 8 & 255) + '.' + std::to_string(address & 255);
}

// Contiguous ones from the top: 255.255.255.0, 255.255.255.252, 128.0.0.0 ...
bool is_netmask(std::uint32_t address) {
  const std::uint32_t host_bits = ~address;
  return (host_bits & (host_bits + 1)) == 0;
}

bool is_kept_ipv4(std::uint32_t address) {
  const bool unspecified_or_loopback = address == 0 || address >> 24 == 127;
  const bool link_local = address >> 16 == 0xa9fe;          // 169.254.0.0/16
  const bool multicast_or_reserved = address >> 28 >= 0xe;  // 224/4, 240/4 (pseudonyms), broadcast
  return unspecified_or_loopback || is_netmask(address) || link_local || multicast_or_reserved;
}

// The `number`-th pseudo /24 (from 1), as its first three octets.
std::uint32_t ipv4_pseudo_net(std::uint64_t number) {
  if (number == 0 || number > k_ipv4_net_count) return k_ipv4_overflow_net;
  const std::uint64_t index = number - 1;
  const std::uint64_t first = 240 + index / 255 / 256;
  return static_cast<std::uint32_t>(first << 16 | (index / 255 % 256) << 8 | (index % 255 + 1));
}

// The inverse of ipv4_pseudo_net; nullopt for a /24 it never makes.
std::optional<std::uint64_t> ipv4_net_number(std::uint32_t net) {
  const std::uint32_t first = net >> 16;
  const std::uint32_t second = net >> 8 & 255;
  const std::uint32_t third = net & 255;
  if (net == k_ipv4_overflow_net) return 0;
  if (first < 240 || first > 254 || third == 0) return std::nullopt;
  return (std::uint64_t{first - 240} * 256 + second) * 255 + third;
}

// ---- IPv6

struct Ipv6 {
  std::uint64_t high = 0;  // the /64 prefix
  std::uint64_t low = 0;   // the interface id
};

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

// RFC 5952 text (inet_ntop): lower case, longest zero run as "::".
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

// ::, ::1, ff00::/8 multicast, and 3fff::/20 (already pseudonyms, as 240/4 for IPv4).
bool is_kept_ipv6(const Ipv6& address) {
  const bool unspecified_or_loopback = address.high == 0 && address.low <= 1;
  return unspecified_or_loopback || address.high >> 56 == 0xff || address.high >> 44 == 0x3fff0;
}

bool is_link_local(const Ipv6& address) {
  return address.high >> 54 == 0x3fa;
}  // fe80::/10

// ::ffff:a.b.c.d (IPv4-mapped) or ::a.b.c.d (IPv4-compatible, printed so by inet_ntop).
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

// ---- MAC: 00:50:56:9a:bc:de, 00-50-56-9A-BC-DE, 0050.569a.bcde

struct MacText {
  std::uint64_t value = 0;  // the 48 bits
  char separator = ':';     // ':' or '-' between pairs; '.' between groups of four
  bool upper = false;       // hex letters written in upper case (and none in lower)
};

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

// `pseudo` written like `original`: its OUI exactly as written, the NIC part
// in its notation and letter case.
std::string render_mac(std::string_view original, const MacText& form, std::uint64_t pseudo) {
  const std::string nic = hex_text(pseudo & 0xffffff, 6, form.upper);
  if (form.separator == '.') {
    return std::string(original.substr(0, 7)) + nic.substr(0, 2) + '.' + nic.substr(2);
  }
  const char s = form.separator;
  return std::string(original.substr(0, 8)) + s + nic.substr(0, 2) + s + nic.substr(2, 2) + s +
         nic.substr(4);
}

std::string canonical_mac(std::uint64_t value) {
  const std::string digits = hex_text(value, 12);
  std::string text;
  for (std::size_t i = 0; i < 12; i += 2) text += (i ? ":" : "") + digits.substr(i, 2);
  return text;
}

// ---- lookup keys

// The form a pseudonym is looked up by: addresses canonical, names lower case.
std::string canonical_form(std::string_view text) {
  if (const auto mac = parse_mac(text)) return canonical_mac(mac->value);
  if (const auto ipv4 = parse_ipv4(text)) return format_ipv4(*ipv4);
  if (const auto ipv6 = parse_ipv6(text)) return format_ipv6(*ipv6);
  return ascii_lower(text);
}

// The key `original` is looked up by in its category; nullopt if not valid.
std::optional<std::string> original_key(Category category, std::string_view original) {
  switch (category) {
    case Category::ipv4:
      if (const auto address = parse_ipv4(original)) return format_ipv4(*address);
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

// What an entry read back says about numbers given: `number` in `space`,
// and for an address part (`unit` not empty) which part got it.
struct Numbered {
  std::string unit;
  std::string space;
  std::uint64_t number = 0;
};

std::optional<Numbered> numbered_address(Category category, std::string_view original,
                                         std::string_view pseudonym) {
  if (category == Category::ipv4) {
    const auto address = parse_ipv4(original);
    const auto pseudo = parse_ipv4(pseudonym);
    const auto number = pseudo ? ipv4_net_number(*pseudo >> 8) : std::nullopt;
    if (!address || !number) return std::nullopt;
    return Numbered{std::to_string(*address >> 8), "ipv4-net", *number};
  }
  if (category == Category::ipv6) {
    const auto address = parse_ipv6(original);
    const auto pseudo = parse_ipv6(pseudonym);
    if (!address || !pseudo) return std::nullopt;
    if (embeds_ipv4(*address)) return Numbered{};
    if (is_link_local(*address)) {
      return Numbered{hex_text(address->low, 16), "ipv6-iid", pseudo->low};
    }
    const auto number = ipv6_net_number(pseudo->high);
    if (!number) return std::nullopt;
    return Numbered{hex_text(address->high, 16), "ipv6-net", *number};
  }
  const auto mac = parse_mac(original);
  const auto pseudo = parse_mac(pseudonym);
  if (!mac || !pseudo || mac->value >> 24 != pseudo->value >> 24) return std::nullopt;
  return Numbered{"", "mac:" + hex_text(mac->value >> 24, 6), pseudo->value & 0xffffff};
}

Result<Numbered> numbered(const Entry& entry) {
  std::optional<Numbered> found;
  switch (entry.category) {
    case Category::host:
    case Category::domain:
    case Category::vm:
    case Category::user:
    case Category::word:
      if (const auto number = name_number(entry.category, entry.pseudonym)) {
        found = Numbered{"", std::string(category_name(entry.category)), *number};
      }
      break;
    case Category::email:
      found = Numbered{};
      break;
    case Category::ipv4:
    case Category::ipv6:
    case Category::mac:
      found = numbered_address(entry.category, entry.original, entry.pseudonym);
      break;
  }
  if (!found) {
    return fail("\"", entry.pseudonym, "\" is not a ", category_name(entry.category),
                " pseudonym of its original");
  }
  return *found;
}

// ---- the map file

nlohmann::ordered_json to_document(const std::vector<Entry>& entries,
                                   const std::map<std::string, std::uint64_t>& counters) {
  nlohmann::ordered_json document;
  document["format_version"] = k_format_version;
  document["entries"] = nlohmann::ordered_json::array();
  for (const Entry& entry : entries) {
    nlohmann::ordered_json item;
    item["category"] = std::string(category_name(entry.category));
    // nlohmann refuses to write invalid UTF-8; such bytes travel as base64.
    if (is_valid_utf8(entry.original))
      item["original"] = entry.original;
    else
      item["original_base64"] = base64_encode(entry.original);
    item["pseudonym"] = entry.pseudonym;
    document["entries"].push_back(std::move(item));
  }
  document["counters"] = counters;
  return document;
}

const std::string* string_field(const nlohmann::json& object, const char* name) {
  const auto field = object.find(name);
  return field == object.end() ? nullptr : field->get_ptr<const std::string*>();
}

Result<Entry> parse_entry(const nlohmann::json& item) {
  if (!item.is_object()) return fail("not an object");
  const std::string* category = string_field(item, "category");
  const std::string* original = string_field(item, "original");
  const std::string* original_base64 = string_field(item, "original_base64");
  const std::string* pseudonym = string_field(item, "pseudonym");
  if (!category || !pseudonym || (!original && !original_base64)) {
    return fail("needs \"category\", \"original\" (or \"original_base64\") and \"pseudonym\"");
  }
  const std::optional<Category> known = category_from_name(*category);
  if (!known) return fail("unknown category \"", *category, "\"");
  return Entry{*known, original ? *original : base64_decode(*original_base64), *pseudonym};
}

struct Document {
  std::vector<Entry> entries;
  std::map<std::string, std::uint64_t> counters;
};

Result<std::map<std::string, std::uint64_t>> parse_counters(const nlohmann::json& document) {
  std::map<std::string, std::uint64_t> counters;
  const auto field = document.find("counters");
  if (field == document.end()) return counters;
  if (!field->is_object()) return fail("\"counters\" is not an object");
  for (const auto& [space, value] : field->items()) {
    if (!value.is_number_unsigned()) return fail("counter \"", space, "\" is not a number");
    counters[space] = value.get<std::uint64_t>();
  }
  return counters;
}

Result<Document> parse_document(const std::string& text) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& error) {
    return fail("invalid JSON near byte ", error.byte);
  }
  if (!json.is_object()) return fail("not a JSON object");
  const auto version = json.find("format_version");
  if (version == json.end() || !version->is_number_integer()) return fail("no \"format_version\"");
  if (*version != k_format_version) {
    return fail("format_version ", version->dump(), " (this vmsupport reads ", k_format_version,
                ")");
  }
  const auto entries = json.find("entries");
  if (entries == json.end() || !entries->is_array()) return fail("no \"entries\" list");
  Document document;
  for (std::size_t i = 0; i < entries->size(); ++i) {
    Result<Entry> entry = parse_entry((*entries)[i]);
    if (!entry) return fail("entries[", i, "]: ", entry.error().message);
    document.entries.push_back(std::move(*entry));
  }
  auto counters = parse_counters(json);
  if (!counters) return std::unexpected(counters.error());
  document.counters = std::move(*counters);
  return document;
}

// The bytes of `path`; the error carries errno (ENOENT: no such file).
Result<std::string> read_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    return fail_errno(error, path, ": cannot read: ", errno_text(error));
  }
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t count = ::read(fd, buffer, sizeof buffer);
    if (count > 0) text.append(buffer, static_cast<std::size_t>(count));
    if (count == 0) break;
    if (count < 0 && errno != EINTR) {
      const int error = errno;
      ::close(fd);
      return fail_errno(error, path, ": cannot read: ", errno_text(error));
    }
  }
  ::close(fd);
  return text;
}

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

void sync_directory_of(const std::string& path) {
  const std::string directory = std::filesystem::path(path).parent_path().string();
  const int fd =
      ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// Writes `text` to `path` atomically: `path`.tmp, mode 0600, fsync, rename.
Result<void> write_private_file(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  const int fd =
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    const int error = errno;
    return fail_errno(error, temporary, ": cannot create: ", errno_text(error));
  }
  // fchmod: a temporary file left behind keeps its old mode through O_TRUNC.
  bool written = ::fchmod(fd, 0600) == 0 && write_all(fd, text) && ::fsync(fd) == 0;
  int error = errno;
  if (::close(fd) != 0 && written) {
    written = false;
    error = errno;
  }
  if (written && std::rename(temporary.c_str(), path.c_str()) != 0) {
    written = false;
    error = errno;
  }
  if (!written) {
    ::unlink(temporary.c_str());
    return fail_errno(error, path, ": cannot write: ", errno_text(error));
  }
  sync_directory_of(path);
  return {};
}

}  // namespace

// ---- PseudonymMap

PseudonymMap::PseudonymMap(const PseudonymMap& other) {
  const std::lock_guard lock(other.m_mutex);
  m_tables = other.m_tables;
}

PseudonymMap& PseudonymMap::operator=(const PseudonymMap& other) {
  if (this != &other) {
    const std::scoped_lock lock(m_mutex, other.m_mutex);
    m_tables = other.m_tables;
  }
  return *this;
}

Result<PseudonymMap> PseudonymMap::load(const std::string& path) {
  const Result<std::string> text = read_file(path);
  if (!text && text.error().code == ENOENT) return PseudonymMap{};
  if (!text) return std::unexpected(text.error());
  const Result<Document> document = parse_document(*text);
  if (!document) return fail(path, k_not_a_map, document.error().message);
  PseudonymMap map;
  for (std::size_t i = 0; i < document->entries.size(); ++i) {
    const Result<void> restored = map.restore(document->entries[i]);
    if (!restored) return fail(path, k_not_a_map, "entries[", i, "]: ", restored.error().message);
  }
  for (const auto& [space, number] : document->counters) map.raise_counter(space, number);
  return map;
}

Result<void> PseudonymMap::save(const std::string& path) const {
  std::string text;
  {
    const std::lock_guard lock(m_mutex);
    text = to_document(m_tables.entries, m_tables.counters).dump(2) + '\n';
  }
  return write_private_file(path, text);
}

std::string PseudonymMap::pseudonym(Category category, std::string_view original) {
  if (original.empty()) return {};
  const std::lock_guard lock(m_mutex);
  return make(category, original);
}

std::optional<std::string> PseudonymMap::original(std::string_view pseudonym) const {
  const std::string key = canonical_form(pseudonym);
  const std::lock_guard lock(m_mutex);
  const auto found = m_tables.backward.find(key);
  if (found == m_tables.backward.end()) return std::nullopt;
  return found->second;
}

std::vector<PseudonymMap::Entry> PseudonymMap::entries() const {
  const std::lock_guard lock(m_mutex);
  return m_tables.entries;
}

std::string PseudonymMap::make(Category category, std::string_view original) {
  switch (category) {
    case Category::email:
      return make_email(original);
    case Category::ipv4:
      return make_ipv4(original);
    case Category::ipv6:
      return make_ipv6(original);
    case Category::mac:
      return make_mac(original);
    case Category::host:
    case Category::domain:
    case Category::vm:
    case Category::user:
    case Category::word:
      break;
  }
  return make_name(category, original);
}

std::string PseudonymMap::make_name(Category category, std::string_view original) {
  const std::string key = ascii_lower(original);
  if (const std::string* known_pseudonym = known(category, key)) return *known_pseudonym;
  const std::uint64_t number = ++m_tables.counters[std::string(category_name(category))];
  std::string pseudonym = name_pseudonym(category, number);
  remember(category, original, key, pseudonym);
  return pseudonym;
}

std::string PseudonymMap::make_email(std::string_view original) {
  const std::size_t at = original.rfind('@');
  if (at == 0 || at == std::string_view::npos || at + 1 == original.size()) {
    return make_name(Category::word, original);
  }
  const std::string key = ascii_lower(original);
  if (const std::string* known_pseudonym = known(Category::email, key)) return *known_pseudonym;
  const std::string user = make_name(Category::user, original.substr(0, at));
  std::string pseudonym = user + '@' + make_name(Category::domain, original.substr(at + 1));
  remember(Category::email, original, key, pseudonym);
  return pseudonym;
}

std::string PseudonymMap::make_ipv4(std::string_view original) {
  const std::optional<std::uint32_t> address = parse_ipv4(original);
  if (!address) return make_name(Category::word, original);
  if (is_kept_ipv4(*address)) return std::string(original);
  return format_ipv4(pseudo_ipv4(*address, original));
}

// Expects an address that is not kept.
std::uint32_t PseudonymMap::pseudo_ipv4(std::uint32_t address, std::string_view original) {
  const std::string key = format_ipv4(address);
  if (const std::string* known_pseudonym = known(Category::ipv4, key)) {
    return parse_ipv4(*known_pseudonym).value();
  }
  const std::uint32_t net = ipv4_pseudo_net(unit_number(std::to_string(address >> 8), "ipv4-net"));
  const std::uint32_t pseudo = net << 8 | (address & 255);
  remember(Category::ipv4, original, key, format_ipv4(pseudo));
  return pseudo;
}

std::string PseudonymMap::make_ipv6(std::string_view original) {
  const std::optional<Ipv6> address = parse_ipv6(original);
  if (!address) return make_name(Category::word, original);
  const auto ipv4 = static_cast<std::uint32_t>(address->low);
  if (is_kept_ipv6(*address) || (embeds_ipv4(*address) && is_kept_ipv4(ipv4))) {
    return std::string(original);
  }
  const std::string key = format_ipv6(*address);
  if (const std::string* known_pseudonym = known(Category::ipv6, key)) return *known_pseudonym;
  Ipv6 pseudo = *address;
  if (embeds_ipv4(*address)) {
    pseudo.low = (address->low & ~std::uint64_t{0xffffffff}) | pseudo_ipv4(ipv4, format_ipv4(ipv4));
  } else if (is_link_local(*address)) {
    pseudo.low = unit_number(hex_text(address->low, 16), "ipv6-iid");
  } else {
    pseudo.high = ipv6_pseudo_net(unit_number(hex_text(address->high, 16), "ipv6-net"));
  }
  std::string pseudonym = format_ipv6(pseudo);
  remember(Category::ipv6, original, key, pseudonym);
  return pseudonym;
}

std::string PseudonymMap::make_mac(std::string_view original) {
  const std::optional<MacText> mac = parse_mac(original);
  if (!mac) return make_name(Category::word, original);
  if (mac->value == 0 || mac->value == k_mac_broadcast) return std::string(original);
  const std::string key = hex_text(mac->value, 12);
  if (const std::string* known_pseudonym = known(Category::mac, key)) {
    return render_mac(original, *mac, parse_mac(*known_pseudonym).value().value);
  }
  const std::uint64_t oui = mac->value >> 24;
  const std::uint64_t nic = ++m_tables.counters["mac:" + hex_text(oui, 6)];
  const std::uint64_t pseudo = oui << 24 | (nic <= k_mac_nic_count ? nic : 0);
  std::string pseudonym = render_mac(original, *mac, pseudo);
  remember(Category::mac, original, key, pseudonym);
  return pseudonym;
}

const std::string* PseudonymMap::known(Category category, const std::string& key) const {
  const auto found = m_tables.forward.find(std::string(category_name(category)) + '\t' + key);
  return found == m_tables.forward.end() ? nullptr : &found->second;
}

// The number of address part `unit` in `space`, the space's next one when new.
std::uint64_t PseudonymMap::unit_number(const std::string& unit, const std::string& space) {
  const auto [found, added] = m_tables.units.try_emplace(space + '\t' + unit, 0);
  if (added) found->second = ++m_tables.counters[space];
  return found->second;
}

void PseudonymMap::raise_counter(const std::string& space, std::uint64_t number) {
  std::uint64_t& counter = m_tables.counters[space];
  counter = std::max(counter, number);
}

// Records a new mapping; the first one wins when `key` is already known.
void PseudonymMap::remember(Category category, std::string_view original, const std::string& key,
                            const std::string& pseudonym) {
  const std::string canonical = canonical_form(pseudonym);
  const std::string forward_key = std::string(category_name(category)) + '\t' + key;
  if (!m_tables.forward.emplace(forward_key, canonical).second) return;
  m_tables.backward.emplace(canonical, original);
  m_tables.entries.push_back(Entry{category, std::string(original), pseudonym});
}

// Takes back one entry of a map file, with the numbers it shows as given.
Result<void> PseudonymMap::restore(const Entry& entry) {
  const std::optional<std::string> key = original_key(entry.category, entry.original);
  if (!key) {
    return fail("the original of \"", entry.pseudonym, "\" is not a valid ",
                category_name(entry.category));
  }
  const Result<Numbered> numbers = numbered(entry);
  if (!numbers) return std::unexpected(numbers.error());
  if (!numbers->unit.empty()) {
    m_tables.units.try_emplace(numbers->space + '\t' + numbers->unit, numbers->number);
  }
  if (!numbers->space.empty()) raise_counter(numbers->space, numbers->number);
  remember(entry.category, entry.original, *key, entry.pseudonym);
  return {};
}

}  // namespace vmsupport
