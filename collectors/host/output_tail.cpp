// OutputTail: the ring behind the runner's output cap. Bytes are appended until
// the ring holds max_bytes, then overwrite the oldest ones in place; take()
// rotates the ring so the oldest kept byte comes first.
#include "host/output_tail.h"

#include <algorithm>
#include <utility>

namespace vmsupport::detail {

void OutputTail::append(std::string_view bytes) {
  m_total += bytes.size();
  if (m_limit == 0) return;
  if (bytes.size() >= m_limit) {
    m_ring.assign(bytes.substr(bytes.size() - m_limit));
    m_head = 0;
    return;
  }
  fill(bytes);
  overwrite(bytes);
}

std::string OutputTail::take() {
  std::rotate(m_ring.begin(), m_ring.begin() + static_cast<std::ptrdiff_t>(m_head),
              m_ring.end());
  m_head = 0;
  return std::move(m_ring);
}

// Appends while the ring is not yet full; consumes what it used.
void OutputTail::fill(std::string_view& bytes) {
  const std::size_t used = std::min(m_limit - m_ring.size(), bytes.size());
  if (used == 0) return;
  if (m_ring.capacity() < m_ring.size() + used)
    m_ring.reserve(std::min(m_limit, std::max(2 * m_ring.capacity(), m_ring.size() + used)));
  m_ring.append(bytes.substr(0, used));
  bytes.remove_prefix(used);
}

// The ring is full: the oldest bytes, at m_head, make way.
void OutputTail::overwrite(std::string_view bytes) {
  while (!bytes.empty()) {
    const std::size_t count = std::min(m_limit - m_head, bytes.size());
    std::copy_n(bytes.data(), count, m_ring.begin() + static_cast<std::ptrdiff_t>(m_head));
    m_head = (m_head + count) % m_limit;
    bytes.remove_prefix(count);
  }
}

}  // namespace vmsupport::detail
