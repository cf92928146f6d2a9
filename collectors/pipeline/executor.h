// Runs a plan's tasks on a small thread pool and hands each result, scrubbed
// and encoded (compressed) on the pool, to the archive writer in plan order,
// so the bundle's layout is deterministic while collection and compression
// are parallel. Memory stays bounded: workers run at most a
// window of tasks, and about 32 MiB of content, ahead of the writer.
#pragma once

#include <atomic>
#include <chrono>
#include <vector>

#include "bundle/archive_writer.h"
#include "bundle/documents.h"
#include "kinds/registry.h"
#include "pipeline/progress.h"
#include "scrub/scrubber.h"

namespace vmsupport {

struct ExecutorSettings {
  unsigned jobs = 4;
  std::chrono::steady_clock::time_point deadline;
  std::string deadline_text;                 // "--timeout 30m", for messages
  const std::atomic<bool>* cancel = nullptr; // set on SIGINT/SIGTERM
  ProgressCallback on_progress;              // between members; may be empty
  // --max-size: the archive may hold at most this many bytes of members
  // (0 = no cap); `reserve` more are kept for the documents written after.
  std::uint64_t max_size = 0;
  std::uint64_t reserve = 0;
  std::string max_size_text;                 // "--max-size 500MiB", for reasons
};

// Collects every task of `plan`; appends one ItemRecord per task to `items`.
// Once `cancel` is set, tasks not yet started are recorded as skipped
// ("interrupted by SIGINT") and running commands are stopped. With a
// max_size, a member that would take the archive past max_size - reserve
// is left out (skipped, "--max-size 500MiB reached"), and once no room is
// left the remaining tasks are not run at all.
// Fails only when the archive cannot be written (the first write error).
Result<void> execute_plan(const Plan& plan, const ExecutorSettings& settings, FileSystem& fs,
                          ProcessRunner& runner, Scrubber& scrubber, ArchiveWriter& writer,
                          ItemLog& items);

// Adds a document the tool writes itself (README.txt, manifest.json, ...) as
// the member `path`, through the scrubber; its record has no collector.
Result<ItemRecord> add_document(Scrubber& scrubber, ArchiveWriter& writer, const std::string& path,
                                std::string content);
// The same for a document gathered in a Body: a large one (manifest.json of
// a run of 100,000 files) is scrubbed and packed from its spool file, never
// held whole in memory.
Result<ItemRecord> add_document(Scrubber& scrubber, ArchiveWriter& writer, const std::string& path, Body content);
// The same for a document rendered from values scrubbed already
// (Scrubber::rendered): added as it is.
Result<ItemRecord> add_rendered_document(Scrubber& scrubber, ArchiveWriter& writer, const std::string& path,
                                         std::string content);
Result<ItemRecord> add_rendered_document(Scrubber& scrubber, ArchiveWriter& writer, const std::string& path,
                                         Body content);

// Records a generated document (README.txt, manifest.json...) going in unscrubbed
// form through the scrubber and into the archive.
ItemRecord record_of(const ScrubbedItem& member, const MemberDigest& digest);

// Sets the record's size and checksum from what was written (and says when
// NUL bytes stood in for what could not be read).
void set_digest(ItemRecord& record, const MemberDigest& digest);

}  // namespace vmsupport
