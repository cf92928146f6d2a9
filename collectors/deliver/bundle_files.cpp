// Finding a bundle's files: whole or in parts (see bundle_files.h).
#include "deliver/bundle_files.h"

#include <sys/stat.h>

#include <filesystem>
#include <map>

namespace vmsupport {
namespace {

namespace stdfs = std::filesystem;

constexpr std::string_view k_part_marker = ".part-";

bool is_regular_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// The number of NAME.part-NNN, or 0 when `file_name` is not a part of `whole`.
std::size_t part_number(const std::string& file_name, const std::string& whole) {
  if (whole.empty() || whole_name_of_part(file_name) != whole) return 0;
  return std::stoul(file_name.substr(whole.size() + k_part_marker.size()));
}

// Every NAME.part-NNN in the directory, by number; fails on a gap or a duplicate.
Result<std::vector<std::string>> list_parts(const std::string& whole_path) {
  const stdfs::path whole(whole_path);
  const stdfs::path dir = whole.has_parent_path() ? whole.parent_path() : stdfs::path(".");
  const std::string whole_name = whole.filename().string();
  std::map<std::size_t, std::string> parts;
  std::error_code error;
  for (const auto& entry : stdfs::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    const std::size_t number = part_number(name, whole_name);
    if (number == 0) continue;
    const std::string path = whole.has_parent_path() ? (dir / name).string() : name;
    if (!parts.emplace(number, path).second) return fail(path, ": two parts numbered ", number);
  }
  if (error) return fail("cannot list ", dir.string(), ": ", error.message());
  if (parts.empty()) {
    auto missing = fail(whole_path, ": no such file");
    missing.error().hint = "there are no parts " + whole_name + ".part-001 ... either";
    return missing;
  }
  std::vector<std::string> ordered;
  for (const auto& [number, path] : parts) {
    if (number != ordered.size() + 1) {
      return fail(whole_path, ": part ", ordered.size() + 1, " is missing (found ", parts.size(),
                  " parts, the last numbered ", parts.rbegin()->first, ")");
    }
    ordered.push_back(path);
  }
  return ordered;
}

}  // namespace

std::string whole_name_of_part(const std::string& file_name) {
  const std::size_t marker = file_name.rfind(k_part_marker);
  if (marker == std::string::npos || marker == 0) return "";
  const std::string digits = file_name.substr(marker + k_part_marker.size());
  if (digits.size() < 3 || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) return "";
  if (std::stoul(digits) == 0) return "";
  return file_name.substr(0, marker);
}

Result<BundleFiles> find_bundle_files(const std::string& given) {
  if (given.empty() || given.ends_with('/')) return fail("'", given, "': not a bundle file name");
  BundleFiles files;
  const stdfs::path given_path(given);
  const std::string whole_of_part = whole_name_of_part(given_path.filename().string());
  files.path = whole_of_part.empty() ? given : (given_path.parent_path() / whole_of_part).string();
  if (whole_of_part.empty() && is_regular_file(given)) {
    files.parts = {given};
  } else {
    if (!whole_of_part.empty() && !is_regular_file(given)) return fail(given, ": no such file");
    auto parts = list_parts(files.path);
    if (!parts) return std::unexpected(parts.error());
    files.parts = std::move(*parts);
    files.split = true;
    for (const std::string& part : files.parts) {
      if (!is_regular_file(part)) return fail(part, ": not a regular file");
    }
  }
  if (is_regular_file(files.path + ".sha256")) files.sha256_path = files.path + ".sha256";
  files.encrypted = files.path.ends_with(".gpg");
  return files;
}

}  // namespace vmsupport
