// Where and how `upload` sends a file, as pure text functions: the URL with
// its {case} and {file} placeholders filled in, the --header values, and the
// forms of both that are safe to print (no credentials, no query secrets, no
// header values).
#pragma once

#include <string>
#include <vector>

#include "util/result.h"

namespace vmsupport {

// Percent-encodes every byte but RFC 3986's unreserved ones (A-Z a-z 0-9 - . _ ~).
std::string url_encode(const std::string& text);

// Fills {case} and {file} (both percent-encoded). Without {file}, a URL that
// ends with '/' gets the file name appended (as `curl -T FILE URL/` does).
// Fails when the URL is not http:// or https://, has {case} but no case id
// was given, or has an unknown {placeholder}.
Result<std::string> expand_upload_url(const std::string& url_template, const std::string& case_id,
                                      const std::string& file_name);

// True when every file sent to `url_template` gets a URL of its own: it has {file} or ends with '/'.
bool url_names_each_file(const std::string& url_template);

// `url` safe to print and record: user:password@ becomes ***@, every query
// value becomes ***, the fragment is dropped. "https://u:p@h/x?sig=1" -> "https://***@h/x?sig=***".
std::string redact_url(const std::string& url);

struct HttpHeader {
  std::string name;
  std::string value;
};

// Parses --header 'Name: value'. Fails (quoting only the name) when there is no
// ':', the name is empty or not a token, or either part holds a line break.
Result<HttpHeader> parse_header(const std::string& text);

// "Name: ***": a header as it may be printed (values may be tokens).
std::string redact_header(const HttpHeader& header);

}  // namespace vmsupport
