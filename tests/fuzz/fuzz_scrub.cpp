// Fuzz target for the scrubber, the parser of untrusted log text: it must
// never crash, never leave an inventory name in its output, and unscrubbing
// must give the input back (but for letter case) where the input holds no
// secret, no encoded name and nothing that already looks like a pseudonym.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

#include "scrub/content_scrubber.h"
#include "scrub/patterns.h"
#include "scrub/unscrubber.h"

using namespace vmsupport;

namespace {

struct Fixture {
  PseudonymMap map;
  std::unique_ptr<ContentScrubber> scrubber;
  NameMatcher originals;
  std::optional<Unscrubber> unscrubber;  // rebuilt when the map has grown
  std::size_t unscrubber_entries = 0;
};

Fixture& fixture() {
  static Fixture f = [] {
    Fixture made;
    Inventory inventory;
    for (const char* host : {"esx01.corp.example", "nas01", "test"}) inventory.add(Category::host, host);
    for (const char* vm : {"Payroll DB", "dc01", "R&D", "Müller-Buchhaltung"}) inventory.add(Category::vm, vm);
    inventory.add(Category::user, "jdoe");
    made.scrubber = std::move(*ContentScrubber::create(inventory, ScrubSettings{}, made.map));
    std::vector<NameEntry> names;
    for (const InventoryName& n : inventory.names) names.push_back({n.name, "", n.category, is_generic_name(n.name)});
    made.originals = std::move(*NameMatcher::build(names));
    return made;
  }();
  return f;
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
  Fixture& f = fixture();
  const std::string input(reinterpret_cast<const char*>(data), size);
  ScrubCounts counts;
  const std::string scrubbed = f.scrubber->scrub_text(input, counts);
  // No inventory name survives (generic ones only where they stand as names),
  // but for a hex name that is part of an address's kept bits (an IPv6
  // interface id keeps "dc01" in 3fff::dc01): addresses are not names.
  const std::vector<PatternMatch> addresses = find_patterns(scrubbed);
  for (const NameMatch& left : f.originals.find(scrubbed)) {
    const bool in_address = std::any_of(addresses.begin(), addresses.end(), [&](const PatternMatch& a) {
      return a.begin <= left.begin && left.end <= a.end;
    });
    if (!in_address) std::abort();
  }
  if (round_trip_applies(input, counts)) {
    const std::size_t entries = f.map.entries().size();
    if (!f.unscrubber || entries != f.unscrubber_entries) {
      f.unscrubber = std::move(*Unscrubber::create(f.map));
      f.unscrubber_entries = entries;
    }
    if (lower(f.unscrubber->unscrub(scrubbed)) != lower(input)) std::abort();
  }
  return 0;
}
