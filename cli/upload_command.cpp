// `vmsupport upload BUNDLE --url URL`: options -> the upload pipeline -> a
// short report on stderr, or one JSON object on stdout with --json.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "bundle/case_info.h"
#include "commands.h"
#include "pipeline/upload.h"
#include "util/run_log.h"
#include "util/units.h"

namespace vmsupport::cli {
namespace {

struct UploadRaw {
  std::string bundle;
  std::string url;
  std::string case_id;
  std::vector<std::string> headers;
  std::string method;  // "" = the site config's, else put
  std::string ca_cert;
  bool insecure = false;
  bool force = false;
  unsigned retries = 4;
  std::string retry_delay = "1s";
  bool json = false;
  int verbosity = 0;
};

UploadRaw g_raw;

const char* k_upload_footer = R"(
The bundle is checked as `vmsupport verify` checks it before anything is sent, and refused
(exit 1) when verify rejects it, unless --force. An encrypted bundle (NAME.gpg) cannot be
read: its NAME.gpg.sha256 is compared instead. A bundle written in parts (collect --split,
also NAME.gpg.part-001 ... with --encrypt-to) is sent part by part, in order: give NAME or
NAME.part-001. NAME.sha256 is sent last.
The URL may hold {case} (the --case id) and {file} (each file's name, URL-encoded); with
PUT and several files it must hold {file} or end with '/' (the file name is appended).
Connection failures, timeouts and HTTP 408, 429 and 5xx are retried with back-off
(--retry-delay, doubled each time); other answers of 400 and above fail at once.

Examples:
  vmsupport upload vmsupport-24012345-host-0001-20261123T065400Z.tgz --case 24012345 \
      --url 'https://upload.example.com/cases/{case}/files/{file}' \
      --header "Authorization: Bearer $TOKEN"
  vmsupport upload /var/tmp/bundle.tgz --url https://files.example.com/incoming/ --ca-cert corp-ca.pem
  vmsupport upload bundle.tgz.part-001 --method post --case 24012345 --url https://portal.example.com/api/attach
  vmsupport upload bundle.tgz.gpg --url 'https://upload.example.com/{file}' --json

Exit codes:
  0  every file uploaded
  1  the bundle failed verification (refused; nothing sent)
  2  usage error, no such file (nor its parts), or a build without upload support
  4  the upload failed: the server answered with an error, or the network failed
)";

// "NAME  12.0 MiB / 100.0 MiB  12%" on one line of a terminal, at most five times a second.
void show_progress(const std::string& name, std::uint64_t now, std::uint64_t total) {
  static auto last = std::chrono::steady_clock::time_point{};
  static std::string last_name;
  static std::uint64_t last_bytes = 0;
  const auto clock = std::chrono::steady_clock::now();
  if (total == 0) return;  // not started yet
  const bool same_file = name == last_name;
  if (same_file && (now == total ? last_bytes == now : clock - last < std::chrono::milliseconds(200))) return;
  last = clock;
  last_name = name;
  last_bytes = now;
  std::cerr << "\r" << name << "  " << format_size(now) << " / " << format_size(total) << "  " << now * 100 / total
            << "%\033[K" << std::flush;
}

// The command line first, then the site config's `upload:` keys.
Result<UploadOptions> to_upload_options(const UploadRaw& raw, const UploadConfig& site) {
  UploadOptions options;
  options.bundle = raw.bundle;
  options.url_template = raw.url.empty() ? site.url : raw.url;
  if (options.url_template.empty()) {
    return fail("--url is required (or upload: url: in the site config, see `vmsupport list --config`)");
  }
  options.case_id = raw.case_id;
  if (!raw.case_id.empty()) {
    if (auto valid = check_case_id(raw.case_id); !valid) return fail("--case: ", valid.error().message);
  }
  std::vector<std::string> headers = site.headers;
  headers.insert(headers.end(), raw.headers.begin(), raw.headers.end());
  for (const std::string& text : headers) {
    auto header = parse_header(text);
    if (!header) return std::unexpected(header.error());
    options.headers.push_back(std::move(*header));
  }
  const std::string method = !raw.method.empty() ? raw.method : !site.method.empty() ? site.method : "put";
  options.method = method == "post" ? HttpMethod::post : HttpMethod::put;
  options.ca_cert = raw.ca_cert.empty() ? site.ca_cert : raw.ca_cert;
  options.insecure = raw.insecure;
  options.force = raw.force;
  options.retries = raw.retries;
  auto delay = parse_duration(raw.retry_delay);
  if (!delay) return fail("--retry-delay: ", delay.error().message);
  options.retry_delay = *delay;
  if (isatty(STDERR_FILENO) && !raw.json) options.progress = show_progress;
  return options;
}

// The word for upload's exit code in --json "status".
const char* upload_status(int exit_code) {
  switch (exit_code) {
    case k_upload_done: return "uploaded";
    case k_upload_refused: return "refused";
    case k_upload_usage: return "usage_error";
    default: return "failed";
  }
}

nlohmann::ordered_json to_json(const UploadSummary& summary, const std::string& bundle) {
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  std::uint64_t bytes = 0;
  unsigned attempts = 0;
  for (const UploadedFile& f : summary.files) {
    files.push_back({{"file", f.file}, {"url", f.url}, {"bytes", f.bytes}, {"uploaded", f.uploaded},
                     {"attempts", f.attempts}, {"http_status", f.http_status}, {"response", f.response},
                     {"response_truncated", f.response_truncated}, {"error", f.error}});
    if (f.uploaded) bytes += f.bytes;
    attempts += f.attempts;
  }
  // The answer that matters: to the file that failed, else to the bundle (its first file).
  const UploadedFile* main = summary.files.empty() ? nullptr
                             : summary.exit_code == k_upload_failed ? &summary.files.back()
                                                                    : &summary.files.front();
  nlohmann::ordered_json out{{"format_version", 1}, {"command", "upload"}, {"status", upload_status(summary.exit_code)},
                             {"bundle", bundle}, {"url", summary.url}, {"files", files}, {"bytes", bytes},
                             {"http_status", main ? main->http_status : 0},
                             {"response", main ? main->response : ""}, {"attempts", attempts},
                             {"checks", summary.checks}, {"problems", summary.problems},
                             {"exit_code", summary.exit_code}};
  if (summary.error) {
    out["error"] = summary.error->message;
    out["hint"] = summary.error->hint.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(summary.error->hint);
  }
  return out;
}

void print_report(const UploadSummary& summary) {
  for (const std::string& check : summary.checks) std::cerr << "Checked:  " << check << "\n";
  for (const UploadedFile& f : summary.files) {
    if (!f.uploaded) continue;
    std::cerr << "Uploaded: " << f.file << " (" << format_size(f.bytes) << ") to " << f.url << ": HTTP "
              << f.http_status << (f.attempts > 1 ? ", after " + std::to_string(f.attempts) + " attempts" : "")
              << "\n";
  }
}

}  // namespace

CLI::App* add_upload_command(CLI::App& app) {
  UploadRaw& raw = g_raw;
  CLI::App* upload = app.add_subcommand("upload", "Send a bundle to the support case over HTTP(S), in parts, with retries");
  upload->add_option("bundle", raw.bundle, "The bundle (NAME, NAME.part-001 of a split one, or NAME.gpg)")->required();
  upload->add_option("--url", raw.url, "Where to send it; may hold {case} and {file} (default: the site config's upload: url:)")
      ->type_name("URL");
  upload->add_option("--case", raw.case_id, "Support case id: fills {case}, and the 'case' field of a POST")
      ->type_name("ID");
  upload->add_option("-H,--header", raw.headers, "An HTTP header, e.g. 'Authorization: Bearer TOKEN' (repeat for more)")
      ->type_name("'NAME: VALUE'");
  upload->add_option("--method", raw.method, "put (default): the file is the body; post: multipart/form-data, field 'file'")
      ->check(CLI::IsMember({"put", "post"}));
  upload->add_option("--ca-cert", raw.ca_cert, "Trust the CAs of this PEM file instead of the system's")
      ->type_name("FILE");
  upload->add_flag("--insecure", raw.insecure, "Do not check the server's certificate");
  upload->add_flag("--force", raw.force, "Upload even a bundle that verification rejects");
  upload->add_option("--retries", raw.retries, "Attempts after the first, per file, on transient failures")
      ->check(CLI::Range(0u, 100u))->capture_default_str();
  upload->add_option("--retry-delay", raw.retry_delay, "The first wait before a retry, doubled each time")
      ->type_name("DURATION")->capture_default_str();
  upload->add_flag("--json", raw.json, "Print one JSON object with the outcome on stdout");
  upload->add_flag("-v,--verbose", raw.verbosity, "More log output on stderr (-vv: debug)");
  upload->footer(k_upload_footer);
  return upload;
}

int run_upload(const UploadConfig& site) {
  const UploadRaw& raw = g_raw;
  RunLog log(raw.verbosity, false, colour_allowed());
  UploadSummary summary;
  if (auto options = to_upload_options(raw, site); !options) {
    summary.exit_code = k_upload_usage;
    summary.error = options.error();
  } else {
    summary = upload(*options);
    if (options->progress && !summary.files.empty()) std::cerr << "\r\033[K" << std::flush;
  }
  if (raw.json) std::cout << to_json(summary, raw.bundle).dump(2) << "\n";
  if (summary.exit_code == k_upload_refused) {
    for (const std::string& problem : summary.problems) std::cerr << "problem: " << problem << "\n";
  }
  if (summary.error) print_error(*summary.error);
  else if (!raw.json) print_report(summary);
  return summary.exit_code;
}

}  // namespace vmsupport::cli
