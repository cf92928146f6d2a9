// Sending one file over HTTP(S): a PUT of its bytes, or a multipart/form-data
// POST (field "file", and "case" when given). One attempt per call; retrying
// is the caller's (see retry_policy.h). Built on libcurl when vmsupport is
// configured with VMSUPPORT_WITH_UPLOAD (the default); without it every call
// fails and http_upload_available() says so.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "deliver/upload_target.h"

namespace vmsupport {

enum class HttpMethod { put, post };

struct HttpFileRequest {
  std::string url;                      // the expanded URL
  HttpMethod method = HttpMethod::put;
  std::vector<HttpHeader> headers;
  std::string file_path;                // the file whose bytes are sent
  std::string file_name;                // its name, for the multipart part
  std::string case_id;                  // POST: sent as the "case" field when not empty
  std::string ca_cert;                  // a PEM file of CAs to trust instead of the system's, "" = system
  bool insecure = false;                // do not check the server's certificate
  std::chrono::seconds connect_timeout{30};
  std::chrono::seconds stall_timeout{120};   // give up when nothing moves for this long
  // Called now and then while sending: bytes sent so far, bytes to send.
  std::function<void(std::uint64_t, std::uint64_t)> progress;
};

struct HttpFileResponse {
  bool transferred = false;   // a complete HTTP response arrived (any status)
  long status = 0;            // the HTTP status, when transferred
  std::string error;          // libcurl's message when not transferred
  bool network_error = false; // the error is a connection or timeout failure (worth retrying)
  std::string body;           // the response body, at most k_max_response_body bytes
  std::uint64_t body_bytes = 0;     // the whole body's size
  std::uint64_t bytes_sent = 0;     // request body bytes sent
  std::chrono::seconds retry_after{0};  // the server's Retry-After, when given
  std::string location;       // a 3xx answer's Location (redirects are not followed), "" when none
};

inline constexpr std::size_t k_max_response_body = 64 << 10;

// True when this build can upload (libcurl linked in).
bool http_upload_available();

// Sends the file once. Never throws; the outcome is in the response.
HttpFileResponse send_file(const HttpFileRequest& request);

}  // namespace vmsupport
