// `vmsupport upload`: finds the bundle's files (whole or in parts, and its
// .sha256), checks them as `verify` does (refusing a bundle it rejects, unless
// forced), then sends each file in order, retrying transient failures with
// back-off.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "deliver/http_client.h"
#include "util/result.h"

namespace vmsupport {

// Exit codes of `upload`, as documented in README.md and --help.
enum UploadExit : int {
  k_upload_done = 0,          // every file uploaded
  k_upload_refused = 1,       // the bundle failed verification; nothing sent
  k_upload_usage = 2,         // usage error, a bundle that is not there, or no upload support
  k_upload_failed = 4,        // the server or the network failed
};

struct UploadOptions {
  std::string bundle;                      // NAME, or NAME.part-001
  std::string url_template;                // may hold {case} and {file}
  std::string case_id;
  std::vector<HttpHeader> headers;
  HttpMethod method = HttpMethod::put;
  std::string ca_cert;
  bool insecure = false;
  bool force = false;                      // upload even what verify rejects
  unsigned retries = 4;                    // attempts after the first, per file
  std::chrono::milliseconds retry_delay{1000};  // the first back-off
  // Progress of the file being sent: its name, bytes sent, bytes to send.
  std::function<void(const std::string&, std::uint64_t, std::uint64_t)> progress;
  // Waits between attempts (tests pass one that does not sleep).
  std::function<void(std::chrono::milliseconds)> sleep;
};

struct UploadedFile {
  std::string file;           // file name
  std::string url;            // where it went, redacted (redact_url)
  std::uint64_t bytes = 0;    // its size
  unsigned attempts = 0;
  long http_status = 0;       // of the last attempt, 0 when none got an answer
  std::string response;       // the last answer's body (at most k_max_response_body)
  bool response_truncated = false;
  std::string error;          // why the last attempt failed, "" when uploaded
  bool uploaded = false;
};

struct UploadSummary {
  int exit_code = k_upload_done;
  std::string url;                      // the URL template, redacted
  std::vector<UploadedFile> files;      // in the order sent; the failed one last
  std::vector<std::string> checks;      // what was checked before sending ("verify: OK", ...)
  std::vector<std::string> problems;    // why the bundle was refused (or forced through)
  std::optional<Error> error;           // set when exit_code is not 0
};

// Runs an upload. Never throws; the outcome (and any error) is in the summary.
UploadSummary upload(const UploadOptions& options);

}  // namespace vmsupport
