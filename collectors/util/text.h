// Small text helpers: counted nouns, ASCII case folding; UTF-8 validity and base64, for
// carrying file names that are not valid UTF-8 through manifest.json without
// losing bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vmsupport {

// "1 item", "2 items": `count` and the noun, plural (noun + "s") unless 1.
std::string counted(std::size_t count, std::string_view noun);

// `text` with A-Z folded to a-z; every other byte (UTF-8 too) as it was.
std::string ascii_lower(std::string_view text);

// `text` cut at "\n", each line without its "\n" or "\r\n" (no empty last
// line for a text ending in a line end).
std::vector<std::string_view> split_lines(std::string_view text);

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates).
bool is_valid_utf8(std::string_view text);

// Standard base64 with padding.
std::string base64_encode(std::string_view bytes);

// Decodes standard base64; characters outside the alphabet are ignored.
std::string base64_decode(std::string_view text);

// The words of `line`, split at white space (spaces, tabs, \r, \v, \f).
std::vector<std::string> words_of(const std::string& line);

// The whole content of a file of this machine (not through --root: state
// files, /proc); nullopt when it cannot be opened.
std::optional<std::string> read_whole_file(const std::string& path);

}  // namespace vmsupport
