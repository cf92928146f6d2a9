// The run's log: spdlog to stderr (at the user's verbosity) and, in full
// (debug level), captured for the bundle's vmsupport.log: in memory, and in a
// spool file beside the bundle once the run says where (a run of 100,000
// files logs a line for each, 8 MB that memory need not hold).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "host/spool.h"

namespace vmsupport {

class RunLog {
 public:
  // verbosity: 0 warnings, 1 info (-v), 2 debug (-vv); quiet: errors only on stderr.
  RunLog(int verbosity, bool quiet, bool colour);
  ~RunLog();
  RunLog(const RunLog&) = delete;
  RunLog& operator=(const RunLog&) = delete;

  // From now on the capture moves into a spool file in `directory` once it
  // passes `memory_limit` (what was captured so far goes along).
  void spool_in(const std::string& directory, std::uint64_t memory_limit = k_in_memory_limit);

  // What was captured so far, ending the capture (later lines go to stderr
  // only). When the spool failed (a full disk), the lines from then on are
  // missing: `lost` counts them and `failure` says why.
  struct Capture {
    Body body;
    std::size_t lost = 0;
    std::string failure;
  };
  Capture take();

 private:
  class CaptureSink;  // run_log.cpp
  std::shared_ptr<CaptureSink> m_capture;
};

}  // namespace vmsupport
