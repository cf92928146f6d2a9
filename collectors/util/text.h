// Small text helpers: UTF-8 validity and base64, for carrying file names
// that are not valid UTF-8 through manifest.json without losing bytes.
#pragma once

#include <string>
#include <string_view>

namespace vmsupport {

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates).
bool is_valid_utf8(std::string_view text);

// Standard base64 with padding.
std::string base64_encode(std::string_view bytes);

// Decodes standard base64; characters outside the alphabet are ignored.
std::string base64_decode(std::string_view text);

}  // namespace vmsupport
