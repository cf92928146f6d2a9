// Reading the notes of an ELF64 little-endian core: the PT_NOTE segments are
// walked note by note, and only the few notes a description needs are read
// whole (NT_PRPSINFO, the first NT_PRSTATUS, NT_SIGINFO, NT_FILE, NT_AUXV);
// the others, such as every thread's registers, are stepped over. Internal to
// collectors/cores.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cores/core_file.h"
#include "cores/core_reader.h"

namespace vmsupport {

// Bytes [offset, offset + size) of the core; the caller has checked the sum fits.
struct CoreNoteSegment {
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};

// What the notes said, gathered over every segment.
struct CoreNoteFacts {
  std::size_t notes = 0;
  std::size_t threads = 0;
  bool have_prpsinfo = false;
  std::string program;
  std::string arguments;
  std::optional<int> prpsinfo_pid;
  bool have_prstatus = false;
  std::optional<int> prstatus_pid;
  int cursig = 0;
  bool have_siginfo = false;
  int siginfo_signo = 0;
  bool have_file = false;
  std::vector<CoreMapping> mappings;
  std::optional<std::uint64_t> entry;  // AT_ENTRY from NT_AUXV
};

// Walks the notes of `segment`, adding to `facts`; stops at the first note
// that is malformed or cannot be read, with a sentence in `problems`.
void read_core_note_segment(CoreReader& reader, CoreNoteSegment segment, CoreNoteFacts& facts,
                            std::vector<std::string>& problems);

// Fills the note-derived fields of `description` (program, arguments, pid,
// signal, executable, threads, mappings) from `facts`.
void apply_core_note_facts(CoreNoteFacts&& facts, CoreDescription& description);

}  // namespace vmsupport
