// `vmsupport scrub`: scrubs an existing bundle — ours made with --no-scrub, or
// one made by another tool such as ESXi's vm-support — into a new bundle
// beside it (NAME-scrubbed.tgz and its .sha256), with a new manifest.json that
// `vmsupport verify` checks like a collect's, and keeps the pseudonym map.
#pragma once

#include <atomic>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "bundle/archive_writer.h"
#include "pipeline/run_lock.h"
#include "pipeline/scrub_setup.h"
#include "util/result.h"

namespace vmsupport {

struct RescrubOptions {
  std::string input;                          // the bundle to scrub
  std::string output;                         // a file or a directory; "" = beside the input
  std::string platform;                       // whose inventory and forbid rules; "" = detect
  ScrubOptions scrub;                         // --keep, --scrub-word(s), --map
  LockOptions lock;                           // STATE_DIR/lock, held while the map is read and saved
  std::uint64_t max_member = 256ull << 20;    // larger members are left out
  std::string encrypt_to;                     // --encrypt-to KEY; "" = not encrypted
  const std::atomic<bool>* cancel = nullptr;  // set on SIGINT/SIGTERM
  nlohmann::ordered_json given;               // the options as the user gave them
};

struct RescrubSummary {
  int exit_code = 0;  // 0 done, 2 usage or unreadable input, 3 output not written, 5 locked
  CommittedBundle bundle;
  std::string platform;
  std::string platform_reason;
  std::size_t members = 0;   // written
  std::size_t left_out = 0;  // members of the input not in the new bundle
  std::string scrub;
  std::string map_path;        // where the pseudonym map was saved
  std::string map_warning;     // why it was not, if so
  std::string encrypted_for;   // --encrypt-to: the key's user id and fingerprint
  std::optional<Error> error;  // set when exit_code is 2, 3 or 5
};

// Runs a scrub. Never throws; the outcome (and any error) is in the summary.
// Nothing is left behind on failure (the output is written as NAME.partial).
RescrubSummary rescrub(const RescrubOptions& options);

}  // namespace vmsupport
