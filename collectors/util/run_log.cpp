// RunLog: the default spdlog logger with a stderr sink and a capture sink.
#include "util/run_log.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <limits>
#include <mutex>

namespace vmsupport {

// Appends the formatted lines to a Body, 64 KiB at a time (a write per line
// was a system call per collected item); stops at the first batch the Body
// cannot take (its spool cannot be written) and counts the lines lost.
class RunLog::CaptureSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  void spool_in(const std::string& directory, std::uint64_t memory_limit) {
    const std::lock_guard lock(mutex_);
    append_pending();
    if (!m_failure.empty()) return;
    Body moved(directory, memory_limit);
    const std::string held = m_body.take_memory();
    if (moved.append(held)) {
      m_body = std::move(moved);
    } else {
      restore_in_memory(held);  // no spool there: the capture stays in memory
    }
  }
  Capture take() {
    const std::lock_guard lock(mutex_);
    append_pending();
    Capture capture{std::move(m_body), m_lost, m_failure};
    m_taken = true;
    return capture;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    if (m_taken) return;
    if (!m_failure.empty()) {
      ++m_lost;
      return;
    }
    spdlog::memory_buf_t line;
    formatter_->format(message, line);
    m_pending.append(line.data(), line.size());
    ++m_pending_lines;
    if (m_pending.size() >= k_batch) append_pending();
  }
  // Called after every line (the logger flushes stderr at once): the batch
  // is kept; take() and spool_in() append it.
  void flush_() override {}

 private:
  static constexpr std::size_t k_batch = 64 << 10;

  void append_pending() {
    if (m_pending.empty()) return;
    if (auto ok = m_body.append(m_pending); !ok) {
      if (m_body.in_memory()) {
        // The spool could not be made: what memory holds is whole, keep on there.
        restore_in_memory(m_body.take_memory());
        (void)m_body.append(m_pending);
      } else {
        m_failure = ok.error().message;
        m_lost += m_pending_lines;
      }
    }
    m_pending.clear();
    m_pending_lines = 0;
  }
  void restore_in_memory(const std::string& held) {
    m_body = Body("", std::numeric_limits<std::uint64_t>::max());
    (void)m_body.append(held);  // memory only: cannot fail
  }

  Body m_body{"", std::numeric_limits<std::uint64_t>::max()};  // memory until spool_in()
  std::string m_pending;  // formatted lines not yet appended to m_body
  std::size_t m_pending_lines = 0;
  std::size_t m_lost = 0;
  std::string m_failure;
  bool m_taken = false;
};

RunLog::RunLog(int verbosity, bool quiet, bool colour) : m_capture(std::make_shared<CaptureSink>()) {
  m_capture->set_level(spdlog::level::debug);
  m_capture->set_pattern("%Y-%m-%dT%H:%M:%S.%e %-5l [%t] %v");
  auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>(
      colour ? spdlog::color_mode::automatic : spdlog::color_mode::never);
  const auto level = quiet ? spdlog::level::err
                     : verbosity >= 2 ? spdlog::level::debug
                     : verbosity == 1 ? spdlog::level::info
                                      : spdlog::level::warn;
  console->set_level(level);
  console->set_pattern("vmsupport: %^%l%$: %v");
  auto logger = std::make_shared<spdlog::logger>("vmsupport", spdlog::sinks_init_list{console, m_capture});
  logger->set_level(spdlog::level::debug);
  logger->flush_on(spdlog::level::debug);
  spdlog::set_default_logger(logger);
}

RunLog::~RunLog() { spdlog::set_default_logger(std::make_shared<spdlog::logger>("vmsupport")); }

void RunLog::spool_in(const std::string& directory, std::uint64_t memory_limit) {
  m_capture->spool_in(directory, memory_limit);
}

RunLog::Capture RunLog::take() { return m_capture->take(); }

}  // namespace vmsupport
