// Fuzz target for the pseudonym map loader (scrub/pseudonyms, map_file): a
// map.json is the customer's own file, but it may be damaged, hand-edited or
// another tool's. Loading must fail with "<path>: ..." or succeed; a loaded
// map must survive a save and a reload unchanged, and unscrubbing the input
// with it must not crash.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "scrub/map_file.h"
#include "scrub/pseudonyms.h"
#include "scrub/unscrubber.h"

using namespace vmsupport;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const fuzz::MemoryFile file(input);
  auto map = PseudonymMap::load(file.path());
  if (!map) {
    fuzz::expect(map.error().message.starts_with(file.path() + ": "), "a map error that does not name the file");
    return 0;
  }
  auto read = detail::read_map_file(file.path());
  fuzz::expect(read.has_value(), "a map that loads but does not read");
  const fuzz::MemoryFile saved(detail::map_file_text(read->entries, read->counters));
  auto reread = detail::read_map_file(saved.path());
  fuzz::expect(reread.has_value(), "a map that does not read back after writing it");
  fuzz::expect(reread->counters == read->counters, "the map's counters changed through a save");
  fuzz::expect(reread->entries.size() == read->entries.size(), "the map's entries changed through a save");
  for (std::size_t i = 0; i < read->entries.size(); ++i) {
    fuzz::expect(reread->entries[i].original == read->entries[i].original &&
                     reread->entries[i].pseudonym == read->entries[i].pseudonym &&
                     reread->entries[i].category == read->entries[i].category,
                 "a map entry changed through a save");
  }
  if (auto unscrubber = Unscrubber::create(*map)) (*unscrubber).unscrub(std::string(input));
  return 0;
}
