// The host's files as vmsupport sees them: a file system rooted at --root.
// Every path is absolute *inside* the root; symlinks are followed inside it
// (an absolute target is taken relative to the root, ".." stops at the root),
// so nothing outside the root is reachable. FileSystem is an interface so
// unit tests can use MemoryFileSystem; end-to-end tests use real fixture trees.
#pragma once

#include <sys/stat.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "host/spool.h"
#include "host/unique_fd.h"
#include "util/result.h"
#include "util/units.h"

namespace vmsupport {

enum class FileType { regular, directory, symlink, fifo, socket, char_device, block_device, other };

// "regular file", "FIFO", ...: for messages.
const char* file_type_name(FileType type);

struct FileInfo {
  FileType type = FileType::regular;
  std::uint64_t size = 0;
  Clock::time_point mtime{};
  std::string resolved;  // the path inside the root after following symlinks
};

struct FileContent {
  std::string bytes;                 // the newest `max_bytes` of the file
  std::uint64_t original_size = 0;   // size when opened (bytes read, for pseudo-files)
  bool truncated = false;            // older bytes were left out
  bool changed_while_read = false;   // size or mtime moved during the read
  Clock::time_point mtime{};
};

// A regular file opened to be read later in chunks: the range holds its
// newest `max_bytes`, up to the size it had when opened.
struct OpenedFile {
  FileRange range;
  std::uint64_t original_size = 0;
  bool truncated = false;
  Clock::time_point mtime{};
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // The root directory on the host, e.g. "/" or "/mnt/esx".
  virtual const std::string& root() const = 0;
  // Information about `path`, following symlinks inside the root when `follow`.
  // Fails when the path does not exist ("No such file or directory"), on a
  // symlink loop, or on permission errors; the message names the path.
  virtual Result<FileInfo> stat(const std::string& path, bool follow = true) = 0;
  // Names in a directory (not "." or ".."), sorted bytewise.
  virtual Result<std::vector<std::string>> list_dir(const std::string& path) = 0;
  // Reads a regular file without blocking: the newest `max_bytes` of it, at most
  // the size it had when opened (a growing file cannot keep the read going).
  // Files that report size 0 (/proc, /sys) are read up to `max_bytes`.
  // Fails on anything that is not a regular file, and on read errors.
  virtual Result<FileContent> read(const std::string& path, std::uint64_t max_bytes) = 0;
  // Opens a regular file for reading in chunks (large files are never held
  // whole). Fails like read(), and on files that report size 0 (use read()).
  virtual Result<OpenedFile> open(const std::string& path, std::uint64_t max_bytes) = 0;
};

// The real host, rooted at a directory.
class RootedFileSystem final : public FileSystem {
 public:
  explicit RootedFileSystem(std::string root);
  const std::string& root() const override { return m_display_root; }
  Result<FileInfo> stat(const std::string& path, bool follow = true) override;
  Result<std::vector<std::string>> list_dir(const std::string& path) override;
  Result<FileContent> read(const std::string& path, std::uint64_t max_bytes) override;
  Result<OpenedFile> open(const std::string& path, std::uint64_t max_bytes) override;
  // `path` resolved inside the root (symlinks followed), as a path inside the root.
  Result<std::string> resolve(const std::string& path, bool follow_last = true) const;
  // The host path of a path inside the root ("/" root + "/etc" -> "/etc").
  std::string host_path(const std::string& inside) const;

 private:
  struct Resolved {
    std::string path;  // inside the root
    struct stat st {};  // lstat of the path
  };
  Result<Resolved> resolve_stat(const std::string& path, bool follow_last) const;
  // Opens a regular file confined to the root; `opened` gets its fstat.
  Result<int> open_regular(const std::string& path, struct stat& opened) const;
  int root_fd() const;  // the root, O_PATH, opened once; -1 if it cannot be
  int open_confined(const std::string& inside, const std::string& host) const;
  bool known_directory(const std::string& inside) const;
  void learn_directory(const std::string& inside) const;

  std::string m_root;  // no trailing slash; "" for "/"
  std::string m_display_root;
  mutable std::once_flag m_root_once;
  mutable detail::UniqueFd m_root_fd;
  mutable bool m_confined = false;  // the kernel confines opens to the root (openat2)
  // Directories met while resolving (paths inside the root, no symlink on the
  // way): their components are not looked at again. Only where opens are
  // confined by the kernel: a directory swapped for a symlink later cannot
  // lead a read out of the root.
  mutable std::mutex m_directories_mutex;
  mutable std::unordered_set<std::string> m_directories;
};

// In-memory twin for unit tests: files and directories, no symlinks.
class MemoryFileSystem final : public FileSystem {
 public:
  MemoryFileSystem();
  // Adds a regular file (and its parent directories).
  void add_file(const std::string& path, std::string content,
                Clock::time_point mtime = Clock::now());
  // Adds a non-regular file of the given type (a FIFO, a socket...).
  void add_special(const std::string& path, FileType type);
  const std::string& root() const override { return m_root; }
  Result<FileInfo> stat(const std::string& path, bool follow = true) override;
  Result<std::vector<std::string>> list_dir(const std::string& path) override;
  Result<FileContent> read(const std::string& path, std::uint64_t max_bytes) override;
  // The file's bytes in a memory file (memfd).
  Result<OpenedFile> open(const std::string& path, std::uint64_t max_bytes) override;

 private:
  struct Node {
    FileType type = FileType::directory;
    std::string content;
    Clock::time_point mtime{};
  };
  void add_parents(const std::string& path);
  std::string m_root = "/";
  std::map<std::string, Node> m_nodes;
};

}  // namespace vmsupport
