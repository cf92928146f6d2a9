// Pass 1 of `vmsupport scrub`: one streaming read of an existing bundle that
// keeps only what the scrubber must know before the first member is written —
// the small files the manifests' `inventory:` sections read (esx.conf,
// /etc/hosts, each .vmx, ...), the platforms' marker files, the directories
// the member paths imply (for `take: dir_name`), and the input's own
// manifest.json when vmsupport made it. It also checks that the archive is
// complete, so a damaged input fails before any output exists.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bundle/archive_reader.h"
#include "host/filesystem.h"
#include "manifest/spec.h"

namespace vmsupport {

struct BundleSurvey {
  std::string top_dir;      // the one top directory every member shares; "" when none
  std::size_t entries = 0;  // archive entries, directories included
  MemoryFileSystem files;   // what was kept, at "/" + its path below top_dir
  nlohmann::ordered_json
      own_manifest;       // the input's manifest.json when vmsupport made it, else null
  std::string host_name;  // from that manifest or a vm-support top directory; "unknown"
};

// Reads every entry of `reader` once. Fails when the archive is damaged or
// cut short, or holds no member at all.
Result<BundleSurvey> survey_bundle(ArchiveReader& reader, const std::vector<Manifest>& manifests);

// The member's path below `top_dir` ("" for the top directory itself), or
// the path unchanged when `top_dir` is "" or not its first component.
std::string below_top(const std::string& path, const std::string& top_dir);

}  // namespace vmsupport
