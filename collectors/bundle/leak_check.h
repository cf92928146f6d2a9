// The privacy half of `verify`: finds what scrubbing should have replaced —
// any original value of the pseudonym map (whole token, any case, any
// encoding), and any IPv4/IPv6/MAC/e-mail address that is neither a
// pseudonym nor a special address kept on purpose — in member contents and
// member names. It fails closed: a finding makes verify exit 1.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scrub/name_matcher.h"
#include "scrub/pseudonyms.h"

namespace vmsupport {

struct LeakFinding {
  std::string member;   // the member's path
  std::size_t line = 0; // 1-based; 0 for the member's name
  Category category = Category::host;
};

class LeakChecker {
 public:
  // `map` may be empty: then only the address patterns are checked.
  static Result<LeakChecker> create(const PseudonymMap& map);

  // Appends the findings in one member's name and content.
  void check(const std::string& member, std::string_view content, std::vector<LeakFinding>& findings);

 private:
  PseudonymMap m_map;  // a private copy: checking may add entries
  NameMatcher m_originals;
};

}  // namespace vmsupport
