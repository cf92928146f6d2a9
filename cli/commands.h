// The commands of the vmsupport executable; each returns the process exit code.
#pragma once

#include "options.h"
#include "summary.h"

namespace vmsupport::cli {

int run_collect(const RawOptions& raw);
int run_list(const RawOptions& raw);
// `list --config` and `collect --show-config`: every setting, its value and
// where it came from (`command`'s options given on its command line win).
int run_list_config(const RawOptions& raw, const CLI::App& command);
int run_verify(const RawOptions& raw);
int run_unscrub(const RawOptions& raw);
int run_scrub(const RawOptions& raw);
int run_baseline(const RawOptions& raw);
int run_inspect(const RawOptions& raw);

// `upload` has options of its own, shared with no other command: they live in
// upload_command.cpp. Adds the subcommand to `app`; run_upload() runs it once parsed.
CLI::App* add_upload_command(CLI::App& app);
int run_upload(const UploadConfig& site);

// Prints "vmsupport: error: ..." (and the hint) to stderr.
void print_error(const Error& error);

// Colour on stderr: only on a terminal, and never with NO_COLOR set.
bool colour_allowed();

}  // namespace vmsupport::cli
