// The pseudonym map: the same original always gets the same pseudonym, within
// a bundle and across bundles of one site (the map is kept by the customer,
// mode 0600, never inside the bundle). Pseudonyms are readable and typed:
// host-0001, vm-0001, user-0001, word-0001, domain-01.invalid; IPv4 keeps the
// host part and maps each /24 to its own pseudo /24 in 240.0.0.0/4 (reserved,
// never a real address), keeping special addresses (loopback, unspecified,
// broadcast, netmasks, link-local, multicast, and 240.0.0.0/4 itself, where
// pseudonyms live) as they are; an IPv4 address written with dashes, as in the
// host name dhcp-192-168-0-66, is the same address and keeps its dashes
// (240-0-1-66); IPv6 maps each /64 prefix to one in 3fff::/20 (documentation,
// RFC 9637) and keeps ::, ::1, multicast, 3fff::/20 itself (like 240.0.0.0/4)
// and the fe80:: prefix (its interface id, often made from a MAC, is mapped);
// MAC keeps the vendor prefix (OUI) and the notation, letter case and
// separators; e-mail becomes user-NNNN@<domain pseudonym>.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scrub/category.h"
#include "util/result.h"
#include "util/string_index.h"

namespace vmsupport {

class PseudonymMap {
 public:
  PseudonymMap() = default;
  PseudonymMap(const PseudonymMap& other);
  PseudonymMap& operator=(const PseudonymMap& other);
  // Moves, without a copy of the tables (a map of 10,000 names holds 9 MB).
  PseudonymMap(PseudonymMap&& other) noexcept;
  PseudonymMap& operator=(PseudonymMap&& other) noexcept;

  // Reads a map file written by save(). A missing file is an empty map; a
  // corrupt one fails with a message naming the file.
  static Result<PseudonymMap> load(const std::string& path);
  // Writes the map atomically (temporary file + rename), mode 0600.
  Result<void> save(const std::string& path) const;

  // The pseudonym of `original`, made when new. Names (host, domain, vm, user,
  // word, email) are looked up case-insensitively (ASCII); addresses by their
  // canonical form, so 00:50:56:AA:BB:CC and 00-50-56-aa-bb-cc share one
  // mapping, as do 192.168.0.66 and 192-168-0-66 (each keeps its own
  // notation). A special address that is kept, and a pseudonym this map gave,
  // return `original` unchanged. Thread-safe.
  std::string pseudonym(Category category, std::string_view original);

  // The original behind a pseudonym (any case or notation), for unscrub, as
  // first seen; except that an IPv4 original comes back with the separator
  // the pseudonym is written with (240-0-1-66 gives 192-168-0-66 even when
  // 192.168.0.66 came first: dots would split a host name's label). nullopt
  // if unknown.
  std::optional<std::string> original(std::string_view pseudonym) const;

  // Every (category, original, pseudonym) entry, for verify and the report.
  struct Entry {
    Category category;
    std::string original;
    std::string pseudonym;
  };
  std::vector<Entry> entries() const;
  // Calls visit(entry) for each entry, in the order first seen, without
  // copying them (verify and unscrub build their matchers from a map of tens
  // of thousands of entries). `visit` must not call the map.
  template <class Visit>
  void for_each_entry(Visit&& visit) const {
    const std::lock_guard lock(m_mutex);
    visit_entries(visit);
  }
  bool empty() const {
    const std::lock_guard lock(m_mutex);
    return m_tables.records.empty();
  }

 private:
  // Everything the map knows, copied as one value. A map of a run of 100,000
  // files holds tens of thousands of addresses: each entry is one record
  // (its strings mostly short enough to need no allocation of their own),
  // found through two 8-byte-a-slot indexes; std::maps of strings held each
  // string again per table, 330 bytes an address where this holds about 170.
  struct Record {
    Entry entry;            // as first seen and rendered
    std::string key;        // the original's canonical form; "" when it is entry.original
    std::string canonical;  // the pseudonym's canonical form; "" when it is entry.pseudonym
    const std::string& key_text() const { return key.empty() ? entry.original : key; }
    const std::string& canonical_text() const { return canonical.empty() ? entry.pseudonym : canonical; }
  };
  struct Tables {
    std::deque<Record> records;                     // in the order first seen
    StringIndex forward;                            // category + key -> record
    StringIndex backward;                           // canonical pseudonym -> record, first seen
    std::map<std::string, std::uint64_t> units;     // address part -> its number in its space
    std::map<std::string, std::uint64_t> counters;  // space -> last number given
  };
  // for_each_entry() without the lock (save() holds it for the counters too).
  template <class Visit>
  void visit_entries(Visit&& visit) const {
    for (const Record& record : m_tables.records) visit(record.entry);
  }
  const Record* find_forward(Category category, std::string_view key) const;
  const Record* find_backward(std::string_view canonical) const;

  // The helpers below expect m_mutex held (or the map not yet shared).
  std::string make(Category category, std::string_view original);
  std::string make_name(Category category, std::string_view original);
  std::string make_email(std::string_view original);
  std::string email_part(Category category, std::string_view part);
  void restore_email_parts(const Entry& entry);
  std::string make_ipv4(std::string_view original);
  std::uint32_t pseudo_ipv4(std::uint32_t address, char separator, std::string_view original);
  std::string make_ipv6(std::string_view original);
  std::string make_mac(std::string_view original);
  std::uint64_t hidden_interface_id(std::uint64_t interface_id);
  const std::string* known(Category category, const std::string& key) const;
  std::uint64_t unit_number(const std::string& unit, const std::string& space);
  void raise_counter(const std::string& space, std::uint64_t number);
  void remember(Category category, std::string_view original, const std::string& key,
                const std::string& pseudonym);
  Result<void> restore(const Entry& entry);

  mutable std::mutex m_mutex;
  Tables m_tables;
};

}  // namespace vmsupport
