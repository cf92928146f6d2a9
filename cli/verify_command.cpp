// `vmsupport verify BUNDLE`: archive readable, checksums right.
#include <iostream>

#include "bundle/verify.h"
#include "commands.h"

namespace vmsupport::cli {

int run_verify(const RawOptions& raw) {
  auto report = verify_bundle(raw.bundle, VerifyOptions{raw.map, raw.allow_unscrubbed});
  if (!report) {
    print_error(report.error());
    return 3;
  }
  for (const std::string& problem : report->problems) std::cout << "problem: " << problem << "\n";
  std::cout << raw.bundle << ": " << report->members << " members, " << report->checked
            << " checksums compared" << (report->sidecar_checked ? ", .sha256 compared" : "")
            << (report->privacy_checked ? (raw.map.empty() ? ", addresses checked" : ", addresses and map names checked") : "")
            << (report->problems.empty() ? ": OK\n" : ": " + std::to_string(report->problems.size()) + " problems\n");
  return report->problems.empty() ? 0 : 1;
}

}  // namespace vmsupport::cli
