// Encoders for the forms names take in files (see encodings.h).
#include "scrub/encodings.h"

#include <cstdint>
#include <cstdio>

namespace vmsupport {
namespace {

bool is_alnum(unsigned char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

std::string hex_escape(const char* format, unsigned value) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

std::string url(std::string_view text, bool plus_for_space) {
  std::string out;
  for (unsigned char c : text) {
    if (is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~') out += static_cast<char>(c);
    else if (c == ' ' && plus_for_space) out += '+';
    else out += hex_escape("%%%02X", c);
  }
  return out;
}

std::string xml(std::string_view text, bool numeric) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += numeric ? "&#38;" : "&amp;"; break;
      case '<': out += numeric ? "&#60;" : "&lt;"; break;
      case '>': out += numeric ? "&#62;" : "&gt;"; break;
      case '"': out += numeric ? "&#34;" : "&quot;"; break;
      case '\'': out += numeric ? "&#39;" : "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

// Decodes one UTF-8 sequence at text[i]; returns its code point and advances i,
// or returns the byte itself for invalid input.
std::uint32_t next_code_point(std::string_view text, std::size_t& i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  const std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 6 ? 2 : (lead >> 4) == 14 ? 3 : (lead >> 3) == 30 ? 4 : 1;
  if (length == 1 || i + length > text.size()) return static_cast<unsigned char>(text[i++]);
  for (std::size_t k = 1; k < length; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return static_cast<unsigned char>(text[i++]);
  }
  std::uint32_t code = lead & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
  i += length;
  return code;
}

std::string json(std::string_view text, bool unicode, bool html) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (html && (c == '&' || c == '<' || c == '>')) {
      out += hex_escape("\\u%04x", c);
      ++i;
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c < 0x20) {
      out += hex_escape("\\u%04x", c);
      ++i;
    } else if (c >= 0x80 && unicode) {
      std::uint32_t code = next_code_point(text, i);
      if (code >= 0x10000) {
        code -= 0x10000;
        out += hex_escape("\\u%04x", 0xD800 + (code >> 10)) + hex_escape("\\u%04x", 0xDC00 + (code & 0x3FF));
      } else {
        out += hex_escape("\\u%04x", code);
      }
    } else {
      out += static_cast<char>(c);
      ++i;
    }
  }
  return out;
}

// systemd-escape(1): '/' becomes '-', other bytes but [A-Za-z0-9:_.] become \xNN.
std::string systemd(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '/') out += '-';
    else if (is_alnum(c) || c == ':' || c == '_' || (c == '.' && i > 0)) out += static_cast<char>(c);
    else out += hex_escape("\\x%02x", c);
  }
  return out;
}

}  // namespace

std::string encode(std::string_view text, Encoding encoding) {
  switch (encoding) {
    case Encoding::raw: return std::string(text);
    case Encoding::url: return url(text, false);
    case Encoding::url_plus: return url(text, true);
    case Encoding::xml: return xml(text, false);
    case Encoding::xml_numeric: return xml(text, true);
    case Encoding::json: return json(text, false, false);
    case Encoding::json_unicode: return json(text, true, false);
    case Encoding::json_html: return json(text, true, true);
    case Encoding::systemd: return systemd(text);
  }
  return std::string(text);
}

std::vector<std::pair<Encoding, std::string>> encoded_forms(std::string_view text) {
  std::vector<std::pair<Encoding, std::string>> forms{{Encoding::raw, std::string(text)}};
  for (Encoding e : {Encoding::url, Encoding::url_plus, Encoding::xml, Encoding::xml_numeric,
                     Encoding::json, Encoding::json_unicode, Encoding::json_html, Encoding::systemd}) {
    std::string form = encode(text, e);
    bool seen = false;
    for (const auto& [other, existing] : forms) seen |= existing == form;
    if (!seen) forms.emplace_back(e, std::move(form));
  }
  return forms;
}

}  // namespace vmsupport
