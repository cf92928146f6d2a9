// PseudonymMap (see pseudonyms.h): typed, numbered pseudonyms and the tables
// that keep them stable. The address forms and rules live in address_forms.h,
// the map file in map_file.h. The file stores the entries (and the counters);
// the numbers given to address parts (a /24, a /64, a link-local interface id)
// are read back from the entries, so the file has one source of truth.
//
// Choices: the local part of an e-mail address is looked up as a user (the
// same "jdoe" in a path and in an address gets one pseudonym) and its domain
// as a domain. An empty original stays empty. An original that is not a
// valid address of its category (it should not reach here: patterns.h
// validates) becomes a word pseudonym: it is never passed through. ::a.b.c.d
// (IPv4-compatible) is treated like ::ffff:a.b.c.d. A dashed IPv4 address
// (192-168-0-66, from a host name) is the dotted one written differently: one
// key, one mapping, each spelling keeps its separator. original() answers an
// IPv4 pseudonym in the separator it was asked with (dots put back into
// dhcp-240-0-1-66 would split one DNS label into four); other notations (MAC)
// come back as first seen. When a space runs out (979,200 pseudo /24s; 2^44
// pseudo /64s; 2^24-1 NIC parts per OUI) every further original shares its
// space's number 0 (240.0.0.x, 3fff::/64, <oui>:00:00:00): nothing leaks,
// only original() gets ambiguous.
#include "scrub/pseudonyms.h"

#include <algorithm>
#include <charconv>
#include <random>

#include "scrub/address_forms.h"
#include "util/sha256.h"
#include "scrub/map_file.h"

namespace vmsupport {

using namespace detail;

namespace {

using Entry = PseudonymMap::Entry;

std::string zero_padded(std::uint64_t number, std::size_t width) {
  std::string digits = std::to_string(number);
  if (digits.size() < width) digits.insert(0, width - digits.size(), '0');
  return digits;
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
    const auto number = pseudo ? ipv4_net_number(pseudo->value >> 8) : std::nullopt;
    if (!address || !number) return std::nullopt;
    return Numbered{std::to_string(address->value >> 8), "ipv4-net", *number};
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

PseudonymMap::PseudonymMap(PseudonymMap&& other) noexcept {
  const std::lock_guard lock(other.m_mutex);
  m_tables = std::move(other.m_tables);
}

PseudonymMap& PseudonymMap::operator=(PseudonymMap&& other) noexcept {
  if (this != &other) {
    const std::scoped_lock lock(m_mutex, other.m_mutex);
    m_tables = std::move(other.m_tables);
  }
  return *this;
}

Result<PseudonymMap> PseudonymMap::load(const std::string& path) {
  const Result<MapFile> file = read_map_file(path);
  if (!file) return std::unexpected(file.error());
  PseudonymMap map;
  for (std::size_t i = 0; i < file->entries.size(); ++i) {
    const Result<void> restored = map.restore(file->entries[i]);
    if (!restored) {
      const std::string where = "entries[" + std::to_string(i) + "]: ";
      return std::unexpected(map_file_fault(path, where + restored.error().message));
    }
  }
  for (const auto& [space, number] : file->counters) map.raise_counter(space, number);
  return map;
}

Result<void> PseudonymMap::save(const std::string& path) const {
  std::string text;
  {
    const std::lock_guard lock(m_mutex);
    text = map_file_text(
        m_tables.records.size(),
        [this](const MapEntryVisitor& visit) { visit_entries(visit); },
        m_tables.counters);
  }
  return write_map_file(path, text);
}

std::string PseudonymMap::pseudonym(Category category, std::string_view original) {
  if (original.empty()) return {};
  const std::lock_guard lock(m_mutex);
  // A name or e-mail pseudonym this map gave stays as it is: a text scrubbed
  // twice (a bundle that `vmsupport scrub` scrubs again) must not give
  // `user-0001@domain-01.invalid` or `user=user-0001` pseudonyms of their own,
  // which would map a pseudonym back to a pseudonym. Not so for addresses:
  // their pseudonyms are addresses a host may really have (fe80::1, a MAC
  // under the same vendor prefix), and a real one must never be kept.
  if (!is_address(category) && find_backward(canonical_form(original)) != nullptr) return std::string(original);
  return make(category, original);
}

std::optional<std::string> PseudonymMap::original(std::string_view pseudonym) const {
  const std::string key = canonical_form(pseudonym);
  const std::lock_guard lock(m_mutex);
  const Record* found = find_backward(key);
  if (found == nullptr) return std::nullopt;
  return in_ipv4_notation_of(found->entry.original, pseudonym);
}

std::vector<PseudonymMap::Entry> PseudonymMap::entries() const {
  std::vector<Entry> entries;
  for_each_entry([&](const Entry& entry) { entries.push_back(entry); });
  return entries;
}

const PseudonymMap::Record* PseudonymMap::find_forward(Category category, std::string_view key) const {
  const auto found = m_tables.forward.find(
      StringIndex::hash_of(key, static_cast<std::uint32_t>(category) + 1), [&](std::size_t number) {
        const Record& record = m_tables.records[number];
        return record.entry.category == category && record.key_text() == key;
      });
  return found ? &m_tables.records[*found] : nullptr;
}

const PseudonymMap::Record* PseudonymMap::find_backward(std::string_view canonical) const {
  const auto found = m_tables.backward.find(StringIndex::hash_of(canonical), [&](std::size_t number) {
    return m_tables.records[number].canonical_text() == canonical;
  });
  return found ? &m_tables.records[*found] : nullptr;
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
  // A name first met inside an e-mail keeps the number it got there.
  const std::uint64_t number = unit_number(key, std::string(category_name(category)));
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
  std::string pseudonym = email_part(Category::user, original.substr(0, at)) + '@' +
                          email_part(Category::domain, original.substr(at + 1));
  remember(Category::email, original, key, pseudonym);
  return pseudonym;
}

// The local part or domain of an e-mail: the pseudonym of that name when it
// is known, else a number of the name's space kept for it, without an entry
// of its own: a name seen only inside an e-mail is not a name the scrubber
// replaces elsewhere, so verify must not look for it elsewhere either.
std::string PseudonymMap::email_part(Category category, std::string_view part) {
  const std::string key = ascii_lower(part);
  if (const std::string* known_pseudonym = known(category, key)) return *known_pseudonym;
  return name_pseudonym(category, unit_number(key, std::string(category_name(category))));
}

std::string PseudonymMap::make_ipv4(std::string_view original) {
  const std::optional<Ipv4> address = parse_ipv4(original);
  if (!address) return make_name(Category::word, original);
  if (is_kept_ipv4(address->value)) return std::string(original);
  return format_ipv4(pseudo_ipv4(address->value, address->separator, original), address->separator);
}

// Expects an address that is not kept, written in `original` with `separator`.
std::uint32_t PseudonymMap::pseudo_ipv4(std::uint32_t address, char separator,
                                        std::string_view original) {
  const std::string key = format_ipv4(address);
  if (const std::string* known_pseudonym = known(Category::ipv4, key)) {
    return parse_ipv4(*known_pseudonym).value().value;
  }
  const std::uint32_t net = ipv4_pseudo_net(unit_number(std::to_string(address >> 8), "ipv4-net"));
  const std::uint32_t pseudo = net << 8 | (address & 255);
  remember(Category::ipv4, original, key, format_ipv4(pseudo, separator));
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
    const std::uint32_t pseudo_address = pseudo_ipv4(ipv4, '.', format_ipv4(ipv4));
    pseudo.low = (address->low & ~std::uint64_t{0xffffffff}) | pseudo_address;
  } else if (is_link_local(*address)) {
    pseudo.low = unit_number(hex_text(address->low, 16), "ipv6-iid");
  } else {
    pseudo.high = ipv6_pseudo_net(unit_number(hex_text(address->high, 16), "ipv6-net"));
    if (address->low > 0xffffffff) pseudo.low = hidden_interface_id(address->low);
  }
  std::string pseudonym = format_ipv6(pseudo);
  remember(Category::ipv6, original, key, pseudonym);
  return pseudonym;
}

// A global address's interface id names the machine (an EUI-64 one holds its
// MAC): it becomes a keyed hash, the key kept in the map so it stays stable.
// Small ids (::1, ::53, ::a:1, under 2^32), set by hand, say more as they are
// and name nothing.
std::uint64_t PseudonymMap::hidden_interface_id(std::uint64_t interface_id) {
  std::uint64_t& key = m_tables.counters["ipv6-iid-key"];
  while (key == 0) key = (std::uint64_t{std::random_device{}()} << 32) | std::random_device{}();
  const std::string digest = sha256_hex(hex_text(key, 16) + hex_text(interface_id, 16));
  return std::stoull(digest.substr(0, 12), nullptr, 16) | (std::uint64_t{1} << 48);  // never a small id
}

std::string PseudonymMap::make_mac(std::string_view original) {
  const std::optional<MacText> mac = parse_mac(original);
  if (!mac) return make_name(Category::word, original);
  if (is_kept_mac(mac->value)) return std::string(original);
  const std::string key = hex_text(mac->value, 12);
  if (const std::string* known_pseudonym = known(Category::mac, key)) {
    return render_mac(original, *mac, parse_mac(*known_pseudonym).value().value);
  }
  const std::uint64_t nic = ++m_tables.counters["mac:" + hex_text(mac->value >> 24, 6)];
  std::string pseudonym = render_mac(original, *mac, mac_pseudo(mac->value, nic));
  remember(Category::mac, original, key, pseudonym);
  return pseudonym;
}

const std::string* PseudonymMap::known(Category category, const std::string& key) const {
  const Record* found = find_forward(category, key);
  return found == nullptr ? nullptr : &found->canonical_text();
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
  if (find_forward(category, key) != nullptr) return;
  std::string canonical = canonical_form(pseudonym);
  const bool first_of_pseudonym = find_backward(canonical) == nullptr;
  const std::size_t number = m_tables.records.size();
  Record& record = m_tables.records.emplace_back();
  record.entry = Entry{category, std::string(original), pseudonym};
  if (key != original) record.key = key;
  if (canonical != pseudonym) record.canonical = std::move(canonical);
  m_tables.forward.insert(StringIndex::hash_of(key, static_cast<std::uint32_t>(category) + 1), number);
  if (first_of_pseudonym) m_tables.backward.insert(StringIndex::hash_of(record.canonical_text()), number);
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
  if (entry.category == Category::email) restore_email_parts(entry);
  remember(entry.category, entry.original, *key, entry.pseudonym);
  return {};
}

// The numbers an e-mail's parts got (see email_part), read back from its entry.
void PseudonymMap::restore_email_parts(const Entry& entry) {
  const std::size_t at = entry.original.rfind('@');
  const std::size_t pseudo_at = entry.pseudonym.rfind('@');
  if (at == std::string::npos || pseudo_at == std::string::npos) return;
  const std::pair<Category, std::pair<std::string, std::string>> parts[] = {
      {Category::user, {entry.original.substr(0, at), entry.pseudonym.substr(0, pseudo_at)}},
      {Category::domain, {entry.original.substr(at + 1), entry.pseudonym.substr(pseudo_at + 1)}}};
  for (const auto& [category, texts] : parts) {
    const std::optional<std::uint64_t> number = name_number(category, texts.second);
    if (!number) continue;
    const std::string space(category_name(category));
    m_tables.units.try_emplace(space + '\t' + ascii_lower(texts.first), *number);
    raise_counter(space, *number);
  }
}

}  // namespace vmsupport
