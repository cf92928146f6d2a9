// The progress line of a collect on a terminal: rendered from the engine's
// Progress reports (pure functions, unit-tested), drawn on stderr as one
// line rewritten with \r, and cleared at the end.
#pragma once

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include "pipeline/progress.h"

namespace vmsupport::cli {

// Time left, from the share done so far (bytes against the plan's estimate
// while collecting, else tasks); nullopt while too little is done to tell.
std::optional<std::chrono::milliseconds> estimate_remaining(const Progress& progress,
                                                            std::chrono::milliseconds elapsed);

// "0:42" or "1:02:03".
std::string format_clock(std::chrono::milliseconds duration);

// One line, at most `width` columns (the collector's id is shortened first):
// "collect 120/340  24.1 MiB  0:12, about 0:30 left  Logs:Host files /var/log/*.log"
std::string render_progress_line(const Progress& progress, std::chrono::milliseconds elapsed, std::size_t width);

// Draws the line on `out` (a terminal), at most ten times a second.
class ProgressPrinter {
 public:
  explicit ProgressPrinter(std::FILE* out);
  ~ProgressPrinter();
  void update(const Progress& progress);
  // Erases the line; later updates are ignored.
  void clear();

 private:
  std::FILE* m_out;
  std::chrono::steady_clock::time_point m_started;
  std::chrono::steady_clock::time_point m_last{};
  std::string m_last_step;
  bool m_drawn = false;
  bool m_done = false;
};

// Progress is shown when stderr is a terminal and neither -q nor --json nor -v is given.
bool progress_wanted(bool stderr_is_tty, bool quiet, bool json, int verbosity);

}  // namespace vmsupport::cli
