// End-to-end scrubbing: the real binary on the fixture roots with scrubbing
// on (the default) — no planted name or address survives in any member's
// contents or name, verify passes, pseudonyms are stable across bundles of
// one site, --keep keeps, and an unscrubbed bundle fails verify.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>
#include <regex>

#include "e2e_support.h"

using namespace e2e;

namespace {

// What the fixtures plant (tests/fixtures/README.md), in the forms they take.
const std::vector<std::string> k_esxi_planted = {
    "esx-fixture-01", "lab.example", "Payroll DB", "Payroll%20DB", "jdoe", "jane.doe", "rkumar",
    "192.0.2.", "198.51.100.", "2001:db8:", "00:50:56:aa:01", "00:50:56:6a", "00:50:56:9a"};
const std::vector<std::string> k_linux_planted = {
    "linux-fixture-01", "corp.example", "nas01", "jsmith", "john.smith", "svc-backup", "mkowalski",
    "192.0.2.", "198.51.100.", "2001:db8:", "00:50:56:9a:31"};


Collected scrubbed_collect(const std::string& fixture, const fs::path& work, std::vector<std::string> extra = {}) {
  return collect_quiet({"--root", (k_source_dir / "tests/fixtures" / fixture).string()}, work, extra);
}

// The directory the VM "Payroll DB" became.
std::string vm_directory(const Bundle& bundle) {
  for (const auto& [path, member] : bundle.members) {
    if (path.starts_with("vmfs/volumes/") && path.ends_with(".vmx")) {
      const std::string dir = path.substr(0, path.rfind('/'));
      return dir.substr(dir.rfind('/') + 1);
    }
  }
  return {};
}

// The linux fixture under `root`, its host renamed `name` (hostname, hosts,
// the syslog host column), with `syslog_tail` added to its syslog.
void copy_renamed_linux(const fs::path& root, const std::string& name, const std::string& syslog_tail) {
  copy_fixture("linux", root);
  for (const char* file : {"etc/hostname", "etc/hosts", "var/log/syslog"}) {
    std::string text = read_file(root / file);
    for (std::size_t at = text.find("linux-fixture-01"); at != std::string::npos; at = text.find("linux-fixture-01", at)) {
      text.replace(at, 16, name);
    }
    write_file(root / file, text + (std::string(file) == "var/log/syslog" ? syslog_tail : ""));
  }
}

}  // namespace

TEST_SUITE("e2e") {

TEST_CASE("a scrubbed esxi bundle holds no planted name or address, in contents or member names") {
  TempDir work;
  Collected c = scrubbed_collect("esxi", work.path());
  INFO("stderr: " << c.run.err);
  REQUIRE(c.run.exit_code == 0);
  REQUIRE(c.bundle.error.empty());
  CHECK(c.path.filename().string().starts_with("vmsupport-host-0001-"));
  CHECK(c.bundle.manifest["scrub"]["scrubbed"] == true);
  CHECK(c.bundle.members.contains("index.html"));  // the report is searched like every member
  const std::vector<std::string> found = leaks(c.bundle, k_esxi_planted);
  CHECK_MESSAGE(found.empty(), found.size() << " leaks, first: " << (found.empty() ? "" : found.front()));

  // Names became typed pseudonyms, paths too; the rotated log was decompressed and scrubbed.
  CHECK(c.bundle.members.contains("var/run/log/hostd.0"));
  CHECK_FALSE(c.bundle.members.contains("var/run/log/hostd.0.gz"));
  CHECK(vm_directory(c.bundle).starts_with("vm-"));
  CHECK(c.bundle.members["etc/vmware/esx.conf"].content.find("host-0001.domain-01.invalid") != std::string::npos);
  CHECK(c.bundle.members.contains("scrub-report.json"));
  const auto report = nlohmann::json::parse(c.bundle.members["scrub-report.json"].content);
  CHECK(report["replaced"]["vm"].get<int>() > 0);
  CHECK(report["replaced"]["ipv4"].get<int>() > 0);
  CHECK(report["replaced"]["mac"].get<int>() > 0);

  // The map stays on this side, 0600, and verify with it passes.
  const fs::path map = work.path() / "state/map.json";
  REQUIRE(fs::exists(map));
  struct stat st {};
  REQUIRE(::stat(map.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK_FALSE(c.bundle.members.contains("map.json"));
  const RunResult verify = run({"verify", c.path.string(), "--map", map.string()});
  INFO("verify: " << verify.out << verify.err);
  CHECK(verify.exit_code == 0);
}

TEST_CASE("a scrubbed linux bundle holds no planted name or address and verifies") {
  TempDir work;
  Collected c = scrubbed_collect("linux", work.path());
  INFO("stderr: " << c.run.err);
  REQUIRE(c.run.exit_code == 0);
  CHECK(c.bundle.members.contains("index.html"));
  const std::vector<std::string> found = leaks(c.bundle, k_linux_planted);
  CHECK_MESSAGE(found.empty(), found.size() << " leaks, first: " << (found.empty() ? "" : found.front()));
  CHECK(c.bundle.members.contains("var/log/syslog.2"));
  const RunResult verify = run({"verify", c.path.string(), "--map", (work.path() / "state/map.json").string()});
  INFO("verify: " << verify.out << verify.err);
  CHECK(verify.exit_code == 0);
}

TEST_CASE("a host with a generic name keeps its name out of the host's own places, and the word elsewhere") {
  // The linux fixture renamed "server": hostname, hosts, syslog host column.
  TempDir work;
  const fs::path root = work.path() / "root";
  copy_renamed_linux(root, "server", "the server said hello\n");
  Collected c = collect_quiet({"--root", root.string()}, work.path(), {});
  INFO("stderr: " << c.run.err);
  REQUIRE(c.run.exit_code == 0);
  auto& members = c.bundle.members;
  CHECK(members["etc/hostname"].content == "host-0001\n");
  CHECK(members["etc/hosts"].content.find("server") == std::string::npos);
  const std::string& syslog = members["var/log/syslog"].content;
  CHECK(syslog.find("+00:00 server ") == std::string::npos);
  CHECK(syslog.find("+00:00 host-0001 systemd[1]:") != std::string::npos);
  CHECK(syslog.find("the server said hello") != std::string::npos);  // the word, not the host
  const std::string& readme = members["README.txt"].content;
  CHECK(readme.find("Host:      host-0001") != std::string::npos);
  CHECK(readme.find("server") == std::string::npos);
  CHECK(run({"verify", c.path.string(), "--map", (work.path() / "state/map.json").string()}).exit_code == 0);
}

TEST_CASE("the documents vmsupport writes are scrubbed once, value by value, and keep their own words") {
  // A host called "vcenter" or "vm" (words the tool itself writes), an
  // e-mail in --contact and in the syslog, a secret: each document shows the
  // same pseudonyms as the members, the map holds no pseudonym of a
  // pseudonym, the tool's own words stay, and the JSON documents parse.
  for (const std::string name : {"vcenter", "vm"}) {
    CAPTURE(name);
    TempDir work;
    const fs::path root = work.path() / "root";
    copy_renamed_linux(root, name, "password = hunter2-not-here\nadmin ops@corp.example\n");
    const fs::path map = work.path() / "state/map.json";
    Collected c = collect_quiet({"--root", root.string(), "--platform", "linux"}, work.path(),
                                {"--case", "42", "--contact", "ops desk ops@corp.example"});
    INFO("stderr: " << c.run.err);
    REQUIRE(c.run.exit_code <= 1);
    auto& members = c.bundle.members;
    CHECK(c.bundle.manifest["platform"]["name"] == "linux");
    CHECK(c.bundle.manifest.contains("vm"));
    CHECK(c.bundle.manifest["options"]["platform"] == "linux");
    CHECK(c.bundle.manifest["host"]["hostname"] == "host-0001");
    const auto report = nlohmann::json::parse(members.at("scrub-report.json").content, nullptr, false);
    REQUIRE_FALSE(report.is_discarded());
    CHECK(report["replaced"].contains("secret"));
    const std::string contact = nlohmann::json::parse(members.at("case.json").content)["contact"];
    CHECK(contact.starts_with("ops desk user-"));
    const std::string email = contact.substr(std::string("ops desk ").size());
    CHECK(email.ends_with(".invalid"));
    CHECK(members.at("README.txt").content.find(email) != std::string::npos);
    CHECK(members.at("index.html").content.find(email) != std::string::npos);
    CHECK(members.at("README.txt").content.find("Platform:  linux") != std::string::npos);
    const std::string map_text = read_file(map);
    CHECK(map_text.find("\"original\": \"user-") == std::string::npos);  // no pseudonym of a pseudonym
    CHECK(map_text.find(".invalid\", \"pseudonym\"") == std::string::npos);
    CHECK(run({"verify", c.path.string(), "--map", map.string()}).exit_code == 0);
  }
}

TEST_CASE("pseudonyms are the same in every bundle of a site") {
  TempDir work;
  Collected first = scrubbed_collect("esxi", work.path());
  Collected second = scrubbed_collect("esxi", work.path() / "again", {"--map", (work.path() / "state/map.json").string()});
  REQUIRE(first.run.exit_code == 0);
  REQUIRE(second.run.exit_code == 0);
  CHECK(vm_directory(first.bundle) == vm_directory(second.bundle));
  CHECK(first.bundle.members["etc/hosts"].content == second.bundle.members["etc/hosts"].content);
}

TEST_CASE("pseudonyms are numbered in plan order whatever --jobs, over runs of small files and large ones") {
  // Workers take runs of up to 32 small files at once; a large file ends a
  // run. Each file holds addresses first met there, so any reordering of the
  // in-order step would number them differently.
  TempDir work;
  const fs::path root = work.path() / "root";
  copy_fixture("linux", root);
  for (int i = 0; i < 300; ++i) {
    std::string text = "event " + std::to_string(i) + " from 10.20." + std::to_string(i / 200) + "." +
                       std::to_string(i % 200 + 1) + " via 00:0c:29:00:" + std::to_string(10 + i % 80) + ":01\n";
    if (i % 97 == 0) {
      for (int line = 0; line < 4000; ++line) text += "large " + std::to_string(line) + " 172.16.9." + std::to_string(line % 250 + 1) + "\n";
    }
    write_file(root / "var/log/hp" / ("f" + std::to_string(1000 + i) + ".log"), text);
  }
  const std::vector<std::string> root_args{"--root", root.string(), "--platform", "linux"};
  Collected one = collect_quiet(root_args, work.path() / "one", {"--jobs", "1"});
  Collected four = collect_quiet(root_args, work.path() / "four", {"--jobs", "4"});
  REQUIRE(one.run.exit_code == 0);
  REQUIRE(four.run.exit_code == 0);
  std::size_t compared = 0;
  for (const auto& [path, member] : one.bundle.members) {
    if (!path.starts_with("var/log/hp/")) continue;
    REQUIRE(four.bundle.members.contains(path));
    CHECK_MESSAGE(member.content == four.bundle.members.at(path).content, path);
    ++compared;
  }
  CHECK(compared == 300);
  CHECK(one.bundle.members["var/log/hp/f1299.log"].content.find("10.20.1.100") == std::string::npos);
}

TEST_CASE("--keep ip keeps addresses, and verify accepts what was kept on purpose") {
  TempDir work;
  Collected c = scrubbed_collect("esxi", work.path(), {"--keep", "ip"});
  REQUIRE(c.run.exit_code == 0);
  CHECK(c.bundle.members["etc/hosts"].content.find("192.0.2.") != std::string::npos);
  CHECK(leaks(c.bundle, {"esx-fixture-01", "Payroll DB"}).empty());
  CHECK(run({"verify", c.path.string()}).exit_code == 0);
}

TEST_CASE("an unscrubbed bundle fails verify unless integrity alone is asked for") {
  TempDir work;
  Collected c = scrubbed_collect("esxi", work.path(), {"--no-scrub"});
  REQUIRE(c.run.exit_code == 0);
  CHECK_FALSE(leaks(c.bundle, {"Payroll DB"}).empty());
  const RunResult verify = run({"verify", c.path.string()});
  CHECK(verify.exit_code == 1);
  CHECK(verify.out.find("not scrubbed") != std::string::npos);
  CHECK(run({"verify", c.path.string(), "--allow-unscrubbed"}).exit_code == 0);
}

TEST_CASE("verify fails closed on a bundle that claims to be scrubbed but is not") {
  TempDir work;
  Collected c = scrubbed_collect("esxi", work.path());
  REQUIRE(c.run.exit_code == 0);
  // Forge: take the unscrubbed files of a --no-scrub run, mark the manifest scrubbed.
  Collected raw = scrubbed_collect("esxi", work.path() / "raw", {"--no-scrub"});
  const fs::path tree = work.path() / "forged";
  fs::create_directories(tree);
  REQUIRE(std::system(("tar -xzf " + quote(raw.path.string()) + " -C " + quote(tree.string())).c_str()) == 0);
  const fs::path manifest = tree / raw.bundle.top_dir / "manifest.json";
  std::string text = read_file(manifest);
  const std::size_t at = text.find("\"scrubbed\": false");
  REQUIRE(at != std::string::npos);
  text.replace(at, 17, "\"scrubbed\": true");
  write_file(manifest, text);
  const fs::path forged = work.path() / "forged.tgz";
  REQUIRE(std::system(("tar -czf " + quote(forged.string()) + " -C " + quote(tree.string()) + " " +
                       quote(raw.bundle.top_dir)).c_str()) == 0);
  const RunResult verify = run({"verify", forged.string(), "--map", (work.path() / "state/map.json").string()});
  CHECK(verify.exit_code == 1);
  CHECK(verify.out.find("vm not scrubbed") != std::string::npos);
  CHECK(verify.out.find("ipv4 not scrubbed") != std::string::npos);
  CHECK(verify.out.find("mac not scrubbed") != std::string::npos);
}

}  // TEST_SUITE

TEST_SUITE("e2e") {

TEST_CASE("unscrub with the site's map gives back every collected file of the fixtures") {
  for (const char* fixture : {"esxi", "linux"}) {
    CAPTURE(fixture);
    TempDir work;
    Collected c = scrubbed_collect(fixture, work.path());
    REQUIRE(c.run.exit_code == 0);
    const fs::path map = work.path() / "state/map.json";
    std::size_t compared = 0;
    for (const auto& item : c.bundle.manifest["items"]) {
      if (!item.contains("path") || item.contains("link_target") || item["collector"] == "vmsupport") continue;
      const std::string path = item["path"];
      const std::string source = item["source"];
      if (source.ends_with(".gz") || !source.starts_with("/")) continue;  // decompressed; commands
      const fs::path scrubbed = work.path() / "member.txt";
      write_file(scrubbed, c.bundle.members[path].content);
      const RunResult back = run({"unscrub", "--map", map.string(), scrubbed.string()});
      REQUIRE(back.exit_code == 0);
      // The source path itself was scrubbed in manifest.json: unscrub it too.
      const std::string original_path = run({"unscrub", "--map", map.string(), "-"},
                                             "printf '%s' " + quote(source) + " |").out;
      const std::string original = read_file(k_source_dir / "tests/fixtures" / fixture / original_path.substr(1));
      // Exceptions by design: letter case of names, the encoded forms of a name
      // (Payroll%20DB comes back as Payroll DB), and masked secrets.
      auto normal = [](std::string text) {
        for (std::size_t at = text.find("%20"); at != std::string::npos; at = text.find("%20")) text.replace(at, 3, " ");
        return ascii_lowered(text);
      };
      if (original.find("password") != std::string::npos || original.find("PRIVATE KEY") != std::string::npos ||
          original.find("BEGIN CERTIFICATE") != std::string::npos) {
        continue;
      }
      INFO(path << " from " << original_path);
      CHECK(normal(back.out) == normal(original));
      ++compared;
    }
    CHECK(compared > 5);
  }
}

}  // TEST_SUITE
