// `vmsupport inspect`'s reading of a bundle (see inspect.h).
#include "report/inspect.h"

#include <algorithm>
#include <tuple>

#include "bundle/archive_reader.h"
#include "util/edit_distance.h"
#include "util/text.h"

namespace vmsupport {
namespace {

constexpr std::uint64_t k_document_cap = 8ull << 20;  // a document bigger than this is read in part

InspectError unreadable(Error error) { return InspectError{InspectError::Kind::unreadable, std::move(error)}; }

// The path below the top directory ("" for the top directory itself).
std::string relative(const std::string& name) {
  const std::size_t slash = name.find('/');
  return slash == std::string::npos ? std::string() : name.substr(slash + 1);
}

std::string file_name(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return std::string(slash == std::string::npos ? path : path.substr(slash + 1));
}

constexpr int k_max_links = 8;  // links followed by --file, one after the other

// The member a symlink at `link` pointing to `target` names, "" when it
// leaves the bundle (an absolute target, or too many "..").
std::string resolve_link(const std::string& link, const std::string& target) {
  if (target.empty() || target.starts_with('/')) return {};
  std::vector<std::string> parts;
  std::string joined = link.substr(0, link.rfind('/') == std::string::npos ? 0 : link.rfind('/') + 1) + target;
  std::size_t start = 0;
  while (start <= joined.size()) {
    const std::size_t end = std::min(joined.find('/', start), joined.size());
    const std::string part = joined.substr(start, end - start);
    if (part == "..") {
      if (parts.empty()) return {};
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : "/") + part;
  return out;
}

std::string normalise_wanted(std::string wanted) {
  while (wanted.starts_with("./")) wanted.erase(0, 2);
  while (wanted.starts_with('/')) wanted.erase(0, 1);
  return wanted;
}

}  // namespace

std::vector<std::string> close_matches(const std::string& wanted, const std::vector<std::string>& paths,
                                       std::size_t count) {
  const std::string name = ascii_lower(file_name(wanted));
  const std::string lowered = ascii_lower(wanted);
  // (how alike the file names are, distance of the whole paths, path)
  std::vector<std::tuple<int, std::size_t, std::string>> scored;
  for (const std::string& path : paths) {
    const std::string other = ascii_lower(file_name(path));
    const std::size_t distance = edit_distance(lowered, ascii_lower(path));
    const bool contains = !name.empty() && (other.find(name) != std::string::npos || name.find(other) != std::string::npos);
    const int likeness = other == name ? 0 : contains ? 1 : 2;
    if (likeness < 2 || distance <= std::max<std::size_t>(3, wanted.size() / 3)) scored.emplace_back(likeness, distance, path);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < scored.size() && i < count; ++i) out.push_back(std::get<2>(scored[i]));
  return out;
}

InspectResult<ReportInputs> read_report_inputs(const std::string& path) {
  auto reader = ArchiveReader::open(path);
  if (!reader) return std::unexpected(unreadable(reader.error()));
  ReportInputs inputs;
  while (true) {
    auto entry = (*reader)->next();
    if (!entry) return std::unexpected(unreadable(entry.error()));
    if (!*entry) break;
    const std::string rel = relative((*entry)->path);
    if (rel.empty() || (*entry)->type == EntryType::directory) continue;
    const bool link = (*entry)->type == EntryType::symlink || (*entry)->type == EntryType::hardlink;
    std::string target = link ? (*entry)->link_target : std::string();
    if ((*entry)->type == EntryType::hardlink) target = relative(target);
    inputs.members.push_back(ReportMember{rel, link ? std::nullopt : std::optional((*entry)->size), target});
    if (link || !wanted_for_report(rel)) continue;
    auto content = (*reader)->read(k_document_cap);
    if (!content) return std::unexpected(unreadable(content.error()));
    inputs.documents[rel] = std::move(*content);
  }
  const auto manifest = inputs.documents.find("manifest.json");
  if (manifest == inputs.documents.end()) {
    return std::unexpected(InspectError{
        InspectError::Kind::not_a_bundle,
        Error{path + ": not a vmsupport bundle: no manifest.json in its top directory",
              "a bundle of another tool (ESXi's vm-support)? `vmsupport scrub` makes a vmsupport bundle of it", 0}});
  }
  inputs.manifest = nlohmann::json::parse(manifest->second, nullptr, false);
  if (!inputs.manifest.is_object()) {
    return std::unexpected(InspectError{InspectError::Kind::not_a_bundle,
                                        Error{path + ": manifest.json is not a JSON object", {}, 0}});
  }
  return inputs;
}

InspectResult<void> copy_member(const std::string& path, const std::string& member, std::ostream& out, int depth) {
  auto reader = ArchiveReader::open(path);
  if (!reader) return std::unexpected(unreadable(reader.error()));
  const std::string wanted = normalise_wanted(member);
  std::vector<std::string> seen;
  while (true) {
    auto entry = (*reader)->next();
    if (!entry) return std::unexpected(unreadable(entry.error()));
    if (!*entry) break;
    const std::string& name = (*entry)->path;
    const std::string rel = relative(name);
    if ((*entry)->type == EntryType::directory || rel.empty()) continue;
    if (rel != wanted && name != wanted) {
      seen.push_back(rel);
      continue;
    }
    if ((*entry)->type == EntryType::symlink || (*entry)->type == EntryType::hardlink) {
      const std::string target = (*entry)->type == EntryType::hardlink ? relative((*entry)->link_target)
                                                                          : resolve_link(rel, (*entry)->link_target);
      if (target.empty() || depth >= k_max_links) {
        return std::unexpected(InspectError{InspectError::Kind::no_member,
                                            Error{path + ": " + rel + " is a link to " + (*entry)->link_target +
                                                      ", which is not a member of the bundle", {}, 0}});
      }
      return copy_member(path, target, out, depth + 1);
    }
    auto content = (*reader)->read(UINT64_MAX);
    if (!content) return std::unexpected(unreadable(content.error()));
    out << *content;
    out.flush();
    return {};
  }
  std::string hint;
  for (const std::string& match : close_matches(wanted, seen)) hint += (hint.empty() ? "close matches: " : ", ") + match;
  if (hint.empty()) hint = "`vmsupport inspect BUNDLE --json` lists every member";
  return std::unexpected(InspectError{InspectError::Kind::no_member,
                                      Error{path + ": no member " + wanted + " in the bundle", hint, 0}});
}

}  // namespace vmsupport
