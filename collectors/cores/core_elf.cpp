// describe_core_source: the ELF side of describing a core. The ELF header says
// what the file is (class, byte order, type, machine); the program headers
// give the PT_NOTE segments, read in file order so that a forward-only stream
// never has to go back, and the extent of all segments, checked against the
// size of the data to spot a core cut short. PN_XNUM (more than 65534
// segments) is resolved from section header 0 when the source can seek there.
#include <elf.h>

#include <algorithm>
#include <cstddef>
#include <limits>

#include "cores/core_file.h"
#include "cores/core_notes.h"
#include "cores/core_reader.h"

namespace vmsupport {
namespace {

constexpr std::size_t k_max_note_segments = 64;
constexpr std::uint64_t k_max_u64 = std::numeric_limits<std::uint64_t>::max();

struct ElfHeader {
  bool is64 = true;
  bool big_endian = false;
  std::uint16_t type = 0;
  std::uint16_t machine = 0;
  std::uint64_t phoff = 0;
  std::uint16_t phentsize = 0;
  std::uint16_t phnum = 0;
  std::uint64_t shoff = 0;
  std::uint16_t shentsize = 0;
};

struct ProgramHeaders {
  std::vector<CoreNoteSegment> notes;
  std::uint64_t data_start = k_max_u64;  // where the first segment's bytes begin
  std::uint64_t data_end = 0;            // where the last segment's bytes end
  bool too_many_notes = false;
};

std::string machine_name(std::uint16_t machine) {
  switch (machine) {
    case EM_X86_64:
      return "x86-64";
    case EM_AARCH64:
      return "aarch64";
    case EM_386:
      return "i386";
    case EM_ARM:
      return "arm";
    case EM_PPC64:
      return "ppc64";
    case EM_PPC:
      return "ppc";
    case EM_S390:
      return "s390";
    case EM_RISCV:
      return "riscv";
    case EM_MIPS:
      return "mips";
    case EM_SPARCV9:
      return "sparc64";
    default:
      return "machine " + std::to_string(machine);
  }
}

std::string type_name(std::uint16_t type) {
  switch (type) {
    case ET_CORE:
      return "core";
    case ET_EXEC:
      return "executable";
    case ET_DYN:
      return "shared object";
    case ET_REL:
      return "relocatable object";
    default:
      return "type " + std::to_string(type);
  }
}

// "7f 45 4c 46 …": the first bytes, in hex.
std::string hex_prefix(std::string_view bytes) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string text;
  for (const char byte : bytes.substr(0, 8)) {
    const auto value = static_cast<unsigned char>(byte);
    if (!text.empty()) text += ' ';
    text += k_digits[value >> 4];
    text += k_digits[value & 15];
  }
  return text;
}

std::uint16_t load16(std::string_view bytes, std::size_t offset, bool big_endian) {
  return static_cast<std::uint16_t>(core_load(bytes, offset, 2, big_endian));
}

void fill_header64(std::string_view bytes, ElfHeader& header) {
  const bool big = header.big_endian;
  header.phoff = core_load(bytes, offsetof(Elf64_Ehdr, e_phoff), 8, big);
  header.phentsize = load16(bytes, offsetof(Elf64_Ehdr, e_phentsize), big);
  header.phnum = load16(bytes, offsetof(Elf64_Ehdr, e_phnum), big);
  header.shoff = core_load(bytes, offsetof(Elf64_Ehdr, e_shoff), 8, big);
  header.shentsize = load16(bytes, offsetof(Elf64_Ehdr, e_shentsize), big);
}

// Identifies an ELF file from its first bytes, setting `format`; false (with a
// problem) when it is none.
bool identify(std::string_view bytes, ElfHeader& header, CoreDescription& description) {
  if (bytes.size() < SELFMAG || bytes.substr(0, SELFMAG) != ELFMAG) {
    description.format = "not an ELF core (no ELF magic number)";
    description.problems.push_back("not an ELF file: it starts with " + hex_prefix(bytes));
    return false;
  }
  if (bytes.size() < EI_NIDENT + 4) {
    description.format = "not an ELF core (ELF header cut short)";
    description.problems.push_back(core_text("truncated: the ELF header (bytes 0 to ",
                                             sizeof(Elf64_Ehdr), ") cut short at byte ",
                                             bytes.size()));
    return false;
  }
  const int elf_class = bytes[EI_CLASS];
  const int data = bytes[EI_DATA];
  if ((elf_class != ELFCLASS32 && elf_class != ELFCLASS64) ||
      (data != ELFDATA2LSB && data != ELFDATA2MSB)) {
    description.format = "not an ELF core (unknown ELF class or byte order)";
    description.problems.push_back(
        core_text("unknown ELF class ", elf_class, " or data encoding ", data));
    return false;
  }
  header.is64 = elf_class == ELFCLASS64;
  header.big_endian = data == ELFDATA2MSB;
  header.type = load16(bytes, EI_NIDENT, header.big_endian);
  header.machine = load16(bytes, EI_NIDENT + 2, header.big_endian);
  std::string shape = std::string(header.is64 ? "ELF64 " : "ELF32 ") + type_name(header.type) +
                      ", " + machine_name(header.machine) +
                      (header.big_endian ? ", big-endian" : ", little-endian");
  description.is_elf_core = header.type == ET_CORE;
  description.format = description.is_elf_core ? shape : "not an ELF core (" + shape + ")";
  if (!description.is_elf_core)
    description.problems.push_back("not a core file: the ELF type is " + type_name(header.type));
  return description.is_elf_core;
}

// Reads and describes the ELF header; the header when the notes can be read.
std::optional<ElfHeader> read_elf_header(CoreReader& reader, CoreDescription& description) {
  std::string bytes;
  const CoreRead status = reader.read(0, sizeof(Elf64_Ehdr), bytes);
  if (status == CoreRead::failed || status == CoreRead::over_budget) {
    description.format = "not an ELF core (unreadable)";
    description.problems.push_back(
        core_read_problem(reader, status, "the ELF header", 0, sizeof(Elf64_Ehdr)));
    return std::nullopt;
  }
  if (bytes.empty()) {
    description.format = "not an ELF core (empty)";
    description.problems.push_back("the data is empty");
    return std::nullopt;
  }
  ElfHeader header;
  if (!identify(bytes, header, description)) return std::nullopt;
  const std::size_t size = header.is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
  if (bytes.size() < size) {
    description.problems.push_back(
        core_read_problem(reader, CoreRead::truncated, "the ELF header", 0, size));
    return std::nullopt;
  }
  if (!header.is64)
    description.problems.push_back("ELF32 core: notes not parsed");
  else if (header.big_endian)
    description.problems.push_back("big-endian core: notes not parsed");
  if (!header.is64 || header.big_endian) return std::nullopt;
  if (header.machine != EM_X86_64 && header.machine != EM_AARCH64)
    description.problems.push_back("notes of a " + machine_name(header.machine) +
                                   " core read with the x86-64/aarch64 layouts");
  fill_header64(bytes, header);
  return header;
}

// The number of program headers, PN_XNUM resolved; nullopt when unknown.
std::optional<std::uint64_t> program_header_count(CoreReader& reader, const ElfHeader& header,
                                                  std::vector<std::string>& problems) {
  if (header.phnum != PN_XNUM) return header.phnum;
  if (!reader.sequential() && header.shoff != 0 && header.shentsize >= sizeof(Elf64_Shdr)) {
    std::string bytes;
    const CoreRead status = reader.read(header.shoff, sizeof(Elf64_Shdr), bytes);
    if (status == CoreRead::ok) return core_load(bytes, offsetof(Elf64_Shdr, sh_info), 4);
    problems.push_back(core_read_problem(reader, status, "section header 0", header.shoff,
                                         header.shoff + sizeof(Elf64_Shdr)));
  }
  problems.push_back(
      "more than 65534 program headers and their count not read: "
      "program headers read up to where segment data begins");
  return std::nullopt;
}

void add_program_header(std::string_view bytes, std::uint64_t index, ProgramHeaders& headers,
                        std::vector<std::string>& problems) {
  const std::uint64_t type = core_load(bytes, offsetof(Elf64_Phdr, p_type), 4);
  const std::uint64_t offset = core_load(bytes, offsetof(Elf64_Phdr, p_offset), 8);
  const std::uint64_t size = core_load(bytes, offsetof(Elf64_Phdr, p_filesz), 8);
  if (size == 0) return;
  if (offset > k_max_u64 - size) {
    problems.push_back(core_text("program header ", index, ": a segment of ", size,
                                 " bytes at byte ", offset, " overflows"));
    return;
  }
  headers.data_start = std::min(headers.data_start, offset);
  headers.data_end = std::max(headers.data_end, offset + size);
  if (type != PT_NOTE) return;
  if (headers.notes.size() < k_max_note_segments) {
    headers.notes.push_back({offset, size});
  } else if (!headers.too_many_notes) {
    headers.too_many_notes = true;
    problems.push_back(
        core_text("more than ", k_max_note_segments, " note segments: the rest not read"));
  }
}

ProgramHeaders read_program_headers(CoreReader& reader, const ElfHeader& header,
                                    std::vector<std::string>& problems) {
  ProgramHeaders headers;
  if (header.phoff == 0 || header.phnum == 0) {
    problems.push_back("no program headers");
    return headers;
  }
  if (header.phentsize < sizeof(Elf64_Phdr)) {
    problems.push_back(core_text("program header size ", header.phentsize, " is smaller than ",
                                 sizeof(Elf64_Phdr)));
    return headers;
  }
  const auto count = program_header_count(reader, header, problems);
  const std::uint64_t limit = count.value_or(std::numeric_limits<std::uint32_t>::max());
  const std::uint64_t table_size = limit * header.phentsize;
  const std::uint64_t table_end =
      header.phoff > k_max_u64 - table_size ? k_max_u64 : header.phoff + table_size;
  std::string bytes;
  for (std::uint64_t index = 0; index < limit; ++index) {
    const std::uint64_t step = index * header.phentsize;
    if (header.phoff > k_max_u64 - sizeof(Elf64_Phdr) - step) {
      problems.push_back(core_text("program header table at byte ", header.phoff, " overflows"));
      break;
    }
    const std::uint64_t at = header.phoff + step;
    if (!count && at + sizeof(Elf64_Phdr) > headers.data_start) break;
    const CoreRead status = reader.read(at, sizeof(Elf64_Phdr), bytes);
    if (status != CoreRead::ok) {
      problems.push_back(core_read_problem(reader, status, "the program headers", at, table_end));
      break;
    }
    add_program_header(bytes, index, headers, problems);
  }
  return headers;
}

void describe_segments(CoreReader& reader, const ElfHeader& header, CoreDescription& description) {
  ProgramHeaders headers = read_program_headers(reader, header, description.problems);
  if (headers.notes.empty()) {
    description.problems.push_back("no PT_NOTE segment: nothing known about the process");
  } else {
    std::ranges::sort(headers.notes, {}, &CoreNoteSegment::offset);
    CoreNoteFacts facts;
    for (const CoreNoteSegment& segment : headers.notes)
      read_core_note_segment(reader, segment, facts, description.problems);
    apply_core_note_facts(std::move(facts), description);
  }
  if (reader.data_end() && headers.data_end > *reader.data_end())
    description.problems.push_back(core_text("truncated: the segments run to byte ",
                                             headers.data_end, ", the data ends at byte ",
                                             *reader.data_end()));
}

}  // namespace

CoreDescription describe_core_source(CoreByteSource& source, std::uint64_t max_read) {
  CoreDescription description;
  CoreReader reader(source, max_read);
  if (const auto header = read_elf_header(reader, description))
    describe_segments(reader, *header, description);
  description.bytes_read = reader.spent();
  return description;
}

}  // namespace vmsupport
