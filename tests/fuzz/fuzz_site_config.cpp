// Fuzz target for the site config file (cli/site_config): an administrator's
// hand-written YAML. Parsing must never crash or throw, and a rejection must
// start with "PATH:". A config that parses is applied to the options of
// `collect` (apply_site_config converts its values, so a value it accepted
// must convert) and turned into collect options as the command would.
#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

#include "fuzz_support.h"
#include "options.h"
#include "site_config.h"

using namespace vmsupport;
using namespace vmsupport::cli;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto config = parse_site_config(text, "site.yaml");
  if (!config) {
    fuzz::expect(config.error().message.starts_with("site.yaml:"), "a config error that does not name the file");
    return 0;
  }
  RawOptions raw;
  CLI::App app;
  CLI::App* collect = app.add_subcommand("collect");
  add_selection_options(*collect, raw);
  add_collect_options(*collect, raw);
  app.parse(std::vector<std::string>{"collect"});
  apply_site_config(*config, *collect, raw);
  (void)to_collect_options(raw);
  effective_settings(*config, *collect, raw);
  return 0;
}
