// The pseudonym map file (internal): a JSON document of format_version 1 with
// the entries in the order first seen and the last number given in each
// space; read whole, written atomically with mode 0600. What the entries mean
// is PseudonymMap's business (pseudonyms.cpp); this file only moves them.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "scrub/pseudonyms.h"
#include "util/result.h"

namespace vmsupport::detail {

// What a map file holds.
struct MapFile {
  std::vector<PseudonymMap::Entry> entries;
  std::map<std::string, std::uint64_t> counters;  // space -> last number given
};

// Reads the map file at `path`. A missing file reads as an empty MapFile.
// Fails with "<path>: cannot read: <reason>" (errno in Error::code) when the
// file cannot be read, with map_file_fault() when it is not a map file.
Result<MapFile> read_map_file(const std::string& path);

// The error for a map file at `path` whose content is wrong in the way
// `detail` says: "<path>: not a vmsupport pseudonym map: <detail>".
Error map_file_fault(const std::string& path, std::string_view detail);

// The text of a map file holding `entries` and `counters`; an original that
// is not valid UTF-8 travels as "original_base64".
std::string map_file_text(const std::vector<PseudonymMap::Entry>& entries,
                          const std::map<std::string, std::uint64_t>& counters);
// The same, with the `count` entries handed one by one to the visitor that
// `for_each_entry` is given, so that a large map is not copied to be saved.
using MapEntryVisitor = std::function<void(const PseudonymMap::Entry&)>;
std::string map_file_text(std::size_t count, const std::function<void(const MapEntryVisitor&)>& for_each_entry,
                          const std::map<std::string, std::uint64_t>& counters);

// Writes `text` to `path` atomically: `path`.tmp with mode 0600, fsync,
// rename, fsync of the directory. Fails naming the path and the reason; no
// temporary file is left behind then.
Result<void> write_map_file(const std::string& path, const std::string& text);

}  // namespace vmsupport::detail
