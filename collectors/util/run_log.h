// The run's log: spdlog to stderr (at the user's verbosity) and, in full
// (debug level), to memory for the bundle's vmsupport.log.
#pragma once

#include <memory>
#include <sstream>
#include <string>

namespace vmsupport {

class RunLog {
 public:
  // verbosity: 0 warnings, 1 info (-v), 2 debug (-vv); quiet: errors only on stderr.
  RunLog(int verbosity, bool quiet, bool colour);
  ~RunLog();
  // Everything logged so far, at debug level.
  std::string captured() const;

 private:
  std::shared_ptr<std::ostringstream> m_buffer;
};

}  // namespace vmsupport
