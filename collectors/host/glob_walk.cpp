// Glob expansion on a FileSystem (see glob_walk.h).
#include "host/glob_walk.h"

#include <cerrno>

#include "manifest/glob.h"

namespace vmsupport {

std::vector<std::string> expand_glob(FileSystem& fs, const std::string& glob,
                                     const std::function<void(const std::string&, const Error&)>& on_error) {
  const std::vector<std::string> parts = split_path(glob);
  std::vector<std::string> candidates{"/"};
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::vector<std::string> next;
    for (const std::string& base : candidates) {
      const std::string prefix = base == "/" ? "/" : base + "/";
      if (!has_wildcard(parts[i])) {
        const bool last = i + 1 == parts.size();
        if (!last || fs.stat(prefix + parts[i], false)) next.push_back(prefix + parts[i]);
        continue;
      }
      auto names = fs.list_dir(base);
      if (!names) {
        if (names.error().code != ENOENT && names.error().code != ENOTDIR && on_error) {
          on_error(base, names.error());
        }
        continue;
      }
      for (const std::string& name : *names) {
        if (match_component(parts[i], name)) next.push_back(prefix + name);
      }
    }
    candidates = std::move(next);
  }
  return candidates;
}

}  // namespace vmsupport
