// Bounded reading of small files given by a person (see small_file.h).
#include "util/small_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "host/unique_fd.h"
#include "util/units.h"

namespace vmsupport {
namespace {

std::unexpected<Error> too_large(const std::string& path, std::uint64_t size, std::uint64_t max_bytes,
                                 const std::string& what) {
  auto error = fail(path, ": ", size > max_bytes + 1 ? format_size(size) : "more than " + format_size(max_bytes),
                    " is too large for ", what, " (at most ", format_size(max_bytes), ")");
  error.error().hint = "is it the right file?";
  return error;
}

}  // namespace

Result<std::string> read_small_file(const std::string& path, std::uint64_t max_bytes, const std::string& what) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
  detail::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) return fail_errno(errno, path, ": cannot read it: ", errno_text(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fail_errno(errno, path, ": ", errno_text(errno));
  if (S_ISDIR(st.st_mode)) return fail(path, ": is a directory, not ", what);
  if (!S_ISREG(st.st_mode)) return fail(path, ": not a regular file (a FIFO, socket or device), not ", what);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size > max_bytes) return too_large(path, size, max_bytes, what);
  std::string text(static_cast<std::size_t>(max_bytes) + 1, '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    const ssize_t n = ::read(fd.get(), text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_errno(errno, path, ": cannot read it: ", errno_text(errno));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got > max_bytes) return too_large(path, got, max_bytes, what);
  text.resize(got);
  return text;
}

}  // namespace vmsupport
