// Fuzz target for the core-file reader (collectors/cores): the ELF header,
// program headers and notes of a crash core — plain or compressed (zstd, xz,
// lz4, gzip) — are untrusted bytes. Describing them must never crash, hang or
// read past the byte budget; and the systemd-coredump file-name parser gets
// the same input as a name.
#include <cstdint>
#include <string_view>

#include "cores/core_file.h"
#include "fuzz_support.h"

using namespace vmsupport;

namespace {

// Small enough that a decompression bomb stops early.
constexpr std::uint64_t k_budget = 1 << 20;

void check(const CoreDescription& core) {
  fuzz::expect(core.bytes_read <= k_budget, "the core reader obtained more than its budget");
  fuzz::expect(!core.format.empty(), "a core description has no format");
  fuzz::expect(core.signal.has_value() == !core.signal_name.empty(), "a signal without its name, or a name without it");
  fuzz::expect(core.mappings.size() <= 262144, "more NT_FILE mappings kept than the cap");
  for (const CoreMapping& mapping : core.mappings) {
    fuzz::expect(mapping.start <= mapping.end, "an NT_FILE mapping that ends before it starts");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  check(describe_core_bytes(bytes, k_budget));
  if (const auto name = parse_systemd_core_name(bytes)) {
    fuzz::expect(name->boot_id.size() == 32, "a systemd core name whose boot id is not 32 digits");
  }
  return 0;
}
