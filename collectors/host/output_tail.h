// OutputTail: keeps the newest `max_bytes` of a command's output in a ring that
// never grows past that, and counts every byte appended, kept or not.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace vmsupport::detail {

// Contract: after any sequence of append() calls, take() returns the last
// min(max_bytes, total()) bytes appended, oldest first. Memory is bounded by
// max_bytes (allocation grows with what is kept, not with what is appended).
// A max_bytes of zero keeps nothing but still counts.
class OutputTail {
 public:
  explicit OutputTail(std::uint64_t max_bytes) : m_limit(max_bytes) {}

  void append(std::string_view bytes);

  // Every byte appended so far, including those dropped.
  std::uint64_t total() const { return m_total; }

  // The kept bytes, oldest first. Moves them out: call once, at the end.
  std::string take();

 private:
  void fill(std::string_view& bytes);
  void overwrite(std::string_view bytes);

  std::size_t m_limit;
  std::string m_ring;
  std::size_t m_head = 0;  // oldest byte once the ring is full
  std::uint64_t m_total = 0;
};

}  // namespace vmsupport::detail
