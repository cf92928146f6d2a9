// `vmsupport collect`: the whole pipeline, from manifests to a committed bundle.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bundle/archive_writer.h"
#include "bundle/case_info.h"
#include "pipeline/changes_step.h"
#include "pipeline/cores_step.h"
#include "performance/sampler.h"
#include "host/filesystem.h"
#include "host/process.h"
#include "manifest/spec.h"
#include "pipeline/progress.h"
#include "pipeline/run_lock.h"
#include "pipeline/scrub_setup.h"
#include "plan/plan.h"
#include "util/result.h"
#include "util/run_log.h"

namespace vmsupport {

struct CollectOptions {
  std::string root = "/";
  std::string manifests_dir;                  // "" = built-in manifests
  PlanOptions plan;
  std::string output = "/var/tmp";            // a file, a directory, or "-"
  Compression compression = Compression::gzip;
  CaseInfo case_info;                         // --case, --severity, --description, --contact
  std::uint64_t split_bytes = 0;              // --split: parts of at most this size; 0 = one file
  // --split with --encrypt-to: the bundle is written whole, and the caller cuts
  // the encrypted NAME.gpg into parts of this size (bundle/split_file.h); 0 = not.
  std::uint64_t split_encrypted_bytes = 0;
  std::uint64_t max_size = 0;                 // --max-size: the bundle file's cap; 0 = none
  std::string max_size_text;                  // "--max-size 500MiB", for reasons in manifest.json
  bool space_check = true;                    // false with --no-space-check
  std::chrono::milliseconds timeout{std::chrono::minutes(30)};
  unsigned jobs = 4;
  ScrubOptions scrub;                         // --no-scrub, --keep, --scrub-word(s), --map
  std::string state_dir;
  LockOptions lock;                           // STATE_DIR/lock, --wait-lock ("" state dir = no lock)
  ChangesOptions changes;                     // --baseline, --no-changes (state_dir, since filled in)
  CoresOptions cores;                         // --include-cores, --max-core-size, --max-cores-total
  std::string encrypt_to;                     // --encrypt-to KEY: a key file or keyring id; "" = not encrypted
  PerformanceOptions performance;             // --performance, --interval
  nlohmann::ordered_json given;                    // the options as the user gave them
  ProgressCallback on_progress;               // called between steps and members; may be empty
};

// --max-size below this leaves no room for the documents every bundle has.
inline constexpr std::uint64_t k_least_max_size = 256 << 10;

// Exit codes of `collect`, as documented in README.md and --help.
enum ExitCode : int {
  k_exit_complete = 0,      // bundle complete
  k_exit_partial = 1,       // bundle written, some collectors failed or timed out
  k_exit_usage = 2,         // usage or manifest error, nothing collected
  k_exit_no_bundle = 3,     // no bundle could be written
  k_exit_locked = 5,        // another run holds the state directory's lock; nothing collected
};

struct CollectSummary {
  int exit_code = k_exit_complete;
  CommittedBundle bundle;
  std::string platform;
  std::map<std::string, std::size_t> collectors;   // by status
  std::vector<std::string> problems;               // "[failed] id: reason", first ones
  std::string host;                                // the host's name in the bundle name (its pseudonym when scrubbed)
  std::string scrub;
  bool scrubbed = false;
  std::map<std::string, std::size_t> replaced;     // scrub replacements per category
  std::vector<std::string> kept;                   // categories left as they are (--keep)
  std::vector<std::string> left_out;               // "member: why", what the scrubber left out
  std::vector<std::string> unscrubbed;             // "member: why", binaries packed as they are
  std::string map_path;                            // where the pseudonym map was saved
  std::string map_warning;                         // why it was not, if so
  std::string encrypted_for;                       // --encrypt-to: the key's user id and fingerprint
  std::chrono::milliseconds duration{0};
  bool interrupted = false;                        // SIGINT/SIGTERM: a partial bundle (exit 1)
  std::size_t not_gathered = 0;                    // items skipped by the interrupt or --max-size
  bool root = true;                                // the run had root privileges
  std::size_t permission_denied = 0;               // items that failed for lack of permission
  std::optional<Error> error;                      // set when exit_code is 2, 3 or 5
};

// Host access for a run: the real host, or fakes in tests.
struct Host {
  FileSystem& fs;
  ProcessRunner& runner;
  const std::atomic<bool>* cancel = nullptr;
};

// The exit code of a failure to take the state directory's lock (RunLock::acquire):
// 5 when another run holds it, 3 when interrupted while waiting.
int lock_exit_code(const Error& error);

// Fails (exit 2) when the bundle cannot be placed at `output` at all: its
// directory does not exist, or is not a directory.
Result<void> check_output(const std::string& output);

// Loads the built-in manifests, or those of `directory` when not empty.
Result<std::vector<Manifest>> load_manifests(const std::string& directory);

// Runs a collect. Never throws; the outcome (and any error) is in the summary.
CollectSummary collect(const CollectOptions& options, Host& host, RunLog& log);

// Where the bundle goes: `output` as a file, or `output/NAME` when it is a
// directory (existing, or written with a trailing '/'), or "-".
std::string bundle_path(const std::string& output, const std::string& file_name);

}  // namespace vmsupport
