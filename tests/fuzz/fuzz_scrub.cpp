// Fuzz target for the scrubber, the parser of untrusted log text: it must
// never crash, never leave an inventory name in its output, and unscrubbing
// must give the input back (but for letter case) where the input holds no
// secret, no encoded name and nothing that already looks like a pseudonym.
// A form feed splits the input into files scrubbed one after the other with
// one map, as in a collect: what one file teaches (a user from a log field)
// holds in the next.
#include <algorithm>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_support.h"
#include "scrub/content_scrubber.h"
#include "scrub/patterns.h"
#include "scrub/unscrubber.h"

using namespace vmsupport;

namespace {

// The inventory of every input; the map and the scrubber are made afresh for
// each input (names learnt from one input must not change the next one's
// result, or a finding could not be replayed on its own).
Inventory inventory() {
  Inventory made;
  for (const char* host : {"esx01.corp.example", "nas01", "test"}) made.add(Category::host, host);
  for (const char* vm : {"Payroll DB", "dc01", "R&D", "Müller-Buchhaltung"}) made.add(Category::vm, vm);
  made.add(Category::user, "jdoe");
  return made;
}

// Finds the inventory's names in a text, as a check independent of the scrubber.
const NameMatcher& originals() {
  static const NameMatcher matcher = [] {
    std::vector<NameEntry> names;
    for (const InventoryName& n : inventory().names) names.push_back({n.name, "", n.category, is_generic_name(n.name)});
    return std::move(*NameMatcher::build(names));
  }();
  return matcher;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

bool round_trip_applies(const std::string& input, const ScrubCounts& counts) {
  for (const char* category : {"secret", "ipv6", "mac", "email"}) {
    if (counts.contains(category)) return false;
  }
  for (const char* marker : {"host-", "vm-", "user-", "domain-", "word-", "240.", "241.", "24", "3fff",
                             "%", "&", "\\", "+", "\"", "'"}) {
    if (lower(input).find(marker) != std::string::npos) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Inventory names = inventory();
  PseudonymMap map;
  const std::unique_ptr<ContentScrubber> scrubber = std::move(*ContentScrubber::create(names, ScrubSettings{}, map));
  const std::string input(reinterpret_cast<const char*>(data), size);
  ScrubCounts counts;
  std::string scrubbed;
  for (std::size_t begin = 0; begin <= input.size();) {
    const std::size_t end = std::min(input.find('\f', begin), input.size());
    const std::string file = scrubber->scrub_text(std::string_view(input).substr(begin, end - begin), counts);
    // No inventory name survives (generic ones only where they stand as
    // names), but for a hex name that is part of an address's kept bits (an
    // IPv6 interface id keeps "dc01" in 3fff::dc01): addresses are not names.
    // Each file is checked on its own, as it was scrubbed: whether a generic
    // name stands as a name depends on its line, and a line ends with its file.
    const std::vector<PatternMatch> addresses = find_patterns(file);
    for (const NameMatch& left : originals().find(file)) {
      const bool in_address = std::any_of(addresses.begin(), addresses.end(), [&](const PatternMatch& a) {
        return a.begin <= left.begin && left.end <= a.end;
      });
      if (!in_address) fuzz::broken("an inventory name survived scrubbing");
    }
    scrubbed += file;
    if (end < input.size()) scrubbed += '\f';
    begin = end + 1;
  }
  if (round_trip_applies(input, counts)) {
    const Unscrubber unscrubber = std::move(*Unscrubber::create(map));
    const std::string back = lower(unscrubber.unscrub(scrubbed));
    const std::string want = lower(input);
    if (back != want) {
      const auto at = static_cast<std::size_t>(
          std::mismatch(back.begin(), back.end(), want.begin(), want.end()).first - back.begin());
      // The line of the difference, in the input, the scrubbed text and back.
      const auto line_of = [](const std::string& text, std::size_t number) {
        std::size_t begin = 0;
        for (; number > 0 && begin != std::string::npos; --number) {
          begin = text.find('\n', begin);
          if (begin != std::string::npos) ++begin;
        }
        return begin == std::string::npos ? std::string() : text.substr(begin, text.find('\n', begin) - begin);
      };
      const auto line = static_cast<std::size_t>(std::count(want.begin(), want.begin() + static_cast<long>(at), '\n'));
      std::fprintf(stderr, "line %zu differs:\n  input:      %s\n  scrubbed:   %s\n  unscrubbed: %s\n", line + 1,
                   line_of(input, line).c_str(), line_of(scrubbed, line).c_str(), line_of(back, line).c_str());
      fuzz::broken("unscrubbing did not give the input back");
    }
  }
  return 0;
}
