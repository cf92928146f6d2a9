// FileRange reads, spool files and bodies that move to a spool (see spool.h).
#include "host/spool.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstdlib>
#include <memory>
#include <vector>

namespace vmsupport {
namespace {

std::string spool_directory(const std::string& directory) {
  if (!directory.empty()) return directory;
  const char* tmp = std::getenv("TMPDIR");
  return tmp && *tmp ? tmp : "/tmp";
}

// O_TMPFILE where the file system has it; else a named file unlinked at once.
int open_unnamed(const std::string& directory) {
  const int fd = ::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)) return fd;
  std::string name = directory + "/.vmsupport-spool-XXXXXX";
  const int named = mkostemp(name.data(), O_CLOEXEC);
  if (named >= 0) unlink(name.c_str());
  return named;
}

}  // namespace

std::string spool_directory_beside(const std::string& bundle_path) {
  if (bundle_path == "-") return "";
  const std::size_t slash = bundle_path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : bundle_path.substr(0, slash);
}

Result<std::size_t> read_at(const FileRange& range, std::uint64_t at, char* buffer, std::size_t size) {
  if (at >= range.length) return 0;
  const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(size, range.length - at));
  std::size_t done = 0;
  while (done < want) {
    const ssize_t n = pread(range.fd->get(), buffer + done, want - done,
                            static_cast<off_t>(range.offset + at + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_errno(errno, "read error: ", errno_text(errno));
    if (n == 0) break;  // the file shrank
    done += static_cast<std::size_t>(n);
  }
  return done;
}

namespace {

// for_each_chunk()'s buffer, not zeroed (read() fills what is used): one per
// thread, kept from call to call, since a fresh MiB per call cost page faults
// for every member read; a call nested in another's sink gets one of its own.
class ChunkBuffer {
 public:
  explicit ChunkBuffer(std::size_t size) {
    if (t_in_use || size > k_chunk_size) {
      m_own.reset(new char[size]);
      m_data = m_own.get();
      return;
    }
    if (!t_kept) t_kept.reset(new char[k_chunk_size]);
    t_in_use = true;
    m_data = t_kept.get();
  }
  ~ChunkBuffer() {
    if (!m_own) t_in_use = false;
  }
  ChunkBuffer(const ChunkBuffer&) = delete;
  ChunkBuffer& operator=(const ChunkBuffer&) = delete;
  char* data() const { return m_data; }

 private:
  static thread_local std::unique_ptr<char[]> t_kept;
  static thread_local bool t_in_use;
  std::unique_ptr<char[]> m_own;
  char* m_data = nullptr;
};

thread_local std::unique_ptr<char[]> ChunkBuffer::t_kept;
thread_local bool ChunkBuffer::t_in_use = false;

}  // namespace

Result<std::uint64_t> for_each_chunk(const FileRange& range, std::size_t chunk,
                                     const std::function<Result<void>(std::string_view)>& sink) {
  const ChunkBuffer buffer(chunk);
  std::uint64_t at = 0;
  while (at < range.length) {
    auto n = read_at(range, at, buffer.data(), chunk);
    if (!n) return std::unexpected(n.error());
    if (*n == 0) break;
    if (auto ok = sink(std::string_view(buffer.data(), *n)); !ok) return std::unexpected(ok.error());
    at += *n;
  }
  return at;
}

Result<Spool> Spool::create(const std::string& directory) {
  const std::string where = spool_directory(directory);
  const int fd = open_unnamed(where);
  if (fd < 0) {
    return fail_errno(errno, "cannot create a temporary file in ", where, ": ", errno_text(errno));
  }
  return Spool(std::make_shared<detail::UniqueFd>(fd), where);
}

Result<void> Spool::write(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(m_fd->get(), bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int code = errno;
      const char* what = code == ENOSPC || code == EDQUOT ? "disk full writing a temporary file in "
                         : code == EFBIG                  ? "file size limit reached writing a temporary file in "
                                                          : "cannot write a temporary file in ";
      return fail_errno(code, what, m_directory, ": ", errno_text(code));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
    m_size += static_cast<std::uint64_t>(n);
  }
  return {};
}

Result<void> Body::append(std::string_view bytes) {
  if (!m_spool && m_memory.size() + bytes.size() <= m_limit) {
    m_memory.append(bytes);
    return {};
  }
  if (!m_spool) {
    auto spool = Spool::create(m_directory);
    if (!spool) return std::unexpected(spool.error());
    m_spool = std::move(*spool);
    if (auto ok = m_spool->write(m_memory); !ok) return ok;
    m_memory = std::string();
  }
  return m_spool->write(bytes);
}

void Body::drop_front(std::uint64_t count) {
  count = std::min(count, size());
  if (m_spool) m_skip += count;
  else m_memory.erase(0, static_cast<std::size_t>(count));
}

FileRange Body::range() const {
  if (!m_spool) return FileRange{};
  FileRange all = m_spool->range();
  return FileRange{all.fd, all.offset + m_skip, all.length - m_skip};
}

}  // namespace vmsupport
