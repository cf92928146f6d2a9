// The run's CPU and I/O priority (see priority.h): setpriority(2) and
// ioprio_set(2), which glibc does not wrap.
#include "host/priority.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "util/result.h"

namespace vmsupport {
namespace {

// From linux/ioprio.h, spelled out: the static build's headers may lack it.
constexpr int k_ioprio_who_process = 1;
constexpr int k_ioprio_class_shift = 13;
constexpr int k_io_class_best_effort = 2;
constexpr int k_io_class_idle = 3;

int get_ioprio() { return static_cast<int>(::syscall(SYS_ioprio_get, k_ioprio_who_process, 0)); }

int set_ioprio(int io_class, int level) {
  return static_cast<int>(
      ::syscall(SYS_ioprio_set, k_ioprio_who_process, 0, (io_class << k_ioprio_class_shift) | level));
}

// Adds `what` to `problem` (semicolon-separated).
void note(std::string& problem, const std::string& what) { problem += (problem.empty() ? "" : "; ") + what; }

}  // namespace

ProcessPriority current_priority() {
  ProcessPriority priority;
  errno = 0;
  const int nice = ::getpriority(PRIO_PROCESS, 0);
  if (errno == 0) priority.nice = nice;
  if (const int io = get_ioprio(); io >= 0) {
    priority.io_class = io >> k_ioprio_class_shift;
    priority.io_level = io & ((1 << k_ioprio_class_shift) - 1);
  }
  return priority;
}

PriorityChange lower_priority() {
  PriorityChange change;
  change.before = current_priority();
  if (change.before.nice < k_low_nice && ::setpriority(PRIO_PROCESS, 0, k_low_nice) != 0) {
    note(change.problem, "nice " + std::to_string(k_low_nice) + ": " + errno_text(errno));
  }
  const ProcessPriority& io = change.before;
  const bool low_enough = io.io_class == k_io_class_idle ||
                          (io.io_class == k_io_class_best_effort && io.io_level >= k_low_io_level);
  if (!low_enough && set_ioprio(k_io_class_best_effort, k_low_io_level) != 0) {
    note(change.problem, "I/O priority best-effort " + std::to_string(k_low_io_level) + ": " + errno_text(errno));
  }
  change.after = current_priority();
  return change;
}

const char* io_class_name(int io_class) {
  switch (io_class) {
    case 1: return "realtime";
    case k_io_class_best_effort: return "best-effort";
    case k_io_class_idle: return "idle";
    default: return "none";
  }
}

std::string describe_priority(const ProcessPriority& priority) {
  std::string text = "nice " + std::to_string(priority.nice) + ", I/O " + io_class_name(priority.io_class);
  if (priority.io_class == 1 || priority.io_class == k_io_class_best_effort) {
    text += " level " + std::to_string(priority.io_level);
  } else if (priority.io_class == 0) {
    text += " (follows nice)";
  }
  return text;
}

}  // namespace vmsupport
