// The collect's crash-core step: find the cores the manifest's `cores:`
// section (and the root's kernel core_pattern) points at, describe each from
// its ELF notes without running it (program, arguments, pid, signal,
// executable), quote the log lines that mention it, add a gdb backtrace where
// gdb can read it, and pack the core files when the run allows binaries
// (--include-cores, or --no-scrub) — newest first, within per-core and total
// caps. A core that is not packed is still described.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "bundle/archive_writer.h"
#include "bundle/documents.h"
#include "cores/core_file.h"
#include "host/filesystem.h"
#include "host/process.h"
#include "plan/plan.h"

namespace vmsupport {

struct CoresOptions {
  bool include_files = false;                   // pack the core files themselves
  std::string include_reason;                   // "--include-cores" or "--no-scrub"
  std::uint64_t max_core_size = 1ull << 30;     // --max-core-size: a larger core is described only
  std::uint64_t max_total = 4ull << 30;         // all packed cores together
  std::optional<Clock::time_point> since;       // --since: older cores are left out
};

struct CoreFinding {
  std::string path;               // inside the root
  std::uint64_t size = 0;
  Clock::time_point mtime{};
  CoreDescription description;
  std::optional<SystemdCoreName> systemd;       // what a systemd-coredump file name says
  std::vector<std::string> log_lines;           // "LOG: line" mentioning this core
  std::string member;                           // where the core file is in the bundle, if packed
  std::string not_packed;                       // why it is not
  std::string backtrace;                        // gdb's output, if it ran
  std::string backtrace_note;                   // why there is none
};

struct CoreReport {
  std::vector<CoreFinding> cores;               // newest first
  std::vector<std::string> searched;            // the globs looked at
  std::vector<std::string> left_out;            // "PATH: older than --since" ...
};

// Finds and describes the cores on the root (reads only the cores' headers and notes).
CoreReport find_cores(const Manifest& manifest, FileSystem& fs, const CoresOptions& options);

// Quotes, for each core, up to five lines of the plan's log files that mention it.
void quote_core_logs(CoreReport& report, const Plan& plan, FileSystem& fs);

// Runs `gdb -batch` for a backtrace of each uncompressed core whose executable
// exists, on the host itself only (root "/"), with a timeout.
void add_backtraces(CoreReport& report, FileSystem& fs, ProcessRunner& runner, const std::atomic<bool>* cancel);

// cores/cores.json.
std::string render_cores_json(const CoreReport& report, const CoresOptions& options);

// Packs the core files the options allow (newest first, within the caps),
// unscrubbed, streamed from the root; records why the others are not packed.
// Fails only on a write error of the archive.
Result<void> pack_cores(CoreReport& report, const CoresOptions& options, FileSystem& fs, Scrubber& scrubber,
                        ArchiveWriter& writer, ItemLog& records);

}  // namespace vmsupport
