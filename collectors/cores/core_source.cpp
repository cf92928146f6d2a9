// The three CoreByteSources: bytes in memory, a file read with pread(2), and a
// decompressing stream. The stream keeps the first 64 KiB it produced plus
// what it produced since the start of the latest read, so reading forward (the
// only way the core reader goes, apart from small steps back) costs one decode
// of each byte and memory bounded by the largest single read.
#include "cores/core_source.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "cores/core_decoders.h"

namespace vmsupport {
namespace {

constexpr std::size_t k_stream_head = 64 * 1024;
constexpr std::size_t k_stream_chunk = 64 * 1024;

// How many bytes of a read of `wanted` bytes at `offset` lie within `size` bytes.
std::size_t available(std::uint64_t offset, std::size_t wanted, std::uint64_t size) {
  if (offset >= size) return 0;
  return static_cast<std::size_t>(std::min<std::uint64_t>(wanted, size - offset));
}

class MemorySource final : public CoreByteSource {
 public:
  explicit MemorySource(std::string_view bytes) : m_bytes(bytes) {}

  Result<std::size_t> read_at(std::uint64_t offset, std::span<char> out) override {
    const std::size_t count = available(offset, out.size(), m_bytes.size());
    if (count > 0) std::memcpy(out.data(), m_bytes.data() + offset, count);
    return count;
  }
  std::optional<std::uint64_t> size() const override { return m_bytes.size(); }
  bool sequential() const override { return false; }

 private:
  std::string_view m_bytes;
};

class FdSource final : public CoreByteSource {
 public:
  FdSource(int fd, std::uint64_t size) : m_fd(fd), m_size(size) {}

  Result<std::size_t> read_at(std::uint64_t offset, std::span<char> out) override {
    std::size_t done = 0;
    while (done < out.size()) {
      const std::uint64_t at = offset + done;
      if (at > static_cast<std::uint64_t>(std::numeric_limits<off_t>::max())) break;
      const ssize_t got =
          ::pread(m_fd, out.data() + done, out.size() - done, static_cast<off_t>(at));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) return fail_errno(errno, "cannot read at byte ", at, ": ", errno_text(errno));
      if (got == 0) break;
      done += static_cast<std::size_t>(got);
    }
    return done;
  }
  std::optional<std::uint64_t> size() const override { return m_size; }
  bool sequential() const override { return false; }

 private:
  int m_fd;
  std::uint64_t m_size;
};

class StreamSource final : public CoreByteSource {
 public:
  StreamSource(std::unique_ptr<CoreByteSource> compressed, std::unique_ptr<CoreDecoder> decoder)
      : m_compressed(std::move(compressed)), m_decoder(std::move(decoder)) {}

  Result<std::size_t> read_at(std::uint64_t offset, std::span<char> out) override {
    std::size_t copied = 0;
    while (copied < out.size()) {
      const std::uint64_t at = offset + copied;
      const std::span<char> rest = out.subspan(copied);
      if (at < m_head.size()) {
        copied += copy_from(m_head, 0, at, rest);
      } else if (at < m_kept_start) {
        return fail("cannot go back to byte ", at, " of the decompressed stream, now past byte ",
                    m_kept_start);
      } else if (at < m_kept_start + m_kept.size()) {
        copied += copy_from(m_kept, m_kept_start, at, rest);
      } else if (m_at_end) {
        break;
      } else if (auto more = produce(offset); !more) {
        return std::unexpected(more.error());
      }
    }
    return copied;
  }
  std::optional<std::uint64_t> size() const override { return std::nullopt; }
  bool sequential() const override { return true; }

 private:
  static std::size_t copy_from(const std::string& kept, std::uint64_t kept_start, std::uint64_t at,
                               std::span<char> out) {
    const std::size_t from = static_cast<std::size_t>(at - kept_start);
    const std::size_t count = std::min(out.size(), kept.size() - from);
    std::memcpy(out.data(), kept.data() + from, count);
    return count;
  }

  // Forgets what lies before `keep_from`, decodes the next chunk.
  Result<std::monostate> produce(std::uint64_t keep_from) {
    if (m_failure) return std::unexpected(*m_failure);
    if (keep_from > m_kept_start) {
      const auto drop = static_cast<std::size_t>(
          std::min<std::uint64_t>(keep_from - m_kept_start, m_kept.size()));
      m_kept.erase(0, drop);
      m_kept_start += drop;
    }
    const std::size_t old_size = m_kept.size();
    m_kept.resize(old_size + k_stream_chunk);
    auto got = m_decoder->decode(std::span<char>(m_kept.data() + old_size, k_stream_chunk));
    m_kept.resize(old_size + (got ? *got : 0));
    if (!got) {
      m_failure = got.error();
      return std::unexpected(got.error());
    }
    if (*got == 0) m_at_end = true;
    remember_head(old_size);
    return std::monostate{};
  }

  // Copies into the head what the latest chunk (from m_kept[from]) adds to it.
  void remember_head(std::size_t from) {
    const std::uint64_t chunk_start = m_kept_start + from;
    if (chunk_start != m_head.size() || m_head.size() >= k_stream_head) return;
    const std::size_t count = std::min(k_stream_head - m_head.size(), m_kept.size() - from);
    m_head.append(m_kept, from, count);
  }

  std::unique_ptr<CoreByteSource> m_compressed;
  std::unique_ptr<CoreDecoder> m_decoder;
  std::string m_head;  // the first k_stream_head bytes produced
  std::string m_kept;  // bytes [m_kept_start, m_kept_start + size) of the stream
  std::uint64_t m_kept_start = 0;
  bool m_at_end = false;
  std::optional<Error> m_failure;  // a decoder failure, repeated to every later read
};

}  // namespace

std::unique_ptr<CoreByteSource> make_memory_source(std::string_view bytes) {
  return std::make_unique<MemorySource>(bytes);
}

std::unique_ptr<CoreByteSource> make_fd_source(int fd, std::uint64_t size) {
  return std::make_unique<FdSource>(fd, size);
}

Result<std::unique_ptr<CoreByteSource>> make_decompressing_source(
    CoreCompression compression, std::unique_ptr<CoreByteSource> compressed) {
  if (compression == CoreCompression::none) return compressed;
  auto decoder = make_core_decoder(compression, *compressed);
  if (!decoder) return std::unexpected(decoder.error());
  return std::make_unique<StreamSource>(std::move(compressed), std::move(*decoder));
}

}  // namespace vmsupport
