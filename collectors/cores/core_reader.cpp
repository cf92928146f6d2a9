// CoreReader: windowed, budgeted reads for the core parser (see core_reader.h).
// A read outside the window refills it from the read's offset with up to
// 64 KiB, never more than the budget still allows, and falls back to the bytes
// asked for when reading the extra ones fails.
#include "cores/core_reader.h"

#include <algorithm>
#include <limits>

namespace vmsupport {
namespace {

constexpr std::size_t k_window = 64 * 1024;

std::uint64_t saturating_end(std::uint64_t offset, std::uint64_t size) {
  const std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
  return offset > max - size ? max : offset + size;
}

}  // namespace

CoreReader::CoreReader(CoreByteSource& source, std::uint64_t budget)
    : m_source(source), m_budget(budget), m_data_end(source.size()) {}

std::uint64_t CoreReader::cost(std::uint64_t offset, std::uint64_t size) const {
  if (!m_source.sequential()) return size;
  const std::uint64_t end = saturating_end(offset, size);
  return end > m_furthest ? end - m_furthest : 0;
}

bool CoreReader::affordable(std::uint64_t offset, std::uint64_t size) const {
  return cost(offset, size) <= m_budget - m_spent;
}

CoreRead CoreReader::read(std::uint64_t offset, std::size_t size, std::string& out) {
  out.clear();
  if (size == 0) return CoreRead::ok;
  if (m_data_end && offset >= *m_data_end) return CoreRead::truncated;
  if (offset >= m_window_start && offset - m_window_start <= m_window.size() &&
      size <= m_window.size() - (offset - m_window_start)) {
    out.assign(m_window, static_cast<std::size_t>(offset - m_window_start), size);
    return CoreRead::ok;
  }
  return fetch(offset, size, out);
}

// Refills the window at `offset` with at least `size` bytes (unless the data ends).
CoreRead CoreReader::fetch(std::uint64_t offset, std::size_t size, std::string& into) {
  const std::uint64_t needed = cost(offset, size);
  if (needed > m_budget - m_spent) return CoreRead::over_budget;
  std::uint64_t want = size;
  if (size < k_window)
    want += std::min<std::uint64_t>(k_window - size, m_budget - m_spent - needed);
  if (m_data_end) want = std::min(want, *m_data_end - offset);
  m_window.clear();
  m_window.resize(static_cast<std::size_t>(want));
  auto got = m_source.read_at(offset, m_window);
  if (!got && want > size) {
    // The failure may lie in the extra bytes only (a compressed core that is
    // cut short or corrupt further on): ask again for just what is needed.
    want = size;
    m_window.resize(size);
    got = m_source.read_at(offset, m_window);
  }
  if (!got) {
    m_window.clear();
    m_error = got.error().message;
    return CoreRead::failed;
  }
  m_window.resize(*got);
  m_window_start = offset;
  m_spent += std::min(cost(offset, *got), m_budget - m_spent);
  m_furthest = std::max(m_furthest, offset + *got);
  if (*got < want) m_data_end = std::min(m_data_end.value_or(offset + *got), offset + *got);
  into.assign(m_window, 0, std::min<std::size_t>(size, *got));
  return *got >= size ? CoreRead::ok : CoreRead::truncated;
}

std::uint64_t core_load(std::string_view bytes, std::size_t offset, std::size_t width,
                        bool big_endian) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const std::size_t index = big_endian ? offset + i : offset + width - 1 - i;
    value = (value << 8) | static_cast<unsigned char>(bytes[index]);
  }
  return value;
}

std::string core_read_problem(const CoreReader& reader, CoreRead status, std::string_view what,
                              std::uint64_t offset, std::uint64_t end) {
  const std::string subject(what);
  switch (status) {
    case CoreRead::truncated:
      return core_text("truncated: ", subject, " (bytes ", offset, " to ", end,
                       ") cut short at byte ", reader.data_end().value_or(offset));
    case CoreRead::over_budget:
      return core_text(
          subject, " at byte ", offset, " lie beyond the read limit of ", reader.budget(), " bytes",
          reader.sequential() ? " (a compressed core is decompressed from its start)" : "");
    case CoreRead::failed:
      return core_text("cannot read ", subject, " at byte ", offset, ": ", reader.error());
    case CoreRead::ok:
      break;
  }
  return {};
}

}  // namespace vmsupport
