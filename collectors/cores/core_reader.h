// CoreReader: the core parser's one way to get bytes. It reads through a
// 64 KiB window (many small header reads cost one source read), charges what
// the source produces against a byte budget, and says why a read came up
// short: the budget, the end of the data, or an error. With it, the helpers
// every part of the parser uses: integers from bytes, and problem sentences.
// Internal to collectors/cores.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cores/core_source.h"
#include "util/result.h"

namespace vmsupport {

enum class CoreRead { ok, truncated, over_budget, failed };

class CoreReader {
 public:
  // Reads from `source` (which must outlive the reader), obtaining at most
  // `budget` bytes from it: bytes read for a seekable source, bytes produced
  // up to the furthest offset reached for a sequential one.
  CoreReader(CoreByteSource& source, std::uint64_t budget);

  // Puts the `size` bytes at `offset` in `out`. ok: all of them; truncated: the
  // data ends first (out holds what there was, data_end() where it ends);
  // over_budget: reading them would pass the budget (nothing read); failed:
  // the source failed (error()).
  CoreRead read(std::uint64_t offset, std::size_t size, std::string& out);

  // Whether the bytes up to `end` could still be obtained within the budget.
  bool affordable(std::uint64_t offset, std::uint64_t size) const;

  std::uint64_t budget() const { return m_budget; }
  std::uint64_t spent() const { return m_spent; }
  // Where the data ends, once a read has run into its end or the source knows.
  std::optional<std::uint64_t> data_end() const { return m_data_end; }
  bool sequential() const { return m_source.sequential(); }
  const std::string& error() const { return m_error; }

 private:
  std::uint64_t cost(std::uint64_t offset, std::uint64_t size) const;
  CoreRead fetch(std::uint64_t offset, std::size_t size, std::string& into);

  CoreByteSource& m_source;
  std::uint64_t m_budget;
  std::uint64_t m_spent = 0;
  std::uint64_t m_furthest = 0;  // end of the furthest byte obtained (sequential sources)
  std::optional<std::uint64_t> m_data_end;
  std::string m_window;  // bytes [m_window_start, m_window_start + size)
  std::uint64_t m_window_start = 0;
  std::string m_error;
};

// The unsigned integer of `width` (1 to 8) bytes at `offset` of `bytes`, which
// the caller has checked holds them.
std::uint64_t core_load(std::string_view bytes, std::size_t offset, std::size_t width,
                        bool big_endian = false);

// A problem sentence made like fail()'s message: numbers printed as numbers.
template <typename... Parts>
std::string core_text(const Parts&... parts) {
  return fail(parts...).error().message;
}

// The sentence for a read that did not return everything: `what` names the
// bytes ("the notes"), [offset, end) where they lie.
std::string core_read_problem(const CoreReader& reader, CoreRead status, std::string_view what,
                              std::uint64_t offset, std::uint64_t end);

}  // namespace vmsupport
