// Note walking for ELF64 little-endian cores (see core_notes.h). The layouts
// of NT_PRPSINFO and NT_PRSTATUS are those of the 64-bit Linux structures,
// identical on x86-64 and aarch64, and checked against <sys/procfs.h> when
// built on one of those. Every size comes from the file, so each is checked
// against its segment before anything is read, and read sizes are capped.
#include "cores/core_notes.h"

#include <elf.h>

#include <algorithm>
#include <cstddef>
#include <optional>

#if defined(__x86_64__) || defined(__aarch64__)
#include <sys/procfs.h>
#endif

namespace vmsupport {
namespace {

// struct elf_prpsinfo (64-bit Linux): pr_pid, pr_fname[16], pr_psargs[80].
constexpr std::size_t k_prpsinfo_pid = 24;
constexpr std::size_t k_prpsinfo_fname = 40;
constexpr std::size_t k_prpsinfo_fname_size = 16;
constexpr std::size_t k_prpsinfo_psargs = 56;
constexpr std::size_t k_prpsinfo_psargs_size = 80;
constexpr std::size_t k_prpsinfo_size = 136;
// struct elf_prstatus (64-bit Linux): pr_info.si_signo, pr_cursig (short), pr_pid.
constexpr std::size_t k_prstatus_cursig = 12;
constexpr std::size_t k_prstatus_pid = 32;
constexpr std::size_t k_prstatus_needed = 36;
// siginfo_t: si_signo first, then si_errno, si_code.
constexpr std::size_t k_siginfo_needed = 12;

#if defined(__x86_64__) || defined(__aarch64__)
static_assert(offsetof(prpsinfo_t, pr_pid) == k_prpsinfo_pid);
static_assert(offsetof(prpsinfo_t, pr_fname) == k_prpsinfo_fname);
static_assert(sizeof(prpsinfo_t::pr_fname) == k_prpsinfo_fname_size);
static_assert(offsetof(prpsinfo_t, pr_psargs) == k_prpsinfo_psargs);
static_assert(sizeof(prpsinfo_t::pr_psargs) == k_prpsinfo_psargs_size);
static_assert(sizeof(prpsinfo_t) == k_prpsinfo_size);
static_assert(offsetof(prstatus_t, pr_cursig) == k_prstatus_cursig);
static_assert(offsetof(prstatus_t, pr_pid) == k_prstatus_pid);
#endif

constexpr std::size_t k_note_header = 12;      // Elf64_Nhdr: namesz, descsz, type
constexpr std::size_t k_max_name = 32;         // longer names are not ours ("CORE")
constexpr std::size_t k_max_notes = 1u << 22;  // four million: ~800k threads
constexpr std::uint64_t k_max_file_note = 64ull << 20;
constexpr std::uint64_t k_max_auxv_note = 64 * 1024;
constexpr std::size_t k_max_mappings = 1u << 18;
constexpr std::size_t k_file_entry = 24;  // start, end, page offset

std::uint64_t align4(std::uint64_t size) {
  return (size + 3) & ~std::uint64_t{3};
}

int load_int(std::string_view bytes, std::size_t offset, std::size_t width) {
  const std::uint64_t raw = core_load(bytes, offset, width);
  if (width == 2) return static_cast<std::int16_t>(static_cast<std::uint16_t>(raw));
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(raw));
}

// A fixed-size char field up to its first NUL, trailing spaces dropped.
std::string c_field(std::string_view bytes, std::size_t offset, std::size_t size) {
  std::string_view field = bytes.substr(offset, size);
  field = field.substr(0, field.find('\0'));
  while (!field.empty() && field.back() == ' ') field.remove_suffix(1);
  return std::string(field);
}

// One note of a segment: where its parts lie.
struct Note {
  std::uint32_t type = 0;
  std::string name;
  std::uint64_t desc_offset = 0;
  std::uint64_t desc_size = 0;
};

class NoteWalker {
 public:
  NoteWalker(CoreReader& reader, CoreNoteFacts& facts, std::vector<std::string>& problems)
      : m_reader(reader), m_facts(facts), m_problems(problems) {}

  void walk(CoreNoteSegment segment) {
    m_segment = segment;
    const std::uint64_t end = segment.offset + segment.size;
    std::uint64_t at = segment.offset;
    while (at < end) {
      if (m_facts.notes >= k_max_notes)
        return problem("more than ", k_max_notes, " notes: the rest not read");
      if (end - at < k_note_header)
        return problem("note segment at byte ", segment.offset, ": ", end - at,
                       " stray bytes at its end");
      Note note;
      const auto next = read_header(at, end, note);
      if (!next || !read_desc(note)) return;
      ++m_facts.notes;
      at = *next;
    }
  }

 private:
  template <typename... Parts>
  void problem(const Parts&... parts) {
    m_problems.push_back(core_text(parts...));
  }

  // Reads `size` bytes of the segment at `offset`; false, with a problem, when
  // they are not all there (a truncation is reported for the whole segment).
  bool read(std::uint64_t offset, std::uint64_t size, const char* what) {
    const CoreRead status = m_reader.read(offset, static_cast<std::size_t>(size), m_bytes);
    if (status == CoreRead::ok) return true;
    if (status == CoreRead::truncated)
      m_problems.push_back(core_read_problem(m_reader, status, "the note segment", m_segment.offset,
                                             m_segment.offset + m_segment.size));
    else
      m_problems.push_back(core_read_problem(m_reader, status, what, offset, offset + size));
    return false;
  }

  // Reads the header and name of the note at `at`; the offset of the next one.
  std::optional<std::uint64_t> read_header(std::uint64_t at, std::uint64_t end, Note& note) {
    if (!read(at, k_note_header, "the notes")) return std::nullopt;
    const std::uint64_t name_size = core_load(m_bytes, 0, 4);
    note.desc_size = core_load(m_bytes, 4, 4);
    note.type = static_cast<std::uint32_t>(core_load(m_bytes, 8, 4));
    // at + k_note_header <= end (checked by walk()); the rest may overflow.
    if (__builtin_add_overflow(at + k_note_header, align4(name_size), &note.desc_offset) ||
        note.desc_offset > end || note.desc_size > end - note.desc_offset) {
      problem("note at byte ", at, " (type ", note.type, ", ", name_size, "+", note.desc_size,
              " bytes) runs past the end of its segment at byte ", end);
      return std::nullopt;
    }
    if (name_size > 0 && name_size <= k_max_name) {
      if (!read(at + k_note_header, name_size, "a note name")) return std::nullopt;
      note.name = m_bytes.substr(0, m_bytes.find('\0'));
    }
    const std::uint64_t desc_end = note.desc_offset + note.desc_size;  // <= end
    const std::uint64_t padding = align4(note.desc_size) - note.desc_size;
    return end - desc_end >= padding ? desc_end + padding : end;
  }

  // Reads the note's description when it is one of ours; false to stop.
  bool read_desc(const Note& note) {
    if (note.name != "CORE") return true;
    switch (note.type) {
      case NT_PRSTATUS:
        return prstatus(note);
      case NT_PRPSINFO:
        return prpsinfo(note);
      case NT_SIGINFO:
        return siginfo(note);
      case NT_FILE:
        return file(note);
      case NT_AUXV:
        return auxv(note);
      default:
        return true;
    }
  }

  // False, with a problem, when the note's description is shorter than `size`.
  bool long_enough(const Note& note, std::uint64_t size, const char* what) {
    if (note.desc_size >= size) return true;
    problem(what, " note of ", note.desc_size, " bytes is shorter than the ", size, " expected");
    return false;
  }

  bool prstatus(const Note& note) {
    ++m_facts.threads;
    if (m_facts.have_prstatus) return true;
    m_facts.have_prstatus = true;
    if (!long_enough(note, k_prstatus_needed, "NT_PRSTATUS")) return true;
    if (!read(note.desc_offset, k_prstatus_needed, "the NT_PRSTATUS note")) return false;
    m_facts.cursig = load_int(m_bytes, k_prstatus_cursig, 2);
    m_facts.prstatus_pid = load_int(m_bytes, k_prstatus_pid, 4);
    return true;
  }

  bool prpsinfo(const Note& note) {
    if (m_facts.have_prpsinfo) return true;
    m_facts.have_prpsinfo = true;
    if (!long_enough(note, k_prpsinfo_size, "NT_PRPSINFO")) return true;
    if (!read(note.desc_offset, k_prpsinfo_size, "the NT_PRPSINFO note")) return false;
    m_facts.prpsinfo_pid = load_int(m_bytes, k_prpsinfo_pid, 4);
    m_facts.program = c_field(m_bytes, k_prpsinfo_fname, k_prpsinfo_fname_size);
    m_facts.arguments = c_field(m_bytes, k_prpsinfo_psargs, k_prpsinfo_psargs_size);
    return true;
  }

  bool siginfo(const Note& note) {
    if (m_facts.have_siginfo) return true;
    m_facts.have_siginfo = true;
    if (!long_enough(note, k_siginfo_needed, "NT_SIGINFO")) return true;
    if (!read(note.desc_offset, k_siginfo_needed, "the NT_SIGINFO note")) return false;
    m_facts.siginfo_signo = load_int(m_bytes, 0, 4);
    return true;
  }

  bool file(const Note& note) {
    if (m_facts.have_file) return true;
    m_facts.have_file = true;
    if (note.desc_size > k_max_file_note) {
      problem("NT_FILE note of ", note.desc_size, " bytes is larger than the ", k_max_file_note,
              " read: mapped files unknown");
      return true;
    }
    if (!read(note.desc_offset, note.desc_size, "the NT_FILE note")) return false;
    parse_file_note();
    return true;
  }

  // count, page size, count × (start, end, page offset), count NUL-terminated names.
  void parse_file_note() {
    const std::string_view desc = m_bytes;
    if (desc.size() < 16) return problem("NT_FILE note of ", desc.size(), " bytes has no header");
    const std::uint64_t count = core_load(desc, 0, 8);
    const std::uint64_t page_size = core_load(desc, 8, 8);
    if (count > (desc.size() - 16) / k_file_entry)
      return problem("NT_FILE note claims ", count, " mappings but has room for ",
                     (desc.size() - 16) / k_file_entry);
    const std::size_t kept =
        static_cast<std::size_t>(std::min<std::uint64_t>(count, k_max_mappings));
    if (kept < count) problem("NT_FILE note lists ", count, " mappings: the first ", kept, " kept");
    std::size_t name_at = 16 + static_cast<std::size_t>(count) * k_file_entry;
    bool overflowed = false;
    std::size_t backwards = 0;
    for (std::size_t i = 0; i < kept; ++i) {
      const std::size_t name_end = desc.find('\0', name_at);
      if (name_end == std::string_view::npos)
        return problem("NT_FILE note: the file names end after ", i, " of ", count);
      CoreMapping mapping;
      mapping.start = core_load(desc, 16 + i * k_file_entry, 8);
      mapping.end = core_load(desc, 16 + i * k_file_entry + 8, 8);
      const std::uint64_t pages = core_load(desc, 16 + i * k_file_entry + 16, 8);
      overflowed |= __builtin_mul_overflow(pages, page_size, &mapping.offset);
      mapping.path = desc.substr(name_at, name_end - name_at);
      name_at = name_end + 1;
      if (mapping.end < mapping.start) {
        ++backwards;
        continue;
      }
      m_facts.mappings.push_back(std::move(mapping));
    }
    if (backwards > 0) problem("NT_FILE note: ", backwards, " mappings end before they start: left out");
    if (overflowed) problem("NT_FILE note: page size ", page_size, " makes file offsets overflow");
  }

  bool auxv(const Note& note) {
    if (m_facts.entry) return true;
    const std::uint64_t size = std::min(note.desc_size, k_max_auxv_note) & ~std::uint64_t{15};
    if (!read(note.desc_offset, size, "the NT_AUXV note")) return false;
    for (std::size_t at = 0; at + 16 <= m_bytes.size(); at += 16) {
      const std::uint64_t key = core_load(m_bytes, at, 8);
      if (key == AT_NULL) break;
      if (key == AT_ENTRY) m_facts.entry = core_load(m_bytes, at + 8, 8);
    }
    return true;
  }

  CoreReader& m_reader;
  CoreNoteSegment m_segment;
  CoreNoteFacts& m_facts;
  std::vector<std::string>& m_problems;
  std::string m_bytes;  // the latest read
};

// The path of the mapping holding the program's entry point, else the first.
std::string executable_path(const CoreNoteFacts& facts) {
  if (facts.entry) {
    for (const CoreMapping& mapping : facts.mappings)
      if (*facts.entry >= mapping.start && *facts.entry < mapping.end) return mapping.path;
  }
  return facts.mappings.empty() ? std::string() : facts.mappings.front().path;
}

}  // namespace

void read_core_note_segment(CoreReader& reader, CoreNoteSegment segment, CoreNoteFacts& facts,
                            std::vector<std::string>& problems) {
  NoteWalker(reader, facts, problems).walk(segment);
}

void apply_core_note_facts(CoreNoteFacts&& facts, CoreDescription& description) {
  description.program = std::move(facts.program);
  description.arguments = std::move(facts.arguments);
  description.pid = facts.prpsinfo_pid ? facts.prpsinfo_pid : facts.prstatus_pid;
  const int signal = facts.siginfo_signo != 0 ? facts.siginfo_signo : facts.cursig;
  if (signal != 0) description.signal = signal;
  description.signal_name = core_signal_name(signal);
  description.executable = executable_path(facts);
  description.threads = facts.threads;
  description.mappings = std::move(facts.mappings);
  if (!facts.have_prpsinfo)
    description.problems.push_back("no NT_PRPSINFO note: program and command line unknown");
}

}  // namespace vmsupport
