// Helpers shared by the fuzz targets: an oracle that does not hold aborts
// with a sentence on stderr (libFuzzer and the replay both report the abort),
// and an input can be handed to code that reads files as an in-memory file.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace vmsupport::fuzz {

// Aborts, saying which property of the code under test failed.
[[noreturn]] inline void broken(const char* what) {
  std::fprintf(stderr, "fuzz oracle failed: %s\n", what);
  std::abort();
}

// Aborts with `what` unless `holds`.
inline void expect(bool holds, const char* what) {
  if (!holds) broken(what);
}

// The input as a file (a memfd: nothing touches the disk), for code that takes
// a path: path() is /proc/self/fd/N while the object lives.
class MemoryFile {
 public:
  explicit MemoryFile(std::string_view bytes) : m_fd(::memfd_create("fuzz-input", MFD_CLOEXEC)) {
    if (m_fd < 0) broken("cannot create a memory file");
    while (!bytes.empty()) {
      const ssize_t written = ::write(m_fd, bytes.data(), bytes.size());
      if (written <= 0) broken("cannot write a memory file");
      bytes.remove_prefix(static_cast<std::size_t>(written));
    }
  }
  ~MemoryFile() { ::close(m_fd); }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;

  std::string path() const { return "/proc/self/fd/" + std::to_string(m_fd); }

 private:
  int m_fd;
};

}  // namespace vmsupport::fuzz
