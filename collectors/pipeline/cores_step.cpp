// The crash-core step of a collect (see cores_step.h).
#include "pipeline/cores_step.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "host/glob_walk.h"
#include "kinds/listed.h"
#include "pipeline/executor.h"
#include "util/text.h"

namespace vmsupport {
namespace {

constexpr std::size_t k_log_lines_per_core = 5;
constexpr std::uint64_t k_log_scan_bytes = 8ull << 20;  // the newest part of each log
constexpr int k_max_depth = 4;

bool looks_like_core_name(const std::string& name) {
  return name == "core" || name.starts_with("core.") || name.ends_with(".core") ||
         name.find("zdump") != std::string::npos || name.starts_with("vmcore");
}

void walk(FileSystem& fs, const std::string& path, bool recursive, int depth, std::vector<std::string>& out) {
  auto info = fs.stat(path, false);
  if (!info) return;
  if (info->type == FileType::regular) {
    out.push_back(path);
  } else if (info->type == FileType::directory && recursive && depth < k_max_depth) {
    auto names = fs.list_dir(path);
    if (!names) return;
    for (const std::string& name : *names) walk(fs, (path == "/" ? "" : path) + "/" + name, true, depth + 1, out);
  }
}

// An absolute core_pattern names the directory cores go to: /var/cores/core.%e.%p -> /var/cores/core*
std::optional<std::string> core_pattern_glob(FileSystem& fs) {
  auto pattern = fs.read("/proc/sys/kernel/core_pattern", 4096);
  if (!pattern) return std::nullopt;
  std::string text = pattern->bytes.substr(0, pattern->bytes.find('\n'));
  if (!text.starts_with("/")) return std::nullopt;  // a pipe to a handler, or relative to the crash's cwd
  const std::size_t slash = text.rfind('/');
  const std::string dir = text.substr(0, slash);
  if (dir.find('%') != std::string::npos || dir.empty()) return std::nullopt;
  const std::string name = text.substr(slash + 1);
  return dir + "/" + name.substr(0, name.find('%')) + "*";
}

std::optional<CoreFinding> describe_one(FileSystem& fs, const std::string& path) {
  auto opened = fs.open(path, UINT64_MAX);
  if (!opened) return std::nullopt;
  CoreFinding finding;
  finding.path = path;
  finding.size = opened->original_size;
  finding.mtime = opened->mtime;
  auto described = describe_core_fd(opened->range.fd->get(), opened->original_size);
  if (described) finding.description = std::move(*described);
  else finding.description.problems.push_back("cannot read: " + described.error().message);
  const std::string name = path.substr(path.rfind('/') + 1);
  finding.systemd = parse_systemd_core_name(name);
  if (!finding.description.is_elf_core && !finding.systemd && !looks_like_core_name(name)) return std::nullopt;
  return finding;
}

}  // namespace

CoreReport find_cores(const Manifest& manifest, FileSystem& fs, const CoresOptions& options) {
  CoreReport report;
  std::vector<std::string> paths;
  std::vector<CoreSpec> specs = manifest.cores;
  if (auto pattern = core_pattern_glob(fs)) specs.push_back(CoreSpec{*pattern, std::nullopt, false, {}});
  for (const CoreSpec& spec : specs) {
    report.searched.push_back(spec.listed_in ? describe_listed(*spec.listed_in, spec.glob) : spec.glob);
    const std::vector<std::string> found =
        spec.listed_in ? expand_listed(fs, *spec.listed_in, spec.glob) : expand_glob(fs, spec.glob);
    for (const std::string& path : found) walk(fs, path, spec.recursive, 0, paths);
  }
  std::sort(paths.begin(), paths.end());
  paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
  for (const std::string& path : paths) {
    auto finding = describe_one(fs, path);
    if (!finding) continue;
    if (options.since && finding->mtime < *options.since) {
      report.left_out.push_back(path + ": written " + format_iso_utc(finding->mtime) + ", before --since");
      continue;
    }
    report.cores.push_back(std::move(*finding));
  }
  std::sort(report.cores.begin(), report.cores.end(),
            [](const CoreFinding& a, const CoreFinding& b) { return a.mtime > b.mtime; });
  return report;
}

namespace {

bool mentions(std::string_view line, const CoreFinding& core) {
  const std::string name = core.path.substr(core.path.rfind('/') + 1);
  if (line.find(name) != std::string_view::npos) return true;
  const bool about_core = line.find("core dumped") != std::string_view::npos ||
                          line.find("Core dump") != std::string_view::npos ||
                          line.find("dumped core") != std::string_view::npos ||
                          line.find("zdump") != std::string_view::npos;
  if (!about_core) return false;
  const auto& d = core.description;
  if (d.pid && line.find(std::to_string(*d.pid)) != std::string_view::npos) return true;
  return !d.program.empty() && line.find(d.program) != std::string_view::npos;
}

}  // namespace

void quote_core_logs(CoreReport& report, const Plan& plan, FileSystem& fs) {
  if (report.cores.empty()) return;
  for (const Task& task : plan.tasks) {
    const auto* file = std::get_if<FileTask>(&task.work);
    if (!file || task.source.find("/log") == std::string::npos || task.source.ends_with(".gz")) continue;
    auto content = fs.read(task.source, k_log_scan_bytes);
    if (!content || content->bytes.find('\0') != std::string::npos) continue;
    for (std::string_view whole : split_lines(content->bytes)) {
      const std::string_view line = whole.substr(0, 400);
      for (CoreFinding& core : report.cores) {
        if (core.log_lines.size() < k_log_lines_per_core && mentions(line, core)) {
          core.log_lines.push_back(task.source + ": " + std::string(line));
        }
      }
    }
  }
}

void add_backtraces(CoreReport& report, FileSystem& fs, ProcessRunner& runner, const std::atomic<bool>* cancel) {
  const auto gdb = runner.find_program("gdb", "");
  for (CoreFinding& core : report.cores) {
    const CoreDescription& d = core.description;
    if (!gdb) core.backtrace_note = "gdb is not installed: no backtrace";
    else if (fs.root() != "/") core.backtrace_note = "no backtrace: the core is under --root, its program may not match this host's";
    else if (!d.is_elf_core) core.backtrace_note = "no backtrace: not an ELF core";
    else if (d.compression != CoreCompression::none) core.backtrace_note = "no backtrace: gdb reads uncompressed cores only";
    else if (d.executable.empty() || !fs.stat(d.executable)) core.backtrace_note = "no backtrace: the program's file is not there";
    if (!core.backtrace_note.empty()) continue;
    ProcessRequest request;
    request.argv = {*gdb, "-batch", "-nx", "-ex", "set pagination off", "-ex", "info threads", "-ex", "thread apply all bt",
                    d.executable, core.path};
    request.timeout = std::chrono::seconds(120);
    request.max_bytes = 4ull << 20;
    request.cancel = cancel;
    ProcessOutcome outcome = runner.run(request);
    if (outcome.end == ProcessOutcome::End::timed_out) core.backtrace_note = "gdb timed out after 120 s";
    core.backtrace = std::move(outcome.output);
  }
}

std::string render_cores_json(const CoreReport& report, const CoresOptions& options) {
  nlohmann::ordered_json out;
  out["searched"] = report.searched;
  out["included"] = options.include_files ? "core files packed (" + options.include_reason + ")"
                                          : "metadata only: core files are binary and cannot be scrubbed "
                                            "(--include-cores packs them, unscrubbed)";
  out["cores"] = nlohmann::ordered_json::array();
  for (const CoreFinding& core : report.cores) {
    const CoreDescription& d = core.description;
    nlohmann::ordered_json item = {{"path", core.path}, {"size", core.size}, {"mtime", format_iso_utc(core.mtime)},
                                   {"compression", compression_name(d.compression)}, {"format", d.format},
                                   {"program", d.program}, {"arguments", d.arguments}};
    item["pid"] = d.pid ? nlohmann::ordered_json(*d.pid) : nlohmann::ordered_json(nullptr);
    item["signal"] = d.signal ? nlohmann::ordered_json(*d.signal) : nlohmann::ordered_json(nullptr);
    item["signal_name"] = d.signal_name;
    item["executable"] = d.executable;
    item["threads"] = d.threads;
    if (core.systemd) item["systemd"] = {{"comm", core.systemd->comm}, {"uid", core.systemd->uid}, {"pid", core.systemd->pid}};
    item["problems"] = d.problems;
    item["log_lines"] = core.log_lines;
    item["member"] = core.member;
    item["not_packed"] = core.not_packed;
    item["backtrace"] = core.backtrace.empty() ? "" : "cores/" + core.path.substr(core.path.rfind('/') + 1) + ".bt.txt";
    item["backtrace_note"] = core.backtrace_note;
    out["cores"].push_back(std::move(item));
  }
  out["left_out"] = report.left_out;
  return out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

namespace {

// Why a core is not packed, or "" when it is.
std::string reason_not_packed(const CoreFinding& core, const CoresOptions& options, std::uint64_t packed) {
  if (!options.include_files) return "metadata only: a core is binary and cannot be scrubbed (--include-cores packs it)";
  if (core.size > options.max_core_size) {
    return "larger than --max-core-size (" + format_size(core.size) + " > " + format_size(options.max_core_size) + ")";
  }
  if (packed + core.size > options.max_total) {
    return "the cores packed before it (newer) fill --max-cores-total (" + format_size(options.max_total) + ")";
  }
  return {};
}

}  // namespace

Result<void> pack_cores(CoreReport& report, const CoresOptions& options, FileSystem& fs, Scrubber& scrubber,
                        ArchiveWriter& writer, ItemLog& records) {
  std::uint64_t packed = 0;
  for (CoreFinding& core : report.cores) {
    core.not_packed = reason_not_packed(core, options, packed);
    if (!core.not_packed.empty()) continue;
    auto opened = fs.open(core.path, UINT64_MAX);
    if (!opened) {
      core.not_packed = "cannot read: " + opened.error().message;
      continue;
    }
    CollectedItem item;
    item.collector = SIZE_MAX;
    item.source = core.path;
    item.archive_path = core.path.substr(1);
    item.original_size = opened->original_size;
    item.mtime = opened->mtime;
    item.body = std::move(opened->range);
    item.unscrubbed_ok = true;
    item.reason = "crash core, packed as it is (" + options.include_reason + "): not scrubbed";
    const ScrubbedItem member = scrubber.scrub(std::move(item));
    auto digest = writer.add(member);
    if (!digest) return std::unexpected(digest.error());
    ItemRecord record = record_of(member, *digest);
    record.collector = SIZE_MAX;
    record.packed_as_is = !record.scrubbed;
    records.push_back(std::move(record));
    core.member = member.item().archive_path;
    packed += core.size;
  }
  return {};
}

}  // namespace vmsupport
