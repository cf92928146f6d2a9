// Splitting a written bundle into parts (see split_file.h).
#include "bundle/split_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "bundle/sha256_file.h"
#include "host/interrupt.h"
#include "util/sha256.h"
#include "host/unique_fd.h"

namespace vmsupport {
namespace {

using detail::UniqueFd;

constexpr std::size_t k_copy_buffer = 1 << 20;

std::string file_name(const std::string& path) { return std::filesystem::path(path).filename().string(); }

// Writes all of `bytes` to `fd`; false with errno set on failure.
bool write_all(int fd, const char* bytes, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, bytes, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    bytes += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// The parts being written: removed unless released.
struct PartFiles {
  std::vector<std::string> partial;
  int interrupt_handle = -1;
  bool keep = false;
  ~PartFiles() {
    if (!keep) {
      for (const std::string& path : partial) ::unlink(path.c_str());
    }
    interrupt::remove_bundle(interrupt_handle);
  }
};

// Copies the next `size` bytes of `in` into the new file `path`, hashing them.
Result<void> copy_part(int in, const std::string& path, std::uint64_t size, std::vector<char>& buffer, Sha256& hash) {
  const UniqueFd out(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (out.get() < 0) return fail_errno(errno, "cannot create ", path, ": ", errno_text(errno));
  for (std::uint64_t left = size; left > 0;) {
    const ssize_t n = ::read(in, buffer.data(), static_cast<std::size_t>(std::min<std::uint64_t>(left, buffer.size())));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail_errno(n < 0 ? errno : EIO, "cannot read the bundle: ", n < 0 ? errno_text(errno) : "it shrank");
    if (!write_all(out.get(), buffer.data(), static_cast<std::size_t>(n))) {
      return fail_errno(errno, errno == ENOSPC ? "disk full writing " : "cannot write ", path, ": ", errno_text(errno));
    }
    hash.update(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    left -= static_cast<std::uint64_t>(n);
  }
  if (::fsync(out.get()) != 0) return fail_errno(errno, "cannot finish ", path, ": ", errno_text(errno));
  return {};
}

}  // namespace

Result<CommittedBundle> split_committed_file(const CommittedBundle& bundle, std::uint64_t part_bytes) {
  if (part_bytes == 0) return fail("cannot split ", bundle.path, ": parts of 0 bytes");
  const UniqueFd in(::open(bundle.path.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return fail_errno(errno, "cannot read ", bundle.path, ": ", errno_text(errno));
  const std::size_t count = static_cast<std::size_t>(std::max<std::uint64_t>(1, (bundle.size + part_bytes - 1) / part_bytes));
  const std::size_t width = part_width(count);
  PartFiles files;
  files.interrupt_handle = interrupt::add_bundle(bundle.path);
  CommittedBundle split = bundle;
  split.parts.clear();
  std::vector<char> buffer(k_copy_buffer);
  for (std::size_t n = 1; n <= count; ++n) {
    const std::uint64_t size = std::min<std::uint64_t>(part_bytes, bundle.size - (n - 1) * part_bytes);
    interrupt::set_parts(files.interrupt_handle, n);  // before the file exists
    files.partial.push_back(part_path(bundle.path, n) + ".partial");
    Sha256 hash;
    if (auto ok = copy_part(in.get(), files.partial.back(), size, buffer, hash); !ok) {
      return fail(ok.error().message, " (", bundle.path, " is kept whole)");
    }
    split.parts.push_back({part_path(bundle.path, n, width), size, hash.hex_digest()});
  }
  std::string lines = sha256_line(bundle.sha256, file_name(bundle.path));
  for (std::size_t i = 0; i < split.parts.size(); ++i) {
    if (std::rename(files.partial[i].c_str(), split.parts[i].path.c_str()) != 0) {
      return fail_errno(errno, "cannot rename ", files.partial[i], ": ", errno_text(errno));
    }
    files.partial[i] = split.parts[i].path;
    lines += sha256_line(split.parts[i].sha256, file_name(split.parts[i].path));
  }
  split.sha256_path = bundle.path + ".sha256";
  if (auto ok = write_file_atomically(split.sha256_path, lines); !ok) return std::unexpected(ok.error());
  files.keep = true;
  ::unlink(bundle.path.c_str());
  return split;
}

}  // namespace vmsupport
