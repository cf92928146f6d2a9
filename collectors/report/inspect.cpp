// `vmsupport inspect`'s reading of a bundle (see inspect.h).
#include "report/inspect.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <spdlog/fmt/fmt.h>
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

// True when `head`, a file's first bytes, is OpenPGP data as gpg writes an
// encrypted file: ASCII armour, or a first packet that is a session key
// (tag 1, public-key; tag 3, symmetric) in the old or the new packet format.
// No archive format libarchive reads starts so (gzip 1f, zstd 28, xz fd, tar
// a file name).
bool looks_encrypted(std::string_view head) {
  if (head.starts_with("-----BEGIN PGP MESSAGE-----")) return true;
  if (head.empty()) return false;
  const auto first = static_cast<unsigned char>(head[0]);
  const int tag = (first & 0xC0) == 0xC0 ? (first & 0x3F) : (first & 0xC0) == 0x80 ? ((first >> 2) & 0x0F) : -1;
  return tag == 1 || tag == 3;
}

std::string first_bytes(const std::string& path, std::size_t count) {
  std::ifstream in(path, std::ios::binary);
  std::string head(count, '\0');
  in.read(head.data(), static_cast<std::streamsize>(count));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return head;
}

// The bundle at `path` opened for one pass, with the failures a person meets
// first said plainly: no such file, a directory, an encrypted bundle.
InspectResult<std::unique_ptr<ArchiveReader>> open_bundle(const std::string& path) {
  if (path == k_stdin_bundle) {
    auto reader = ArchiveReader::open_stdin();
    if (!reader) return std::unexpected(unreadable(reader.error()));
    return std::move(*reader);
  }
  const std::string first = bundle_files(path).front();
  struct stat st {};
  if (::stat(first.c_str(), &st) != 0) {
    const int error = errno;
    return std::unexpected(
        unreadable(Error{path + ": " + (error == ENOENT ? std::string("no such file") : errno_text(error)), {}, error}));
  }
  if (S_ISDIR(st.st_mode)) {
    return std::unexpected(unreadable(Error{path + ": a directory, not a bundle",
                                            "an extracted bundle? open its index.html; inspect reads the .tgz", 0}));
  }
  if (looks_encrypted(first_bytes(first, 64))) {
    const std::string plain = path.ends_with(".gpg") || path.ends_with(".asc") ? path.substr(0, path.size() - 4)
                                                                                : path + ".tgz";
    return std::unexpected(unreadable(Error{path + ": encrypted (OpenPGP data): decrypt it first",
                                            "gpg -d " + path + " > " + plain + ", then inspect " + plain, 0}));
  }
  auto reader = ArchiveReader::open(path);
  if (!reader) return std::unexpected(unreadable(reader.error()));
  return std::move(*reader);
}

// The error for --file naming a directory: some of the members under it.
InspectError directory_error(const std::string& path, const std::string& wanted, const std::vector<std::string>& under) {
  constexpr std::size_t k_shown = 5;
  std::string hint = "members under it: ";
  for (std::size_t i = 0; i < under.size() && i < k_shown; ++i) hint += (i == 0 ? "" : ", ") + under[i];
  if (under.size() > k_shown) hint += fmt::format(" and {} more", under.size() - k_shown);
  return InspectError{InspectError::Kind::no_member,
                      Error{path + ": " + wanted + " is a directory of the bundle, not a file", hint, 0}};
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
  auto reader = open_bundle(path);
  if (!reader) return std::unexpected(reader.error());
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
    inputs.members.push_back(ReportMember{rel, link ? std::nullopt : std::optional((*entry)->size), target, {}});
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

InspectResult<void> copy_member(const std::string& path, const std::string& member,
                                const std::function<bool(std::string_view)>& sink, int depth) {
  std::string wanted = normalise_wanted(member);
  while (wanted.ends_with('/')) wanted.pop_back();
  if (wanted.empty()) {
    return std::unexpected(InspectError{InspectError::Kind::no_member, Error{"--file: the path of a member is empty", {}, 0}});
  }
  auto reader = open_bundle(path);
  if (!reader) return std::unexpected(reader.error());
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
      if (path == k_stdin_bundle) {
        return std::unexpected(InspectError{InspectError::Kind::no_member,
                                            Error{rel + " is a link to " + target + ": standard input is read once",
                                                  "inspect --file " + target + ", or inspect the bundle's file", 0}});
      }
      return copy_member(path, target, sink, depth + 1);
    }
    auto copied = (*reader)->stream(k_member_chunk, sink);
    if (!copied) return std::unexpected(unreadable(copied.error()));
    return {};
  }
  std::vector<std::string> under;
  for (const std::string& other : seen) {
    if (other.starts_with(wanted + "/")) under.push_back(other);
  }
  if (!under.empty()) return std::unexpected(directory_error(path, wanted, under));
  std::string hint;
  for (const std::string& match : close_matches(wanted, seen)) hint += (hint.empty() ? "close matches: " : ", ") + match;
  if (hint.empty()) hint = "`vmsupport inspect BUNDLE --json` lists every member";
  return std::unexpected(InspectError{InspectError::Kind::no_member,
                                      Error{path + ": no member " + wanted + " in the bundle", hint, 0}});
}

}  // namespace vmsupport
