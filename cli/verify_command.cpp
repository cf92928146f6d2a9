// `vmsupport verify BUNDLE`: archive readable, checksums right (--json: one object on stdout).
#include <iostream>
#include <optional>

#include "bundle/archive_reader.h"
#include "bundle/verify.h"
#include "commands.h"
#include "json_result.h"

namespace vmsupport::cli {

namespace {

// An encrypted bundle (NAME.gpg, or its parts) holds no readable archive: say
// so, and how to check it, rather than libarchive's "Unrecognized archive format".
std::optional<Error> encrypted_bundle(const std::string& given) {
  const std::string whole = joined_bundle_path(given);
  if (!whole.ends_with(".gpg")) return std::nullopt;
  const std::string tgz = whole.substr(0, whole.size() - 4);
  const std::string decrypt = whole == given ? "gpg --decrypt --output " + tgz + " " + whole
                                             : "cat " + whole + ".part-* | gpg --decrypt --output " + tgz;
  return Error{"encrypted bundle: verify needs the decrypted " + tgz + " (gpg -d)",
               decrypt + " (the vendor's key decrypts it), then vmsupport verify " + tgz + "; sha256sum -c " + whole +
                   ".sha256 checks the encrypted file as it is",
               0};
}

}  // namespace

int run_verify(const RawOptions& raw) {
  if (auto encrypted = encrypted_bundle(raw.bundle)) {
    print_error(*encrypted);
    if (raw.json) print_json(error_json("verify", k_exit_usage, *encrypted));
    return k_exit_usage;
  }
  auto report = verify_bundle(raw.bundle, VerifyOptions{raw.map, raw.allow_unscrubbed});
  if (!report) {
    print_error(report.error());
    if (raw.json) print_json(error_json("verify", k_exit_no_bundle, report.error()));
    return k_exit_no_bundle;
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
