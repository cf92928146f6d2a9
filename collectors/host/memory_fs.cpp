// MemoryFileSystem: the in-memory twin of RootedFileSystem for unit tests.
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "host/filesystem.h"
#include "manifest/glob.h"

namespace vmsupport {

MemoryFileSystem::MemoryFileSystem() { m_nodes["/"] = Node{}; }

void MemoryFileSystem::add_parents(const std::string& path) {
  const std::vector<std::string> parts = split_path(path);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    m_nodes.try_emplace(join_path(parts, i), Node{});
  }
}

void MemoryFileSystem::add_file(const std::string& path, std::string content,
                                Clock::time_point mtime) {
  add_parents(path);
  m_nodes[path] = Node{FileType::regular, std::move(content), mtime};
}

void MemoryFileSystem::add_special(const std::string& path, FileType type) {
  add_parents(path);
  m_nodes[path] = Node{type, {}, Clock::now()};
}

Result<FileInfo> MemoryFileSystem::stat(const std::string& path, bool) {
  const auto it = m_nodes.find(join_path(split_path(path), split_path(path).size()));
  if (it == m_nodes.end()) return fail_errno(ENOENT, path, ": No such file or directory");
  return FileInfo{it->second.type, it->second.content.size(), it->second.mtime, it->first};
}

Result<std::vector<std::string>> MemoryFileSystem::list_dir(const std::string& path) {
  auto info = stat(path);
  if (!info) return std::unexpected(info.error());
  if (info->type != FileType::directory) return fail(path, ": Not a directory");
  const std::string prefix = info->resolved == "/" ? "/" : info->resolved + "/";
  std::vector<std::string> names;
  for (auto it = m_nodes.upper_bound(prefix); it != m_nodes.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    const std::string rest = it->first.substr(prefix.size());
    if (!rest.empty() && rest.find('/') == std::string::npos) names.push_back(rest);
  }
  std::sort(names.begin(), names.end());
  return names;
}

Result<FileContent> MemoryFileSystem::read(const std::string& path, std::uint64_t max_bytes) {
  auto info = stat(path);
  if (!info) return std::unexpected(info.error());
  if (info->type != FileType::regular) {
    return fail_errno(EINVAL, path, ": not read: ", file_type_name(info->type));
  }
  const std::string& all = m_nodes[info->resolved].content;
  FileContent content;
  content.original_size = all.size();
  content.truncated = all.size() > max_bytes;
  content.bytes = content.truncated ? all.substr(all.size() - max_bytes) : all;
  content.mtime = info->mtime;
  return content;
}

Result<OpenedFile> MemoryFileSystem::open(const std::string& path, std::uint64_t max_bytes) {
  auto content = read(path, max_bytes);
  if (!content) return std::unexpected(content.error());
  const int fd = memfd_create("vmsupport-memory-fs", MFD_CLOEXEC);
  if (fd < 0) return fail_errno(errno, path, ": memfd_create: ", errno_text(errno));
  auto owned = std::make_shared<detail::UniqueFd>(fd);
  if (::write(fd, content->bytes.data(), content->bytes.size()) != static_cast<ssize_t>(content->bytes.size())) {
    return fail_errno(errno, path, ": cannot fill the memory file");
  }
  OpenedFile file;
  file.range = FileRange{std::move(owned), 0, content->bytes.size()};
  file.original_size = content->original_size;
  file.truncated = content->truncated;
  file.mtime = content->mtime;
  return file;
}

}  // namespace vmsupport
