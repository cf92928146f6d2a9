// TaskIndex: finds the plan's task that holds a given string (its member path,
// or its source) without a second copy of the string. A set of the strings
// themselves cost about 100 bytes a path, as much as the task; this open-
// addressing table holds 8 bytes a slot (a 32-bit hash and the task's number)
// and compares the task's own string on a hash match, so it is exact.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace vmsupport {

class TaskIndex {
 public:
  // The task numbered `task` is found by `key` from now on; the caller makes
  // sure no earlier task has the same key (find() first).
  void insert(std::string_view key, std::size_t task) {
    if ((m_count + 1) * 2 > m_slots.size()) grow();
    place(Slot{hash(key), static_cast<std::uint32_t>(task + 1)});
    ++m_count;
  }

  // The task whose key_of(task) equals `key`, or nothing; key_of(std::size_t)
  // gives a task's key as a string_view.
  template <class KeyOf>
  std::optional<std::size_t> find(std::string_view key, const KeyOf& key_of) const {
    if (m_slots.empty()) return std::nullopt;
    const std::uint32_t wanted = hash(key);
    for (std::size_t at = wanted & mask();; at = (at + 1) & mask()) {
      const Slot& slot = m_slots[at];
      if (slot.task == 0) return std::nullopt;
      if (slot.hash == wanted && key_of(std::size_t{slot.task - 1}) == key) return slot.task - 1;
    }
  }

  std::size_t size() const { return m_count; }

 private:
  struct Slot {
    std::uint32_t hash = 0;
    std::uint32_t task = 0;  // the task's number + 1; 0: empty
  };

  static std::uint32_t hash(std::string_view key) {
    const std::size_t full = std::hash<std::string_view>{}(key);
    return static_cast<std::uint32_t>(full ^ (full >> 32));
  }
  std::size_t mask() const { return m_slots.size() - 1; }

  void place(Slot slot) {
    std::size_t at = slot.hash & mask();
    while (m_slots[at].task != 0) at = (at + 1) & mask();
    m_slots[at] = slot;
  }

  void grow() {
    std::vector<Slot> old(m_slots.empty() ? 64 : m_slots.size() * 2);
    old.swap(m_slots);
    for (const Slot& slot : old) {
      if (slot.task != 0) place(slot);
    }
  }

  std::vector<Slot> m_slots;
  std::size_t m_count = 0;
};

}  // namespace vmsupport
