// `vmsupport collect`: options -> the pipeline -> a short summary.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "bundle/documents.h"
#include "commands.h"

namespace vmsupport::cli {
namespace {

std::atomic<bool> g_cancel{false};

extern "C" void on_signal(int) { g_cancel.store(true); }

// SIGINT/SIGTERM stop the run: commands are killed, the partial file removed.
void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a closed stdout is a write error, not a silent death
  signal(SIGXFSZ, SIG_IGN);  // so is a file size limit (EFBIG)
}

bool colour_allowed() { return isatty(STDERR_FILENO) && std::getenv("NO_COLOR") == nullptr; }

void print_summary(const CollectSummary& s) {
  std::cerr << "\nBundle:  " << (s.bundle.path == "-" ? "written to standard output" : s.bundle.path)
            << " (" << format_size(s.bundle.size) << ")\n"
            << "SHA-256: " << s.bundle.sha256 << "\n"
            << "Platform " << s.platform << ", "
            << format_duration(s.duration) << ". Collectors: " << format_counts(s.collectors);
  std::cerr << "\nScrub:   " << s.scrub << "\n";
  if (!s.map_path.empty()) std::cerr << "Map:     " << s.map_path << " (keep it: it turns pseudonyms back into names)\n";
  if (!s.encrypted_for.empty()) std::cerr << "Key:     encrypted with gpg for " << s.encrypted_for << "\n";
  if (!s.map_warning.empty()) std::cerr << "Warning: " << s.map_warning << "\n";
  if (!s.problems.empty()) {
    std::cerr << "Problems (all in manifest.json):\n";
    for (std::size_t i = 0; i < s.problems.size() && i < 10; ++i) std::cerr << "  " << s.problems[i] << "\n";
    if (s.problems.size() > 10) std::cerr << "  ... and " << s.problems.size() - 10 << " more\n";
  }
  if (s.bundle.path != "-") std::cerr << "Next:    attach " << s.bundle.path << " to the support case.\n";
}

}  // namespace

void print_error(const Error& error) {
  std::cerr << "vmsupport: error: " << error.message << "\n";
  if (!error.hint.empty()) std::cerr << "vmsupport: hint: " << error.hint << "\n";
}

int run_collect(const RawOptions& raw) {
  auto options = to_collect_options(raw);
  if (!options) {
    print_error(options.error());
    return k_exit_usage;
  }
  struct stat st {};
  if (::stat(options->root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    print_error({"--root " + options->root + ": not a directory", {}, 0});
    return k_exit_usage;
  }
  if (options->output == "-" && isatty(STDOUT_FILENO)) {
    print_error({"-o -: standard output is a terminal", "redirect it: vmsupport collect -o - > bundle.tgz", 0});
    return k_exit_usage;
  }
  install_signal_handlers();
  RunLog log(raw.verbosity, raw.quiet, colour_allowed());
  RootedFileSystem fs(options->root);
  PosixProcessRunner runner;
  Host host{fs, runner, &g_cancel};
  const CollectSummary summary = collect(*options, host, log);
  if (summary.error) {
    print_error(*summary.error);
    return summary.exit_code;
  }
  if (raw.quiet) {
    if (summary.bundle.path != "-") std::cout << summary.bundle.path << "\n";
  } else {
    print_summary(summary);
  }
  return summary.exit_code;
}

}  // namespace vmsupport::cli
