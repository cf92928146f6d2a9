// `vmsupport scrub BUNDLE`: options -> the rescrub pipeline -> a short summary.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <iostream>

#include "commands.h"
#include "json_result.h"

namespace vmsupport::cli {
namespace {

std::atomic<bool> g_scrub_cancel{false};

extern "C" void on_scrub_signal(int) {
  g_scrub_cancel.store(true);
}

// SIGINT/SIGTERM stop the run between members: the partial file is removed.
void install_scrub_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_scrub_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  signal(SIGXFSZ, SIG_IGN);  // a file size limit is a write error (EFBIG)
}

void print_summary(const RescrubSummary& s, const std::string& input) {
  std::cerr << "\nBundle:  " << s.bundle.path << " (" << format_size(s.bundle.size) << ")\n"
            << "SHA-256: " << s.bundle.sha256 << "\n"
            << "Source:  " << input << ": " << s.members << " members scrubbed, " << s.left_out
            << " left out (listed in manifest.json and scrub-report.json)\n"
            << "Platform " << s.platform << " (" << s.platform_reason << ")\n"
            << "Scrub:   " << s.scrub << "\n";
  if (!s.map_path.empty())
    std::cerr << "Map:     " << s.map_path << " (keep it: it turns pseudonyms back into names)\n";
  if (!s.encrypted_for.empty()) std::cerr << "Key:     encrypted with gpg for " << s.encrypted_for << "\n";
  if (!s.map_warning.empty()) std::cerr << "Warning: " << s.map_warning << "\n";
  if (!s.encrypted_for.empty()) {
    std::cerr << "Next:    attach " << s.bundle.path << " to the support case.\n";
    return;
  }
  std::cerr << "Next:    vmsupport verify " << s.bundle.path
            << (s.map_path.empty() ? "" : " --map " + s.map_path)
            << ", then attach it to the support case.\n";
}

}  // namespace

int run_scrub(const RawOptions& raw) {
  auto options = to_rescrub_options(raw);
  if (!options) {
    print_error(options.error());
    if (raw.json) print_json(error_json("scrub", k_exit_usage, options.error()));
    return k_exit_usage;
  }
  install_scrub_signal_handlers();
  options->cancel = &g_scrub_cancel;
  RunLog log(raw.verbosity, raw.quiet, colour_allowed());
  const RescrubSummary summary = rescrub(*options);
  if (summary.error) {
    print_error(*summary.error);
    if (raw.json) print_json(error_json("scrub", summary.exit_code, *summary.error));
    return summary.exit_code;
  }
  if (raw.json) {
    if (!raw.quiet) print_summary(summary, raw.bundle);
    print_json({{"format_version", 1},
                {"command", "scrub"},
                {"exit_code", summary.exit_code},
                {"status", status_word(summary.exit_code)},
                {"input", raw.bundle},
                {"path", summary.bundle.path},
                {"size", summary.bundle.size},
                {"sha256", summary.bundle.sha256},
                {"sha256_file", summary.bundle.sha256_path},
                {"platform", summary.platform},
                {"members", summary.members},
                {"left_out", summary.left_out},
                {"scrub", {{"description", summary.scrub}, {"map", summary.map_path}}},
                {"warnings", summary.map_warning.empty() ? nlohmann::ordered_json::array()
                                                          : nlohmann::ordered_json::array({summary.map_warning})}});
  } else if (raw.quiet) {
    std::cout << summary.bundle.path << "\n";
  } else {
    print_summary(summary, raw.bundle);
  }
  return summary.exit_code;
}

}  // namespace vmsupport::cli
