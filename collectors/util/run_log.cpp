// RunLog: the default spdlog logger with a stderr sink and a memory sink.
#include "util/run_log.h"

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace vmsupport {

RunLog::RunLog(int verbosity, bool quiet, bool colour)
    : m_buffer(std::make_shared<std::ostringstream>()) {
  auto memory = std::make_shared<spdlog::sinks::ostream_sink_mt>(*m_buffer);
  memory->set_level(spdlog::level::debug);
  memory->set_pattern("%Y-%m-%dT%H:%M:%S.%e %-5l [%t] %v");
  auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>(
      colour ? spdlog::color_mode::automatic : spdlog::color_mode::never);
  const auto level = quiet ? spdlog::level::err
                     : verbosity >= 2 ? spdlog::level::debug
                     : verbosity == 1 ? spdlog::level::info
                                      : spdlog::level::warn;
  console->set_level(level);
  console->set_pattern("vmsupport: %^%l%$: %v");
  auto logger = std::make_shared<spdlog::logger>("vmsupport", spdlog::sinks_init_list{console, memory});
  logger->set_level(spdlog::level::debug);
  logger->flush_on(spdlog::level::debug);
  spdlog::set_default_logger(logger);
}

RunLog::~RunLog() { spdlog::set_default_logger(std::make_shared<spdlog::logger>("vmsupport")); }

std::string RunLog::captured() const {
  spdlog::default_logger()->flush();
  return m_buffer->str();
}

}  // namespace vmsupport
