// The `files` kind: parse a file entry, expand its glob inside the root into
// tasks (forbid rules, --since, file types, symlinks as links), and read a file.
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <optional>

#include "host/glob_walk.h"
#include "kinds/listed.h"
#include "kinds/registry.h"
#include "manifest/glob.h"

namespace vmsupport {
namespace {

constexpr int k_max_walk_depth = 64;

std::string relative_member(const std::string& inside_root) {
  return inside_root.size() > 1 ? inside_root.substr(1) : std::string();
}

// Path of `target` as seen from the directory holding `link` (both relative members).
std::string relative_target(const std::string& link, const std::string& target) {
  std::vector<std::string> from = split_path(link);
  from.pop_back();
  const std::vector<std::string> to = split_path(target);
  std::size_t common = 0;
  while (common < from.size() && common < to.size() && from[common] == to[common]) ++common;
  std::string out;
  for (std::size_t i = common; i < from.size(); ++i) out += "../";
  for (std::size_t i = common; i < to.size(); ++i) out += to[i] + (i + 1 < to.size() ? "/" : "");
  return out;
}

void add_skip(PlanContext& context, const std::string& source, Status status, std::string reason) {
  context.add(source, "", SkipTask{status, std::move(reason)});
}

// How a failed stat, listing or read of a path is recorded.
struct Problem {
  Status status = Status::skipped;
  std::string reason;
  bool permission_denied = false;
};

// Lack of permission and I/O errors are failures (root, or a healthy disk,
// would have gathered the path); a path that is gone, a symlink loop or a
// path too long for the kernel are skips, with a reason that says which.
// `when` is "listed" or "read": what was being done.
Problem problem_of(const Error& error, const std::string& root, const std::string& path, const char* when) {
  switch (error.code) {
    case EACCES:
    case EPERM:
      return {Status::failed, std::string("permission denied") + (geteuid() == 0 ? "" : " (not running as root)") +
                                  (std::string_view(when) == "listed" ? ": the directory cannot be listed" : ""),
              true};
    case EIO: return {Status::failed, "I/O error: " + error.message};
    case ENAMETOOLONG:
      return {Status::skipped, "path too long to open: " + std::to_string(root.size() + path.size()) +
                                   " bytes with the root, the kernel takes at most " + std::to_string(PATH_MAX)};
    default: break;
  }
  if (std::string_view(when) == "listed") return {Status::skipped, "cannot list: " + error.message};
  return {Status::skipped, error.message};
}

void add_problem(PlanContext& context, const std::string& path, const Error& error, const char* when) {
  Problem problem = problem_of(error, context.fs.root() == "/" ? "" : context.fs.root(), path, when);
  context.add(path, "", SkipTask{problem.status, std::move(problem.reason), problem.permission_denied});
}

// `known`: the path's stat when the caller has it already (a directory's
// child that is not a symlink), so that it is not taken twice.
void plan_path(const FileSpec& spec, const std::string& path, int depth, PlanContext& context,
               std::optional<FileInfo> known = std::nullopt);

// A directory reached by walking (depth > 0) that an earlier entry has walked
// already is left alone: a catch-all entry after the named ones (vcenter's
// /var/log/vmware after /var/log/vmware/vpxd) adds only what they did not
// take, without an "already collected" item per file.
void plan_directory(const FileSpec& spec, const std::string& path, int depth,
                    PlanContext& context) {
  if (!context.walked.emplace(std::string_view(path)).second && depth > 0) return;
  if (depth >= k_max_walk_depth) {
    add_skip(context, path, Status::skipped, "directory nested too deep (64 levels), not walked");
    return;
  }
  auto names = context.fs.list_dir(path);
  if (!names) {
    add_problem(context, path, names.error(), "listed");
    return;
  }
  for (const std::string& name : *names) {
    const std::string child = (path == "/" ? "" : path) + "/" + name;
    auto link = context.fs.stat(child, false);
    if (link && link->type == FileType::symlink) {
      auto target = context.fs.stat(child);
      if (target && target->type == FileType::directory) {
        add_skip(context, child, Status::skipped, "symlink to a directory, not followed");
        continue;
      }
    }
    const bool known = link && link->type != FileType::symlink;
    plan_path(spec, child, depth + 1, context, known ? std::optional<FileInfo>(std::move(*link)) : std::nullopt);
  }
}

void plan_regular(const FileSpec& spec, const std::string& path, const FileInfo& info,
                  PlanContext& context) {
  const std::string content_member = relative_member(info.resolved);
  const bool collected = context.has_collected(info.resolved);
  if (collected && path == info.resolved) {
    context.add(path, "", SkipTask{Status::ok, "already collected as " + content_member});
    return;
  }
  if (!collected) {
    const std::uint64_t cap = spec.max_bytes.value_or(context.options.max_file_size);
    context.plan.estimated_bytes += std::min(info.size, cap);
    context.add(info.resolved, content_member, FileTask{info.size, info.mtime, cap});
  }
  const std::string link_member = relative_member(path);
  if (path != info.resolved && !context.has_member(link_member)) {
    context.add(path, link_member, LinkTask{relative_target(link_member, content_member)});
  }
}

void plan_path(const FileSpec& spec, const std::string& path, int depth, PlanContext& context,
               std::optional<FileInfo> known) {
  if (const ForbidSpec* rule = context.forbidding(path)) {
    add_skip(context, path, Status::skipped, "forbidden by rule '" + rule->glob + "'");
    return;
  }
  Result<FileInfo> info = known ? Result<FileInfo>(std::move(*known)) : context.fs.stat(path);
  if (!info) {
    add_problem(context, path, info.error(), "stat");
    return;
  }
  if (const ForbidSpec* rule = context.forbidding(info->resolved)) {
    add_skip(context, path, Status::skipped,
             "resolves to " + info->resolved + ", forbidden by rule '" + rule->glob + "'");
    return;
  }
  if (info->type == FileType::directory) {
    if (spec.recursive) plan_directory(spec, path, depth, context);
    return;
  }
  if (info->type != FileType::regular) {
    add_skip(context, path, Status::skipped,
             std::string(file_type_name(info->type)) + ": never opened");
    return;
  }
  if (spec.since && context.options.since && info->mtime < *context.options.since) {
    add_skip(context, path, Status::skipped,
             "last modified " + format_iso_utc(info->mtime) + ", before --since");
    return;
  }
  if (spec.skip_above && info->size > *spec.skip_above) {
    add_skip(context, path, Status::skipped,
             format_size(info->size) + ", above this entry's skip_above of " + format_size(*spec.skip_above));
    return;
  }
  plan_regular(spec, path, *info, context);
}

}  // namespace

Result<EntrySpec> parse_file_entry(const YamlReader& reader, const YAML::Node& node) {
  FileSpec spec;
  spec.mark = reader.mark(node);
  if (node.IsScalar()) {
    auto glob = reader.glob(node, "glob");
    if (!glob) return std::unexpected(glob.error());
    spec.glob = *glob;
    return spec;
  }
  if (auto ok = reader.check_map(node, "file entry",
                                 {"glob", "listed_in", "recursive", "max_bytes", "skip_above", "optional", "since",
                                  "priority"});
      !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = reader.require(node, "glob", "file entry"); !ok) return std::unexpected(ok.error());
  for (const auto& pair : node) {
    const std::string key = pair.first.Scalar();
    Result<void> ok;
    if (key == "glob" || key == "listed_in") {
      if (key == "listed_in") continue;
      auto v = parse_entry_glob(reader, node, spec.listed_in);
      if (v) spec.glob = *v; else ok = std::unexpected(v.error());
    } else if (key == "max_bytes" || key == "skip_above") {
      auto v = reader.size(pair.second, key);
      if (v) (key == "max_bytes" ? spec.max_bytes : spec.skip_above) = *v; else ok = std::unexpected(v.error());
    } else if (key == "priority") {
      auto v = reader.priority(pair.second);
      if (v) spec.priority = *v; else ok = std::unexpected(v.error());
    } else {
      auto v = reader.boolean(pair.second, key);
      if (!v) ok = std::unexpected(v.error());
      else if (key == "recursive") spec.recursive = *v;
      else if (key == "optional") spec.optional = *v;
      else spec.since = *v;
    }
    if (!ok) return std::unexpected(ok.error());
  }
  return spec;
}

void plan_file_entry(const EntrySpec& entry, PlanContext& context) {
  const auto& spec = std::get<FileSpec>(entry);
  const std::size_t before = context.plan.tasks.size();
  const std::vector<std::string> matches =
      spec.listed_in ? expand_listed(context.fs, *spec.listed_in, spec.glob)
                     : expand_glob(context.fs, spec.glob, [&](const std::string& dir, const Error& error) {
                         add_problem(context, dir, error, "listed");
                       });
  for (const std::string& path : matches) plan_path(spec, path, 0, context);
  if (matches.empty() && context.plan.tasks.size() == before) {
    add_skip(context, describe_file_entry(entry), spec.optional ? Status::skipped : Status::failed,
             "no file matches");
  }
}

std::string describe_file_entry(const EntrySpec& entry) {
  const auto& spec = std::get<FileSpec>(entry);
  const std::string what = spec.listed_in ? describe_listed(*spec.listed_in, spec.glob) : spec.glob;
  return what + (spec.recursive ? " (recursive)" : "");
}

namespace {

// What every read of a file records: where it goes, or why it does not.
// A file gone since the plan listed it was deleted (a rotation, a cleanup):
// a skip that says so, not a failure.
template <typename Read>
bool record_read(CollectedItem& item, const Task& task, const Read& read, CollectContext& context) {
  if (!read) {
    const Error& error = read.error();
    if (error.code == ENOENT || error.code == ENOTDIR) {
      item.status = Status::skipped;
      item.reason = "vanished: deleted after it was listed (" + error.message + ")";
      return false;
    }
    if (error.code == EINVAL) {
      item.status = Status::skipped;
      item.reason = error.message;
      return false;
    }
    Problem problem = problem_of(error, context.fs.root() == "/" ? "" : context.fs.root(), item.source, "read");
    item.status = problem.status == Status::skipped ? Status::failed : problem.status;
    item.reason = std::move(problem.reason);
    item.permission_denied = problem.permission_denied;
    return false;
  }
  item.archive_path = task.archive_path;
  item.original_size = read->original_size;
  item.truncated = read->truncated;
  item.mtime = read->mtime;
  if (item.truncated) {
    const std::uint64_t kept = std::min(item.original_size, std::get<FileTask>(task.work).max_bytes);
    item.status = Status::truncated;
    item.reason = "kept the newest " + format_size(kept) + " of " + format_size(item.original_size);
  }
  return true;
}

}  // namespace

CollectedItem collect_file(const Task& task, const FileTask& file, CollectContext& context) {
  const auto start = std::chrono::steady_clock::now();
  CollectedItem item;
  item.collector = task.collector;
  item.source = task.source;
  if (std::min(file.size, file.max_bytes) > k_in_memory_limit) {
    // A large file stays on disk, open, until it is scrubbed and written.
    auto opened = context.fs.open(task.source, file.max_bytes);
    if (record_read(item, task, opened, context)) item.body = std::move(opened->range);
    return item;
  }
  auto content = context.fs.read(task.source, file.max_bytes);
  item.duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  if (!record_read(item, task, content, context)) return item;
  item.content = std::move(content->bytes);
  if (content->changed_while_read) {
    item.reason += std::string(item.reason.empty() ? "" : "; ") + "changed while read (read up to its size when opened)";
  }
  return item;
}

}  // namespace vmsupport
