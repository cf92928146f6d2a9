// Baseline persistence (see baseline_store.h): JSON index + raw content files.
#include "changes/baseline_store.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "util/sha256.h"
#include "util/text.h"

namespace vmsupport {
namespace {

namespace stdfs = std::filesystem;

stdfs::path baselines_dir(const std::string& state_dir) { return stdfs::path(state_dir) / "baselines"; }

Result<void> make_private_dir(const stdfs::path& dir) {
  std::error_code error;
  stdfs::create_directories(dir, error);
  if (error) return fail("cannot create ", dir.string(), ": ", error.message());
  ::chmod(dir.c_str(), 0700);
  return {};
}

Result<void> write_private_file(const stdfs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) return fail("cannot write ", path.string(), ": ", errno_text(errno));
  ::chmod(path.c_str(), 0600);
  return {};
}

std::optional<std::string> read_whole(const stdfs::path& path) { return read_whole_file(path.string()); }

Clock::time_point parse_time(const std::string& iso) {
  auto when = parse_since(iso, Clock::now());
  return when ? *when : Clock::time_point{};
}

nlohmann::ordered_json entry_json(const SnapshotEntry& entry, const std::string& file) {
  return {{"key", entry.key},         {"source", entry.source},       {"area", change_area_key(entry.area)},
          {"format", entry.format},   {"present", entry.present},     {"truncated", entry.truncated},
          {"mtime", entry.mtime == Clock::time_point{} ? "" : format_iso_utc(entry.mtime)},
          {"note", entry.note},       {"file", file},                 {"sha256", sha256_hex(entry.content)}};
}

ChangeArea area_of(const std::string& key) {
  for (ChangeArea area : k_change_areas) {
    if (key == change_area_key(area)) return area;
  }
  return ChangeArea::config;
}

BaselineInfo info_of(const nlohmann::json& index) {
  BaselineInfo info;
  info.id = index.value("id", "");
  info.label = index.value("label", "");
  info.taken = parse_time(index.value("taken", ""));
  info.platform = index.value("platform", "");
  info.root = index.value("root", "");
  info.entries = index.contains("entries") ? index["entries"].size() : 0;
  return info;
}

std::optional<nlohmann::json> read_index(const stdfs::path& dir) {
  auto text = read_whole(dir / "baseline.json");
  if (!text) return std::nullopt;
  auto index = nlohmann::json::parse(*text, nullptr, false);
  if (index.is_discarded() || !index.is_object()) return std::nullopt;
  return index;
}

Baseline read_baseline(const stdfs::path& dir, const nlohmann::json& index) {
  Baseline baseline{info_of(index), {}};
  baseline.snapshot.taken = baseline.info.taken;
  baseline.snapshot.platform = baseline.info.platform;
  for (const auto& item : index.value("entries", nlohmann::json::array())) {
    SnapshotEntry entry;
    entry.key = item.value("key", "");
    entry.source = item.value("source", "");
    entry.area = area_of(item.value("area", ""));
    entry.format = item.value("format", "");
    entry.present = item.value("present", false);
    entry.truncated = item.value("truncated", false);
    const std::string mtime = item.value("mtime", "");
    if (!mtime.empty()) entry.mtime = parse_time(mtime);
    entry.note = item.value("note", "");
    entry.content = read_whole(dir / item.value("file", "missing")).value_or("");
    baseline.snapshot.entries.push_back(std::move(entry));
  }
  return baseline;
}

std::string fresh_id(const stdfs::path& dir, Clock::time_point taken) {
  const std::string base = format_compact_utc(taken);
  std::string id = base;
  for (int n = 2; stdfs::exists(dir / id); ++n) id = base + "-" + std::to_string(n);
  return id;
}

}  // namespace

Result<BaselineInfo> save_baseline(const std::string& state_dir, const Snapshot& snapshot, const std::string& label,
                                   const std::string& root, std::size_t keep) {
  const stdfs::path dir = baselines_dir(state_dir);
  if (auto ok = make_private_dir(dir); !ok) return std::unexpected(ok.error());
  ::chmod(state_dir.c_str(), 0700);
  BaselineInfo info{fresh_id(dir, snapshot.taken), label, snapshot.taken, snapshot.platform, root,
                    snapshot.entries.size()};
  const stdfs::path partial = dir / ("." + info.id + ".partial");
  std::error_code ignored;
  stdfs::remove_all(partial, ignored);
  if (auto ok = make_private_dir(partial); !ok) return std::unexpected(ok.error());
  nlohmann::ordered_json index = {{"id", info.id},       {"label", label},
                                  {"taken", format_iso_utc(snapshot.taken)},
                                  {"platform", snapshot.platform}, {"root", root},
                                  {"entries", nlohmann::ordered_json::array()}};
  for (std::size_t i = 0; i < snapshot.entries.size(); ++i) {
    const std::string file = std::to_string(i + 1) + ".txt";
    if (auto ok = write_private_file(partial / file, snapshot.entries[i].content); !ok) return std::unexpected(ok.error());
    index["entries"].push_back(entry_json(snapshot.entries[i], file));
  }
  if (auto ok = write_private_file(partial / "baseline.json", index.dump(2) + "\n"); !ok) return std::unexpected(ok.error());
  std::error_code error;
  stdfs::rename(partial, dir / info.id, error);
  if (error) return fail("cannot store baseline ", (dir / info.id).string(), ": ", error.message());
  const std::vector<BaselineInfo> all = list_baselines(state_dir);
  for (std::size_t i = std::max<std::size_t>(keep, 1); i < all.size(); ++i) stdfs::remove_all(dir / all[i].id, ignored);
  return info;
}

std::vector<BaselineInfo> list_baselines(const std::string& state_dir) {
  std::vector<BaselineInfo> all;
  std::error_code error;
  for (const auto& item : stdfs::directory_iterator(baselines_dir(state_dir), error)) {
    if (!item.is_directory() || item.path().filename().string().starts_with(".")) continue;
    if (auto index = read_index(item.path())) all.push_back(info_of(*index));
  }
  std::sort(all.begin(), all.end(), [](const BaselineInfo& a, const BaselineInfo& b) {
    return a.taken != b.taken ? a.taken > b.taken : a.id > b.id;
  });
  return all;
}

Result<std::optional<Baseline>> load_baseline(const std::string& state_dir, const std::string& id,
                                              const std::string& root, const std::string& platform) {
  const std::vector<BaselineInfo> all = list_baselines(state_dir);
  if (!id.empty()) {
    const stdfs::path dir = baselines_dir(state_dir) / id;
    auto index = id.find('/') == std::string::npos ? read_index(dir) : std::nullopt;
    if (!index) {
      std::string known;
      for (const BaselineInfo& info : all) known += (known.empty() ? "" : ", ") + info.id;
      auto error = fail("--baseline ", id, ": no such baseline in ", baselines_dir(state_dir).string());
      error.error().hint = known.empty() ? "none recorded yet: `vmsupport baseline` records one" : "known: " + known;
      return error;
    }
    return read_baseline(dir, *index);
  }
  for (const BaselineInfo& info : all) {
    if (info.root != root || info.platform != platform) continue;
    const stdfs::path dir = baselines_dir(state_dir) / info.id;
    if (auto index = read_index(dir)) return read_baseline(dir, *index);
  }
  return std::optional<Baseline>();
}

}  // namespace vmsupport
