// What a collector hands on: one CollectedItem per file, command or skip,
// carrying its bytes (if any: in memory, or a file range when large) and its
// outcome. Items go to the scrubber,
// never straight to the archive.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "host/spool.h"
#include "util/units.h"

namespace vmsupport {

enum class Status { ok, truncated, skipped, failed, timed_out };

// "ok", "truncated", "skipped", "failed", "timed_out": as written to manifest.json.
const char* status_name(Status status);

// True for outcomes that make the run's exit code 1.
inline bool is_failure(Status status) {
  return status == Status::failed || status == Status::timed_out;
}

struct CollectedItem {
  std::size_t collector = 0;     // index into Plan::collectors
  std::string source;            // "/var/log/syslog" or the command line
  std::string archive_path;      // relative to the bundle's top directory; "" = no member
  std::string link_target;       // non-empty: the member is a symlink to this relative path
  std::string content;
  std::optional<FileRange> body;  // set: the bytes are here, too large for `content`
  Status status = Status::ok;
  std::string reason;            // why skipped / failed / truncated
  std::uint64_t original_size = 0;
  bool truncated = false;
  Clock::time_point mtime{};
  std::chrono::milliseconds duration{0};
  std::optional<int> exit_code;  // commands only
  std::string mode;              // commands only: host, files_only, chroot
  // Failed for lack of permission (EACCES/EPERM): counted for the non-root
  // hint ("N items could not be read without root").
  bool permission_denied = false;
  // A binary the run was told to pack as it is (crash cores with
  // --include-cores): the scrubber leaves its bytes alone, not the item out.
  bool unscrubbed_ok = false;

  // Bytes of the content, wherever it is held.
  std::uint64_t content_size() const { return body ? body->length : content.size(); }
};

}  // namespace vmsupport
