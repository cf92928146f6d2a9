// Writes seed cores for fuzz_core into DIR: the synthetic ELF cores of
// tests/support/synthetic_core.h in each layout the reader knows (x86-64 and
// aarch64, notes before or after the data, an extended program header count,
// with and without NT_PRPSINFO, NT_SIGINFO and NT_AUXV). Usage:
//   fuzz_core_seeds DIR      (scripts/fuzz.sh compresses copies at fuzz time)
#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "support/synthetic_core.h"

using vmsupport::testing::SyntheticCoreSpec;

namespace {

std::vector<std::pair<std::string, SyntheticCoreSpec>> layouts() {
  std::vector<std::pair<std::string, SyntheticCoreSpec>> all;
  SyntheticCoreSpec plain;
  plain.load_size = 64;
  all.emplace_back("core-x86-64", plain);
  SyntheticCoreSpec aarch64 = plain;
  aarch64.machine = EM_AARCH64;
  aarch64.entry = 0x555555554100;
  all.emplace_back("core-aarch64-auxv", aarch64);
  SyntheticCoreSpec gdb = plain;
  gdb.notes_after_load = true;
  gdb.prpsinfo = false;
  all.emplace_back("core-gdb-layout", gdb);
  SyntheticCoreSpec extended = plain;
  extended.extended_count = true;
  extended.siginfo = false;
  extended.threads = 5;
  all.emplace_back("core-extended-count", extended);
  return all;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  for (const auto& [name, spec] : layouts()) {
    const std::string path = std::string(argv[1]) + "/" + name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    const std::string bytes = vmsupport::testing::build_synthetic_core(spec).bytes;
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      return 1;
    }
  }
  return 0;
}
