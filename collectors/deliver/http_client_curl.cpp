// send_file with libcurl (see http_client.h): the file is streamed from disk,
// never held in memory; the answer's body is kept up to k_max_response_body.
#include <curl/curl.h>

#include <cstdio>
#include <memory>
#include <mutex>

#include "deliver/http_client.h"
#include "util/result.h"

namespace vmsupport {
namespace {

struct FileCloser {
  void operator()(FILE* file) const { std::fclose(file); }
};

struct Transfer {
  const HttpFileRequest* request = nullptr;
  FILE* file = nullptr;
  HttpFileResponse* response = nullptr;
};

std::size_t read_body(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t read = std::fread(buffer, size, count, transfer->file);
  if (read == 0 && std::ferror(transfer->file)) return CURL_READFUNC_ABORT;
  return read;
}

std::size_t keep_answer(char* data, std::size_t size, std::size_t count, void* user) {
  auto* response = static_cast<HttpFileResponse*>(user);
  const std::size_t bytes = size * count;
  response->body_bytes += bytes;
  if (response->body.size() < k_max_response_body) {
    response->body.append(data, std::min(bytes, k_max_response_body - response->body.size()));
  }
  return bytes;
}

int report_progress(void* user, curl_off_t, curl_off_t, curl_off_t upload_total, curl_off_t upload_now) {
  const auto* request = static_cast<const HttpFileRequest*>(user);
  request->progress(static_cast<std::uint64_t>(upload_now), static_cast<std::uint64_t>(upload_total));
  return 0;
}

// Connection failures and timeouts: another attempt may get through. TLS
// verification, a bad URL or an unreadable file will fail the same way again.
bool is_network_error(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Sets everything but the body; returns the header list to free.
curl_slist* set_common(CURL* curl, const HttpFileRequest& request, HttpFileResponse& response, char* error_buffer) {
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "vmsupport/" VMSUPPORT_VERSION);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, static_cast<long>(request.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(request.stall_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep_answer);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  if (!request.ca_cert.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, request.ca_cert.c_str());
  if (request.insecure) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (request.progress) {
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, report_progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &request);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  }
  curl_slist* headers = nullptr;
  for (const HttpHeader& header : request.headers) {
    headers = curl_slist_append(headers, (header.name + ": " + header.value).c_str());
  }
  // No "Expect: 100-continue" round trip: servers that answer 4xx at once
  // still stop the upload, and the ones that never answer it cost a second.
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  return headers;
}

}  // namespace

bool http_upload_available() { return true; }

HttpFileResponse send_file(const HttpFileRequest& request) {
  global_init();
  HttpFileResponse response;
  std::unique_ptr<FILE, FileCloser> file(std::fopen(request.file_path.c_str(), "rb"));
  if (!file) {
    response.error = "cannot read " + request.file_path + ": " + errno_text(errno);
    return response;
  }
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) {
    response.error = "cannot start libcurl";
    return response;
  }
  char error_buffer[CURL_ERROR_SIZE] = "";
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(
      set_common(curl.get(), request, response, error_buffer), curl_slist_free_all);
  Transfer transfer{&request, file.get(), &response};
  std::unique_ptr<curl_mime, decltype(&curl_mime_free)> mime(nullptr, curl_mime_free);
  if (request.method == HttpMethod::put) {
    std::fseek(file.get(), 0, SEEK_END);
    const long size = std::ftell(file.get());
    std::rewind(file.get());
    curl_easy_setopt(curl.get(), CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_READFUNCTION, read_body);
    curl_easy_setopt(curl.get(), CURLOPT_READDATA, &transfer);
    curl_easy_setopt(curl.get(), CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(size));
  } else {
    mime.reset(curl_mime_init(curl.get()));
    curl_mimepart* part = curl_mime_addpart(mime.get());
    curl_mime_name(part, "file");
    curl_mime_filedata(part, request.file_path.c_str());
    curl_mime_filename(part, request.file_name.c_str());
    curl_mime_type(part, "application/octet-stream");
    if (!request.case_id.empty()) {
      curl_mimepart* field = curl_mime_addpart(mime.get());
      curl_mime_name(field, "case");
      curl_mime_data(field, request.case_id.c_str(), CURL_ZERO_TERMINATED);
    }
    curl_easy_setopt(curl.get(), CURLOPT_MIMEPOST, mime.get());
  }
  const CURLcode code = curl_easy_perform(curl.get());
  curl_off_t sent = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_SIZE_UPLOAD_T, &sent);
  response.bytes_sent = static_cast<std::uint64_t>(sent);
  if (code != CURLE_OK) {
    response.error = error_buffer[0] ? error_buffer : curl_easy_strerror(code);
    response.network_error = is_network_error(code);
    return response;
  }
  response.transferred = true;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &response.status);
  curl_off_t retry_after = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RETRY_AFTER, &retry_after);
  response.retry_after = std::chrono::seconds(retry_after);
  const char* location = nullptr;  // where a 3xx points (redirects are not followed)
  if (curl_easy_getinfo(curl.get(), CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location) {
    response.location = location;
  }
  return response;
}

}  // namespace vmsupport
