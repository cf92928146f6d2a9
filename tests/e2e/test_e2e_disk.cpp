// End-to-end tests of a bundle that does not fit: the free-space check
// before writing (on a real 2 MiB tmpfs; skipped with a message where mount
// is not permitted), a full disk, a file size limit and a closed pipe while
// writing (exit 3, a plain message, no partial file), and --max-size (the
// bundle stays under the cap, the newest logs kept, the rest listed as
// skipped in manifest.json).
#include <doctest/doctest.h>
#include <sys/mount.h>

#include <chrono>
#include <random>

#include "e2e_support.h"

namespace e2e {
namespace {

using namespace std::chrono_literals;

// Incompressible bytes, so that sizes in the bundle are predictable.
std::string random_bytes(std::size_t size, unsigned seed) {
  std::mt19937 generator(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(generator() & 0xff);
  return bytes;
}

// A root with /etc/core.conf (high priority) and `logs` logs of `log_size`
// random bytes, /var/log/app/app.N.log modified N hours ago (low priority);
// its manifest in DIR/manifests.
void make_root(const fs::path& dir, int logs, std::size_t log_size) {
  write_file(dir / "root/etc/core.conf", "setting = 1\n");
  for (int n = 0; n < logs; ++n) {
    const fs::path log = dir / "root/var/log/app" / ("app." + std::to_string(n) + ".log");
    write_file(log, random_bytes(log_size, static_cast<unsigned>(n)));
    fs::last_write_time(log, fs::file_time_type::clock::now() - std::chrono::hours(n));
  }
  write_file(dir / "manifests/big.yaml",
             "platform: big\ndetect: { fallback: true }\ngroups:\n"
             "  - id: Logs:App\n    priority: low\n    files: [/var/log/app/*.log]\n"
             "  - id: Config:Core\n    priority: high\n    files: [/etc/core.conf]\n");
}

std::vector<std::string> collect_args(const fs::path& dir, const std::string& output) {
  return {"collect",     "--root",     (dir / "root").string(), "--manifests", (dir / "manifests").string(),
          "--no-scrub",  "--no-changes", "--state-dir", (dir / "state").string(), "-o", output};
}

// Runs `command` through sh, standard error captured.
RunResult shell(const std::string& command, const fs::path& dir) {
  const fs::path err = dir / "shell-stderr";
  RunResult result;
  const int status = std::system(("(" + command + ") 2>" + quote(err.string())).c_str());
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.err = read_file(err);
  return result;
}

std::string command_line(const std::vector<std::string>& args) {
  std::string line = quote(k_binary.string());
  for (const std::string& arg : args) line += " " + quote(arg);
  return line;
}

// A tmpfs of `size` mounted on `dir` for the scope, when mount is permitted.
class SmallFileSystem {
 public:
  SmallFileSystem(const fs::path& dir, const std::string& size) : m_dir(dir) {
    fs::create_directories(dir);
    m_mounted = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
    if (!m_mounted) m_error = std::strerror(errno);
  }
  ~SmallFileSystem() {
    if (m_mounted) ::umount2(m_dir.c_str(), MNT_DETACH);
  }
  bool mounted() const { return m_mounted; }
  const std::string& error() const { return m_error; }

 private:
  fs::path m_dir;
  bool m_mounted = false;
  std::string m_error;
};

std::size_t entries_in(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

}  // namespace

TEST_SUITE("e2e") {
  TEST_CASE("a bundle that cannot fit the output's free space is refused before writing, naming the way out") {
    TempDir work;
    make_root(work.path(), 4, 900 << 10);
    const SmallFileSystem small(work.path() / "small", "2m");
    if (!small.mounted()) {
      MESSAGE("skipped: cannot mount a tmpfs here (" << small.error() << "); the check needs a real small file system");
      return;
    }
    const RunResult refused = run(collect_args(work.path(), (work.path() / "small").string() + "/"));
    INFO("stderr: " << refused.err);
    CHECK(refused.exit_code == 3);
    CHECK(refused.err.find("not enough free space in " + (work.path() / "small").string()) != std::string::npos);
    CHECK(refused.err.find("is free") != std::string::npos);
    CHECK(refused.err.find("--exclude GROUP: Logs:App (3.5 MiB)") != std::string::npos);
    CHECK(refused.err.find("-o -") != std::string::npos);
    CHECK(refused.err.find("--no-space-check") != std::string::npos);
    CHECK(entries_in(work.path() / "small") == 0);

    // Past the check, the disk fills up while writing: exit 3, a plain message, nothing left.
    std::vector<std::string> args = collect_args(work.path(), (work.path() / "small").string() + "/");
    args.push_back("--no-space-check");
    const RunResult full = run(args);
    INFO("stderr: " << full.err);
    CHECK(full.exit_code == 3);
    CHECK(full.err.find("disk full writing " + (work.path() / "small").string()) != std::string::npos);
    CHECK(entries_in(work.path() / "small") == 0);

    // The largest group excluded, it fits.
    args.pop_back();
    args.insert(args.end(), {"--exclude", "Logs:App"});
    const RunResult fits = run(args);
    INFO("stderr: " << fits.err);
    CHECK(fits.exit_code == 0);
    CHECK_FALSE(find_one(work.path() / "small", ".tgz").empty());
  }

  TEST_CASE("a full disk on standard output is a plain error and exit 3") {
    TempDir work;
    make_root(work.path(), 4, 600 << 10);
    const RunResult r = shell(command_line(collect_args(work.path(), "-")) + " >/dev/full", work.path());
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("disk full writing standard output") != std::string::npos);
  }

  TEST_CASE("the file size limit (ulimit -f) is a plain error, exit 3, and no partial file") {
    TempDir work;
    make_root(work.path(), 4, 600 << 10);
    fs::create_directories(work.path() / "out");
    const RunResult r = shell("ulimit -f 400; exec " + command_line(collect_args(work.path(), (work.path() / "out").string() + "/")),
                              work.path());
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("file size limit reached writing " + (work.path() / "out").string()) != std::string::npos);
    CHECK(entries_in(work.path() / "out") == 0);
  }

  TEST_CASE("a reader of -o - that goes away is a plain error and exit 3") {
    TempDir work;
    make_root(work.path(), 4, 600 << 10);
    const fs::path rc = work.path() / "rc";
    const RunResult r = shell("{ " + command_line(collect_args(work.path(), "-")) + "; echo $? > " + quote(rc.string()) +
                                  "; } | head -c 100 >/dev/null",
                              work.path());
    INFO("stderr: " << r.err);
    CHECK(read_file(rc) == "3\n");
    CHECK(r.err.find("the reader of standard output went away") != std::string::npos);
  }

  TEST_CASE("--max-size keeps the bundle under the cap: high priority and the newest logs first, the rest listed") {
    TempDir work;
    make_root(work.path(), 24, 40 << 10);
    fs::create_directories(work.path() / "out");
    std::vector<std::string> args = collect_args(work.path(), (work.path() / "out").string() + "/");
    args.insert(args.end(), {"--max-size", "512KiB", "-q"});
    const RunResult r = run(args);
    INFO("stderr: " << r.err);
    CHECK(r.exit_code == 0);
    const fs::path path = r.out.substr(0, r.out.find('\n'));
    REQUIRE(fs::exists(path));
    CHECK(fs::file_size(path) <= 512u << 10);
    const Bundle bundle = read_bundle(path);
    REQUIRE(bundle.error.empty());
    CHECK(bundle.members.contains("etc/core.conf"));
    int kept = 0;
    int skipped = 0;
    for (int n = 0; n < 24; ++n) {
      const std::string source = "/var/log/app/app." + std::to_string(n) + ".log";
      const auto items = items_for(bundle, source);
      REQUIRE(items.size() == 1);
      if (items[0]["status"] == "ok") {
        CHECK_MESSAGE(skipped == 0, source << " kept after an newer log was left out");
        CHECK(bundle.members.contains("var/log/app/app." + std::to_string(n) + ".log"));
        ++kept;
      } else {
        CHECK(items[0]["status"] == "skipped");
        CHECK(items[0]["reason"].get<std::string>().ends_with("--max-size 512KiB reached"));
        ++skipped;
      }
    }
    CHECK(kept >= 5);
    CHECK(skipped >= 5);
    CHECK(r.err.empty());  // -q: only the path

    args.back() = "100k";  // after --max-size 512KiB -q: make it --max-size 100k
    args.erase(args.end() - 2);
    args.push_back("-q");
    const RunResult small = run(args);
    INFO("stderr: " << small.err);
    CHECK(small.exit_code == 2);
    CHECK(small.err.find("--max-size: at least 256") != std::string::npos);
    MESSAGE("--max-size 512KiB: " << kept << " logs kept, " << skipped << " left out, bundle " << fs::file_size(path)
                                  << " bytes");
  }
}

}  // namespace e2e
