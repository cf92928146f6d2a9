// `vmsupport unscrub --map FILE [FILE...|-]`: pseudonyms back to originals.
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.h"
#include "scrub/unscrubber.h"

namespace vmsupport::cli {
namespace {

Result<std::string> read_input(const std::string& path) {
  std::stringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
    return text.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(path, ": cannot read it");
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int run_unscrub(const RawOptions& raw) {
  const std::string map_path = raw.map.empty() ? default_state_dir() + "/map.json" : raw.map;
  auto map = PseudonymMap::load(map_path);
  if (!map) {
    print_error(map.error());
    return k_exit_usage;
  }
  if (map->empty()) {
    print_error({map_path + ": no pseudonyms in it (is it the map of the site that made the bundle?)", {}, 0});
    return k_exit_usage;
  }
  auto unscrubber = Unscrubber::create(*map);
  if (!unscrubber) {
    print_error(unscrubber.error());
    return k_exit_usage;
  }
  const std::vector<std::string> inputs = raw.inputs.empty() ? std::vector<std::string>{"-"} : raw.inputs;
  for (const std::string& input : inputs) {
    auto text = read_input(input);
    if (!text) {
      print_error(text.error());
      return k_exit_usage;
    }
    std::cout << unscrubber->unscrub(*text);
  }
  return std::cout.good() ? 0 : k_exit_no_bundle;
}

}  // namespace vmsupport::cli
