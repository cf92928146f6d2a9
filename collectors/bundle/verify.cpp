// Bundle verification (see verify.h).
#include "bundle/verify.h"

#include <archive.h>
#include <archive_entry.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "bundle/archive_reader.h"
#include "bundle/leak_check.h"
#include "bundle/sha256_file.h"
#include "scrub/content_scrubber.h"
#include "util/sha256.h"
#include "util/text.h"

namespace vmsupport {
namespace {

struct Member {
  bool symlink = false;
  std::string link_target;
  std::uint64_t size = 0;
  std::string sha256;
};

// Reads one entry's data, hashing it; keeps it when `keep` is set.
Result<Member> read_member(archive* a, archive_entry* entry, bool keep, std::string& kept) {
  Member member;
  if (archive_entry_filetype(entry) == AE_IFLNK) {
    member.symlink = true;
    member.link_target = archive_entry_symlink(entry) ? archive_entry_symlink(entry) : "";
    return member;
  }
  Sha256 hash;
  const void* block = nullptr;
  size_t size = 0;
  la_int64_t offset = 0;
  while (true) {
    const int status = archive_read_data_block(a, &block, &size, &offset);
    if (status == ARCHIVE_EOF) break;
    if (status < ARCHIVE_WARN) return fail(archive_error_text(a));  // may have no message (found by fuzz_archive)
    const std::string_view bytes(static_cast<const char*>(block), size);
    hash.update(bytes);
    member.size += size;
    if (keep) kept.append(bytes);
  }
  member.sha256 = hash.hex_digest();
  return member;
}

void compare(const nlohmann::json& manifest, const std::map<std::string, Member>& members,
             VerifyReport& report) {
  std::map<std::string, bool> listed;
  for (const auto& item : manifest.value("items", nlohmann::json::array())) {
    if (!item.contains("path")) continue;
    // Names that are not UTF-8 are shown lossily in "path" and exactly in "path_base64".
    const std::string path =
        item.contains("path_base64") ? base64_decode(item.value("path_base64", "")) : item.value("path", "");
    listed[path] = true;
    const auto found = members.find(path);
    if (found == members.end()) {
      report.problems.push_back(path + ": listed in manifest.json but missing from the archive");
      continue;
    }
    const Member& m = found->second;
    if (item.contains("link_target")) {
      if (!m.symlink || m.link_target != item.value("link_target", "")) {
        report.problems.push_back(path + ": symlink target differs from manifest.json");
      }
      continue;
    }
    ++report.checked;
    if (m.sha256 != item.value("sha256", "") || m.size != item.value("size", 0ull)) {
      report.problems.push_back(path + ": checksum or size differs from manifest.json");
    }
  }
  for (const auto& [path, member] : members) {
    if (path != "manifest.json" && !listed.contains(path)) {
      report.problems.push_back(path + ": in the archive but not in manifest.json");
    }
  }
}

// The documents vmsupport writes name the tool's own platforms, manifests,
// groups and collectors ("platform": {"name": "vcenter"}, "defined_at":
// "manifests/vcenter.yaml:95", "Configuration:vCenter"): words of the tool,
// not of the host, even on a host called vcenter. They are read from
// manifest.json and blanked (line numbers kept) in manifest.json, README.txt
// and index.html before the search; every other word is searched. (The
// host's own values in those documents are scrubbed one by one, so a host
// name never stands there in a field of the tool's.)
std::vector<std::string> own_words(const nlohmann::json& manifest) {
  std::set<std::string> words;
  const auto add = [&](const nlohmann::json& value) {
    if (value.is_string() && !value.get_ref<const std::string&>().empty()) words.insert(value.get<std::string>());
  };
  const nlohmann::json platform = manifest.value("platform", nlohmann::json::object());
  if (platform.is_object()) {
    add(platform.value("name", nlohmann::json()));
    add(platform.value("manifest", nlohmann::json()));
  }
  for (const auto& group : manifest.value("groups", nlohmann::json::array())) add(group);
  for (const auto& collector : manifest.value("collectors", nlohmann::json::array())) {
    if (!collector.is_object()) continue;
    for (const char* key : {"id", "group", "defined_at"}) add(collector.value(key, nlohmann::json()));
  }
  std::vector<std::string> sorted(words.begin(), words.end());
  std::sort(sorted.begin(), sorted.end(), [](const std::string& x, const std::string& y) { return x.size() > y.size(); });
  return sorted;
}

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

std::string without_own_words(std::string text, const std::vector<std::string>& words) {
  for (const std::string& word : words) {
    for (std::size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
      const bool starts = at == 0 || !is_word_char(text[at - 1]) || !is_word_char(word.front());
      const bool ends = at + word.size() == text.size() || !is_word_char(text[at + word.size()]) ||
                        !is_word_char(word.back());
      if (starts && ends) std::fill_n(text.begin() + static_cast<long>(at), word.size(), ' ');
    }
  }
  return text;
}

bool own_document(const std::string& relative) {
  return relative == "manifest.json" || relative == "README.txt" || relative == "index.html";
}

// Findings of kept categories (--keep, read from manifest.json) are allowed.
void add_leak_problems(const std::vector<LeakFinding>& findings, const nlohmann::json& manifest,
                       const std::set<std::string>& binary, VerifyReport& report) {
  std::set<Category> kept;
  const std::string keep = manifest.value("options", nlohmann::json::object()).value("keep", "");
  if (auto parsed = parse_keep(keep)) kept = *parsed;
  // Binary members packed unscrubbed on purpose (crash cores with
  // --include-cores) are not searched; a text member marked so still is.
  std::set<std::string> as_is;
  for (const auto& item : manifest.value("items", nlohmann::json::array())) {
    const std::string path = item.value("path", "");
    if (item.value("packed_as_is", false) && binary.contains(path)) as_is.insert(path);
  }
  std::set<std::string> seen;
  for (const LeakFinding& finding : findings) {
    if (kept.contains(finding.category) || as_is.contains(finding.member)) continue;
    const std::string key = finding.member + ":" + std::to_string(finding.line) + ":" +
                            std::string(category_name(finding.category));
    if (!seen.insert(key).second) continue;
    report.problems.push_back(finding.member + ":" + std::to_string(finding.line) + ": " +
                              std::string(category_name(finding.category)) + " not scrubbed");
  }
}

}  // namespace

Result<VerifyReport> verify_bundle(const std::string& path, const VerifyOptions& options) {
  if (auto there = check_bundle_exists(path); !there) return std::unexpected(there.error());
  return verify_bundle_parts(joined_bundle_path(path), bundle_files(path), options);
}

Result<VerifyReport> verify_bundle_parts(const std::string& path, const std::vector<std::string>& parts,
                                         const VerifyOptions& options) {
  PseudonymMap map;
  if (!options.map_path.empty()) {
    auto loaded = PseudonymMap::load(options.map_path);
    if (!loaded) return std::unexpected(loaded.error());
    map = *loaded;
  }
  auto checker = LeakChecker::create(map);
  if (!checker) return std::unexpected(checker.error());
  std::vector<LeakFinding> findings;
  archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_tar(a);
  // Our own reader over the parts: Debian 12's archive_read_open_filenames
  // crashed on a bundle kept in parts.
  if (open_bundle_files(a, parts) != ARCHIVE_OK) {
    auto error = fail("cannot read ", path, ": ", archive_error_text(a));
    archive_read_free(a);
    return error;
  }
  VerifyReport report;
  std::map<std::string, Member> members;
  std::set<std::string> binary;  // members holding NUL bytes
  std::string manifest_text;
  std::map<std::string, std::string> own_documents;  // searched last (own_words)
  archive_entry* entry = nullptr;
  int status = ARCHIVE_OK;
  while ((status = archive_read_next_header(a, &entry)) == ARCHIVE_OK || status == ARCHIVE_WARN) {
    std::string name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    const std::size_t slash = name.find('/');
    const std::string top = name.substr(0, slash);
    if (report.top_dir.empty()) report.top_dir = top;
    if (slash == std::string::npos || top != report.top_dir) {
      report.problems.push_back(name + ": outside the bundle's top directory");
      continue;
    }
    const std::string relative = name.substr(slash + 1);
    const bool is_manifest = relative == "manifest.json";
    std::string content;
    auto member = read_member(a, entry, true, content);
    if (!member) {
      archive_read_free(a);
      return fail(path, ": archive is damaged or cut short at ", name, ": ", member.error().message);
    }
    if (is_manifest) manifest_text = content;
    if (content.find('\0') != std::string::npos) binary.insert(relative);
    // The tool's documents are searched once manifest.json (the last member) says its own words.
    if (own_document(relative) && !member->symlink) own_documents[relative] = content;
    else checker->check(relative, member->symlink ? member->link_target : content, findings);
    ++report.members;
    members[relative] = *member;
  }
  const std::string error_text = status == ARCHIVE_EOF ? "" : archive_error_text(a);
  archive_read_free(a);
  if (status != ARCHIVE_EOF) return fail(path, ": archive is damaged or cut short: ", error_text);
  // Parsed once: a run of 100,000 files makes a manifest of tens of MiB.
  const auto manifest = nlohmann::json::parse(manifest_text, nullptr, false);
  const std::vector<std::string> words = manifest.is_object() ? own_words(manifest) : std::vector<std::string>();
  for (auto& [relative, content] : own_documents) {
    checker->check(relative, without_own_words(std::move(content), words), findings);
  }
  if (manifest_text.empty()) {
    report.problems.push_back("manifest.json is missing");
  } else {
    if (manifest.is_discarded()) {
      report.problems.push_back("manifest.json is not valid JSON");
    } else {
      compare(manifest, members, report);
      const bool scrubbed = manifest.value("scrub", nlohmann::json::object()).value("scrubbed", false);
      if (scrubbed) {
        report.privacy_checked = true;
        add_leak_problems(findings, manifest, binary, report);
      } else if (!options.allow_unscrubbed) {
        report.problems.push_back("the bundle is not scrubbed (made with --no-scrub or by a tool that does not scrub)");
      }
    }
  }
  auto archive_sha256 = sha256_of_files(parts);
  if (!archive_sha256) return std::unexpected(archive_sha256.error());
  report.archive_sha256 = *archive_sha256;
  if (auto problems = compare_with_sha256_file(path, parts, report.archive_sha256)) {
    report.sidecar_checked = true;
    report.problems.insert(report.problems.end(), problems->begin(), problems->end());
  }
  return report;
}

}  // namespace vmsupport
