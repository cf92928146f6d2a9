// Fuzz target for reading a bundle (bundle/archive_reader, as `verify`,
// `inspect` and `scrub` read one; report/inspect; bundle/verify): a .tgz
// from a customer or another tool may be damaged, cut short or made to
// harm. The input is the archive's bytes (any filter libarchive knows). Every
// entry is listed and its data read, capped; then `inspect` reads the
// report's inputs and builds the report, and `verify` checks the bundle.
// Nothing may crash, and every failure must name the file.
#include <cstdint>
#include <string>
#include <string_view>

#include "bundle/archive_reader.h"
#include "bundle/verify.h"
#include "fuzz_support.h"
#include "report/html.h"
#include "report/inspect.h"
#include "report/report_model.h"

using namespace vmsupport;

namespace {

void read_entries(const std::string& path) {
  auto reader = ArchiveReader::open(path);
  if (!reader) {
    fuzz::expect(reader.error().message.find(path) != std::string::npos, "an open error that does not name the file");
    return;
  }
  for (std::size_t count = 0; count < 100000; ++count) {
    auto entry = (*reader)->next();
    if (!entry) {
      fuzz::expect((*reader)->damaged(), "a failed next() that does not mark the archive damaged");
      return;
    }
    if (!*entry) return;
    if ((*entry)->type != EntryType::regular) continue;
    auto bytes = (*reader)->read(1 << 16);
    if (!bytes) return;
    fuzz::expect(bytes->size() <= (1 << 16), "read() returned more than asked for");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fuzz::MemoryFile file(std::string_view(reinterpret_cast<const char*>(data), size));
  const std::string path = file.path();
  read_entries(path);
  if (auto inputs = read_report_inputs(path)) render_report_html(build_report_model(*inputs));
  auto verified = verify_bundle(path, VerifyOptions{"", true});
  if (!verified) fuzz::expect(verified.error().message.find(path) != std::string::npos, "a verify error that does not name the file");
  return 0;
}
