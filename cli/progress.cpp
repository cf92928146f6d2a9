// The progress line (see progress.h).
#include "progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>

#include "util/units.h"

namespace vmsupport::cli {
namespace {

std::size_t terminal_width(std::FILE* out) {
  winsize size{};
  if (ioctl(fileno(out), TIOCGWINSZ, &size) == 0 && size.ws_col > 10) return size.ws_col;
  return 80;
}

}  // namespace

std::optional<std::chrono::milliseconds> estimate_remaining(const Progress& progress,
                                                            std::chrono::milliseconds elapsed) {
  double share = 0;
  if (progress.step == "collect" && progress.estimated_bytes > 0) {
    share = static_cast<double>(progress.bytes) / static_cast<double>(progress.estimated_bytes);
  } else if (progress.total > 0) {
    share = static_cast<double>(progress.done) / static_cast<double>(progress.total);
  }
  if (share < 0.02 || elapsed < std::chrono::seconds(1)) return std::nullopt;
  share = std::min(share, 0.99);
  return std::chrono::milliseconds(static_cast<long long>(static_cast<double>(elapsed.count()) * (1 - share) / share));
}

std::string format_clock(std::chrono::milliseconds duration) {
  const long long total = duration.count() / 1000;
  const long long h = total / 3600, m = total / 60 % 60, s = total % 60;
  char text[32];
  if (h > 0) std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", h, m, s);
  else std::snprintf(text, sizeof text, "%lld:%02lld", m, s);
  return text;
}

std::string render_progress_line(const Progress& progress, std::chrono::milliseconds elapsed, std::size_t width) {
  std::string line = progress.step;
  if (progress.step == "collect") line += " " + std::to_string(progress.done) + "/" + std::to_string(progress.total);
  if (progress.bytes > 0 || progress.step == "collect") line += "  " + format_size(progress.bytes);
  line += "  " + format_clock(elapsed);
  if (progress.step == "collect") {
    if (auto left = estimate_remaining(progress, elapsed)) line += ", about " + format_clock(*left) + " left";
  }
  if (!progress.current.empty() && line.size() + 2 < width) {
    std::string current = progress.current;
    const std::size_t room = width - 1 - line.size() - 2;
    if (current.size() > room) current = (room > 3 ? "..." + current.substr(current.size() - (room - 3)) : "");
    if (!current.empty()) line += "  " + current;
  }
  if (line.size() >= width) line.resize(width - 1);
  return line;
}

ProgressPrinter::ProgressPrinter(std::FILE* out) : m_out(out), m_started(std::chrono::steady_clock::now()) {}

ProgressPrinter::~ProgressPrinter() { clear(); }

void ProgressPrinter::update(const Progress& progress) {
  if (m_done) return;
  const auto now = std::chrono::steady_clock::now();
  // A new step is always drawn; within a step, ten times a second at most.
  if (progress.step == m_last_step && now - m_last < std::chrono::milliseconds(100)) return;
  m_last = now;
  m_last_step = progress.step;
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - m_started);
  const std::string line = render_progress_line(progress, elapsed, terminal_width(m_out));
  std::fprintf(m_out, "\r%s\x1b[K", line.c_str());
  std::fflush(m_out);
  m_drawn = true;
}

void ProgressPrinter::clear() {
  if (m_drawn && !m_done) {
    std::fputs("\r\x1b[K", m_out);
    std::fflush(m_out);
  }
  m_done = true;
}

bool progress_wanted(bool stderr_is_tty, bool quiet, bool json, int verbosity) {
  return stderr_is_tty && !quiet && !json && verbosity == 0;
}

}  // namespace vmsupport::cli
