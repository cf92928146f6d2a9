// UniqueFd: sole ownership of one file descriptor, closed on destruction. Shared
// by the pieces of the process runner (spawn, program lookup, supervision).
#pragma once

#include <unistd.h>

#include <utility>

namespace vmsupport::detail {

// Owns `fd` (or nothing, -1); move-only. close(2) errors are ignored.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : m_fd(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(std::exchange(other.m_fd, -1));
    return *this;
  }
  ~UniqueFd() { reset(); }

  int get() const { return m_fd; }
  bool valid() const { return m_fd >= 0; }
  // Closes the descriptor held, if any, and takes ownership of `fd`.
  void reset(int fd = -1) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = fd;
  }

 private:
  int m_fd = -1;
};

}  // namespace vmsupport::detail
