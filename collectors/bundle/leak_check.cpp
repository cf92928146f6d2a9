// Leak checking for verify (see leak_check.h).
#include "bundle/leak_check.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <regex>

#include "scrub/patterns.h"
#include "util/text.h"

namespace vmsupport {
namespace {

bool is_name_category(Category category) {
  return category == Category::host || category == Category::domain || category == Category::vm ||
         category == Category::user || category == Category::word || category == Category::email;
}

// The shapes pseudonyms take (pseudonyms.h), recognised without the map: a
// bundle is checked on the engineer's side too, where there is no map.
bool looks_like_pseudonym(Category category, std::string_view value) {
  static const std::regex k_email(R"(user-[0-9]{4,}@(.+\.)?domain-[0-9]{2,}\.invalid)", std::regex::icase);
  switch (category) {
    case Category::ipv4: return std::atoi(std::string(value.substr(0, value.find_first_of(".-"))).c_str()) >= 240;
    case Category::ipv6: {
      const std::string v = ascii_lower(value);
      return v.rfind("3fff:", 0) == 0;
    }
    case Category::mac: {
      std::string hex;
      for (char c : value) {
        if (std::isxdigit(static_cast<unsigned char>(c))) hex += c;
      }
      return hex.size() == 12 && hex.compare(6, 4, "0000") == 0;
    }
    case Category::email: return std::regex_match(std::string(value), k_email);
    default: return false;
  }
}

std::size_t line_of(std::string_view text, std::size_t offset) {
  return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
}

}  // namespace

Result<LeakChecker> LeakChecker::create(const PseudonymMap& map) {
  LeakChecker checker;
  checker.m_map = map;
  std::vector<NameEntry> originals;
  map.for_each_entry([&](const PseudonymMap::Entry& entry) {
    if (!is_name_category(entry.category)) return;
    originals.push_back(NameEntry{entry.original, entry.pseudonym, entry.category, is_generic_name(entry.original)});
  });
  auto matcher = NameMatcher::build(originals);
  if (!matcher) return std::unexpected(matcher.error());
  checker.m_originals = std::move(*matcher);
  return checker;
}

void LeakChecker::check(const std::string& member, std::string_view content, std::vector<LeakFinding>& findings) {
  for (const NameMatch& match : m_originals.find(member)) findings.push_back({member, 0, match.category});
  for (const NameMatch& match : m_originals.find(content)) {
    findings.push_back({member, line_of(content, match.begin), match.category});
  }
  for (const PatternMatch& match : find_patterns(content)) {
    const std::string value(content.substr(match.begin, match.end - match.begin));
    if (m_map.original(value) || looks_like_pseudonym(match.category, value)) continue;  // a pseudonym
    if (m_map.pseudonym(match.category, value) == value) continue;  // a special address, kept
    findings.push_back({member, line_of(content, match.begin), match.category});
  }
}

}  // namespace vmsupport
