// `vmsupport verify`: reads a bundle once, as a stream, and checks that the
// archive is complete and that every member matches manifest.json (size,
// SHA-256, symlink target), with nothing missing and nothing extra; and that
// the NAME.sha256 file beside it, when present, matches the archive. For a
// scrubbed bundle it also fails closed on anything personal left (leak_check.h).
#pragma once

#include <string>
#include <vector>

#include "util/result.h"

namespace vmsupport {

struct VerifyReport {
  std::string top_dir;
  std::size_t members = 0;             // entries in the archive
  std::size_t checked = 0;             // members whose checksum was compared
  std::string archive_sha256;
  bool sidecar_checked = false;        // NAME.sha256 was found and compared
  std::vector<std::string> problems;   // empty: the bundle is valid
  bool privacy_checked = false;        // contents were searched for leaks
};

struct VerifyOptions {
  std::string map_path;          // originals to look for; "" = address patterns only
  bool allow_unscrubbed = false; // an unscrubbed bundle is a problem unless this is set
};

// Fails when the archive cannot be read at all or is cut short (the message
// says where), or when the map cannot be read; problems with its contents are
// listed in the report as "member:line: category".
Result<VerifyReport> verify_bundle(const std::string& path, const VerifyOptions& options = {});

// The same for a bundle kept in parts (NAME.part-001 ...): the archive is read
// as the parts' concatenation; `path` is the whole's name, for NAME.sha256
// (whose line of each part is compared too) and for messages.
Result<VerifyReport> verify_bundle_parts(const std::string& path, const std::vector<std::string>& parts,
                                         const VerifyOptions& options = {});

}  // namespace vmsupport
