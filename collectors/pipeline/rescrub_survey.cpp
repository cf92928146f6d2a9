// Pass 1 of `vmsupport scrub` (see rescrub_survey.h). The top directory is
// known only at the end, so kept files are matched both with and without
// their first path component and placed once it is known.
#include "pipeline/rescrub_survey.h"

#include <map>
#include <regex>
#include <set>

#include "manifest/glob.h"

namespace vmsupport {
namespace {

constexpr std::uint64_t k_inventory_cap = 4ull << 20;  // as gather_inventory reads them
constexpr std::uint64_t k_manifest_cap = 64ull << 20;  // our manifest.json of a big run

// The globs whose files pass 1 keeps: inventory sources (not dir_name; for a
// listed_in source, its list files) and platform markers.
std::vector<std::string> wanted_globs(const std::vector<Manifest>& manifests) {
  std::vector<std::string> globs;
  for (const Manifest& m : manifests) {
    for (const InventorySource& source : m.inventory) {
      if (source.listed_in) globs.insert(globs.end(), source.listed_in->globs.begin(), source.listed_in->globs.end());
      else if (source.take != "dir_name" && source.take != "path_names") globs.push_back(source.glob);
    }
    globs.insert(globs.end(), m.detect.any_file.begin(), m.detect.any_file.end());
    globs.insert(globs.end(), m.detect.all_files.begin(), m.detect.all_files.end());
  }
  return globs;
}

// `path` ("a/b/c", relative) matched by `glob` ("/a/*/c") component by component.
bool glob_matches(const std::string& glob, const std::string& path) {
  const std::vector<std::string> pattern = split_path(glob);
  const std::vector<std::string> parts = split_path(path);
  if (pattern.size() != parts.size()) return false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (!match_component(pattern[i], parts[i])) return false;
  }
  return true;
}

std::string without_first(const std::string& path) {
  const std::size_t slash = path.find('/');
  return slash == std::string::npos ? std::string() : path.substr(slash + 1);
}

struct Kept {
  std::string content;
  Clock::time_point mtime{};
};

// What the single pass gathers before the top directory is known.
struct Gathered {
  std::string top;
  bool common_top = true;
  std::map<std::string, Kept> files;  // by full path
  std::set<std::string> directories;  // full paths, implied by members
  std::size_t entries = 0;
};

void note_path(Gathered& g, const ArchiveEntry& entry) {
  const std::size_t slash = entry.path.find('/');
  const std::string first = entry.path.substr(0, slash);
  if (slash == std::string::npos && entry.type != EntryType::directory) g.common_top = false;
  if (g.entries == 0) g.top = first;
  if (first != g.top) g.common_top = false;
  ++g.entries;
  if (entry.type == EntryType::directory) g.directories.insert(entry.path);
  for (std::size_t at = entry.path.find('/'); at != std::string::npos;
       at = entry.path.find('/', at + 1)) {
    g.directories.insert(entry.path.substr(0, at));
  }
}

bool wanted(const std::vector<std::string>& globs, const std::string& path) {
  const std::string below = without_first(path);
  if (path == "manifest.json" || below == "manifest.json") return true;
  for (const std::string& glob : globs) {
    if (glob_matches(glob, path) || (!below.empty() && glob_matches(glob, below))) return true;
  }
  return false;
}

Result<Gathered> gather(ArchiveReader& reader, const std::vector<std::string>& globs) {
  Gathered g;
  while (true) {
    auto entry = reader.next();
    if (!entry) return std::unexpected(entry.error());
    if (!*entry) break;
    if ((*entry)->path.empty()) continue;
    note_path(g, **entry);
    if ((*entry)->type != EntryType::regular || !wanted(globs, (*entry)->path)) continue;
    const bool manifest = (*entry)->path.ends_with("manifest.json");
    auto content = reader.read(manifest ? k_manifest_cap : k_inventory_cap);
    if (!content) return std::unexpected(content.error());
    g.files[(*entry)->path] = Kept{std::move(*content), (*entry)->mtime};
  }
  if (g.entries == 0) return fail(reader.path(), ": the archive holds no member");
  return g;
}

// "esx-esx01.corp.example-2026-11-23--08.00-12345" (vm-support's name) -> "esx01.corp.example".
std::string vm_support_host(const std::string& top_dir) {
  static const std::regex k_name(R"(esx-(.+)-\d{4}-\d{2}-\d{2}--\d{2}\.\d{2}-\d+)");
  std::smatch match;
  return std::regex_match(top_dir, match, k_name) ? match[1].str() : std::string();
}

void read_own_manifest(BundleSurvey& survey, const std::string& text) {
  auto manifest = nlohmann::ordered_json::parse(text, nullptr, false);
  if (manifest.is_discarded() || !manifest.is_object()) return;
  const auto tool = manifest.value("tool", nlohmann::ordered_json::object());
  if (!tool.is_object() || tool.value("name", "") != "vmsupport") return;
  survey.own_manifest = std::move(manifest);
}

void find_host_name(BundleSurvey& survey) {
  survey.host_name = "unknown";
  if (survey.own_manifest.is_object()) {
    const auto host = survey.own_manifest.value("host", nlohmann::ordered_json::object());
    if (host.is_object() && host.value("hostname", "") != "")
      survey.host_name = host.value("hostname", "");
  } else if (const std::string name = vm_support_host(survey.top_dir); !name.empty()) {
    survey.host_name = name;
  }
}

}  // namespace

std::string below_top(const std::string& path, const std::string& top_dir) {
  if (top_dir.empty()) return path;
  if (path == top_dir) return {};
  return path.starts_with(top_dir + "/") ? path.substr(top_dir.size() + 1) : path;
}

Result<BundleSurvey> survey_bundle(ArchiveReader& reader, const std::vector<Manifest>& manifests) {
  auto gathered = gather(reader, wanted_globs(manifests));
  if (!gathered) return std::unexpected(gathered.error());
  BundleSurvey survey;
  survey.top_dir = gathered->common_top ? gathered->top : std::string();
  survey.entries = gathered->entries;
  for (const std::string& directory : gathered->directories) {
    const std::string below = below_top(directory, survey.top_dir);
    if (!below.empty()) survey.files.add_special("/" + below, FileType::directory);
  }
  for (auto& [path, kept] : gathered->files) {
    const std::string below = below_top(path, survey.top_dir);
    if (below == "manifest.json") {
      read_own_manifest(survey, kept.content);
    } else if (!below.empty()) {
      survey.files.add_file("/" + below, std::move(kept.content), kept.mtime);
    }
  }
  find_host_name(survey);
  return survey;
}

}  // namespace vmsupport
