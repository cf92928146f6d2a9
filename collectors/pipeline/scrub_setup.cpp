// The scrubber of a run and its pseudonym map (see scrub_setup.h).
#include "pipeline/scrub_setup.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <malloc.h>

#include <filesystem>

namespace vmsupport {

Result<ScrubSetup> prepare_scrubber(const ScrubOptions& options, const Manifest& manifest, FileSystem& fs,
                                    const std::string& host_name) {
  ScrubSetup setup;
  if (!options.enabled) {
    setup.scrubber = std::make_unique<PassThroughScrubber>("--no-scrub was given");
    return setup;
  }
  // The names first: compiling them is the costly part, and the map (tens of
  // thousands of entries at a big site) is not in memory yet.
  Inventory inventory = gather_inventory(manifest, fs);
  if (host_name != "unknown") inventory.add(Category::host, host_name);
  spdlog::info("inventory: {} host, {} domain, {} vm, {} user names", inventory.count(Category::host),
               inventory.count(Category::domain), inventory.count(Category::vm), inventory.count(Category::user));
  auto names = ContentScrubber::compile_names(inventory, options.settings);
  if (!names) return std::unexpected(names.error());
  ::malloc_trim(0);  // what compiling took for a while goes back to the system
  auto map = PseudonymMap::load(options.map_path);
  if (!map) {
    auto error = std::unexpected(map.error());
    error.error().hint = "give another map with --map FILE, or move the damaged one away";
    return error;
  }
  setup.map = std::make_unique<PseudonymMap>(std::move(*map));
  map = {};
  ::malloc_trim(0);  // reading the map file took about as much again as the map holds
  setup.map_path = options.map_path;
  auto scrubber = ContentScrubber::create(std::move(*names), options.settings, *setup.map);
  setup.content = scrubber.get();
  setup.scrubber = std::move(scrubber);
  return setup;
}

Result<void> save_map(const ScrubSetup& setup) {
  if (!setup.map) return {};
  const std::filesystem::path directory = std::filesystem::path(setup.map_path).parent_path();
  std::error_code ec;
  if (!directory.empty() && !std::filesystem::exists(directory, ec)) {
    std::filesystem::create_directories(directory, ec);
    if (ec) return fail("cannot create ", directory.string(), ": ", ec.message());
    ::chmod(directory.c_str(), 0700);
  }
  return setup.map->save(setup.map_path);
}

}  // namespace vmsupport
