// End-to-end: the real vmsupport binary on fixture roots (esxi, linux, a
// hostile copy of them) and on this machine; bundles read back with
// libarchive and with the system tar, checksums and bytes compared.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <utime.h>

#include "e2e_support.h"
#include "util/sha256.h"
#include "util/text.h"

using namespace e2e;

namespace {

const char* k_sentinels[] = {"FORBIDDEN-SHADOW", "FORBIDDEN-KEY", "FORBIDDEN-DISK"};

// Every checksum in manifest.json matches its member; every regular file
// member taken from the root is byte-identical to its source (or its tail).
void check_members_against_sources(const Bundle& bundle, const fs::path& root) {
  std::size_t compared = 0;
  for (const auto& item : bundle.manifest["items"]) {
    if (!item.contains("path") || item.contains("link_target")) continue;
    const std::string path = item.contains("path_base64")
                                 ? vmsupport::base64_decode(item["path_base64"].get<std::string>())
                                 : item["path"].get<std::string>();
    INFO("member " << path);
    REQUIRE(bundle.members.contains(path));
    const Member& member = bundle.members.at(path);
    CHECK(vmsupport::sha256_hex(member.content) == item["sha256"].get<std::string>());
    CHECK(member.content.size() == item["size"].get<std::size_t>());
    const std::string source = item.contains("source_base64")
                                   ? vmsupport::base64_decode(item["source_base64"].get<std::string>())
                                   : item["source"].get<std::string>();
    if (source.empty() || source.front() != '/' || item["collector"] == "vmsupport") continue;
    const std::string original = read_file(root / source.substr(1));
    if (item["truncated"]) {
      CHECK(original.ends_with(member.content));
    } else {
      CHECK(member.content == original);
    }
    ++compared;
  }
  CHECK(compared > 5);
}

void check_no_sentinels(const Bundle& bundle) {
  for (const auto& [path, member] : bundle.members) {
    for (const char* sentinel : k_sentinels) {
      INFO("member " << path << " holds " << sentinel);
      CHECK(member.content.find(sentinel) == std::string::npos);
    }
  }
}

// The system tar extracts the bundle, and every extracted file equals its member.
void check_with_system_tar(const fs::path& bundle_path, const Bundle& bundle) {
  TempDir out;
  const std::string command = "tar -xf " + quote(bundle_path.string()) + " -C " + quote(out.path().string());
  REQUIRE(std::system(command.c_str()) == 0);
  for (const auto& [path, member] : bundle.members) {
    const fs::path extracted = out.path() / bundle.top_dir / path;
    INFO("extracted " << path);
    if (member.symlink) {
      CHECK(fs::is_symlink(extracted));
      CHECK(fs::read_symlink(extracted).string() == member.link_target);
    } else {
      CHECK(read_file(extracted) == member.content);
    }
  }
}

void check_sha256_sidecar(const fs::path& bundle_path) {
  const std::string command = "cd " + quote(bundle_path.parent_path().string()) +
                              " && sha256sum --quiet -c " + quote(bundle_path.filename().string() + ".sha256");
  CHECK(std::system(command.c_str()) == 0);
}

// Adds what git cannot hold: special files and symlinks pointing out of the root.
void make_hostile(const fs::path& root, const std::string& log_dir) {
  const fs::path logs = root / log_dir;
  REQUIRE(mkfifo((logs / "fifo.log").c_str(), 0644) == 0);
  const int sock = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string socket_path = (logs / "socket.log").string();
  REQUIRE(socket_path.size() < sizeof address.sun_path);
  std::copy(socket_path.begin(), socket_path.end(), address.sun_path);
  REQUIRE(bind(sock, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  close(sock);
  fs::create_symlink("/etc/shadow", logs / "escape-absolute.log");
  fs::create_symlink("../../../../../../../../etc/passwd", logs / "escape-relative.log");
  fs::create_symlink("loop-b.log", logs / "loop-a.log");
  fs::create_symlink("loop-a.log", logs / "loop-b.log");
  fs::create_symlink("/nowhere/at/all", logs / "dangling.log");
}

Collected collect(const fs::path& out, std::vector<std::string> args) {
  args.insert(args.begin(), "collect");
  args.push_back("-o");
  args.push_back(out.string() + "/");
  Collected c;
  c.run = run(args);
  INFO("stderr: " << c.run.err);
  c.path = find_one(out, ".tgz");
  if (!c.path.empty()) c.bundle = read_bundle(c.path);
  return c;
}

std::string reason_of(const Bundle& bundle, const std::string& source) {
  const auto items = items_for(bundle, source);
  return items.empty() ? "(no item)" : items.front().value("reason", "(no reason)");
}

}  // namespace

TEST_SUITE("e2e") {

TEST_CASE("an esxi root is detected and collected into a complete, verifiable bundle") {
  TempDir work;
  const fs::path root = work.path() / "root";
  copy_fixture("esxi", root);
  make_hostile(root, "var/run/log");
  const fs::path out = work.path() / "out";
  fs::create_directories(out);
  Collected c = collect(out, {"--root", root.string(), "--no-scrub"});
  INFO("stderr: " << c.run.err);
  REQUIRE(c.run.exit_code == 0);
  REQUIRE(!c.path.empty());
  REQUIRE(c.bundle.error.empty());
  CHECK(c.path.filename().string().starts_with("vmsupport-esx-fixture-01-"));
  CHECK(c.bundle.top_dir + ".tgz" == c.path.filename().string());
  CHECK(c.bundle.manifest["platform"]["name"] == "esxi");
  CHECK(c.bundle.manifest["platform"]["reason"].get<std::string>().find("esx.conf") != std::string::npos);

  check_members_against_sources(c.bundle, root);
  check_no_sentinels(c.bundle);
  check_with_system_tar(c.path, c.bundle);
  check_sha256_sidecar(c.path);

  // Logs, their /var/log links, rotations, config, VMs.
  for (const char* member : {"var/run/log/hostd.log", "var/run/log/vmkernel.log", "var/run/log/vobd.log",
                             "var/run/log/syslog.log", "var/run/log/shell.log", "var/run/log/auth.log",
                             "var/run/log/vpxa.log", "etc/vmware/esx.conf", "etc/vmware/hostd/vmInventory.xml"}) {
    INFO(member);
    CHECK(c.bundle.members.contains(member));
  }
  REQUIRE(c.bundle.members.contains("var/log/hostd.log"));
  CHECK(c.bundle.members["var/log/hostd.log"].symlink);
  CHECK(c.bundle.members["var/log/hostd.log"].link_target == "../run/log/hostd.log");
  bool rotated = false, vmx = false, vm_log = false;
  for (const auto& [path, member] : c.bundle.members) {
    rotated |= path.ends_with(".gz") && path.starts_with("var/run/log/");
    vmx |= path.starts_with("vmfs/volumes/") && path.ends_with("Payroll DB.vmx");
    vm_log |= path.starts_with("vmfs/volumes/") && path.ends_with("/vmware.log");
  }
  CHECK(rotated);
  CHECK(vmx);
  CHECK(vm_log);

  // The hostile additions: recorded, never read, never escaping the root.
  CHECK(reason_of(c.bundle, "/var/run/log/fifo.log").find("FIFO") != std::string::npos);
  CHECK(reason_of(c.bundle, "/var/run/log/socket.log").find("socket") != std::string::npos);
  CHECK(reason_of(c.bundle, "/var/run/log/escape-absolute.log").find("forbidden") != std::string::npos);
  CHECK(reason_of(c.bundle, "/var/run/log/loop-a.log").find("symlink loop") != std::string::npos);
  CHECK(reason_of(c.bundle, "/var/run/log/dangling.log").find("No such file") != std::string::npos);
  REQUIRE(c.bundle.members.contains("var/run/log/escape-relative.log"));
  CHECK(c.bundle.members["var/run/log/escape-relative.log"].link_target == "../../../etc/passwd");
  CHECK(c.bundle.members["etc/passwd"].content == read_file(root / "etc/passwd"));

  // Commands describe the running system: skipped for another root, with the reason.
  bool command_skipped = false;
  for (const auto& item : c.bundle.manifest["items"]) {
    if (item["collector"].get<std::string>().find(" commands ") == std::string::npos) continue;
    CHECK(item["status"] == "skipped");
    command_skipped |= item.value("reason", "").find("describes the running system") != std::string::npos;
  }
  CHECK(command_skipped);

  const RunResult verify = run({"verify", c.path.string(), "--allow-unscrubbed"});
  CHECK(verify.exit_code == 0);
  CHECK(verify.out.find("OK") != std::string::npos);
  CHECK(!fs::exists(c.path.string() + ".partial"));
}

TEST_CASE("a linux root keeps every byte of odd files and honours --since and caps") {
  TempDir work;
  const fs::path root = work.path() / "root";
  copy_fixture("linux", root);
  make_hostile(root, "var/log");
  // An old rotated log, and a log bigger than the cap.
  const utimbuf old_times{946684800, 946684800};  // 2000-01-01
  REQUIRE(utime((root / "var/log/syslog.2.gz").c_str(), &old_times) == 0);
  std::string big;
  for (int i = 0; big.size() < 3 * 1024 * 1024; ++i) big += "line " + std::to_string(i) + " of a big log\n";
  write_file(root / "var/log/messages", big);
  // File names are bytes: invalid UTF-8 and a newline (matched by syslog[-.]*).
  write_file(root / "var/log/syslog.bad-\xff-name", "invalid name\n");
  write_file(root / "var/log/syslog.new\nline", "newline name\n");
  const fs::path out = work.path() / "out";
  fs::create_directories(out);
  Collected c = collect(out, {"--root", root.string(), "--since", "30d", "--max-file-size", "1MiB", "--no-scrub"});
  INFO("stderr: " << c.run.err);
  REQUIRE(c.run.exit_code == 0);
  REQUIRE(c.bundle.error.empty());
  CHECK(c.bundle.manifest["platform"]["name"] == "linux");
  CHECK(c.path.filename().string().starts_with("vmsupport-linux-fixture-01-"));
  check_members_against_sources(c.bundle, root);
  check_no_sentinels(c.bundle);
  check_with_system_tar(c.path, c.bundle);

  for (const char* odd : {"var/log/apt/history.log", "var/log/kern.log", "var/log/auth.log",
                          "var/log/syslog.1", "var/log/dpkg.log"}) {
    INFO(odd);
    REQUIRE(c.bundle.members.contains(odd));
    CHECK(c.bundle.members[odd].content == read_file(root / odd));
  }
  CHECK(c.bundle.members["var/log/syslog.bad-\xff-name"].content == "invalid name\n");
  CHECK(c.bundle.members["var/log/syslog.new\nline"].content == "newline name\n");
  CHECK(run({"verify", c.path.string(), "--allow-unscrubbed"}).exit_code == 0);
  CHECK(!c.bundle.members.contains("var/log/syslog.2.gz"));
  CHECK(reason_of(c.bundle, "/var/log/syslog.2.gz").find("before --since") != std::string::npos);

  REQUIRE(c.bundle.members.contains("var/log/messages"));
  const std::string& kept = c.bundle.members["var/log/messages"].content;
  CHECK(kept.size() == 1024 * 1024);
  CHECK(big.ends_with(kept));
  const auto item = items_for(c.bundle, "/var/log/messages").front();
  CHECK(item["status"] == "truncated");
  CHECK(item["truncated"] == true);
  CHECK(item["original_size"] == big.size());
}

TEST_CASE("-o - streams the bundle to stdout and leaves nothing behind") {
  TempDir work;
  const fs::path target = work.path() / "streamed.tgz";
  const RunResult r = run({"collect", "--root", (k_source_dir / "tests/fixtures/esxi").string(), "-o", "-", "-q"},
                          "cd " + quote(work.path().string()) + " &&");
  // stdout is the archive: redirect it to a file for reading.
  write_file(target, r.out);
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 0);
  const Bundle bundle = read_bundle(target);
  CHECK(bundle.error.empty());
  CHECK(bundle.members.contains("manifest.json"));
  CHECK(bundle.members.contains("var/run/log/hostd.log"));
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(work.path())) ++files;
  CHECK(files == 1);  // only our own copy
}

TEST_CASE("zstd and uncompressed bundles are written and read back") {
  for (const char* compression : {"zstd", "none"}) {
    TempDir out;
    const RunResult r = run({"collect", "--root", (k_source_dir / "tests/fixtures/linux").string(), "--compress",
                             compression, "-o", out.path().string() + "/", "-q"});
    INFO(compression << " stderr: " << r.err);
    CHECK(r.exit_code == 0);
    const fs::path path = r.out.substr(0, r.out.find('\n'));
    CHECK(path.string().ends_with(std::string(compression) == "zstd" ? ".tar.zst" : ".tar"));
    const Bundle bundle = read_bundle(path);
    CHECK(bundle.error.empty());
    CHECK(bundle.manifest["platform"]["name"] == "linux");
    CHECK(run({"verify", path.string()}).exit_code == 0);
  }
}

TEST_CASE("a broken manifest stops the run with its location and exit code 2") {
  TempDir work;
  write_file(work.path() / "manifests/bad.yaml",
             "platform: bad\ngroups:\n  - id: Logs:Host\n    files:\n      - { glob: /var/log/x, timout: 5s }\n");
  const RunResult r = run({"collect", "--manifests", (work.path() / "manifests").string(), "-o",
                           work.path().string() + "/"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("bad.yaml:5:29: unknown key 'timout' in file entry") != std::string::npos);
  CHECK(find_one(work.path(), ".tgz").empty());
  CHECK(find_one(work.path(), ".partial").empty());
}

TEST_CASE("usage errors exit 2 and name the option") {
  CHECK(run({"collect", "--case", "bad case!"}).exit_code == 2);
  CHECK(run({"collect", "--since", "yesterday-ish"}).err.find("--since") != std::string::npos);
  CHECK(run({"collect", "--root", "/does/not/exist"}).exit_code == 2);
  const RunResult r = run({"collect", "--root", (k_source_dir / "tests/fixtures/esxi").string(), "-g", "Logs:Nope"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("has no group 'Logs:Nope'") != std::string::npos);
  CHECK(r.err.find("hint: groups: ") != std::string::npos);
  CHECK(run({"collect", "--platform", "plan9"}).err.find("known platforms: esxi") != std::string::npos);
}

TEST_CASE("a bundle that cannot be written exits 3 and leaves no partial file") {
  TempDir work;
  const std::string root = (k_source_dir / "tests/fixtures/esxi").string();
  // (A missing output directory is a usage error, exit 2, before anything is collected:
  // test_e2e_bad_input.cpp.)
  SUBCASE("file size limit reached while writing (ulimit -f)") {
    const RunResult r = run({"collect", "--root", root, "-o", work.path().string() + "/"}, "ulimit -f 16 &&");
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("File too large") != std::string::npos);
  }
  CHECK(find_one(work.path(), ".partial").empty());
  CHECK(find_one(work.path(), ".tgz").empty());
}

TEST_CASE("a hung command is killed at its timeout and the run goes on") {
  TempDir work;
  write_file(work.path() / "manifests/hang.yaml",
             "platform: hang\ndetect: { fallback: true }\ngroups:\n"
             "  - id: Test:Hang\n    commands:\n"
             "      - { id: sleeper, argv: [sh, -c, 'sleep 600 & sleep 600'], timeout: 1s }\n"
             "      - { id: echo, argv: [echo, still here] }\n"
             "      - { id: absent, argv: [no-such-program-vmsupport], optional: true }\n");
  const RunResult r = run({"collect", "--manifests", (work.path() / "manifests").string(), "-o",
                           work.path().string() + "/", "-q"});
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.seconds < 30);
  Bundle bundle = read_bundle(r.out.substr(0, r.out.find('\n')));
  CHECK(bundle.members["commands/Test_Hang/echo.txt"].content == "still here\n");
  std::map<std::string, std::string> status;
  for (const auto& c : bundle.manifest["collectors"]) status[c["id"]] = c["status"];
  CHECK(status["Test:Hang commands sleeper"] == "timed_out");
  CHECK(status["Test:Hang commands echo"] == "ok");
  CHECK(status["Test:Hang commands absent"] == "skipped");
}

TEST_CASE("--timeout is a deadline for the whole run") {
  TempDir work;
  write_file(work.path() / "manifests/slow.yaml",
             "platform: slow\ndetect: { fallback: true }\ngroups:\n"
             "  - id: Test:Slow\n    commands:\n"
             "      - { id: one, argv: [sleep, '300'], timeout: 10m }\n"
             "      - { id: two, argv: [sleep, '300'], timeout: 10m }\n");
  const RunResult r = run({"collect", "--manifests", (work.path() / "manifests").string(), "--timeout", "2s",
                           "-j", "1", "-o", work.path().string() + "/", "-q"});
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.seconds < 30);
  const Bundle bundle = read_bundle(r.out.substr(0, r.out.find('\n')));
  for (const auto& c : bundle.manifest["collectors"]) CHECK(c["status"] == "timed_out");
}

TEST_CASE("list --plan shows what would be gathered and writes nothing") {
  TempDir work;
  const RunResult r = run({"list", "--plan", "--root", (k_source_dir / "tests/fixtures/esxi").string()},
                          "cd " + quote(work.path().string()) + " &&");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("platform esxi") != std::string::npos);
  CHECK(r.out.find("+ var/run/log/hostd.log") != std::string::npos);
  CHECK(r.out.find("forbidden by rule") != std::string::npos);
  CHECK(r.out.find("estimated bundle size") != std::string::npos);
  CHECK(fs::is_empty(work.path()));
  const RunResult detect = run({"list", "--detect", "--root", (k_source_dir / "tests/fixtures/esxi").string()});
  CHECK(detect.out.find("platform esxi: /etc/vmware/esx.conf exists") != std::string::npos);
}

TEST_CASE("verify finds a damaged bundle") {
  TempDir work;
  const RunResult r = run({"collect", "--root", (k_source_dir / "tests/fixtures/linux").string(), "-o",
                           work.path().string() + "/", "-q"});
  REQUIRE(r.exit_code == 0);
  const fs::path path = r.out.substr(0, r.out.find('\n'));
  const std::string bytes = read_file(path);
  const fs::path cut = work.path() / "cut.tgz";
  write_file(cut, bytes.substr(0, bytes.size() / 2));
  const RunResult verify = run({"verify", cut.string()});
  CHECK(verify.exit_code == 3);
  CHECK(verify.err.find("cut short") != std::string::npos);
}

TEST_CASE("a collect of this machine completes within its deadline with a valid bundle") {
  TempDir out;
  const RunResult r = run({"collect", "--timeout", "120s", "-o", out.path().string() + "/", "-q"});
  INFO("stderr: " << r.err);
  CHECK((r.exit_code == 0 || r.exit_code == 1));
  CHECK(r.seconds < 150);
  const fs::path path = r.out.substr(0, r.out.find('\n'));
  const Bundle bundle = read_bundle(path);
  CHECK(bundle.error.empty());
  CHECK(bundle.manifest["platform"]["name"] == "linux");
  CHECK(bundle.members.contains("commands/System_Base/uname_-a.txt"));
  const RunResult verify = run({"verify", path.string()});
  CHECK(verify.exit_code == 0);
}

}  // TEST_SUITE
