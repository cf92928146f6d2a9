// Unscrubbing with the pseudonym map (see unscrubber.h).
#include "scrub/unscrubber.h"

#include <optional>

#include "scrub/address_forms.h"

namespace vmsupport {

Result<Unscrubber> Unscrubber::create(const PseudonymMap& map) {
  std::vector<NameEntry> entries;
  map.for_each_entry([&](const PseudonymMap::Entry& entry) {
    if (entry.pseudonym == entry.original) return;
    const bool ipv4 = entry.category == Category::ipv4;
    const std::optional<detail::Ipv4> pseudonym = ipv4 ? detail::parse_ipv4(entry.pseudonym) : std::nullopt;
    const std::optional<detail::Ipv4> original = ipv4 ? detail::parse_ipv4(entry.original) : std::nullopt;
    if (pseudonym && original) {
      // The map keeps an address in the notation first met; the scrubber
      // writes it in the notation of each place (10.1.2.3, dhcp-10-1-2-3).
      for (const char separator : {'.', '-'}) {
        entries.push_back(NameEntry{detail::format_ipv4(pseudonym->value, separator),
                                    detail::format_ipv4(original->value, separator), entry.category, false});
      }
    } else {
      entries.push_back(NameEntry{entry.pseudonym, entry.original, entry.category, false});
    }
  });
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
