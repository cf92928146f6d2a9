// ItemLog: the records of a run's items, in bundle order. A run of 100,000
// small files would hold about 100 MiB of records until manifest.json is
// written; past the first few hundred, records are encoded into an unnamed
// temporary file (a Spool) and read back, in order, by whoever walks the log.
// When the temporary file cannot be written (a full disk), the records stay
// in memory: a run never loses one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host/spool.h"
#include "kinds/item.h"
#include "scrub/scrubber.h"

namespace vmsupport {

// One item of the run as recorded: a member of the bundle or a skip/failure.
struct ItemRecord {
  std::size_t collector = 0;
  std::string source;
  std::string path;          // member path relative to the top directory; "" if none
  std::string link_target;
  Status status = Status::ok;
  std::string reason;
  std::uint64_t size = 0;    // bytes in the bundle
  std::uint64_t original_size = 0;
  std::string sha256;
  bool truncated = false;
  bool scrubbed = false;
  bool packed_as_is = false;  // a binary packed unscrubbed on purpose (a crash core, --include-cores)
  bool permission_denied = false;  // failed for lack of permission
  Clock::time_point mtime{};
  std::chrono::milliseconds duration{0};
  std::optional<int> exit_code;
  std::string mode;
  ScrubCounts replaced;      // replacements in the member's content, per category
};

class ItemLog {
 public:
  // Records past the first `in_memory` go to a temporary file in
  // `spool_directory` ("" = $TMPDIR).
  explicit ItemLog(std::string spool_directory = {}, std::size_t in_memory = 512);
  ItemLog(ItemLog&&) noexcept;
  ItemLog& operator=(ItemLog&&) noexcept;
  ~ItemLog();

  void push_back(ItemRecord record);
  void clear();
  std::size_t size() const { return m_spilled + m_memory.size(); }
  bool empty() const { return size() == 0; }
  // Records kept in the temporary file (for tests and the run log).
  std::size_t spilled() const { return m_spilled; }
  // Totals kept as records arrive, so that reading them does not walk (and
  // decode) the whole log: bytes in the bundle, and records that failed for
  // lack of permission.
  std::uint64_t bytes() const { return m_bytes; }
  std::size_t permission_denied() const { return m_permission_denied; }

  // Reads the log from the start; each record is decoded as it is reached.
  class const_iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = ItemRecord;
    using difference_type = std::ptrdiff_t;
    using pointer = const ItemRecord*;
    using reference = const ItemRecord&;

    const ItemRecord& operator*() const { return m_current; }
    const ItemRecord* operator->() const { return &m_current; }
    const_iterator& operator++();
    bool operator==(const const_iterator& other) const { return m_index == other.m_index; }

   private:
    friend class ItemLog;
    const_iterator(const ItemLog* log, std::size_t index);
    void load();
    const ItemLog* m_log = nullptr;
    std::size_t m_index = 0;
    std::uint64_t m_offset = 0;  // of the next undecoded byte in the temporary file
    std::string m_buffer;        // bytes read from the file
    std::size_t m_used = 0;      // of them, decoded already
    ItemRecord m_current;
  };
  const_iterator begin() const { return const_iterator(this, 0); }
  const_iterator end() const { return const_iterator(this, size()); }

 private:
  void spill();
  std::string m_directory;
  std::size_t m_in_memory;
  std::optional<Spool> m_spool;
  std::uint64_t m_spool_bytes = 0;  // of whole records: a failed write leaves no half record behind
  std::size_t m_spilled = 0;
  bool m_spill_failed = false;
  std::uint64_t m_bytes = 0;
  std::size_t m_permission_denied = 0;
  std::vector<ItemRecord> m_memory;  // the records after the spilled ones
};

}  // namespace vmsupport
