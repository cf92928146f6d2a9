// Fuzz target for the manifest loader, the parser of untrusted YAML: it must
// never crash, hang or throw, and every rejection must name its location.
// Built two ways: with clang's libFuzzer (scripts/fuzz.sh), and with a replay
// main (replay_main.cpp) that CTest runs over the seed corpus.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "manifest/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto manifest = vmsupport::load_manifest(text, "fuzz.yaml");
  if (!manifest && manifest.error().message.rfind("fuzz.yaml:", 0) != 0) std::abort();
  return 0;
}
