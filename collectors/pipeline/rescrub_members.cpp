// Pass 2 of `vmsupport scrub` (see rescrub_members.h).
#include "pipeline/rescrub_members.h"

#include <spdlog/spdlog.h>

#include <array>
#include <optional>
#include <set>
#include <string_view>

#include "manifest/glob.h"
#include "pipeline/executor.h"
#include "pipeline/rescrub_survey.h"
#include "report/report_model.h"

namespace vmsupport {
namespace {

constexpr std::array<std::string_view, 3> k_documents = {"README.txt", "manifest.json",
                                                         "scrub-report.json"};
constexpr std::string_view k_source_documents = "source-bundle/";
// The input's report page: the new bundle gets its own (see rescrub_members.h).
constexpr std::string_view k_old_page = "index.html";

// The path without "." and empty components; nullopt when it climbs ("..") or is empty.
std::optional<std::string> safe_path(const std::string& path) {
  std::string out;
  for (const std::string& part : split_path(path)) {
    if (part == "..") return std::nullopt;
    if (part == ".") continue;
    out += (out.empty() ? "" : "/") + part;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

// The symlink target that leads from member `from` to member `to` ("a/b/c", "a/x" -> "../x").
std::string relative_target(const std::string& from, const std::string& to) {
  std::vector<std::string> directory = split_path(from);
  directory.pop_back();
  const std::vector<std::string> target = split_path(to);
  std::size_t common = 0;
  while (common < directory.size() && common + 1 < target.size() &&
         directory[common] == target[common])
    ++common;
  std::string out;
  for (std::size_t i = common; i < directory.size(); ++i) out += "../";
  for (std::size_t i = common; i < target.size(); ++i)
    out += target[i] + (i + 1 < target.size() ? "/" : "");
  return out;
}

bool is_document(const std::string& path) {
  for (std::string_view document : k_documents) {
    if (path == document) return true;
  }
  return false;
}

// Our manifest.json without its checksums: they are of the unscrubbed members.
std::string without_checksums(const std::string& text) {
  auto manifest = nlohmann::ordered_json::parse(text, nullptr, false);
  if (manifest.is_discarded() || !manifest.is_object() || !manifest.contains("items")) return text;
  for (auto& item : manifest["items"]) {
    if (item.is_object()) item.erase("sha256");
  }
  return manifest.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string leave_out_reason(const ArchiveEntry& entry, const std::string& path,
                             const MemberCopySettings& settings) {
  if (entry.type == EntryType::other) return "not a regular file, directory or symlink: left out";
  if (entry.type == EntryType::symlink && entry.link_target.empty())
    return "symlink without a target: left out";
  if (entry.type == EntryType::regular && entry.size > settings.max_member) {
    return "larger than " + format_size(settings.max_member) +
           ": left out (members are scrubbed in memory)";
  }
  for (const ForbidSpec& rule : *settings.forbid) {
    if (matches_or_under(rule.glob, "/" + path))
      return "forbidden path (" + rule.glob + "): left out";
  }
  return {};
}

class MemberCopier {
 public:
  MemberCopier(const MemberCopySettings& settings, const ScrubSetup& scrub, ArchiveWriter& writer,
               ItemLog& items, LeftOut& left_out,
               std::map<std::string, std::string>& report_documents)
      : m_settings(settings),
        m_scrub(scrub),
        m_writer(writer),
        m_items(items),
        m_left_out(left_out),
        m_report_documents(report_documents) {}

  Result<void> copy(ArchiveReader& reader, const ArchiveEntry& entry, const std::string& below);

 private:
  Result<void> fill(ArchiveReader& reader, const ArchiveEntry& entry, const std::string& path,
                    CollectedItem& item);
  void leave_out(CollectedItem item, const std::string& below, const std::string& why);
  Result<void> write(const ScrubbedItem& member);

  const MemberCopySettings& m_settings;
  const ScrubSetup& m_scrub;
  ArchiveWriter& m_writer;
  ItemLog& m_items;
  LeftOut& m_left_out;
  std::map<std::string, std::string>& m_report_documents;
  std::set<std::string> m_written;
};

Result<void> MemberCopier::copy(ArchiveReader& reader, const ArchiveEntry& entry,
                                const std::string& below) {
  CollectedItem item;
  item.source = m_settings.top_dir.empty() ? entry.path : m_settings.scrubbed_top_dir + "/" + below;
  item.mtime = entry.mtime;
  item.original_size = entry.size;
  const std::optional<std::string> path = safe_path(below);
  std::string why =
      path ? leave_out_reason(entry, *path, m_settings) : "unsafe member name: left out";
  if (why.empty() && *path == k_old_page) why = "the source bundle's report page: replaced by a new index.html";
  if (!why.empty()) {
    leave_out(std::move(item), below, why);
    return {};
  }
  item.archive_path = is_document(*path) ? std::string(k_source_documents) + *path : *path;
  if (auto ok = fill(reader, entry, *path, item); !ok) return ok;
  if (entry.type == EntryType::hardlink && item.link_target.empty()) {
    leave_out(std::move(item), below, "a hard link to an unsafe name: left out");
    return {};
  }
  return write(m_scrub.scrubber->scrub(std::move(item)));
}

// The member's bytes, or its link target.
Result<void> MemberCopier::fill(ArchiveReader& reader, const ArchiveEntry& entry,
                                const std::string& path, CollectedItem& item) {
  if (entry.type == EntryType::symlink) {
    item.link_target = entry.link_target;
  } else if (entry.type == EntryType::hardlink) {
    const std::optional<std::string> target =
        safe_path(below_top(entry.link_target, m_settings.top_dir));
    if (target) item.link_target = relative_target(path, *target);
    item.reason = "a hard link in the source bundle, stored as a symlink";
  } else {
    auto content = reader.read(m_settings.max_member);
    if (!content) return std::unexpected(content.error());
    item.content = path == "manifest.json" ? without_checksums(*content) : std::move(*content);
  }
  return {};
}

void MemberCopier::leave_out(CollectedItem item, const std::string& below, const std::string& why) {
  spdlog::debug("{}: {}", item.source, why);
  item.archive_path.clear();
  item.link_target.clear();
  item.content.clear();
  item.status = Status::skipped;
  item.reason = why;
  ScrubCounts ignored;
  m_left_out.emplace_back(m_scrub.content->scrub_text(below, ignored), why);
  m_items.push_back(record_of(m_scrub.scrubber->scrub(std::move(item)), MemberDigest{}));
}

Result<void> MemberCopier::write(const ScrubbedItem& member) {
  const CollectedItem& item = member.item();
  if (item.archive_path.empty()) {  // the scrubber left it out (listed in its report)
    m_items.push_back(record_of(member, MemberDigest{}));
    return {};
  }
  if (!m_written.insert(item.archive_path).second) {
    ItemRecord record = record_of(member, MemberDigest{});
    record.path.clear();
    record.link_target.clear();
    record.status = Status::skipped;
    record.reason = "same name as an earlier member once scrubbed: left out";
    m_left_out.emplace_back(item.archive_path, record.reason);
    m_items.push_back(std::move(record));
    return {};
  }
  if (item.link_target.empty() && wanted_for_report(item.archive_path)) {
    m_report_documents[item.archive_path] = item.content;
  }
  auto digest = m_writer.add(member);
  if (!digest) return std::unexpected(digest.error());
  m_items.push_back(record_of(member, *digest));
  return {};
}

}  // namespace

Result<void> copy_members(ArchiveReader& reader, const MemberCopySettings& settings,
                          const ScrubSetup& scrub, ArchiveWriter& writer,
                          ItemLog& items, LeftOut& left_out,
                          std::map<std::string, std::string>& report_documents) {
  MemberCopier copier(settings, scrub, writer, items, left_out, report_documents);
  while (true) {
    if (settings.cancel && settings.cancel->load()) {
      return fail("interrupted: no bundle written (the partial file was removed)");
    }
    auto entry = reader.next();
    if (!entry) return std::unexpected(entry.error());
    if (!*entry) return {};
    if ((*entry)->type == EntryType::directory) continue;
    const std::string below = below_top((*entry)->path, settings.top_dir);
    if (below.empty()) continue;
    if (auto ok = copier.copy(reader, **entry, below); !ok) return ok;
  }
}

}  // namespace vmsupport
