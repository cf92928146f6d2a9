// Describing crash core files without running anything (no gdb, no eu-stack)
// and without loading the core into memory: only the ELF header, the program
// headers and the PT_NOTE segments are read, through a byte budget, from a
// plain file (pread) or a compressed one (zstd, xz, lz4 as systemd-coredump
// writes them, or gzip) decompressed as a stream. What the notes say (program,
// command line, pid, signal, mapped files) becomes a CoreDescription; anything
// odd about the file becomes a line in its `problems`, never an exception.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cores/core_source.h"
#include "util/result.h"

namespace vmsupport {

// One NT_FILE entry: the file mapped at [start, end) of the address space,
// from byte `offset` of the file (the note's page count times its page size).
struct CoreMapping {
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  std::uint64_t offset = 0;
  std::string path;
};

struct CoreDescription {
  CoreCompression compression = CoreCompression::none;
  bool is_elf_core = false;   // ELF with e_type == ET_CORE
  std::string format;         // "ELF64 core, x86-64, little-endian", or "not an ELF core (...)"
  std::string program;        // NT_PRPSINFO pr_fname (the kernel's comm, at most 15 bytes)
  std::string arguments;      // NT_PRPSINFO pr_psargs: the command line, cut at 79 bytes
  std::optional<int> pid;     // NT_PRPSINFO pr_pid, else the first NT_PRSTATUS pr_pid
  std::optional<int> signal;  // NT_SIGINFO si_signo, else NT_PRSTATUS pr_cursig; absent when 0
  std::string signal_name;    // "SIGSEGV", ...; empty when `signal` is absent
  std::string executable;     // the main program's path, from NT_FILE (see describe_core)
  std::size_t threads = 0;    // NT_PRSTATUS notes: one per thread
  std::vector<CoreMapping> mappings;  // NT_FILE entries in note order (at most 262144 kept)
  std::uint64_t bytes_read = 0;       // (decompressed) bytes obtained to produce this description
  std::vector<std::string> problems;  // what is wrong or was left unread, one sentence each
};

// Describes the core in the regular file `path`, compressed or not (detected
// from its first bytes, not its name). At most `max_read` bytes of data are
// obtained: for a plain file the bytes actually read (the headers and notes,
// wherever they are); for a compressed file every decompressed byte up to the
// end of the last note, since a stream cannot skip. Notes beyond the budget are
// reported in `problems`. Only ELF64 little-endian notes are parsed (x86-64 and
// aarch64 layouts; other machines are assumed to share them, and say so); ELF32
// and big-endian cores get their header described and a problem.
// `executable` is the NT_FILE mapping holding the auxiliary vector's AT_ENTRY
// when NT_AUXV is present, else the first NT_FILE entry (the kernel and gdb
// list mappings by address, and the main program is mapped lowest).
// Fails only when the file cannot be opened, is not a regular file, or its
// first bytes cannot be read; a corrupt or truncated core is described.
Result<CoreDescription> describe_core(const std::string& path,
                                      std::uint64_t max_read = 64ull << 20);

// The same for an open regular file `fd` (not owned) of `size` bytes, e.g.
// opened inside --root; fails only when its first bytes cannot be read.
Result<CoreDescription> describe_core_fd(int fd, std::uint64_t size, std::uint64_t max_read = 64ull << 20);

// The same for a core (compressed or not) already in memory; never fails.
CoreDescription describe_core_bytes(std::string_view bytes, std::uint64_t max_read = 64ull << 20);

// The same from any source of decompressed core bytes; `compression` is left
// at none for the caller to set.
CoreDescription describe_core_source(CoreByteSource& source, std::uint64_t max_read = 64ull << 20);

// The compression whose magic number starts `head` (4 to 6 bytes suffice):
// zstd 28 b5 2f fd, xz fd 37 7a 58 5a 00, lz4 frame 04 22 4d 18, gzip 1f 8b;
// none otherwise.
CoreCompression detect_compression(std::string_view head);

// "none", "zstd", "xz", "lz4" or "gzip".
const char* compression_name(CoreCompression compression);

// "SIGSEGV" for 11 and so on (Linux numbering, as on x86-64 and aarch64),
// "real-time signal N" for 32..64, "signal N" otherwise; empty for 0.
std::string core_signal_name(int signal);

// What systemd-coredump puts in a core's file name:
// core.COMM.UID.BOOT_ID.PID.TIMESTAMP[.zst|.xz|.lz4], COMM \xNN-escaped.
struct SystemdCoreName {
  std::string comm;  // unescaped
  std::uint32_t uid = 0;
  std::string boot_id;  // 32 hex digits
  int pid = 0;
  std::uint64_t timestamp_usec = 0;                     // microseconds since the epoch
  CoreCompression compression = CoreCompression::none;  // from the suffix
};

// Parses a systemd-coredump file name (without directory); nullopt when
// `name` does not have that shape.
std::optional<SystemdCoreName> parse_systemd_core_name(std::string_view name);

}  // namespace vmsupport
