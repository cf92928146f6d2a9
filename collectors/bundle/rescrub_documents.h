// The documents of a bundle made by `vmsupport scrub` from an existing one:
// a new manifest.json (the input's checksums no longer hold once its members
// are scrubbed) in the format of a collect's, so `vmsupport verify` checks it
// the same way, and a README.txt saying what the bundle is.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bundle/documents.h"

namespace vmsupport {

struct RescrubRecord {
  std::string bundle_name;           // the new top directory
  std::string source_bundle;         // the input's file name
  bool source_is_vmsupport = false;  // the input had our manifest.json
  Clock::time_point started{};
  Clock::time_point finished{};
  std::string platform;  // whose inventory and forbid rules were used
  std::string platform_manifest;
  std::string platform_reason;
  std::string hostname;            // as the input names it (scrubbed with the document)
  nlohmann::ordered_json options;  // as given; "keep" is read back by verify
  std::string scrub;               // the scrubber's description
  ItemLog items;                   // the input's members, then the documents
};

// Collector names of manifest.json items: a member of the input, a generated document.
inline constexpr const char* k_source_collector = "source bundle";
inline constexpr const char* k_document_collector = "vmsupport";

// manifest.json: format_version, tool, bundle, source_bundle, platform,
// host, options, scrub (scrubbed: true), summary (items by status), items.
std::string render_rescrub_manifest(const RescrubRecord& record);
// The same with an empty "items" list: what the report page reads (its
// members come from the records themselves).
std::string render_rescrub_manifest_summary(const RescrubRecord& record);

// README.txt: what this bundle is, where it came from, what was left out.
std::string render_rescrub_readme(const RescrubRecord& record);

}  // namespace vmsupport
