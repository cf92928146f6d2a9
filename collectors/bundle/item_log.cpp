// ItemLog (see item_log.h). A record is encoded as its length (8 bytes) and
// its fields: integers as 8 little-endian bytes, strings as a length and
// their bytes. The file is this process's own, unnamed, read once or twice.
#include "bundle/item_log.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>
#include <utility>

namespace vmsupport {
namespace {

constexpr std::size_t k_read_size = 64 << 10;

void put(std::string& out, std::uint64_t value) {
  char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((value >> (8 * i)) & 0xff);
  out.append(bytes, 8);
}

void put(std::string& out, const std::string& text) {
  put(out, text.size());
  out += text;
}

void encode(std::string& out, const ItemRecord& r) {
  const std::size_t start = out.size();
  put(out, 0);  // the length, set below
  put(out, r.collector);
  put(out, r.source);
  put(out, r.path);
  put(out, r.link_target);
  put(out, static_cast<std::uint64_t>(r.status));
  put(out, r.reason);
  put(out, r.size);
  put(out, r.original_size);
  put(out, r.sha256);
  put(out, (r.truncated ? 1u : 0u) | (r.scrubbed ? 2u : 0u) | (r.packed_as_is ? 4u : 0u) |
               (r.permission_denied ? 8u : 0u) | (r.exit_code ? 16u : 0u));
  put(out, static_cast<std::uint64_t>(r.mtime.time_since_epoch().count()));
  put(out, static_cast<std::uint64_t>(r.duration.count()));
  put(out, static_cast<std::uint64_t>(static_cast<std::int64_t>(r.exit_code.value_or(0))));
  put(out, r.mode);
  put(out, r.replaced.size());
  for (const auto& [category, count] : r.replaced) {
    put(out, category);
    put(out, count);
  }
  const std::uint64_t length = out.size() - start - 8;
  for (int i = 0; i < 8; ++i) out[start + i] = static_cast<char>((length >> (8 * i)) & 0xff);
}

// Reads the fields back from one record's bytes; false when they run short.
class Decoder {
 public:
  explicit Decoder(std::string_view bytes) : m_bytes(bytes) {}
  bool number(std::uint64_t& value) {
    if (m_bytes.size() < 8) return false;
    value = 0;
    for (int i = 0; i < 8; ++i) value |= static_cast<std::uint64_t>(static_cast<unsigned char>(m_bytes[i])) << (8 * i);
    m_bytes.remove_prefix(8);
    return true;
  }
  bool text(std::string& value) {
    std::uint64_t length = 0;
    if (!number(length) || m_bytes.size() < length) return false;
    value.assign(m_bytes.substr(0, length));
    m_bytes.remove_prefix(length);
    return true;
  }

 private:
  std::string_view m_bytes;
};

bool decode(std::string_view bytes, ItemRecord& r) {
  Decoder in(bytes);
  std::uint64_t collector = 0, status = 0, flags = 0, mtime = 0, duration = 0, exit_code = 0, categories = 0;
  r = ItemRecord{};
  if (!in.number(collector) || !in.text(r.source) || !in.text(r.path) || !in.text(r.link_target) ||
      !in.number(status) || !in.text(r.reason) || !in.number(r.size) || !in.number(r.original_size) ||
      !in.text(r.sha256) || !in.number(flags) || !in.number(mtime) || !in.number(duration) ||
      !in.number(exit_code) || !in.text(r.mode) || !in.number(categories)) {
    return false;
  }
  for (std::uint64_t i = 0; i < categories; ++i) {
    std::string category;
    std::uint64_t count = 0;
    if (!in.text(category) || !in.number(count)) return false;
    r.replaced[category] = count;
  }
  r.collector = static_cast<std::size_t>(collector);
  r.status = static_cast<Status>(status);
  r.truncated = flags & 1u;
  r.scrubbed = flags & 2u;
  r.packed_as_is = flags & 4u;
  r.permission_denied = flags & 8u;
  if (flags & 16u) r.exit_code = static_cast<int>(static_cast<std::int64_t>(exit_code));
  r.mtime = Clock::time_point(Clock::duration(static_cast<Clock::rep>(mtime)));
  r.duration = std::chrono::milliseconds(static_cast<std::int64_t>(duration));
  return true;
}

}  // namespace

ItemLog::ItemLog(std::string spool_directory, std::size_t in_memory)
    : m_directory(std::move(spool_directory)), m_in_memory(std::max<std::size_t>(in_memory, 1)) {}
ItemLog::ItemLog(ItemLog&&) noexcept = default;
ItemLog& ItemLog::operator=(ItemLog&&) noexcept = default;
ItemLog::~ItemLog() = default;

void ItemLog::push_back(ItemRecord record) {
  m_bytes += record.size;
  if (record.permission_denied) ++m_permission_denied;
  m_memory.push_back(std::move(record));
  if (m_memory.size() >= m_in_memory && !m_spill_failed) spill();
}

void ItemLog::clear() {
  m_memory.clear();
  m_spool.reset();
  m_spool_bytes = 0;
  m_spilled = 0;
  m_spill_failed = false;
  m_bytes = 0;
  m_permission_denied = 0;
}

void ItemLog::spill() {
  if (!m_spool) {
    auto spool = Spool::create(m_directory);
    if (!spool) {
      spdlog::warn("item records stay in memory: {}", spool.error().message);
      m_spill_failed = true;
      return;
    }
    m_spool.emplace(std::move(*spool));
  }
  std::string bytes;
  for (const ItemRecord& record : m_memory) encode(bytes, record);
  if (auto ok = m_spool->write(bytes); !ok) {
    // What was written of this batch is ignored (m_spool_bytes): the batch stays in memory.
    spdlog::warn("item records stay in memory: {}", ok.error().message);
    m_spill_failed = true;
    return;
  }
  m_spool_bytes += bytes.size();
  m_spilled += m_memory.size();
  m_memory.clear();
}

ItemLog::const_iterator::const_iterator(const ItemLog* log, std::size_t index) : m_log(log), m_index(index) {
  if (m_index < m_log->size()) load();
}

ItemLog::const_iterator& ItemLog::const_iterator::operator++() {
  ++m_index;
  if (m_index < m_log->size()) load();
  return *this;
}

void ItemLog::const_iterator::load() {
  if (m_index >= m_log->m_spilled) {
    m_current = m_log->m_memory[m_index - m_log->m_spilled];
    return;
  }
  // From the file: refill the buffer until it holds the next whole record.
  const FileRange range{m_log->m_spool->range().fd, 0, m_log->m_spool_bytes};
  auto fill = [&](std::size_t want) -> bool {
    if (m_buffer.size() - m_used >= want) return true;
    m_buffer.erase(0, m_used);  // once per read of the file, not per record
    m_used = 0;
    while (m_buffer.size() < want) {
      const std::size_t have = m_buffer.size();
      const std::size_t more = std::max(want - have, k_read_size);
      Result<std::size_t> got = 0;
      m_buffer.resize_and_overwrite(have + more, [&](char* data, std::size_t) {
        got = read_at(range, m_offset, data + have, more);
        return have + (got ? *got : 0);
      });
      if (!got || *got == 0) {
        spdlog::error("item record {} cannot be read back from its temporary file: {}", m_index,
                      got ? "it ends early" : got.error().message);
        return false;
      }
      m_offset += *got;
    }
    return true;
  };
  std::uint64_t length = 0;
  if (fill(8)) {
    Decoder(std::string_view(m_buffer).substr(m_used, 8)).number(length);
    if (fill(8 + length) && decode(std::string_view(m_buffer).substr(m_used + 8, length), m_current)) {
      m_used += 8 + length;
      return;
    }
  }
  // Not lost silently: the record says what happened (and the run log has the error).
  m_current = ItemRecord{};
  m_current.collector = SIZE_MAX;
  m_current.status = Status::failed;
  m_current.reason = "vmsupport could not read this item's record back from its temporary file";
  m_buffer.clear();
  m_used = 0;
}

}  // namespace vmsupport
