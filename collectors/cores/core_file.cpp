// The entry points of core description: opening a core file (or taking bytes
// in memory), recognising its compression from its magic number, and wrapping
// it in a decompressing source before the ELF reader (core_elf.cpp) sees it.
// Also the small helpers that go with it: compression and signal names, and
// systemd-coredump's file names.
#include "cores/core_file.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <utility>

#include "host/unique_fd.h"

namespace vmsupport {
namespace {

// Describes the core in `raw`, decompressing it first when it is compressed.
CoreDescription describe_raw(std::unique_ptr<CoreByteSource> raw, CoreCompression compression,
                             std::uint64_t max_read) {
  auto source = make_decompressing_source(compression, std::move(raw));
  if (!source) {
    CoreDescription description;
    description.compression = compression;
    description.format = std::string("not an ELF core (") + compression_name(compression) +
                         " data that cannot be decompressed)";
    description.problems.push_back(source.error().message);
    return description;
  }
  CoreDescription description = describe_core_source(**source, max_read);
  description.compression = compression;
  return description;
}

template <typename Number>
std::optional<Number> parse_number(std::string_view text) {
  Number value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Undoes systemd's xescape(): "\x2e" becomes ".".
std::string unescape_comm(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 3 < text.size() && text[i + 1] == 'x' && is_hex(text[i + 2]) &&
        is_hex(text[i + 3])) {
      unsigned value = 0;
      std::from_chars(text.data() + i + 2, text.data() + i + 4, value, 16);
      out += static_cast<char>(value);
      i += 3;
    } else {
      out += text[i];
    }
  }
  return out;
}

// The field after the last '.' of `text`, removed from it; nullopt without one.
std::optional<std::string_view> take_last_field(std::string_view& text) {
  const std::size_t dot = text.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view field = text.substr(dot + 1);
  text = text.substr(0, dot);
  return field;
}

}  // namespace

Result<CoreDescription> describe_core(const std::string& path, std::uint64_t max_read) {
  detail::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd.valid()) return fail_errno(errno, "cannot open ", path, ": ", errno_text(errno));
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0)
    return fail_errno(errno, "cannot stat ", path, ": ", errno_text(errno));
  if (!S_ISREG(info.st_mode)) return fail("cannot describe ", path, ": not a regular file");
  auto described = describe_core_fd(fd.get(), static_cast<std::uint64_t>(info.st_size), max_read);
  if (!described) return fail_errno(described.error().code, "cannot read ", path, ": ", described.error().message);
  return described;
}

Result<CoreDescription> describe_core_fd(int fd, std::uint64_t size, std::uint64_t max_read) {
  auto raw = make_fd_source(fd, size);
  std::array<char, 8> head{};
  auto got = raw->read_at(0, head);
  if (!got) return std::unexpected(got.error());
  const CoreCompression compression = detect_compression(std::string_view(head.data(), *got));
  return describe_raw(std::move(raw), compression, max_read);
}

CoreDescription describe_core_bytes(std::string_view bytes, std::uint64_t max_read) {
  return describe_raw(make_memory_source(bytes), detect_compression(bytes), max_read);
}

CoreCompression detect_compression(std::string_view head) {
  using namespace std::string_view_literals;
  if (head.starts_with("\x28\xb5\x2f\xfd"sv)) return CoreCompression::zstd;
  if (head.starts_with("\xfd\x37\x7a\x58\x5a\x00"sv)) return CoreCompression::xz;
  if (head.starts_with("\x04\x22\x4d\x18"sv)) return CoreCompression::lz4;
  if (head.starts_with("\x1f\x8b"sv)) return CoreCompression::gzip;
  return CoreCompression::none;
}

const char* compression_name(CoreCompression compression) {
  switch (compression) {
    case CoreCompression::none:
      return "none";
    case CoreCompression::zstd:
      return "zstd";
    case CoreCompression::xz:
      return "xz";
    case CoreCompression::lz4:
      return "lz4";
    case CoreCompression::gzip:
      return "gzip";
  }
  return "unknown";
}

std::string core_signal_name(int signal) {
  static constexpr std::array<const char*, 32> k_names = {
      "",          "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",   "SIGTRAP", "SIGABRT", "SIGBUS",
      "SIGFPE",    "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2",  "SIGPIPE", "SIGALRM", "SIGTERM",
      "SIGSTKFLT", "SIGCHLD", "SIGCONT",   "SIGSTOP", "SIGTSTP",  "SIGTTIN", "SIGTTOU", "SIGURG",
      "SIGXCPU",   "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",   "SIGPWR",  "SIGSYS"};
  if (signal >= 0 && signal < static_cast<int>(k_names.size()))
    return k_names[static_cast<std::size_t>(signal)];
  if (signal >= 32 && signal <= 64) return "real-time signal " + std::to_string(signal);
  return "signal " + std::to_string(signal);
}

std::optional<SystemdCoreName> parse_systemd_core_name(std::string_view name) {
  SystemdCoreName result;
  static constexpr std::array<std::pair<std::string_view, CoreCompression>, 3> k_suffixes = {
      {{".zst", CoreCompression::zstd},
       {".xz", CoreCompression::xz},
       {".lz4", CoreCompression::lz4}}};
  for (const auto& [suffix, compression] : k_suffixes) {
    if (!name.ends_with(suffix)) continue;
    name.remove_suffix(suffix.size());
    result.compression = compression;
    break;
  }
  if (!name.starts_with("core.")) return std::nullopt;
  name.remove_prefix(5);
  const auto timestamp = take_last_field(name);
  const auto pid = take_last_field(name);
  const auto boot_id = take_last_field(name);
  const auto uid = take_last_field(name);
  if (!uid || name.empty() || boot_id->size() != 32 || !std::ranges::all_of(*boot_id, is_hex))
    return std::nullopt;
  const auto uid_number = parse_number<std::uint32_t>(*uid);
  const auto pid_number = parse_number<int>(*pid);
  const auto timestamp_number = parse_number<std::uint64_t>(*timestamp);
  if (!uid_number || !pid_number || !timestamp_number || *pid_number <= 0) return std::nullopt;
  result.comm = unescape_comm(name);
  result.uid = *uid_number;
  result.boot_id = std::string(*boot_id);
  result.pid = *pid_number;
  result.timestamp_usec = *timestamp_number;
  return result;
}

}  // namespace vmsupport
