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

// Fields of a baseline.json as written by save_baseline; a field that is
// absent or of another type (a damaged or hand-edited file) reads as empty.
std::string text_field(const nlohmann::json& object, const char* key) {
  const auto field = object.find(key);
  return field != object.end() && field->is_string() ? field->get<std::string>() : std::string();
}

bool flag_field(const nlohmann::json& object, const char* key) {
  const auto field = object.find(key);
  return field != object.end() && field->is_boolean() && field->get<bool>();
}

const nlohmann::json& entries_of(const nlohmann::json& index) {
  static const nlohmann::json k_none = nlohmann::json::array();
  const auto entries = index.find("entries");
  return entries != index.end() && entries->is_array() ? *entries : k_none;
}

// The id is the directory's name: the one the baseline is found, loaded and
// pruned by (never a path taken from the file's content).
BaselineInfo info_of(const nlohmann::json& index, const stdfs::path& dir) {
  BaselineInfo info;
  info.id = dir.filename().string();
  info.label = text_field(index, "label");
  info.taken = parse_time(text_field(index, "taken"));
  info.platform = text_field(index, "platform");
  info.root = text_field(index, "root");
  info.entries = entries_of(index).size();
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
  Baseline baseline{info_of(index, dir), {}};
  baseline.snapshot.taken = baseline.info.taken;
  baseline.snapshot.platform = baseline.info.platform;
  for (const auto& item : entries_of(index)) {
    if (!item.is_object()) continue;
    SnapshotEntry entry;
    entry.key = text_field(item, "key");
    entry.source = text_field(item, "source");
    entry.area = area_of(text_field(item, "area"));
    entry.format = text_field(item, "format");
    entry.present = flag_field(item, "present");
    entry.truncated = flag_field(item, "truncated");
    const std::string mtime = text_field(item, "mtime");
    if (!mtime.empty()) entry.mtime = parse_time(mtime);
    entry.note = text_field(item, "note");
    // A content file is a name inside the baseline's directory ("3.txt"):
    // anything else ("/etc/shadow", "../x") reads as no content.
    const std::string file = text_field(item, "file");
    const bool plain_name = !file.empty() && file != "." && file != ".." && file.find('/') == std::string::npos;
    entry.content = plain_name ? read_whole(dir / file).value_or("") : "";
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
    if (auto index = read_index(item.path())) all.push_back(info_of(*index, item.path()));
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
    auto index = id.find('/') == std::string::npos && id != "." && id != ".." ? read_index(dir) : std::nullopt;
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
