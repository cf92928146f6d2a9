// StringIndex: finds the element of a container that holds a given string
// (a task by its member path, a pseudonym map's record by its key) without a
// second copy of the string. A set of the strings themselves costs about 100
// bytes a string, as much as the element; this open-addressing table holds 8
// bytes a slot (a 32-bit hash and the element's number) and asks the caller
// whether an element with the same hash is the one, so it is exact.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace vmsupport {

class StringIndex {
 public:
  // The hash to insert and find `key` by; `seed` tells keys of different
  // kinds apart (a category).
  static std::uint32_t hash_of(std::string_view key, std::uint32_t seed = 0) {
    const std::size_t full = std::hash<std::string_view>{}(key) ^ (std::size_t{seed} * 0x9e3779b97f4a7c15ull);
    return static_cast<std::uint32_t>(full ^ (full >> 32));
  }

  // Element `number` is found by `hash` from now on; where several elements
  // share a key, find() gives the first inserted.
  void insert(std::uint32_t hash, std::size_t number) {
    if ((m_count + 1) * 2 > m_slots.size()) grow();
    place(Slot{hash, static_cast<std::uint32_t>(number + 1)});
    ++m_count;
  }

  // The first element inserted with `hash` for which is_it(number) holds.
  template <class IsIt>
  std::optional<std::size_t> find(std::uint32_t hash, const IsIt& is_it) const {
    if (m_slots.empty()) return std::nullopt;
    for (std::size_t at = hash & mask();; at = (at + 1) & mask()) {
      const Slot& slot = m_slots[at];
      if (slot.number == 0) return std::nullopt;
      if (slot.hash == hash && is_it(std::size_t{slot.number - 1})) return slot.number - 1;
    }
  }

  std::size_t size() const { return m_count; }

 private:
  struct Slot {
    std::uint32_t hash = 0;
    std::uint32_t number = 0;  // the element's number + 1; 0: empty
  };

  std::size_t mask() const { return m_slots.size() - 1; }

  // Linear probing keeps the order of insertion among equal hashes.
  void place(Slot slot) {
    std::size_t at = slot.hash & mask();
    while (m_slots[at].number != 0) at = (at + 1) & mask();
    m_slots[at] = slot;
  }

  void grow() {
    std::vector<Slot> old(m_slots.empty() ? 64 : m_slots.size() * 2);
    old.swap(m_slots);
    // Re-placed in table order, which for one hash chain is insertion order
    // only when the chain did not wrap; sort by number to keep "first
    // inserted wins" exact.
    std::vector<Slot> live;
    live.reserve(m_count);
    for (const Slot& slot : old) {
      if (slot.number != 0) live.push_back(slot);
    }
    std::sort(live.begin(), live.end(), [](const Slot& a, const Slot& b) { return a.number < b.number; });
    for (const Slot& slot : live) place(slot);
  }

  std::vector<Slot> m_slots;
  std::size_t m_count = 0;
};

}  // namespace vmsupport
