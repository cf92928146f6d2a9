// URL placeholders, header parsing and redaction for `upload` (see upload_target.h).
#include "deliver/upload_target.h"

namespace vmsupport {
namespace {

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

bool is_token_char(unsigned char c) {
  return is_unreserved(c) || std::string_view("!#$%&'*+^`|").find(static_cast<char>(c)) != std::string_view::npos;
}

// Replaces each value of a query string "a=1&b=2" with ***.
std::string redact_query(const std::string& query) {
  std::string out;
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    const std::string pair = query.substr(start, end - start);
    const std::size_t equals = pair.find('=');
    if (!out.empty()) out += '&';
    out += equals == std::string::npos ? (pair.empty() ? "" : "***") : pair.substr(0, equals) + "=***";
    start = end + 1;
  }
  return out;
}

}  // namespace

std::string url_encode(const std::string& text) {
  static const char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (is_unreserved(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 15];
    }
  }
  return out;
}

bool url_names_each_file(const std::string& url_template) {
  return url_template.find("{file}") != std::string::npos || url_template.ends_with('/');
}

Result<std::string> expand_upload_url(const std::string& url_template, const std::string& case_id,
                                      const std::string& file_name) {
  if (!url_template.starts_with("http://") && !url_template.starts_with("https://")) {
    return fail("--url ", redact_url(url_template), ": not an http:// or https:// URL");
  }
  std::string url;
  bool named = false;
  for (std::size_t i = 0; i < url_template.size();) {
    if (url_template[i] != '{') {
      url += url_template[i++];
      continue;
    }
    const std::size_t close = url_template.find('}', i);
    const std::string name = close == std::string::npos ? "" : url_template.substr(i + 1, close - i - 1);
    if (name == "file") {
      url += url_encode(file_name);
      named = true;
    } else if (name == "case") {
      if (case_id.empty()) return fail("--url has {case} but no --case was given");
      url += url_encode(case_id);
    } else {
      return fail("--url: unknown placeholder '", url_template.substr(i, close == std::string::npos ? 1 : close - i + 1),
                  "' (known: {case}, {file})");
    }
    i = close + 1;
  }
  if (!named && url.ends_with('/')) url += url_encode(file_name);
  return url;
}

std::string redact_url(const std::string& url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url.substr(0, url.find_first_of("?#"));
  const std::size_t authority = scheme + 3;
  const std::size_t path = url.find_first_of("/?#", authority);
  std::string host = url.substr(authority, path == std::string::npos ? std::string::npos : path - authority);
  if (const std::size_t at = host.rfind('@'); at != std::string::npos) host = "***@" + host.substr(at + 1);
  std::string rest = path == std::string::npos ? "" : url.substr(path);
  rest = rest.substr(0, rest.find('#'));
  if (const std::size_t query = rest.find('?'); query != std::string::npos) {
    rest = rest.substr(0, query + 1) + redact_query(rest.substr(query + 1));
  }
  return url.substr(0, authority) + host + rest;
}

Result<HttpHeader> parse_header(const std::string& text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string::npos) return fail("--header: expected 'Name: value', got no ':'");
  HttpHeader header{text.substr(0, colon), text.substr(colon + 1)};
  while (!header.value.empty() && (header.value.front() == ' ' || header.value.front() == '\t')) header.value.erase(0, 1);
  while (!header.value.empty() && (header.value.back() == ' ' || header.value.back() == '\t')) header.value.pop_back();
  if (header.name.empty()) return fail("--header: the name before ':' is empty");
  for (unsigned char c : header.name) {
    if (!is_token_char(c)) return fail("--header '", header.name, ": ***': the name holds a character not allowed in a header name");
  }
  if (header.value.find_first_of("\r\n") != std::string::npos) {
    return fail("--header '", header.name, ": ***': the value holds a line break");
  }
  return header;
}

std::string redact_header(const HttpHeader& header) { return header.name + ": ***"; }

}  // namespace vmsupport
