// `vmsupport verify BUNDLE`: archive readable, checksums right (--json: one object on stdout).
#include <iostream>

#include "bundle/verify.h"
#include "commands.h"
#include "json_result.h"

namespace vmsupport::cli {

int run_verify(const RawOptions& raw) {
  auto report = verify_bundle(raw.bundle, VerifyOptions{raw.map, raw.allow_unscrubbed});
  if (!report) {
    print_error(report.error());
    if (raw.json) print_json(error_json("verify", 3, report.error()));
    return 3;
  }
  const int exit_code = report->problems.empty() ? 0 : 1;
  std::ostream& out = raw.json ? std::cerr : std::cout;
  for (const std::string& problem : report->problems) out << "problem: " << problem << "\n";
  out << raw.bundle << ": " << report->members << " members, " << report->checked
      << " checksums compared" << (report->sidecar_checked ? ", .sha256 compared" : "")
      << (report->privacy_checked ? (raw.map.empty() ? ", addresses checked" : ", addresses and map names checked") : "")
      << (report->problems.empty() ? ": OK\n" : ": " + std::to_string(report->problems.size()) + " problems\n");
  if (raw.json) {
    print_json({{"format_version", 1},
                {"command", "verify"},
                {"exit_code", exit_code},
                {"status", exit_code == 0 ? "valid" : "problems"},
                {"path", raw.bundle},
                {"sha256", report->archive_sha256},
                {"members", report->members},
                {"checksums_compared", report->checked},
                {"sha256_file_compared", report->sidecar_checked},
                {"privacy_checked", report->privacy_checked},
                {"problems", report->problems}});
  }
  return exit_code;
}

}  // namespace vmsupport::cli
