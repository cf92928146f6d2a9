// Synthetic ELF64 little-endian core files for the tests of collectors/cores:
// an ELF header, a PT_NOTE and a PT_LOAD program header, and the notes the
// kernel writes (NT_PRSTATUS per thread, NT_PRPSINFO, NT_SIGINFO, NT_AUXV,
// NT_FILE, a "LINUX" register note), with known values. The note contents are
// filled through the host's own <sys/procfs.h> structures, so the tests also
// check the reader's hand-written layouts against them (x86-64 and aarch64).
#pragma once

#include <elf.h>
#include <signal.h>
#include <sys/procfs.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "cores/core_file.h"

namespace vmsupport::testing {

struct SyntheticCoreSpec {
  std::uint16_t machine = EM_X86_64;
  std::string program = "crasher";
  std::string arguments = "crasher --crash now";
  int pid = 4242;         // NT_PRPSINFO
  int thread_pid = 4243;  // the first NT_PRSTATUS (the crashing thread)
  int threads = 2;
  bool prpsinfo = true;
  bool siginfo = true;
  int signal = SIGSEGV;  // NT_SIGINFO si_signo
  int cursig = SIGSEGV;  // NT_PRSTATUS pr_cursig
  std::vector<CoreMapping> files = {
      {0x555555554000, 0x555555556000, 0, "/usr/bin/crasher"},
      {0x7ffff7dd0000, 0x7ffff7df0000, 0x28000, "/usr/lib/x86_64-linux-gnu/libc.so.6"}};
  std::optional<std::uint64_t> entry;  // NT_AUXV with AT_ENTRY when set
  std::uint64_t load_size = 8192;      // the PT_LOAD segment's bytes (written as zeros)
  bool notes_after_load = false;       // gdb's layout: segment data first, notes last
  bool extended_count = false;         // e_phnum = PN_XNUM, the count in section header 0
};

struct SyntheticCore {
  std::string bytes;  // the whole file (PT_LOAD bytes included)
  std::uint64_t notes_offset = 0;
  std::uint64_t notes_size = 0;
  std::uint64_t load_offset = 0;
};

namespace synthetic_detail {

template <typename T>
void put(std::string& out, std::size_t at, const T& value) {
  if (out.size() < at + sizeof value) out.resize(at + sizeof value);
  out.replace(at, sizeof value, reinterpret_cast<const char*>(&value), sizeof value);
}

inline void add_note(std::string& notes, const char* name, std::uint32_t type,
                     const std::string& desc) {
  const std::uint32_t name_size = static_cast<std::uint32_t>(std::strlen(name) + 1);
  const std::uint32_t header[3] = {name_size, static_cast<std::uint32_t>(desc.size()), type};
  notes.append(reinterpret_cast<const char*>(header), sizeof header);
  notes.append(name, name_size);
  notes.resize((notes.size() + 3) & ~std::size_t{3}, '\0');
  notes += desc;
  notes.resize((notes.size() + 3) & ~std::size_t{3}, '\0');
}

template <typename T>
std::string as_bytes(const T& value) {
  return std::string(reinterpret_cast<const char*>(&value), sizeof value);
}

inline std::string prstatus(const SyntheticCoreSpec& spec, int pid) {
  prstatus_t status{};
  status.pr_info.si_signo = spec.cursig;
  status.pr_cursig = static_cast<short>(spec.cursig);
  status.pr_pid = pid;
  status.pr_ppid = 1;
  return as_bytes(status);
}

inline std::string prpsinfo(const SyntheticCoreSpec& spec) {
  prpsinfo_t info{};
  info.pr_pid = spec.pid;
  info.pr_ppid = 1;
  std::strncpy(info.pr_fname, spec.program.c_str(), sizeof info.pr_fname - 1);
  std::strncpy(info.pr_psargs, spec.arguments.c_str(), sizeof info.pr_psargs - 1);
  return as_bytes(info);
}

inline std::string siginfo(const SyntheticCoreSpec& spec) {
  siginfo_t info{};
  info.si_signo = spec.signal;
  info.si_code = SEGV_MAPERR;
  return as_bytes(info);
}

inline std::string file_note(const SyntheticCoreSpec& spec) {
  std::string desc;
  auto word = [&](std::uint64_t value) { desc += as_bytes(value); };
  word(spec.files.size());
  word(4096);
  for (const CoreMapping& file : spec.files) {
    word(file.start);
    word(file.end);
    word(file.offset / 4096);
  }
  for (const CoreMapping& file : spec.files) desc.append(file.path.c_str(), file.path.size() + 1);
  return desc;
}

inline std::string auxv(std::uint64_t entry) {
  std::string desc;
  for (const std::uint64_t word :
       {std::uint64_t{AT_PAGESZ}, std::uint64_t{4096}, std::uint64_t{AT_ENTRY}, entry,
        std::uint64_t{AT_NULL}, std::uint64_t{0}})
    desc += as_bytes(word);
  return desc;
}

inline std::string notes(const SyntheticCoreSpec& spec) {
  std::string out;
  for (int thread = 0; thread < spec.threads; ++thread) {
    add_note(out, "CORE", NT_PRSTATUS, prstatus(spec, spec.thread_pid + thread));
    add_note(out, "CORE", NT_FPREGSET, std::string(512, '\x5a'));
    add_note(out, "LINUX", 0x202 /* NT_X86_XSTATE */, std::string(1000, '\x33'));
    if (thread > 0) continue;
    if (spec.prpsinfo) add_note(out, "CORE", NT_PRPSINFO, prpsinfo(spec));
    if (spec.siginfo) add_note(out, "CORE", NT_SIGINFO, siginfo(spec));
    if (spec.entry) add_note(out, "CORE", NT_AUXV, auxv(*spec.entry));
    add_note(out, "CORE", NT_FILE, file_note(spec));
  }
  return out;
}

}  // namespace synthetic_detail

// Builds the core `spec` describes: header, program headers, then the notes
// and the PT_LOAD bytes (in that order, or the other way round).
inline SyntheticCore build_synthetic_core(const SyntheticCoreSpec& spec) {
  using namespace synthetic_detail;
  const std::string note_bytes = notes(spec);
  const std::uint64_t tables_end = sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr);
  const std::uint64_t load_offset =
      spec.notes_after_load ? 4096 : (tables_end + note_bytes.size() + 4095) & ~4095ull;
  const std::uint64_t notes_offset =
      spec.notes_after_load ? load_offset + spec.load_size : tables_end;
  const std::uint64_t file_end =
      std::max(load_offset + spec.load_size, notes_offset + note_bytes.size());

  SyntheticCore core;
  Elf64_Ehdr header{};
  std::memcpy(header.e_ident, ELFMAG, SELFMAG);
  header.e_ident[EI_CLASS] = ELFCLASS64;
  header.e_ident[EI_DATA] = ELFDATA2LSB;
  header.e_ident[EI_VERSION] = EV_CURRENT;
  header.e_type = ET_CORE;
  header.e_machine = spec.machine;
  header.e_version = EV_CURRENT;
  header.e_phoff = sizeof(Elf64_Ehdr);
  header.e_ehsize = sizeof(Elf64_Ehdr);
  header.e_phentsize = sizeof(Elf64_Phdr);
  header.e_phnum = spec.extended_count ? PN_XNUM : 2;
  if (spec.extended_count) {
    header.e_shoff = file_end;
    header.e_shentsize = sizeof(Elf64_Shdr);
    header.e_shnum = 1;
  }
  put(core.bytes, 0, header);
  Elf64_Phdr note{};
  note.p_type = PT_NOTE;
  note.p_offset = notes_offset;
  note.p_filesz = note_bytes.size();
  put(core.bytes, sizeof(Elf64_Ehdr), note);
  Elf64_Phdr load{};
  load.p_type = PT_LOAD;
  load.p_offset = load_offset;
  load.p_vaddr = 0x555555554000;
  load.p_filesz = spec.load_size;
  load.p_memsz = spec.load_size;
  load.p_flags = PF_R;
  put(core.bytes, sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr), load);
  core.bytes.resize(file_end, '\0');
  core.bytes.replace(notes_offset, note_bytes.size(), note_bytes);
  if (spec.extended_count) {
    Elf64_Shdr section{};
    section.sh_info = 2;
    put(core.bytes, file_end, section);
  }
  core.notes_offset = notes_offset;
  core.notes_size = note_bytes.size();
  core.load_offset = load_offset;
  return core;
}

// Rewrites program header `index` (0: PT_NOTE, 1: PT_LOAD) of `core` to
// describe `size` bytes at `offset`, e.g. a PT_LOAD far larger than the bytes.
inline void set_segment(std::string& core, int index, std::uint64_t offset, std::uint64_t size) {
  const std::size_t at = sizeof(Elf64_Ehdr) + static_cast<std::size_t>(index) * sizeof(Elf64_Phdr);
  synthetic_detail::put(core, at + offsetof(Elf64_Phdr, p_offset), offset);
  synthetic_detail::put(core, at + offsetof(Elf64_Phdr, p_filesz), size);
  synthetic_detail::put(core, at + offsetof(Elf64_Phdr, p_memsz), size);
}

}  // namespace vmsupport::testing
