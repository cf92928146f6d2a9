// Translating pseudonyms back into the originals with the customer's map, so
// the customer can read what the support engineer writes about host-0001.
#pragma once

#include <string>
#include <string_view>

#include "scrub/name_matcher.h"
#include "scrub/pseudonyms.h"

namespace vmsupport {

class Unscrubber {
 public:
  // Every pseudonym of the map, in every encoding, to its original.
  static Result<Unscrubber> create(const PseudonymMap& map);
  // `text` with each pseudonym replaced by its original; masked secrets stay masked.
  std::string unscrub(std::string_view text) const;

 private:
  NameMatcher m_pseudonyms;
};

}  // namespace vmsupport
