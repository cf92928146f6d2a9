// The commands of the vmsupport executable; each returns the process exit code.
#pragma once

#include "options.h"

namespace vmsupport::cli {

int run_collect(const RawOptions& raw);
int run_list(const RawOptions& raw);
int run_verify(const RawOptions& raw);
int run_unscrub(const RawOptions& raw);
int run_scrub(const RawOptions& raw);
int run_baseline(const RawOptions& raw);
int run_inspect(const RawOptions& raw);

// Prints "vmsupport: error: ..." (and the hint) to stderr.
void print_error(const Error& error);

}  // namespace vmsupport::cli
