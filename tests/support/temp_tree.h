// A temporary directory tree for tests: made with mkdtemp under /tmp, filled
// with files, directories and symlinks by path inside it, removed at scope
// exit without ever following a symlink out of it.
#pragma once

#include <doctest/doctest.h>
#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

namespace vmsupport::testing {

class TempTree {
 public:
  TempTree() {
    std::string pattern = (std::filesystem::temp_directory_path() / "vmsupport-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) FAIL("mkdtemp: " << std::strerror(errno));
    m_path = pattern;
  }
  ~TempTree() {
    namespace stdfs = std::filesystem;
    std::error_code ec;
    // Give back permissions a test took away, never through a symlink: trees hold
    // links to /etc/passwd and /etc/shadow, and following one would change the host's.
    for (auto it = stdfs::recursive_directory_iterator(m_path, ec);
         !ec && it != stdfs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_symlink(ec)) continue;
      stdfs::permissions(it->path(), stdfs::perms::owner_all,
                         stdfs::perm_options::add | stdfs::perm_options::nofollow, ec);
    }
    stdfs::remove_all(m_path, ec);
  }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  // The tree's directory on the host.
  const std::string& path() const { return m_path; }
  // The host path of `inside` ("/etc/hosts" -> "<tree>/etc/hosts").
  std::string host(const std::string& inside) const { return m_path + inside; }

  // Writes a file (and its parent directories).
  void file(const std::string& inside, const std::string& content) const {
    std::filesystem::create_directories(std::filesystem::path(host(inside)).parent_path());
    std::ofstream out(host(inside), std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
  }
  void dir(const std::string& inside) const { std::filesystem::create_directories(host(inside)); }
  void symlink(const std::string& target, const std::string& inside) const {
    std::filesystem::create_directories(std::filesystem::path(host(inside)).parent_path());
    std::filesystem::create_symlink(target, host(inside));
  }

 private:
  std::string m_path;
};

// The same, for tests that work with std::filesystem paths.
class TempDir : public TempTree {
 public:
  std::filesystem::path path() const { return TempTree::path(); }
};

}  // namespace vmsupport::testing
