// End-to-end large members: a log bigger than the in-memory limit (4 MiB) is
// streamed — scrubbed chunk by chunk through a spool beside the bundle, or
// with --no-scrub copied from the source in chunks — and comes out whole,
// every line in place, nothing planted left, and nothing left in the output
// directory but the bundle and its checksum.
#include <doctest/doctest.h>

#include <algorithm>

#include "e2e_support.h"

using namespace e2e;

namespace {

// ~12 MiB of syslog lines naming the fixture's host, a user and addresses.
std::string big_syslog() {
  std::string text;
  for (int i = 0; text.size() < (12u << 20); ++i) {
    text += "Nov 23 08:00:00 linux-fixture-01 sshd[" + std::to_string(1000 + i % 5000) +
            "]: Accepted publickey for jsmith from 192.0.2." + std::to_string(i % 250 + 1) + " port 22\n";
  }
  return text;
}

Collected collect_large(const fs::path& work, const std::string& log, std::vector<std::string> extra) {
  const fs::path root = work / "root";
  copy_fixture("linux", root);
  write_file(root / "var/log/syslog", log);
  return collect_quiet({"--root", root.string(), "--platform", "linux"}, work, extra);
}

std::size_t lines(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

}  // namespace

TEST_SUITE("e2e") {

TEST_CASE("a log larger than the in-memory limit is scrubbed whole, line for line") {
  TempDir work;
  const std::string log = big_syslog();
  const Collected c = collect_large(work.path(), log, {});
  REQUIRE_MESSAGE(c.bundle.error.empty(), c.run.err);
  REQUIRE(c.bundle.members.contains("var/log/syslog"));
  const std::string& got = c.bundle.members.at("var/log/syslog").content;
  CHECK(lines(got) == lines(log));
  CHECK(got.find("linux-fixture-01") == std::string::npos);
  CHECK(got.find("jsmith") == std::string::npos);
  CHECK(got.find("192.0.2.") == std::string::npos);
  CHECK(got.find("host-0001 sshd[1000]: Accepted publickey for user-") != std::string::npos);
  const auto items = items_for(c.bundle, "/var/log/syslog");
  REQUIRE(items.size() == 1);
  CHECK(items[0]["status"] == "ok");
  CHECK(items[0]["size"] == got.size());
  const RunResult verify = run({"verify", c.path.string(), "--map", (work.path() / "state/map.json").string()});
  INFO(verify.out, verify.err);
  CHECK(verify.exit_code == 0);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(work.path() / "out")) ++files;
  CHECK(files == 2);  // the bundle and its .sha256: no spool file left
}

TEST_CASE("with --no-scrub a large log is copied byte for byte") {
  TempDir work;
  const std::string log = big_syslog();
  const Collected c = collect_large(work.path(), log, {"--no-scrub"});
  REQUIRE_MESSAGE(c.bundle.error.empty(), c.run.err);
  REQUIRE(c.bundle.members.contains("var/log/syslog"));
  CHECK(c.bundle.members.at("var/log/syslog").content == log);
}

TEST_CASE("a large log over --max-file-size keeps its newest bytes when streamed") {
  TempDir work;
  const std::string log = big_syslog();
  const Collected c = collect_large(work.path(), log, {"--no-scrub", "--max-file-size", "6MiB"});
  REQUIRE_MESSAGE(c.bundle.error.empty(), c.run.err);
  const std::string& got = c.bundle.members.at("var/log/syslog").content;
  CHECK(got == log.substr(log.size() - (6u << 20)));
  const auto items = items_for(c.bundle, "/var/log/syslog");
  REQUIRE(items.size() == 1);
  CHECK(items[0]["status"] == "truncated");
}

}  // TEST_SUITE
