// The command line: CLI11 definitions of each command and the conversion of
// what was parsed into the engine's option structs.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "pipeline/collect.h"
#include "pipeline/rescrub.h"
#include "site_config.h"

namespace vmsupport::cli {

// Raw values as CLI11 fills them; converted and validated by to_collect_options().
struct RawOptions {
  std::string root = "/";
  std::string platform;
  std::string manifests;
  std::string output = "/var/tmp";
  std::string compress = "gzip";
  std::string case_id;
  std::string severity;       // --severity 1..4
  std::string description;
  std::string contact;
  std::string split;          // --split SIZE
  std::string max_size;       // --max-size SIZE
  bool no_space_check = false;  // --no-space-check
  bool overwrite = false;     // --overwrite: replace an existing -o FILE
  bool show_config = false;   // collect --show-config: print the effective settings, collect nothing
  bool json = false;          // --json: one JSON object on stdout
  std::string config_path;    // --config FILE
  SiteConfig config;          // the site's defaults, as read (upload keys for `upload`)
  std::string since;
  std::string timeout = "30m";
  std::string max_file_size = "25MiB";
  unsigned jobs = 4;
  std::vector<std::string> groups, exclude, tags;
  bool all_groups = false;
  bool chroot = false;
  bool no_scrub = false;
  std::string keep;
  std::vector<std::string> scrub_words;
  std::string scrub_words_file;
  std::string map;
  std::string state_dir;
  std::string baseline;       // collect --baseline ID
  bool no_changes = false;    // collect --no-changes
  std::string vm;              // collect/list --vm NAME
  std::string performance;     // collect --performance DURATION
  std::string interval;        // collect --interval SECONDS (default 5)
  bool include_cores = false;
  std::string encrypt_to;     // collect and scrub --encrypt-to KEY
  std::string max_core_size = "1GiB";
  std::string max_cores_total = "4GiB";
  std::string label;          // baseline --label
  std::size_t keep_baselines = 5;
  bool list_baselines = false;
  int verbosity = 0;
  bool quiet = false;
  std::string command_line;   // argv, for the state directory's lock file
  std::string wait_lock;      // --wait-lock[=DURATION]
  bool wait_lock_given = false;
  std::string priority = "low";  // collect --priority low|normal
  // list
  bool plan = false;
  bool detect = false;
  // verify
  std::string bundle;
  bool allow_unscrubbed = false;
  // unscrub
  std::vector<std::string> inputs;
  // inspect
  bool inspect_json = false;
  std::string inspect_html;  // --html OUT.html
  std::string inspect_file;  // --file PATH
  bool inspect_file_given = false;
  // scrub: its -o (output's default above is collect's); "" = beside the input
  std::string scrub_output;
};

// Adds the options that choose what to gather (shared by collect and list --plan).
void add_selection_options(CLI::App& command, RawOptions& raw);
// Adds collect's own options.
void add_collect_options(CLI::App& command, RawOptions& raw);

// Adds the options of `baseline`.
void add_baseline_options(CLI::App& command, RawOptions& raw);

// Adds the options of `scrub BUNDLE`.
void add_scrub_options(CLI::App& command, RawOptions& raw);

// The scrub options (--no-scrub, --keep, --scrub-word(s), --map).
Result<ScrubOptions> to_scrub_options(const RawOptions& raw, const std::string& state_dir);

// Adds --case, --severity, --description and --contact.
void add_case_options(CLI::App& command, RawOptions& raw);
// The case options, checked; fails naming the option.
Result<CaseInfo> to_case_info(const RawOptions& raw);

// Converts and validates; fails with a message naming the option.
Result<CollectOptions> to_collect_options(const RawOptions& raw);

// Converts and validates the options of `scrub BUNDLE`; fails naming the option.
Result<RescrubOptions> to_rescrub_options(const RawOptions& raw);

// The lock of `state_dir` for this run: --wait-lock (bare: 30 min; a plain
// number is seconds); fails naming the option.
Result<LockOptions> to_lock_options(const RawOptions& raw, const std::string& state_dir);

// Adds --wait-lock (collect, scrub, baseline: the commands that write the state directory).
void add_wait_lock_option(CLI::App& command, RawOptions& raw);

// Makes every option of `app` and its subcommands that takes a value refuse
// an empty one ("--case ''", an unset $CASE in a script): "--case: must not
// be empty", exit 2, rather than an option silently not given. Options whose
// value is optional (--wait-lock, list --config) are left alone.
void refuse_empty_values(CLI::App& app);

// The default state directory: /var/lib/vmsupport as root, else the XDG state dir.
std::string default_state_dir();

}  // namespace vmsupport::cli
