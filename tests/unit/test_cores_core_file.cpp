// Tests for cores/core_file: describing real cores (gcore of a child, and the
// kernel's own core when core_pattern writes a plain file), synthetic cores
// with known notes, the same through zstd, xz, lz4 and gzip, cores that are
// cut short, corrupt or not cores at all, the read budget, a 2 GiB sparse
// core, PN_XNUM, and systemd-coredump file names.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../support/synthetic_core.h"
#include "../support/temp_tree.h"
#include "cores/core_file.h"

namespace vmsupport {
namespace {

using testing::build_synthetic_core;
using testing::SyntheticCoreSpec;
using testing::TempDir;
namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_file(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

bool has_problem(const CoreDescription& description, std::string_view needle) {
  for (const std::string& problem : description.problems)
    if (problem.find(needle) != std::string::npos) return true;
  return false;
}

std::string problems_text(const CoreDescription& description) {
  std::string text;
  for (const std::string& problem : description.problems) text += problem + "\n";
  return text;
}

// The full path of `name` in PATH, or empty.
std::string find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::string candidate = dir + "/" + name;
    if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

// Runs `argv` (argv[0] a full path) with stdout to `stdout_path`, stderr to
// /dev/null; its exit status, or -1 when it could not be run.
int run_program(const std::vector<std::string>& argv,
                const std::string& stdout_path = "/dev/null") {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const pid_t child = ::fork();
  if (child < 0) return -1;
  if (child == 0) {
    const int out = ::open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (out < 0 || null < 0 || ::dup2(out, 1) < 0 || ::dup2(null, 2) < 0 || ::dup2(null, 0) < 0)
      ::_exit(126);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A child running `sleep 60` (from `dir`, with core dumps allowed), killed and
// reaped at scope exit at the latest.
class SleepingChild {
 public:
  explicit SleepingChild(const std::string& dir = "/") {
    const std::string sleep = fs::exists("/bin/sleep") ? "/bin/sleep" : "/usr/bin/sleep";
    rlimit limit{};
    ::getrlimit(RLIMIT_CORE, &limit);
    limit.rlim_cur = limit.rlim_max;
    m_pid = ::fork();
    if (m_pid == 0) {
      ::setrlimit(RLIMIT_CORE, &limit);
      if (::chdir(dir.c_str()) != 0) ::_exit(126);
      ::execl(sleep.c_str(), "sleep", "60", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    REQUIRE(m_pid > 0);
    m_started = wait_for_exec();
  }
  ~SleepingChild() {
    if (m_pid > 0) wait_after(SIGKILL);
  }
  SleepingChild(const SleepingChild&) = delete;
  SleepingChild& operator=(const SleepingChild&) = delete;

  pid_t pid() const { return m_pid; }
  // True once the child runs sleep (before, a core would be the test's own).
  bool started() const { return m_started; }
  // Sends `signal`, reaps the child; its wait status.
  int wait_after(int signal) {
    ::kill(m_pid, signal);
    int status = 0;
    while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
    }
    m_pid = -1;
    return status;
  }

 private:
  bool wait_for_exec() const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (read_file("/proc/" + std::to_string(m_pid) + "/comm") == "sleep\n") return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

  pid_t m_pid = -1;
  bool m_started = false;
};

struct Compressor {
  const char* tool;
  CoreCompression compression;
};
constexpr Compressor k_compressors[] = {{"zstd", CoreCompression::zstd},
                                        {"xz", CoreCompression::xz},
                                        {"lz4", CoreCompression::lz4},
                                        {"gzip", CoreCompression::gzip}};

// `in` compressed with `tool -c` into `out`; false (with a MESSAGE) when the
// tool is missing or fails.
bool compress(const char* tool, const fs::path& in, const fs::path& out) {
  const std::string program = find_program(tool);
  if (program.empty()) {
    MESSAGE("no " << tool << " command: that compression is not tested");
    return false;
  }
  if (run_program({program, "-c", in.string()}, out.string()) != 0) {
    MESSAGE(tool << " failed: that compression is not tested");
    return false;
  }
  return true;
}

// Everything but compression and bytes_read agrees.
void check_same(const CoreDescription& got, const CoreDescription& expected) {
  CHECK(got.is_elf_core == expected.is_elf_core);
  CHECK(got.format == expected.format);
  CHECK(got.program == expected.program);
  CHECK(got.arguments == expected.arguments);
  CHECK(got.pid == expected.pid);
  CHECK(got.signal == expected.signal);
  CHECK(got.signal_name == expected.signal_name);
  CHECK(got.executable == expected.executable);
  CHECK(got.threads == expected.threads);
  CHECK(got.mappings.size() == expected.mappings.size());
  CHECK(got.problems == expected.problems);
}

// Each available compression of the core in `path` describes like `expected`.
void check_compressed_copies(const fs::path& path, const CoreDescription& expected) {
  for (const Compressor& compressor : k_compressors) {
    INFO("compressed with " << std::string(compressor.tool));
    const fs::path packed = path.string() + "." + compressor.tool;
    if (!compress(compressor.tool, path, packed)) continue;
    const auto described = describe_core(packed.string());
    REQUIRE(described.has_value());
    CHECK(described->compression == compressor.compression);
    check_same(*described, expected);
    const std::string bytes = read_file(packed);
    CHECK(detect_compression(bytes) == compressor.compression);
    check_same(describe_core_bytes(bytes), expected);
  }
}

// Puts `value` at byte `at` of `bytes`.
template <typename T>
void patch(std::string& bytes, std::size_t at, T value) {
  testing::synthetic_detail::put(bytes, at, value);
}

// The core of `spec` with `edit` applied to its bytes, described.
template <typename Edit>
CoreDescription describe_edited(const SyntheticCoreSpec& spec, Edit edit) {
  std::string bytes = build_synthetic_core(spec).bytes;
  edit(bytes);
  return describe_core_bytes(bytes);
}

TEST_SUITE("unit") {
  TEST_CASE("a synthetic core is described from its notes") {
    const auto core = build_synthetic_core({});
    const CoreDescription described = describe_core_bytes(core.bytes);
    CHECK(described.compression == CoreCompression::none);
    CHECK(described.is_elf_core);
    CHECK(described.format == "ELF64 core, x86-64, little-endian");
    CHECK(described.program == "crasher");
    CHECK(described.arguments == "crasher --crash now");
    CHECK(described.pid == 4242);
    CHECK(described.signal == 11);
    CHECK(described.signal_name == "SIGSEGV");
    CHECK(described.executable == "/usr/bin/crasher");
    CHECK(described.threads == 2);
    REQUIRE(described.mappings.size() == 2);
    CHECK(described.mappings[1].start == 0x7ffff7dd0000);
    CHECK(described.mappings[1].end == 0x7ffff7df0000);
    CHECK(described.mappings[1].offset == 0x28000);
    CHECK(described.mappings[1].path == "/usr/lib/x86_64-linux-gnu/libc.so.6");
    CHECK(described.bytes_read <= core.bytes.size());
    CHECK_MESSAGE(described.problems.empty(), problems_text(described));
  }

  TEST_CASE("a core's fields come from the fallback notes when the preferred ones are missing") {
    SyntheticCoreSpec spec;
    spec.prpsinfo = false;
    spec.siginfo = false;
    spec.cursig = SIGABRT;
    CoreDescription described = describe_core_bytes(build_synthetic_core(spec).bytes);
    CHECK(described.pid == 4243);  // the first NT_PRSTATUS
    CHECK(described.signal == SIGABRT);
    CHECK(described.signal_name == "SIGABRT");
    CHECK(described.program.empty());
    CHECK(has_problem(described, "no NT_PRPSINFO note"));

    spec = SyntheticCoreSpec{};
    spec.signal = 0;
    spec.cursig = 0;
    described = describe_core_bytes(build_synthetic_core(spec).bytes);
    CHECK_FALSE(described.signal.has_value());
    CHECK(described.signal_name.empty());
  }

  TEST_CASE(
      "a core's executable is the NT_FILE mapping holding AT_ENTRY when there is an NT_AUXV note") {
    SyntheticCoreSpec spec;
    spec.files = {{0x400000, 0x401000, 0, "/usr/lib/preloaded.so"},
                  {0x555555554000, 0x555555556000, 0, "/usr/bin/crasher"}};
    CHECK(describe_core_bytes(build_synthetic_core(spec).bytes).executable ==
          "/usr/lib/preloaded.so");
    spec.entry = 0x555555554100;
    CHECK(describe_core_bytes(build_synthetic_core(spec).bytes).executable == "/usr/bin/crasher");
    spec.entry = 0x1000;  // in no mapping: the first entry
    CHECK(describe_core_bytes(build_synthetic_core(spec).bytes).executable ==
          "/usr/lib/preloaded.so");
  }

  TEST_CASE("an aarch64 core reads like an x86-64 one, other machines with a warning") {
    SyntheticCoreSpec spec;
    spec.machine = EM_AARCH64;
    CoreDescription described = describe_core_bytes(build_synthetic_core(spec).bytes);
    CHECK(described.format == "ELF64 core, aarch64, little-endian");
    CHECK(described.program == "crasher");
    CHECK(described.problems.empty());
    spec.machine = EM_RISCV;
    described = describe_core_bytes(build_synthetic_core(spec).bytes);
    CHECK(described.format == "ELF64 core, riscv, little-endian");
    CHECK(described.program == "crasher");
    CHECK(has_problem(described, "read with the x86-64/aarch64 layouts"));
  }

  TEST_CASE("a synthetic core describes the same through zstd, xz, lz4 and gzip") {
    TempDir dir;
    const fs::path path = dir.path() / "core";
    write_file(path, build_synthetic_core({}).bytes);
    const auto plain = describe_core(path.string());
    REQUIRE(plain.has_value());
    CHECK(plain->program == "crasher");
    check_compressed_copies(path, *plain);
  }

  TEST_CASE("a core that gcore made of a sleeping child describes that child") {
    const std::string gcore = find_program("gcore");
    if (gcore.empty()) {
      MESSAGE("no gcore (gdb): the real-core test is skipped");
      return;
    }
    TempDir dir;
    SleepingChild child;
    REQUIRE(child.started());
    const int status =
        run_program({gcore, "-o", (dir.path() / "core").string(), std::to_string(child.pid())});
    const fs::path path = dir.path() / ("core." + std::to_string(child.pid()));
    if (status != 0 || !fs::exists(path)) {
      MESSAGE("gcore could not dump a child (status " << status
                                                      << ", ptrace not permitted?): skipped");
      return;
    }
    const auto described = describe_core(path.string());
    REQUIRE(described.has_value());
    CHECK(described->is_elf_core);
    CHECK(described->format.starts_with("ELF64 core, "));
    CHECK(described->program == "sleep");
    CHECK(described->pid == child.pid());
    // gdb fills pr_psargs from /proc/PID/cmdline up to its first NUL (gdb 13
    // writes "sleep"); the kernel joins the arguments ("sleep 60", below).
    CHECK((described->arguments == "sleep" || described->arguments == "sleep 60"));
    CHECK(described->executable.ends_with("/sleep"));
    CHECK(described->threads == 1);
    CHECK_FALSE(described->mappings.empty());
    // gdb stops the process with SIGSTOP to dump it and writes no signal of
    // its own: the notes carry none, or that stop.
    CHECK((!described->signal || described->signal == SIGSTOP));
    CHECK_MESSAGE(described->problems.empty(), problems_text(*described));
    check_compressed_copies(path, *described);
  }

  TEST_CASE("a core the kernel wrote for a child killed by SIGSEGV carries the signal") {
    const std::string pattern = read_file("/proc/sys/kernel/core_pattern");
    if (pattern.empty() || pattern[0] == '|' || pattern.find('/') != std::string::npos) {
      MESSAGE("core_pattern " << pattern << " does not write into the working directory: skipped");
      return;
    }
    TempDir dir;
    SleepingChild child(dir.path().string());
    REQUIRE(child.started());
    const pid_t pid = child.pid();
    const int status = child.wait_after(SIGSEGV);
    std::optional<fs::path> path;
    for (const auto& entry : fs::directory_iterator(dir.path()))
      if (entry.is_regular_file()) path = entry.path();
    if (!WIFSIGNALED(status) || !WCOREDUMP(status) || !path) {
      MESSAGE("the kernel wrote no core (core limit or container policy): skipped");
      return;
    }
    const auto described = describe_core(path->string());
    REQUIRE(described.has_value());
    CHECK(described->is_elf_core);
    CHECK(described->program == "sleep");
    CHECK(described->arguments == "sleep 60");
    CHECK(described->pid == pid);
    CHECK(described->signal == SIGSEGV);
    CHECK(described->signal_name == "SIGSEGV");
    CHECK(described->executable.ends_with("/sleep"));
    CHECK(described->threads == 1);
    CHECK_MESSAGE(described->problems.empty(), problems_text(*described));
    // The kernel writes its notes first: a small budget reaches them even
    // through a compressed stream.
    const fs::path packed = path->string() + ".zst";
    if (compress("zstd", *path, packed)) {
      const auto small = describe_core(packed.string(), 256 * 1024);
      REQUIRE(small.has_value());
      check_same(*small, *described);
      CHECK(small->bytes_read <= 256 * 1024);
    }
  }

  TEST_CASE("a core cut short is described with its problems") {
    const auto core = build_synthetic_core({});
    const auto cut = [&](std::size_t size) {
      return describe_core_bytes(std::string_view(core.bytes).substr(0, size));
    };

    CoreDescription described = cut(0);
    CHECK_FALSE(described.is_elf_core);
    CHECK(described.format == "not an ELF core (empty)");
    CHECK_FALSE(described.problems.empty());

    described = cut(10);
    CHECK_FALSE(described.is_elf_core);
    CHECK(has_problem(described, "truncated: the ELF header"));

    described = cut(100);
    CHECK(described.is_elf_core);
    CHECK(has_problem(described,
                      "truncated: the program headers (bytes 64 to 176) cut short at byte 100"));

    described = cut(static_cast<std::size_t>(core.notes_offset + core.notes_size / 2));
    CHECK(described.is_elf_core);
    CHECK(has_problem(described, "truncated: the note segment"));
    CHECK(has_problem(described, "truncated: the segments run to byte"));
    CHECK(described.program == "crasher");  // its note lies before the cut

    described = cut(core.bytes.size() - 1);
    CHECK(described.program == "crasher");
    CHECK(described.problems ==
          std::vector<std::string>{"truncated: the segments run to byte " +
                                   std::to_string(core.bytes.size()) + ", the data ends at byte " +
                                   std::to_string(core.bytes.size() - 1)});
  }

  TEST_CASE("a core with corrupt program headers or notes is described with problems") {
    const SyntheticCoreSpec spec;
    const auto core = build_synthetic_core(spec);
    const std::size_t phoff = offsetof(Elf64_Ehdr, e_phoff);
    CoreDescription described =
        describe_edited(spec, [&](std::string& b) { patch<std::uint64_t>(b, phoff, 1ull << 62); });
    CHECK(described.is_elf_core);
    CHECK(has_problem(described, "the program headers"));
    CHECK(has_problem(described, "no PT_NOTE segment"));

    described =
        describe_edited(spec, [&](std::string& b) { patch<std::uint64_t>(b, phoff, ~0ull - 8); });
    CHECK(has_problem(described, "overflows"));

    described = describe_edited(spec, [](std::string& b) {
      patch<std::uint16_t>(b, offsetof(Elf64_Ehdr, e_phentsize), 20);
    });
    CHECK(has_problem(described, "program header size 20 is smaller than 56"));

    described = describe_edited(
        spec, [](std::string& b) { patch<std::uint16_t>(b, offsetof(Elf64_Ehdr, e_phnum), 0); });
    CHECK(has_problem(described, "no program headers"));

    described = describe_edited(
        spec, [&](std::string& b) { testing::set_segment(b, 0, 1ull << 40, core.notes_size); });
    CHECK(has_problem(described, "truncated: the note segment"));
    CHECK(described.program.empty());

    described = describe_edited(
        spec, [&](std::string& b) { testing::set_segment(b, 0, core.notes_offset, ~0ull); });
    CHECK(has_problem(described, "overflows"));

    described = describe_edited(spec, [&](std::string& b) {
      testing::set_segment(b, 0, core.notes_offset, core.notes_size + 5);
    });
    CHECK(has_problem(described, "5 stray bytes at its end"));
    CHECK(described.program == "crasher");

    described = describe_edited(spec, [&](std::string& b) {
      testing::set_segment(b, 0, core.notes_offset, core.notes_size - 3);
    });
    CHECK(has_problem(described, "runs past the end of its segment"));

    // The first note's description size, then NT_FILE's mapping count.
    described = describe_edited(
        spec, [&](std::string& b) { patch<std::uint32_t>(b, core.notes_offset + 4, 0xffffffff); });
    CHECK(has_problem(described, "runs past the end of its segment"));
    CHECK(described.threads == 0);

    described = describe_edited(spec, [&](std::string& b) {
      const std::size_t names = b.find("/usr/bin/crasher");
      patch<std::uint64_t>(b, names - 16 - 2 * 24, 1ull << 40);
    });
    CHECK(has_problem(described, "NT_FILE note claims 1099511627776 mappings"));
    CHECK(described.mappings.empty());
    CHECK(described.program == "crasher");
  }

  TEST_CASE("every prefix and many corruptions of a core are described without crashing") {
    const auto core = build_synthetic_core({});
    const std::size_t notes_end = static_cast<std::size_t>(core.notes_offset + core.notes_size);
    for (std::size_t size = 0; size <= notes_end + 64; ++size) {
      const CoreDescription described =
          describe_core_bytes(std::string_view(core.bytes).substr(0, size));
      CHECK_FALSE(described.problems.empty());
    }
    std::mt19937_64 random(20240501);
    for (int round = 0; round < 3000; ++round) {
      std::string bytes = core.bytes;
      const int edits = 1 + static_cast<int>(random() % 6);
      for (int edit = 0; edit < edits; ++edit) {
        const std::size_t at =
            static_cast<std::size_t>(random() % (notes_end - 4)) & ~std::size_t{3};
        if (random() % 2 == 0)
          patch<std::uint32_t>(bytes, at, static_cast<std::uint32_t>(random()));
        else
          bytes[at] = static_cast<char>(bytes[at] ^ (1 << (random() % 8)));
      }
      const CoreDescription described = describe_core_bytes(bytes, 1 << 20);
      CHECK((described.is_elf_core || !described.problems.empty()));
    }
  }

  TEST_CASE("every prefix of a compressed core is described without crashing") {
    TempDir dir;
    const fs::path path = dir.path() / "core";
    write_file(path, build_synthetic_core({}).bytes);
    for (const Compressor& compressor : k_compressors) {
      const fs::path packed = path.string() + "." + compressor.tool;
      if (!compress(compressor.tool, path, packed)) continue;
      const std::string bytes = read_file(packed);
      for (std::size_t size = 0; size < bytes.size(); ++size) {
        INFO(std::string(compressor.tool) << " cut at " << size << " of " << bytes.size());
        const CoreDescription described =
            describe_core_bytes(std::string_view(bytes).substr(0, size));
        CHECK((described.is_elf_core || !described.problems.empty()));
      }
    }
  }

  TEST_CASE("files that are not cores are described as such") {
    TempDir dir;
    write_file(dir.path() / "text", "hello, world\n");
    auto described = describe_core((dir.path() / "text").string());
    REQUIRE(described.has_value());
    CHECK_FALSE(described->is_elf_core);
    CHECK(described->format == "not an ELF core (no ELF magic number)");
    CHECK(has_problem(*described, "not an ELF file: it starts with 68 65 6c 6c 6f 2c 20 77"));

    write_file(dir.path() / "empty", "");
    described = describe_core((dir.path() / "empty").string());
    REQUIRE(described.has_value());
    CHECK_FALSE(described->is_elf_core);
    CHECK(described->format == "not an ELF core (empty)");
    CHECK_FALSE(described->problems.empty());

    const std::string sleep = fs::exists("/bin/sleep") ? "/bin/sleep" : "/usr/bin/sleep";
    described = describe_core(sleep);
    REQUIRE(described.has_value());
    CHECK_FALSE(described->is_elf_core);
    CHECK(described->format.starts_with("not an ELF core (ELF64 "));
    CHECK(has_problem(*described, "not a core file: the ELF type is "));

    write_file(dir.path() / "garbage.zst", std::string("\x28\xb5\x2f\xfd", 4) + "not really zstd");
    described = describe_core((dir.path() / "garbage.zst").string());
    REQUIRE(described.has_value());
    CHECK(described->compression == CoreCompression::zstd);
    CHECK_FALSE(described->is_elf_core);
    CHECK(has_problem(*described, "zstd: "));
  }

  TEST_CASE("ELF32 and big-endian cores get their header described only") {
    Elf32_Ehdr header32{};
    std::memcpy(header32.e_ident, ELFMAG, SELFMAG);
    header32.e_ident[EI_CLASS] = ELFCLASS32;
    header32.e_ident[EI_DATA] = ELFDATA2LSB;
    header32.e_type = ET_CORE;
    header32.e_machine = EM_386;
    std::string bytes(reinterpret_cast<const char*>(&header32), sizeof header32);
    CoreDescription described = describe_core_bytes(bytes);
    CHECK(described.is_elf_core);
    CHECK(described.format == "ELF32 core, i386, little-endian");
    CHECK(described.problems == std::vector<std::string>{"ELF32 core: notes not parsed"});

    std::string big = build_synthetic_core({}).bytes;
    big[EI_DATA] = ELFDATA2MSB;
    patch<std::uint16_t>(big, offsetof(Elf64_Ehdr, e_type),
                         static_cast<std::uint16_t>(ET_CORE << 8));
    patch<std::uint16_t>(big, offsetof(Elf64_Ehdr, e_machine),
                         static_cast<std::uint16_t>(EM_S390 << 8));
    described = describe_core_bytes(big);
    CHECK(described.is_elf_core);
    CHECK(described.format == "ELF64 core, s390, big-endian");
    CHECK(described.problems == std::vector<std::string>{"big-endian core: notes not parsed"});
  }

  TEST_CASE("describe_core fails only when the core file cannot be opened or read") {
    TempDir dir;
    const auto missing = describe_core((dir.path() / "missing").string());
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().code == ENOENT);
    CHECK(missing.error().message.find("cannot open") != std::string::npos);
    const auto directory = describe_core(dir.path().string());
    REQUIRE_FALSE(directory.has_value());
    CHECK(directory.error().message.find("not a regular file") != std::string::npos);
    // Not even a FIFO without a writer makes it wait.
    const std::string fifo = (dir.path() / "fifo").string();
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const auto from_fifo = describe_core(fifo);
    REQUIRE_FALSE(from_fifo.has_value());
    CHECK(from_fifo.error().message.find("not a regular file") != std::string::npos);
  }

  TEST_CASE("a core with a 2 GiB sparse tail is described from its first bytes") {
    TempDir dir;
    constexpr std::uint64_t k_tail = 2ull << 30;
    const auto core = build_synthetic_core({});
    const std::uint64_t load_offset = core.load_offset;
    {
      // Notes first (the kernel's layout), then a PT_LOAD of 2 GiB of holes.
      std::string bytes = core.bytes.substr(0, load_offset);
      testing::set_segment(bytes, 1, load_offset, k_tail);
      const fs::path path = dir.path() / "kernel-layout";
      write_file(path, bytes);
      fs::resize_file(path, load_offset + k_tail);
      const auto described = describe_core(path.string());
      REQUIRE(described.has_value());
      CHECK(described->program == "crasher");
      CHECK_MESSAGE(described->problems.empty(), problems_text(*described));
      CHECK(described->bytes_read < (1u << 20));
    }
    {
      // Segment data first, notes after 2 GiB (gdb's layout): pread goes there.
      std::string bytes = core.bytes.substr(0, load_offset);
      const std::string notes = core.bytes.substr(core.notes_offset, core.notes_size);
      testing::set_segment(bytes, 1, load_offset, k_tail);
      testing::set_segment(bytes, 0, load_offset + k_tail, notes.size());
      const fs::path path = dir.path() / "gdb-layout";
      write_file(path, bytes);
      fs::resize_file(path, load_offset + k_tail);
      std::ofstream(path, std::ios::binary | std::ios::in | std::ios::ate) << notes;
      const auto described = describe_core(path.string());
      REQUIRE(described.has_value());
      CHECK(described->program == "crasher");
      CHECK(described->signal_name == "SIGSEGV");
      CHECK_MESSAGE(described->problems.empty(), problems_text(*described));
      CHECK(described->bytes_read < (1u << 20));
    }
  }

  TEST_CASE("notes beyond the read limit of a core are reported, not read") {
    TempDir dir;
    SyntheticCoreSpec spec;
    spec.notes_after_load = true;
    spec.load_size = 1 << 20;
    const fs::path path = dir.path() / "core";
    write_file(path, build_synthetic_core(spec).bytes);

    // A plain file: only the bytes read count, so the notes are reached.
    auto described = describe_core(path.string(), 256 * 1024);
    REQUIRE(described.has_value());
    CHECK(described->program == "crasher");
    CHECK(described->problems.empty());
    CHECK(described->bytes_read <= 256 * 1024);

    described = describe_core(path.string(), 100);
    REQUIRE(described.has_value());
    CHECK(described->is_elf_core);
    CHECK(has_problem(*described,
                      "the program headers at byte 64 lie beyond the read limit of 100 bytes"));

    // A compressed one is decompressed from its start: 1 MiB of data first.
    const fs::path packed = dir.path() / "core.zst";
    if (!compress("zstd", path, packed)) return;
    described = describe_core(packed.string(), 256 * 1024);
    REQUIRE(described.has_value());
    CHECK(described->is_elf_core);
    CHECK(described->program.empty());
    CHECK(has_problem(
        *described,
        "lie beyond the read limit of 262144 bytes (a compressed core is decompressed"));
    CHECK(described->bytes_read <= 256 * 1024);
    described = describe_core(packed.string());
    REQUIRE(described.has_value());
    CHECK(described->program == "crasher");
    CHECK(described->problems.empty());
  }

  TEST_CASE("a core with more than 65534 program headers takes their count from section header 0") {
    SyntheticCoreSpec spec;
    spec.extended_count = true;
    TempDir dir;
    const fs::path path = dir.path() / "core";
    write_file(path, build_synthetic_core(spec).bytes);
    const auto described = describe_core(path.string());
    REQUIRE(described.has_value());
    CHECK(described->program == "crasher");
    CHECK_MESSAGE(described->problems.empty(), problems_text(*described));
    // A stream cannot go to the section header: program headers are read up
    // to where the segment data begins.
    const fs::path packed = dir.path() / "core.zst";
    if (!compress("zstd", path, packed)) return;
    const auto streamed = describe_core(packed.string());
    REQUIRE(streamed.has_value());
    CHECK(streamed->program == "crasher");
    CHECK(streamed->mappings.size() == 2);
    CHECK(has_problem(*streamed, "more than 65534 program headers"));
  }

  TEST_CASE("core compression is detected from magic numbers and named") {
    using namespace std::string_view_literals;
    CHECK(detect_compression("\x28\xb5\x2f\xfd\x00"sv) == CoreCompression::zstd);
    CHECK(detect_compression("\xfd\x37\x7a\x58\x5a\x00\x00"sv) == CoreCompression::xz);
    CHECK(detect_compression("\x04\x22\x4d\x18"sv) == CoreCompression::lz4);
    CHECK(detect_compression("\x1f\x8b\x08"sv) == CoreCompression::gzip);
    CHECK(detect_compression("\x7f"
                             "ELF"sv) == CoreCompression::none);
    CHECK(detect_compression("\x28\xb5"sv) == CoreCompression::none);
    CHECK(detect_compression(""sv) == CoreCompression::none);
    CHECK(std::string(compression_name(CoreCompression::none)) == "none");
    CHECK(std::string(compression_name(CoreCompression::zstd)) == "zstd");
    CHECK(std::string(compression_name(CoreCompression::xz)) == "xz");
    CHECK(std::string(compression_name(CoreCompression::lz4)) == "lz4");
    CHECK(std::string(compression_name(CoreCompression::gzip)) == "gzip");
  }

  TEST_CASE("core signal names follow the Linux numbering") {
    CHECK(core_signal_name(0).empty());
    CHECK(core_signal_name(6) == "SIGABRT");
    CHECK(core_signal_name(7) == "SIGBUS");
    CHECK(core_signal_name(11) == "SIGSEGV");
    CHECK(core_signal_name(31) == "SIGSYS");
    CHECK(core_signal_name(40) == "real-time signal 40");
    CHECK(core_signal_name(99) == "signal 99");
    CHECK(core_signal_name(-1) == "signal -1");
  }

  TEST_CASE("systemd-coredump core file names are parsed") {
    const auto name = parse_systemd_core_name(
        "core.bash.1000.2f3c5e7a9b1d4f6a8c0e2b4d6f8a0c2e.12345.1700000000000000.zst");
    REQUIRE(name.has_value());
    CHECK(name->comm == "bash");
    CHECK(name->uid == 1000);
    CHECK(name->boot_id == "2f3c5e7a9b1d4f6a8c0e2b4d6f8a0c2e");
    CHECK(name->pid == 12345);
    CHECK(name->timestamp_usec == 1700000000000000);
    CHECK(name->compression == CoreCompression::zstd);

    const auto escaped = parse_systemd_core_name(
        "core.my\\x2eapp\\x20x.0.2f3c5e7a9b1d4f6a8c0e2b4d6f8a0c2e.7.1700000000000000");
    REQUIRE(escaped.has_value());
    CHECK(escaped->comm == "my.app x");
    CHECK(escaped->compression == CoreCompression::none);
    CHECK(
        parse_systemd_core_name("core.a.0.2f3c5e7a9b1d4f6a8c0e2b4d6f8a0c2e.7.1.xz")->compression ==
        CoreCompression::xz);

    CHECK_FALSE(parse_systemd_core_name("core"));
    CHECK_FALSE(parse_systemd_core_name("core.12345"));
    CHECK_FALSE(parse_systemd_core_name("core.bash.1000.nothex.12345.1700000000000000.zst"));
    CHECK_FALSE(parse_systemd_core_name(
        "core.bash.x.2f3c5e7a9b1d4f6a8c0e2b4d6f8a0c2e.12345.1700000000000000"));
    CHECK_FALSE(parse_systemd_core_name(
        "core..1000.2f3c5e7a9b1d4f6a8c0e2b4d6f8a0c2e.12345.1700000000000000"));
    CHECK_FALSE(parse_systemd_core_name(
        "vmcore.bash.1000.2f3c5e7a9b1d4f6a8c0e2b4d6f8a0c2e.12345.1700000000000000"));
  }
}

}  // namespace
}  // namespace vmsupport
