// Fuzz target for reading a baseline back (changes/baseline_store) and
// comparing with it (changes/compare, unified_diff): baseline.json lives in
// the state directory, where a crash, a full disk or a hand edit may have
// left anything. The input is cut at its first NUL: before it, baseline.json;
// after it, the content of the file "c" its entries may name. Loading must
// not crash or throw; the loaded baseline is then compared with a "now"
// whose entries hold the JSON text itself (as files and as package lists),
// and the report's members are rendered.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "changes/baseline_store.h"
#include "changes/compare.h"
#include "fuzz_support.h"

using namespace vmsupport;

namespace {

// A state directory of our own, made once (in /dev/shm when there is one) and
// removed at exit. Never destroyed: the exit handler runs after static destructors.
const std::string& state_dir() {
  static const std::string& dir = *new std::string([] {
    std::string pattern = std::filesystem::exists("/dev/shm") ? "/dev/shm/vmsupport-fuzz-XXXXXX"
                                                               : "/tmp/vmsupport-fuzz-XXXXXX";
    if (!::mkdtemp(pattern.data())) fuzz::broken("cannot make a state directory");
    std::filesystem::create_directories(pattern + "/baselines/b");
    std::atexit([] { std::filesystem::remove_all(state_dir()); });
    return pattern;
  }());
  return dir;
}

void write(const std::string& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) fuzz::broken("cannot write into the state directory");
}

void compare(const Baseline& baseline, const std::string& now_text) {
  Snapshot now;
  now.platform = baseline.info.platform;
  for (const SnapshotEntry& old : baseline.snapshot.entries) {
    SnapshotEntry entry = old;
    entry.present = true;
    entry.content = now_text;
    now.entries.push_back(std::move(entry));
  }
  ChangeReport report;
  report.baseline = baseline.info;
  compare_with_baseline(baseline, now, report);
  recent_tracked_files(baseline.snapshot, Clock::time_point{}, report);
  change_members(report);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t cut = input.find('\0');
  const std::string_view index = input.substr(0, cut);
  const std::string& dir = state_dir();
  write(dir + "/baselines/b/baseline.json", index);
  write(dir + "/baselines/b/c", cut == std::string_view::npos ? "" : input.substr(cut + 1));
  list_baselines(dir);
  auto by_id = load_baseline(dir, "b", "", "");
  if (by_id && *by_id) compare(**by_id, std::string(index));
  auto newest = load_baseline(dir, "", "", "");
  fuzz::expect(newest.has_value(), "looking for the newest baseline failed");
  return 0;
}
