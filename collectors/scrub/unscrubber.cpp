// Unscrubbing with the pseudonym map (see unscrubber.h).
#include "scrub/unscrubber.h"

namespace vmsupport {

Result<Unscrubber> Unscrubber::create(const PseudonymMap& map) {
  std::vector<NameEntry> entries;
  for (const PseudonymMap::Entry& entry : map.entries()) {
    if (entry.pseudonym != entry.original) {
      entries.push_back(NameEntry{entry.pseudonym, entry.original, entry.category, false});
    }
  }
  auto matcher = NameMatcher::build(entries);
  if (!matcher) return std::unexpected(matcher.error());
  Unscrubber unscrubber;
  unscrubber.m_pseudonyms = std::move(*matcher);
  return unscrubber;
}

std::string Unscrubber::unscrub(std::string_view text) const {
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  for (const NameMatch& match : m_pseudonyms.find(text)) {
    out.append(text.substr(at, match.begin - at));
    out.append(match.replacement);
    at = match.end;
  }
  out.append(text.substr(at));
  return out;
}

}  // namespace vmsupport
