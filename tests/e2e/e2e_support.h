// Helpers for end-to-end tests: temporary directories, copies of fixture
// roots, running the real vmsupport binary, and reading a bundle back with
// libarchive (independently of the engine's own reader).
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "../support/temp_tree.h"

namespace e2e {

namespace fs = std::filesystem;

using vmsupport::testing::TempDir;

inline const fs::path k_source_dir = VMSUPPORT_SOURCE_DIR;
inline const fs::path k_binary = VMSUPPORT_BINARY;

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

inline void write_file(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

inline std::string quote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  double seconds = 0;
};

// Runs `shell_prefix vmsupport args...` through sh, capturing stdout and stderr.
// A collect or scrub without --state-dir gets a private one: tests never touch
// the machine's /var/lib/vmsupport (its pseudonym map, its lock).
inline RunResult run(const std::vector<std::string>& args, const std::string& shell_prefix = "") {
  static const TempDir state;
  TempDir capture;
  std::string command = shell_prefix + " " + quote(k_binary.string());
  for (const std::string& arg : args) command += " " + quote(arg);
  const bool stateful = !args.empty() && (args.front() == "collect" || args.front() == "scrub");
  if (stateful && std::find(args.begin(), args.end(), "--state-dir") == args.end()) {
    command += " --state-dir " + quote((state.path() / "state").string());
  }
  command += " >" + quote((capture.path() / "out").string()) + " 2>" +
             quote((capture.path() / "err").string());
  const auto start = std::chrono::steady_clock::now();
  const int status = std::system(command.c_str());
  RunResult result;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_file(capture.path() / "out");
  result.err = read_file(capture.path() / "err");
  return result;
}

// Copies a fixture tree (symlinks kept as symlinks) to `target`.
inline void copy_fixture(const std::string& name, const fs::path& target) {
  fs::copy(k_source_dir / "tests/fixtures" / name, target,
           fs::copy_options::recursive | fs::copy_options::copy_symlinks);
}

struct Member {
  bool symlink = false;
  std::string link_target;
  std::string content;
};

// Every member of a bundle, keyed by its path below the top directory.
struct Bundle {
  std::string top_dir;
  std::map<std::string, Member> members;
  nlohmann::json manifest;
  std::string error;  // non-empty when the archive could not be read completely
};

inline Bundle read_bundle(const fs::path& path) {
  Bundle bundle;
  archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_all(a);
  if (archive_read_open_filename(a, path.c_str(), 1 << 16) != ARCHIVE_OK) {
    bundle.error = archive_error_string(a);
    archive_read_free(a);
    return bundle;
  }
  archive_entry* entry = nullptr;
  int status = ARCHIVE_OK;
  while ((status = archive_read_next_header(a, &entry)) == ARCHIVE_OK) {
    const std::string name = archive_entry_pathname(entry);
    const std::size_t slash = name.find('/');
    bundle.top_dir = name.substr(0, slash);
    Member member;
    if (archive_entry_filetype(entry) == AE_IFLNK) {
      member.symlink = true;
      member.link_target = archive_entry_symlink(entry);
    } else {
      char buffer[1 << 16];
      la_ssize_t n = 0;
      while ((n = archive_read_data(a, buffer, sizeof buffer)) > 0) {
        member.content.append(buffer, static_cast<std::size_t>(n));
      }
      if (n < 0) bundle.error = archive_error_string(a);
    }
    bundle.members[name.substr(slash + 1)] = std::move(member);
  }
  if (status != ARCHIVE_EOF) bundle.error = archive_error_string(a) ? archive_error_string(a) : "read error";
  archive_read_free(a);
  if (bundle.members.contains("manifest.json")) {
    bundle.manifest = nlohmann::json::parse(bundle.members["manifest.json"].content, nullptr, false);
  }
  return bundle;
}

// A collect's run, the bundle's path and what it holds.
struct Collected {
  RunResult run;
  fs::path path;
  Bundle bundle;
};

// Runs `vmsupport collect ROOT_ARGS... -o WORK/out/ --state-dir WORK/state -q
// EXTRA...` and reads the bundle whose path it printed.
inline Collected collect_quiet(std::vector<std::string> args, const fs::path& work,
                               const std::vector<std::string>& extra) {
  const fs::path out = work / "out";
  fs::create_directories(out);
  args.insert(args.begin(), "collect");
  for (const std::string& arg : {std::string("-o"), out.string() + "/", std::string("--state-dir"),
                                 (work / "state").string(), std::string("-q")}) {
    args.push_back(arg);
  }
  args.insert(args.end(), extra.begin(), extra.end());
  Collected c;
  c.run = run(args);
  c.path = c.run.out.substr(0, c.run.out.find('\n'));
  c.bundle = read_bundle(c.path);
  return c;
}

// The single file in `dir` whose name ends with `suffix`, or an empty path.
inline fs::path find_one(const fs::path& dir, const std::string& suffix) {
  fs::path found;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      found = entry.path();
    }
  }
  return found;
}

inline std::string ascii_lowered(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : static_cast<char>(c); });
  return text;
}

// Every planted value found (ASCII case folded) in a member's name or contents,
// as "member: value" or "name member: value".
inline std::vector<std::string> leaks(const Bundle& bundle, const std::vector<std::string>& planted) {
  std::vector<std::string> found;
  for (const auto& [path, member] : bundle.members) {
    const std::string name = ascii_lowered(path);
    const std::string content = ascii_lowered(member.content + member.link_target);
    for (const std::string& value : planted) {
      if (name.find(ascii_lowered(value)) != std::string::npos) found.push_back("name " + path + ": " + value);
      if (content.find(ascii_lowered(value)) != std::string::npos) found.push_back(path + ": " + value);
    }
  }
  return found;
}

// Items of manifest.json whose source is `source`.
inline std::vector<nlohmann::json> items_for(const Bundle& bundle, const std::string& source) {
  std::vector<nlohmann::json> out;
  for (const auto& item : bundle.manifest["items"]) {
    if (item.value("source", "") == source) out.push_back(item);
  }
  return out;
}

}  // namespace e2e
