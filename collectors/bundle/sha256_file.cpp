// sha256sum files and file hashes (see sha256_file.h).
#include "bundle/sha256_file.h"

#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <cstdio>
#include <fstream>

#include "util/sha256.h"

namespace vmsupport {

Result<std::string> sha256_of_files(const std::vector<std::string>& paths) {
  Sha256 hash;
  std::string buffer(1 << 20, '\0');
  for (const std::string& path : paths) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail("cannot read ", path, ": ", errno_text(errno));
    while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
      hash.update(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
    }
    if (in.bad()) return fail("cannot read ", path, ": read error");
  }
  return hash.hex_digest();
}

Result<std::string> sha256_of_file(const std::string& path) { return sha256_of_files({path}); }

const std::string* Sha256Sums::find(const std::string& file_name) const {
  for (const auto& [name, hash] : lines) {
    if (name == file_name) return &hash;
  }
  return nullptr;
}

Result<Sha256Sums> read_sha256_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail("cannot read ", path, ": ", errno_text(errno));
  Sha256Sums sums;
  std::size_t number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const bool shape = line.size() > 66 && line[64] == ' ' && (line[65] == ' ' || line[65] == '*') &&
                       line.find_first_not_of("0123456789abcdefABCDEF") == 64;
    if (!shape) return fail(path, ":", number, ": not a sha256sum line (HASH  NAME)");
    std::string hash = line.substr(0, 64);
    for (char& c : hash) c = static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
    sums.lines.emplace_back(line.substr(66), std::move(hash));
  }
  return sums;
}

std::optional<std::vector<std::string>> compare_with_sha256_file(const std::string& path,
                                                                 const std::vector<std::string>& parts,
                                                                 const std::string& whole_sha256) {
  const std::string sidecar = path + ".sha256";
  if (::access(sidecar.c_str(), F_OK) != 0) return std::nullopt;
  auto sums = read_sha256_file(sidecar);
  if (!sums) return std::vector<std::string>{sums.error().message};
  std::vector<std::string> problems;
  const bool whole_file = parts.size() == 1 && parts.front() == path;
  const std::string* whole = sums->find(std::filesystem::path(path).filename().string());
  if (!whole && whole_file && !sums->lines.empty()) whole = &sums->lines.front().second;
  if ((whole_file || whole) && (!whole || *whole != whole_sha256)) {
    problems.push_back(sidecar + " does not match the bundle");
  }
  if (whole_file) return problems;
  for (const std::string& part : parts) {
    const std::string name = std::filesystem::path(part).filename().string();
    const std::string* listed = sums->find(name);
    auto actual = sha256_of_file(part);
    if (!listed) problems.push_back(name + ": not listed in " + sidecar);
    else if (!actual || *actual != *listed) problems.push_back(name + ": does not match " + sidecar);
  }
  return problems;
}

std::string sha256_line(const std::string& hash, const std::string& file_name) {
  return hash + "  " + file_name + "\n";
}

Result<void> write_file_atomically(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".partial";
  FILE* out = std::fopen(temporary.c_str(), "wbx");
  if (!out) return fail("cannot create ", temporary, ": ", errno_text(errno));
  const bool ok = std::fwrite(text.data(), 1, text.size(), out) == text.size();
  const bool closed = std::fclose(out) == 0;
  if (!ok || !closed || std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    std::remove(temporary.c_str());
    return fail("cannot write ", path, ": ", errno_text(error));
  }
  return {};
}

}  // namespace vmsupport
