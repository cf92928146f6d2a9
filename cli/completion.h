// `vmsupport completion bash`: a bash completion script generated from the
// CLI11 command tree itself, so it offers exactly the commands and options that
// --help shows, plus the values vmsupport knows (platforms, group ids, tags,
// --keep categories, the choices of validated options) and file names.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "util/result.h"

namespace vmsupport::cli {

// Words offered after an option whose long name is `option` and whose value
// type (CLI11's type_name, e.g. "LIST") is `type_name`: the type tells
// collect's `--keep LIST` (categories) from baseline's `--keep` (a number).
struct CompletedValues {
  std::string option;
  std::string type_name;
  std::vector<std::string> words;
};

// The values of the built-in manifests and of the scrubber: --platform,
// -g/--group, -e/--exclude, --tags and --keep. Fails when a built-in manifest
// does not load.
Result<std::vector<CompletedValues>> completion_values();

// A bash script that defines _vmsupport and registers it for `vmsupport`.
// Subcommands in the group "" (hidden) are left out.
std::string bash_completion(const CLI::App& app, const std::vector<CompletedValues>& values);

// Adds the hidden `completion SHELL` command; SHELL is stored in `shell`.
CLI::App* add_completion_command(CLI::App& app, std::string& shell);

// Prints the completion script for `shell` ("bash") of `app` to stdout.
int run_completion(const CLI::App& app, const std::string& shell);

}  // namespace vmsupport::cli
