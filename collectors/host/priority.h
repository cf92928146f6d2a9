// The run's CPU and I/O priority. A support bundle is taken on a host that is
// already struggling: like sos --low-priority, collect runs at nice 10 and
// I/O best-effort level 7 by default, and so do the commands it starts (they
// inherit both). Not the idle I/O class: on a busy host it may never be served.
#pragma once

#include <string>

namespace vmsupport {

struct ProcessPriority {
  int nice = 0;
  int io_class = 0;  // 0 none (follows nice), 1 realtime, 2 best-effort, 3 idle
  int io_level = 0;  // 0 (highest) .. 7 (lowest), for realtime and best-effort
};

struct PriorityChange {
  ProcessPriority before;
  ProcessPriority after;
  std::string problem;  // what could not be changed, and why; "" when all went well
};

inline constexpr int k_low_nice = 10;
inline constexpr int k_low_io_level = 7;

// The calling thread's niceness and I/O priority.
ProcessPriority current_priority();

// Lowers the calling thread's priority to at least nice 10 and I/O best-effort
// level 7; threads and processes started from it afterwards inherit it, so call
// it before any is started. Never raises anything: a higher niceness or the
// idle I/O class stays as it is. Never fails: what could not be done is in
// `problem` (the run goes on at the priority it has).
PriorityChange lower_priority();

// "nice 10, I/O best-effort level 7" (I/O "none" follows nice).
std::string describe_priority(const ProcessPriority& priority);

// Names of the I/O classes: "none", "realtime", "best-effort", "idle".
const char* io_class_name(int io_class);

}  // namespace vmsupport
