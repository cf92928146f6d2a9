// The interrupt tables (see interrupt.h): fixed arrays of atomics and
// character buffers, filled by the run and read by a signal handler. Only
// async-signal-safe calls (kill, unlink, write, _exit) in stop_at_once; paths
// are assembled by hand in a stack buffer, no snprintf.
#include "host/interrupt.h"

#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace vmsupport::interrupt {
namespace {

constexpr std::size_t k_groups = 256;
constexpr std::size_t k_bundles = 4;
constexpr std::size_t k_path_max = PATH_MAX;

enum BundleState : int { k_free = 0, k_claimed = 1, k_live = 2, k_committing = 3 };

struct BundleSlot {
  std::atomic<int> state{k_free};
  std::atomic<std::size_t> parts{0};
  std::atomic<std::size_t> part_width{3};  // digits of the parts' final names
  char path[k_path_max] = {};
};

std::atomic<int> g_signal{0};
std::atomic<pid_t> g_groups[k_groups];
BundleSlot g_bundles[k_bundles];

// Appends `text` to `out` (of `used` bytes) when it fits; false when not.
bool append(char* out, std::size_t& used, const char* text) noexcept {
  const std::size_t n = std::strlen(text);
  if (used + n + 1 > k_path_max) return false;
  std::memcpy(out + used, text, n);
  used += n;
  out[used] = '\0';
  return true;
}

// Unlinks `path` + `suffix`.
void unlink_with(const char* path, const char* suffix) noexcept {
  char name[k_path_max];
  std::size_t used = 0;
  name[0] = '\0';
  if (append(name, used, path) && append(name, used, suffix)) ::unlink(name);
}

// NAME.part-NNN + suffix for part `number` (`width` digits at least, as part_path does).
void unlink_part(const char* path, std::size_t number, const char* suffix, std::size_t width = 3) noexcept {
  char digits[24];
  std::size_t count = 0;
  for (std::size_t n = number; (n > 0 || count < width) && count < sizeof digits; n /= 10) digits[count++] = static_cast<char>('0' + n % 10);
  char part[40] = ".part-";
  std::size_t used = 6;
  while (count > 0) part[used++] = digits[--count];
  part[used] = '\0';
  char name[k_path_max];
  std::size_t name_used = 0;
  name[0] = '\0';
  if (append(name, name_used, path) && append(name, name_used, part)) unlink_with(name, suffix);
}

void remove_files(const BundleSlot& slot) noexcept {
  const int state = slot.state.load();
  if (state != k_live && state != k_committing) return;
  const std::size_t parts = slot.parts.load();
  if (parts == 0) unlink_with(slot.path, ".partial");
  for (std::size_t n = 1; n <= parts; ++n) unlink_part(slot.path, n, ".partial");
  if (state != k_committing) return;
  unlink_with(slot.path, "");
  unlink_with(slot.path, ".sha256");
  for (std::size_t n = 1; n <= parts; ++n) unlink_part(slot.path, n, "", slot.part_width.load());
}

}  // namespace

void note_signal(int signal_number) noexcept {
  int none = 0;
  g_signal.compare_exchange_strong(none, signal_number);
}

int signal_seen() noexcept { return g_signal.load(); }

std::string reason() {
  switch (signal_seen()) {
    case SIGINT: return "interrupted by SIGINT";
    case SIGTERM: return "interrupted by SIGTERM";
    case 0: return "interrupted";
    default: return "interrupted by signal " + std::to_string(signal_seen());
  }
}

void add_group(pid_t group) noexcept {
  for (std::atomic<pid_t>& slot : g_groups) {
    pid_t free = 0;
    if (slot.compare_exchange_strong(free, group)) return;
  }
}

void remove_group(pid_t group) noexcept {
  for (std::atomic<pid_t>& slot : g_groups) {
    pid_t mine = group;
    if (slot.compare_exchange_strong(mine, 0)) return;
  }
}

int add_bundle(const std::string& final_path) noexcept {
  if (final_path.empty() || final_path == "-" || final_path.size() + 32 >= k_path_max) return -1;
  for (std::size_t i = 0; i < k_bundles; ++i) {
    int free = k_free;
    if (!g_bundles[i].state.compare_exchange_strong(free, k_claimed)) continue;
    std::memcpy(g_bundles[i].path, final_path.c_str(), final_path.size() + 1);
    g_bundles[i].parts.store(0);
    g_bundles[i].part_width.store(3);
    g_bundles[i].state.store(k_live);
    return static_cast<int>(i);
  }
  return -1;
}

void set_part_width(int handle, std::size_t width) noexcept {
  if (handle >= 0) g_bundles[handle].part_width.store(width);
}

void set_parts(int handle, std::size_t parts) noexcept {
  if (handle >= 0) g_bundles[handle].parts.store(parts);
}

void set_committing(int handle) noexcept {
  if (handle >= 0) g_bundles[handle].state.store(k_committing);
}

void remove_bundle(int handle) noexcept {
  if (handle >= 0) g_bundles[handle].state.store(k_free);
}

void stop_at_once(const char* message, int exit_code) noexcept {
  for (std::atomic<pid_t>& slot : g_groups) {
    const pid_t group = slot.load();
    if (group <= 0) continue;
    ::kill(-group, SIGKILL);
    ::kill(group, SIGKILL);  // in case it has not reached setsid yet
  }
  for (const BundleSlot& slot : g_bundles) remove_files(slot);
  if (message) {
    const ssize_t ignored = ::write(STDERR_FILENO, message, std::strlen(message));
    (void)ignored;
  }
  ::_exit(exit_code);
}

}  // namespace vmsupport::interrupt
