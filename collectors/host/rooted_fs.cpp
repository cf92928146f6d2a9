// RootedFileSystem: the host's files under --root, with symlinks resolved by
// hand so that neither an absolute target nor ".." can leave the root, and
// reads that cannot block (O_NONBLOCK, regular files only, bounded by size).
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <utility>

#include "host/filesystem.h"
#include "manifest/glob.h"
#include "util/units.h"

namespace vmsupport {
namespace {

constexpr int k_max_symlink_hops = 40;
constexpr std::size_t k_read_chunk = 1 << 20;

FileType type_of(mode_t mode) {
  if (S_ISREG(mode)) return FileType::regular;
  if (S_ISDIR(mode)) return FileType::directory;
  if (S_ISLNK(mode)) return FileType::symlink;
  if (S_ISFIFO(mode)) return FileType::fifo;
  if (S_ISSOCK(mode)) return FileType::socket;
  if (S_ISCHR(mode)) return FileType::char_device;
  if (S_ISBLK(mode)) return FileType::block_device;
  return FileType::other;
}

Clock::time_point mtime_of(const struct stat& st) {
  return clock_from_unix(st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

std::string read_link(const std::string& host) {
  std::string target(4096, '\0');
  const ssize_t n = readlink(host.c_str(), target.data(), target.size());
  if (n < 0) return {};
  target.resize(static_cast<std::size_t>(n));
  return target;
}

// Closes a descriptor on every path out of a function.
struct FdGuard {
  int fd;
  ~FdGuard() {
    if (fd >= 0) close(fd);
  }
};

// Reads [offset, offset + length) or until EOF; EAGAIN ends the read.
Result<std::string> read_range(int fd, std::uint64_t offset, std::uint64_t length,
                               const std::string& path) {
  // Read straight into the result, a chunk at a time: a buffer of its own
  // (zeroed for every file) cost more than the read of a small file.
  std::string out;
  out.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(length, 64 << 20)));
  while (out.size() < length) {
    const std::size_t have = out.size();
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(k_read_chunk, length - have));
    ssize_t n = 0;
    out.resize_and_overwrite(have + want, [&](char* data, std::size_t) {
      n = pread(fd, data + have, want, static_cast<off_t>(offset + have));
      return have + static_cast<std::size_t>(std::max<ssize_t>(n, 0));
    });
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0) return fail("read ", path, ": ", errno_text(errno));
    if (n == 0) break;
  }
  return out;
}

// Pseudo-files report size 0 and may not support pread: read sequentially,
// keep the first `max_bytes`, note when there was more.
Result<FileContent> read_pseudo(int fd, std::uint64_t max_bytes, const std::string& path) {
  FileContent content;
  std::string chunk(64 << 10, '\0');
  while (true) {
    const ssize_t n = read(fd, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0) return fail("read ", path, ": ", errno_text(errno));
    if (n == 0) break;
    content.original_size += static_cast<std::uint64_t>(n);
    const std::uint64_t room = max_bytes - std::min<std::uint64_t>(max_bytes, content.bytes.size());
    content.bytes.append(chunk.data(), static_cast<std::size_t>(std::min<std::uint64_t>(room, static_cast<std::uint64_t>(n))));
    if (content.original_size > max_bytes) {
      content.truncated = true;
      break;
    }
  }
  return content;
}

}  // namespace

const char* file_type_name(FileType type) {
  switch (type) {
    case FileType::regular: return "regular file";
    case FileType::directory: return "directory";
    case FileType::symlink: return "symlink";
    case FileType::fifo: return "FIFO";
    case FileType::socket: return "socket";
    case FileType::char_device: return "character device";
    case FileType::block_device: return "block device";
    case FileType::other: return "special file";
  }
  return "file";
}

namespace {

constexpr int k_read_flags = O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC;
constexpr std::size_t k_most_directories_known = 1 << 16;

long open_in_root(int root, const std::string& inside, std::uint64_t flags) {
  open_how how{};
  how.flags = flags;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  const std::string relative = inside.size() > 1 ? inside.substr(1) : ".";
  return ::syscall(SYS_openat2, root, relative.c_str(), &how, sizeof how);
}

}  // namespace

RootedFileSystem::RootedFileSystem(std::string root) : m_root(std::move(root)) {
  while (!m_root.empty() && m_root.back() == '/') m_root.pop_back();
  m_display_root = m_root.empty() ? "/" : m_root;
}

std::string RootedFileSystem::host_path(const std::string& inside) const {
  if (inside == "/") return m_root.empty() ? "/" : m_root;
  return m_root + inside;
}

// Opened at first use, and kept for the run: an open and a close per file
// were a third of the system calls of a run of many small files.
int RootedFileSystem::root_fd() const {
  std::call_once(m_root_once, [this] {
    m_root_fd.reset(::open(m_root.empty() ? "/" : m_root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!m_root_fd.valid()) return;
    const detail::UniqueFd probe(static_cast<int>(open_in_root(m_root_fd.get(), "/", O_PATH | O_DIRECTORY | O_CLOEXEC)));
    m_confined = probe.valid();
  });
  return m_root_fd.get();
}

// Opens `inside` (already resolved) for reading with the kernel confining the
// lookup to the root (openat2 RESOLVE_IN_ROOT): even a directory swapped for a
// symlink after resolve() cannot lead out. Kernels before 5.6: a plain open.
int RootedFileSystem::open_confined(const std::string& inside, const std::string& host) const {
  if (root_fd() >= 0 && m_confined) {
    const long fd = open_in_root(m_root_fd.get(), inside, k_read_flags);
    if (fd >= 0 || (errno != ENOSYS && errno != EPERM)) return static_cast<int>(fd);
  }
  return ::open(host.c_str(), k_read_flags);
}

bool RootedFileSystem::known_directory(const std::string& inside) const {
  if (root_fd() < 0 || !m_confined) return false;
  const std::lock_guard lock(m_directories_mutex);
  return m_directories.contains(inside);
}

void RootedFileSystem::learn_directory(const std::string& inside) const {
  if (root_fd() < 0 || !m_confined) return;
  const std::lock_guard lock(m_directories_mutex);
  if (m_directories.size() >= k_most_directories_known) m_directories.clear();
  m_directories.insert(inside);
}

Result<std::string> RootedFileSystem::resolve(const std::string& path, bool follow_last) const {
  auto resolved = resolve_stat(path, follow_last);
  if (!resolved) return std::unexpected(resolved.error());
  return std::move(resolved->path);
}

// Component by component, lstat each (but directories met before), following
// symlinks by hand; the lstat of the last component is the result's.
Result<RootedFileSystem::Resolved> RootedFileSystem::resolve_stat(const std::string& path, bool follow_last) const {
  std::deque<std::string> pending;
  for (auto& c : split_path(path)) pending.push_back(std::move(c));
  std::vector<std::string> done;
  int hops = 0;
  std::string last_target;  // of the last symlink followed, for the message
  Resolved resolved;
  bool have_stat = false;  // resolved.st is of join_path(done)
  while (!pending.empty()) {
    std::string component = std::move(pending.front());
    pending.pop_front();
    if (component == ".") continue;
    if (component == "..") {
      if (!done.empty()) done.pop_back();
      have_stat = false;
      continue;
    }
    done.push_back(component);
    std::string inside = join_path(done, done.size());
    if (!pending.empty() && known_directory(inside)) {
      have_stat = false;
      continue;
    }
    const std::string host = host_path(inside);
    if (lstat(host.c_str(), &resolved.st) != 0) {
      const int error = errno;
      if (hops == 0 || error != ENOENT) return fail_errno(error, path, ": ", errno_text(error));
      if (m_root.empty()) return fail_errno(error, path, ": dangling symlink to ", last_target, " (", errno_text(error), ")");
      return fail_errno(error, path, ": symlink to ", last_target, ": not found inside the root (",
                        errno_text(error), "); links are never followed out of the root");
    }
    have_stat = true;
    if (S_ISDIR(resolved.st.st_mode)) learn_directory(inside);
    if (!S_ISLNK(resolved.st.st_mode) || (pending.empty() && !follow_last)) continue;
    if (++hops > k_max_symlink_hops) return fail_errno(ELOOP, path, ": symlink loop (more than 40 links)");
    const std::string target = read_link(host);
    last_target = target;
    done.pop_back();
    have_stat = false;
    if (!target.empty() && target.front() == '/') done.clear();
    std::vector<std::string> parts = split_path(target);
    pending.insert(pending.begin(), parts.begin(), parts.end());
  }
  resolved.path = join_path(done, done.size());
  if (!have_stat && lstat(host_path(resolved.path).c_str(), &resolved.st) != 0) {
    return fail_errno(errno, path, ": ", errno_text(errno));
  }
  return resolved;
}

Result<FileInfo> RootedFileSystem::stat(const std::string& path, bool follow) {
  auto resolved = resolve_stat(path, follow);
  if (!resolved) return std::unexpected(resolved.error());
  const struct stat& st = resolved->st;
  return FileInfo{type_of(st.st_mode), static_cast<std::uint64_t>(st.st_size), mtime_of(st),
                  std::move(resolved->path)};
}

Result<std::vector<std::string>> RootedFileSystem::list_dir(const std::string& path) {
  auto resolved = resolve(path);
  if (!resolved) return std::unexpected(resolved.error());
  DIR* dir = opendir(host_path(*resolved).c_str());
  if (dir == nullptr) return fail_errno(errno, path, ": ", errno_text(errno));
  std::vector<std::string> names;
  while (const dirent* entry = readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

Result<int> RootedFileSystem::open_regular(const std::string& path, struct stat& opened) const {
  auto resolved = resolve_stat(path, true);
  if (!resolved) return std::unexpected(resolved.error());
  if (!S_ISREG(resolved->st.st_mode)) {
    return fail_errno(EINVAL, path, ": not read: ", file_type_name(type_of(resolved->st.st_mode)));
  }
  FdGuard fd{open_confined(resolved->path, host_path(resolved->path))};
  if (fd.fd < 0) return fail_errno(errno, path, ": ", errno_text(errno));
  if (fstat(fd.fd, &opened) != 0 || !S_ISREG(opened.st_mode)) {
    return fail(path, ": changed into a non-regular file while opening");
  }
  return std::exchange(fd.fd, -1);
}

Result<OpenedFile> RootedFileSystem::open(const std::string& path, std::uint64_t max_bytes) {
  struct stat opened {};
  auto fd = open_regular(path, opened);
  if (!fd) return std::unexpected(fd.error());
  auto owned = std::make_shared<detail::UniqueFd>(*fd);
  const auto size = static_cast<std::uint64_t>(opened.st_size);
  if (size == 0) return fail_errno(EINVAL, path, ": reports size 0: read it whole instead");
  OpenedFile file;
  file.original_size = size;
  file.mtime = mtime_of(opened);
  file.truncated = size > max_bytes;
  const std::uint64_t offset = file.truncated ? size - max_bytes : 0;
  file.range = FileRange{std::move(owned), offset, size - offset};
  return file;
}

Result<FileContent> RootedFileSystem::read(const std::string& path, std::uint64_t max_bytes) {
  struct stat opened {};
  auto opened_fd = open_regular(path, opened);
  if (!opened_fd) return std::unexpected(opened_fd.error());
  FdGuard fd{*opened_fd};
  const auto size = static_cast<std::uint64_t>(opened.st_size);
  if (size == 0) {
    auto content = read_pseudo(fd.fd, max_bytes, path);
    if (content) content->mtime = mtime_of(opened);
    return content;
  }
  FileContent content;
  content.original_size = size;
  content.mtime = mtime_of(opened);
  content.truncated = size > max_bytes;
  const std::uint64_t offset = content.truncated ? size - max_bytes : 0;
  auto bytes = read_range(fd.fd, offset, size - offset, path);
  if (!bytes) return std::unexpected(bytes.error());
  content.bytes = std::move(*bytes);
  struct stat after {};
  content.changed_while_read = fstat(fd.fd, &after) == 0 &&
                               (after.st_size != opened.st_size ||
                                after.st_mtim.tv_sec != opened.st_mtim.tv_sec ||
                                after.st_mtim.tv_nsec != opened.st_mtim.tv_nsec);
  if (content.bytes.size() < size - offset) content.changed_while_read = true;
  return content;
}

}  // namespace vmsupport
