// `vmsupport collect`: options -> the pipeline -> a short summary on stderr
// (with -q only the bundle's path, with --json one JSON object, on stdout).
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>

#include <spdlog/spdlog.h>

#include "bundle/archive_reader.h"
#include "bundle/documents.h"
#include "bundle/split_file.h"
#include "host/priority.h"
#include "commands.h"
#include "host/interrupt.h"
#include "json_result.h"
#include "progress.h"
#include "util/text.h"

namespace vmsupport::cli {
namespace {

std::atomic<bool> g_cancel{false};

constexpr const char* k_first_signal =
    "\nvmsupport: interrupted: stopping, then writing a partial bundle of what was gathered "
    "(press Ctrl-C again to stop at once)\n";
constexpr const char* k_second_signal = "\nvmsupport: interrupted twice: no bundle written\n";

// The first SIGINT/SIGTERM stops the gathering (running commands get SIGTERM,
// then SIGKILL; nothing new starts) and the run writes what it has; a second
// one kills the commands' process groups, removes the partial file and exits
// 3 at once. Only async-signal-safe calls (atomics, write, kill, unlink, _exit).
extern "C" void on_signal(int signal_number) {
  interrupt::note_signal(signal_number);  // first, so that the reasons name the signal
  if (g_cancel.exchange(true)) interrupt::stop_at_once(k_second_signal, k_exit_no_bundle);
  const ssize_t ignored = ::write(STDERR_FILENO, k_first_signal, std::char_traits<char>::length(k_first_signal));
  (void)ignored;
}

void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  action.sa_flags = SA_RESTART;  // reads and writes go on after the first signal
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a closed stdout is a write error, not a silent death
  signal(SIGXFSZ, SIG_IGN);  // so is a file size limit (EFBIG)
}

// A failure before or instead of a bundle: the message on stderr, and with --json the object on stdout.
int fail_with(const RawOptions& raw, int exit_code, const Error& error) {
  print_error(error);
  if (raw.json) print_json(error_json("collect", exit_code, error));
  return exit_code;
}

// --priority: low (the default) lowers this thread's CPU and I/O priority
// before any worker thread or command is started, so that all inherit it.
// Returns what manifest.json records: the choice and what was in force.
nlohmann::ordered_json apply_priority(const std::string& choice) {
  std::string problem;
  ProcessPriority in_force = current_priority();
  if (choice == "low") {
    const PriorityChange change = lower_priority();
    in_force = change.after;
    problem = change.problem;
    spdlog::info("priority low: {} (was {})", describe_priority(change.after), describe_priority(change.before));
    if (!problem.empty()) spdlog::warn("could not lower the priority fully: {}", problem);
  } else {
    spdlog::info("priority normal: {}, as started", describe_priority(in_force));
  }
  nlohmann::ordered_json doc{{"mode", choice}, {"nice", in_force.nice}, {"io_class", io_class_name(in_force.io_class)},
                             {"io_level", in_force.io_level}};
  if (!problem.empty()) doc["problem"] = problem;
  return doc;
}

// The last word on stderr when the bundle lacks what was planned: an
// interrupt (even with -q), or --max-size.
void print_cut_short(const CollectSummary& summary, const CollectOptions& options, bool quiet) {
  if (summary.interrupted) {
    std::cerr << "vmsupport: interrupted: wrote a partial bundle "
              << (summary.bundle.path == "-" ? "to standard output" : summary.bundle.path) << " ("
              << counted(summary.not_gathered, "item") << " not gathered; see manifest.json)\n";
  } else if (summary.not_gathered > 0 && !quiet) {
    std::cerr << "vmsupport: " << options.max_size_text << ": " << counted(summary.not_gathered, "item")
              << " left out, the lowest priorities first (listed in manifest.json)\n";
  }
}

// The files of an earlier bundle at `path` (what -o FILE names): the file or
// its parts, its .gpg or the .gpg's parts, and their .sha256 files.
std::vector<std::string> earlier_bundle_files(const std::string& path) {
  std::vector<std::string> found;
  struct stat st {};
  for (const std::string& name : {path, path + ".gpg"}) {
    for (std::string& file : bundle_files(name)) {
      if (::lstat(file.c_str(), &st) == 0) found.push_back(std::move(file));
    }
    if (::lstat((name + ".sha256").c_str(), &st) == 0) found.push_back(name + ".sha256");
  }
  return found;
}

// With --overwrite, once the new bundle is written: the earlier bundle's files
// it did not replace (parts past its last, a .gpg, a whole file now in parts),
// which `cat NAME.part-*` or `verify NAME` would otherwise pick up.
void remove_leftovers(const std::vector<std::string>& earlier, const CommittedBundle& bundle) {
  for (const std::string& file : earlier) {
    const bool replaced = file == bundle.path || file == bundle.sha256_path ||
                          std::any_of(bundle.parts.begin(), bundle.parts.end(),
                                      [&](const BundlePart& part) { return part.path == file; });
    if (!replaced) ::unlink(file.c_str());
  }
}

}  // namespace

void print_error(const Error& error) {
  std::cerr << "vmsupport: error: " << error.message << "\n";
  if (!error.hint.empty()) std::cerr << "vmsupport: hint: " << error.hint << "\n";
}

// no-color.org: only a NO_COLOR that is set and not empty turns colour off.
bool colour_allowed() {
  const char* no_color = std::getenv("NO_COLOR");
  return isatty(STDERR_FILENO) && (no_color == nullptr || *no_color == '\0');
}

int run_collect(const RawOptions& raw) {
  auto options = to_collect_options(raw);
  if (!options) return fail_with(raw, k_exit_usage, options.error());
  struct stat st {};
  if (::stat(options->root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return fail_with(raw, k_exit_usage, {"--root " + options->root + ": not a directory", {}, 0});
  }
  if (options->output == "-" && raw.json) {
    return fail_with(raw, k_exit_usage,
                     {"--json with -o -: standard output carries the bundle", "write the bundle to a file or directory", 0});
  }
  if (options->output == "-" && isatty(STDOUT_FILENO)) {
    return fail_with(raw, k_exit_usage,
                     {"-o -: standard output is a terminal", "redirect it: vmsupport collect -o - > bundle.tgz", 0});
  }
  // -o FILE that is there already: an earlier bundle is not replaced unless asked (--overwrite).
  std::vector<std::string> earlier;
  if (options->output != "-" && bundle_path(options->output, "x") == options->output) {
    earlier = earlier_bundle_files(options->output);
    if (!earlier.empty() && !raw.overwrite) {
      return fail_with(raw, k_exit_usage,
                       {"-o " + options->output + ": " + earlier.front() + " already exists (an earlier bundle?)",
                        "give another file name or a directory, or --overwrite to replace it", 0});
    }
  }
  install_signal_handlers();
  RunLog log(raw.verbosity, raw.quiet, colour_allowed());
  options->given["priority"] = apply_priority(raw.priority);
  std::optional<ProgressPrinter> progress;
  if (progress_wanted(isatty(STDERR_FILENO), raw.quiet, raw.json, raw.verbosity)) {
    progress.emplace(stderr);
    options->on_progress = [&progress](const Progress& p) { progress->update(p); };
  }
  RootedFileSystem fs(options->root);
  PosixProcessRunner runner;
  Host host{fs, runner, &g_cancel};
  CollectSummary summary = collect(*options, host, log);
  if (progress) progress->clear();
  if (summary.error) return fail_with(raw, summary.exit_code, *summary.error);
  if (options->split_encrypted_bytes != 0) {
    // The last step of collect for --split with --encrypt-to: NAME.gpg into parts.
    auto split = split_committed_file(summary.bundle, options->split_encrypted_bytes);
    if (!split) return fail_with(raw, k_exit_no_bundle, split.error());
    summary.bundle = std::move(*split);
  }
  remove_leftovers(earlier, summary.bundle);
  if (raw.json) {
    if (!raw.quiet) print_collect_summary(summary, options->case_info, colour_allowed());
    print_json(collect_result_json(summary, options->case_info));
  } else if (raw.quiet) {
    if (summary.bundle.path != "-" && summary.bundle.parts.empty()) std::cout << summary.bundle.path << "\n";
    for (const BundlePart& part : summary.bundle.parts) std::cout << part.path << "\n";
  } else {
    print_collect_summary(summary, options->case_info, colour_allowed());
  }
  print_cut_short(summary, *options, raw.quiet);
  return summary.exit_code;
}

}  // namespace vmsupport::cli
