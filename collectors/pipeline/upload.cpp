// The upload pipeline, step by step: upload support -> the bundle's files ->
// their URLs -> verification -> sending each file with retries (see upload.h).
#include "pipeline/upload.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "bundle/sha256_file.h"
#include "bundle/verify.h"
#include "deliver/bundle_files.h"
#include "deliver/retry_policy.h"
#include "util/text.h"
#include "util/units.h"

namespace vmsupport {
namespace {

struct Outgoing {
  std::string path;
  std::string name;
  std::string url;
};

UploadSummary failed(UploadSummary summary, int exit_code, Error error) {
  summary.exit_code = exit_code;
  summary.error = std::move(error);
  return summary;
}

std::string file_name(const std::string& path) { return std::filesystem::path(path).filename().string(); }

std::uint64_t file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

// The files in the order they are sent (the parts, then NAME.sha256) and their URLs.
Result<std::vector<Outgoing>> plan_outgoing(const UploadOptions& options, const BundleFiles& files) {
  std::vector<std::string> paths = files.parts;
  if (!files.sha256_path.empty()) paths.push_back(files.sha256_path);
  if (options.method == HttpMethod::put && paths.size() > 1 && !url_names_each_file(options.url_template)) {
    Error error{"--url " + redact_url(options.url_template) + ": " + std::to_string(paths.size()) +
                    " files to send (" + file_name(paths.front()) + ", ..., " + file_name(paths.back()) +
                    ") but the URL names only one place",
                "put {file} in the URL, or end it with '/' to have each file's name appended", 0};
    return std::unexpected(error);
  }
  std::vector<Outgoing> outgoing;
  for (const std::string& path : paths) {
    auto url = expand_upload_url(options.url_template, options.case_id, file_name(path));
    if (!url) return std::unexpected(url.error());
    outgoing.push_back({path, file_name(path), *url});
  }
  return outgoing;
}

// An encrypted bundle cannot be read: only its .sha256 can vouch for it.
std::vector<std::string> check_encrypted(const BundleFiles& files, std::vector<std::string>& checks) {
  auto whole = sha256_of_files(files.parts);
  if (!whole) return {whole.error().message};
  auto problems = compare_with_sha256_file(files.path, files.parts, *whole);
  if (!problems) return {files.path + ".sha256 is missing: an encrypted bundle can only be checked against it"};
  checks.push_back("encrypted bundle (not readable here): " + file_name(files.path) + ".sha256 compared");
  return *problems;
}

// The bundle as `verify` sees it (read through its parts when split). An
// archive that cannot be read is compared with its .sha256 too: that names the bad part.
std::vector<std::string> check_archive(const BundleFiles& files, std::vector<std::string>& checks) {
  auto report = verify_bundle_parts(files.path, files.parts);
  if (!report) {
    std::vector<std::string> problems{report.error().message};
    auto whole = sha256_of_files(files.parts);
    if (!whole) return problems;
    auto listed = compare_with_sha256_file(files.path, files.parts, *whole);
    if (listed) problems.insert(problems.end(), listed->begin(), listed->end());
    return problems;
  }
  checks.push_back("verify: " + std::to_string(report->members) + " members, " + std::to_string(report->checked) +
                   " checksums compared" + (report->sidecar_checked ? ", .sha256 compared" : ", no .sha256") +
                   (report->privacy_checked ? ", addresses checked" : ""));
  return report->problems;
}

// "HTTP 500"; a redirect, which is never followed (a PUT body and its token
// header are not sent on to another place), says so and where it points.
std::string http_failure(const HttpFileResponse& response) {
  std::string text = "HTTP " + std::to_string(response.status);
  if (response.status < 300 || response.status >= 400) return text;
  text += ": a redirect, not followed";
  if (!response.location.empty()) text += " (Location: " + redact_url(response.location) + ")";
  return text;
}

// Sends one file, again after a back-off while the failure is transient.
UploadedFile send_with_retries(const UploadOptions& options, const Outgoing& out) {
  UploadedFile result{out.name, redact_url(out.url), file_size(out.path), 0, 0, "", false, "", false};
  HttpFileRequest request{out.url, options.method, options.headers, out.path, out.name, options.case_id,
                          options.ca_cert, options.insecure, std::chrono::seconds(30), std::chrono::seconds(120), {}};
  if (options.progress) {
    request.progress = [&](std::uint64_t now, std::uint64_t total) { options.progress(out.name, now, total); };
  }
  for (unsigned attempt = 1;; ++attempt) {
    const HttpFileResponse response = send_file(request);
    result.attempts = attempt;
    result.http_status = response.transferred ? response.status : 0;
    result.response = response.body;
    result.response_truncated = response.body_bytes > response.body.size();
    result.uploaded = upload_succeeded(response);
    if (result.uploaded) {
      result.error.clear();
      return result;
    }
    result.error = !response.transferred ? response.error : http_failure(response);
    if (!is_transient(response) || attempt > options.retries) return result;
    const auto delay = backoff_delay(options.retry_delay, attempt, response.retry_after);
    spdlog::warn("{} to {}: {}; retrying in {} (attempt {} of {})", out.name, result.url, result.error,
                 format_duration(delay), attempt + 1, options.retries + 1);
    if (options.sleep) options.sleep(delay);
    else std::this_thread::sleep_for(delay);
  }
}

std::string failure_message(const UploadOptions& options, const UploadedFile& file) {
  std::string message = "upload of " + file.file + " to " + file.url + " failed after " +
                        counted(file.attempts, "attempt") + ": " + file.error;
  if (file.http_status != 0 && !file.response.empty()) {
    std::string answer = file.response.substr(0, 200);
    for (char& c : answer) c = (c == '\n' || c == '\r') ? ' ' : c;
    message += " (server said: " + answer + (file.response.size() > 200 ? "..." : "") + ")";
  }
  for (const HttpHeader& header : options.headers) message += "; sent " + redact_header(header);
  return message;
}

std::string failure_hint(const UploadedFile& file) {
  if (file.error.find("certificate") != std::string::npos || file.error.find("SSL") != std::string::npos) {
    return "give the server's CA with --ca-cert FILE (or, on a trusted network, --insecure)";
  }
  if (file.http_status == 401 || file.http_status == 403) return "check the token in --header";
  if (file.http_status >= 300 && file.http_status < 400) {
    return "give the URL the server redirects to with --url (vmsupport does not follow redirects)";
  }
  return "";
}

}  // namespace

UploadSummary upload(const UploadOptions& options) {
  UploadSummary summary;
  summary.url = redact_url(options.url_template);
  // 1. This build must be able to send (libcurl linked in).
  if (!http_upload_available()) {
    return failed(summary, k_upload_usage,
                  {"this build of vmsupport has no upload support (built without libcurl)",
                   "send the files with curl instead, e.g. curl -T " + options.bundle + " URL", 0});
  }
  if (!options.ca_cert.empty() && ::access(options.ca_cert.c_str(), R_OK) != 0) {
    return failed(summary, k_upload_usage, {"--ca-cert " + options.ca_cert + ": cannot read it: " + errno_text(errno), {}, 0});
  }
  // 2. Find the bundle's files: NAME or its parts, and NAME.sha256.
  auto files = find_bundle_files(options.bundle);
  if (!files) return failed(summary, k_upload_usage, files.error());
  // 3. Give each file its URL before anything is sent.
  auto outgoing = plan_outgoing(options, *files);
  if (!outgoing) return failed(summary, k_upload_usage, outgoing.error());
  // 4. Check the bundle as `verify` does (only the .sha256 when encrypted); refuse it unless --force.
  summary.problems = files->encrypted ? check_encrypted(*files, summary.checks) : check_archive(*files, summary.checks);
  if (!summary.problems.empty() && !options.force) {
    return failed(summary, k_upload_refused,
                  {options.bundle + ": refused: verification found " + counted(summary.problems.size(), "problem") +
                       "; nothing was sent",
                   files->encrypted ? "compare it yourself: sha256sum -c " + files->path + ".sha256; --force uploads it anyway"
                                    : "see `vmsupport verify " + files->path + "`; --force uploads it anyway",
                   0});
  }
  for (const std::string& problem : summary.problems) spdlog::warn("uploading anyway (--force): {}", problem);
  // 5. Send each file in order; stop at the first that fails.
  for (const Outgoing& out : *outgoing) {
    summary.files.push_back(send_with_retries(options, out));
    const UploadedFile& sent = summary.files.back();
    if (!sent.uploaded) return failed(summary, k_upload_failed, {failure_message(options, sent), failure_hint(sent), 0});
  }
  return summary;
}

}  // namespace vmsupport
