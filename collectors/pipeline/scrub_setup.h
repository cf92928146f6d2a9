// Setting up the run's scrubber: the pseudonym map (kept by the customer in
// the state directory, mode 0600, never in the bundle), the inventory of
// names read from the root before anything is collected, and the
// ContentScrubber; or the explicit pass-through of --no-scrub.
#pragma once

#include <memory>
#include <string>

#include "host/filesystem.h"
#include "manifest/spec.h"
#include "scrub/content_scrubber.h"

namespace vmsupport {

struct ScrubOptions {
  bool enabled = true;                 // false with --no-scrub
  ScrubSettings settings;              // --keep, --scrub-word(s)
  std::string map_path;                // --map, or <state dir>/map.json
};

struct ScrubSetup {
  std::unique_ptr<PseudonymMap> map;             // null with --no-scrub
  std::unique_ptr<Scrubber> scrubber;
  ContentScrubber* content = nullptr;            // the scrubber, when it scrubs
  std::string map_path;
  std::string map_warning;                       // why the map will not be kept, if so
};

// Loads the map (a corrupt map file is an error: pseudonyms must stay
// stable), reads the inventory, builds the scrubber.
// `host_name` (from uname on "/") joins the inventory's host names.
Result<ScrubSetup> prepare_scrubber(const ScrubOptions& options, const Manifest& manifest, FileSystem& fs,
                                    const std::string& host_name);

// Saves the map beside earlier runs' (its directory is made, mode 0700).
// Fails with the reason; the bundle is complete either way.
Result<void> save_map(const ScrubSetup& setup);

}  // namespace vmsupport
