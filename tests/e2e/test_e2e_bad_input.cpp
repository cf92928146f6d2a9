// End-to-end, table-driven: bad options and bad manifests given to the real
// binary. Each must exit 2 with a message naming the option or the
// file:line:column, and collect nothing: no bundle, no .partial file, nothing
// written to the state directory.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <string>
#include <vector>

#include "e2e_support.h"

namespace e2e {
namespace {

// WORK holds out/ (the -o directory, made empty), state/ (the --state-dir, not
// made), manifests/ (for --manifests, when a case writes one) and file (a
// regular file). In a case's arguments and message, WORK is replaced by it.
struct BadCase {
  const char* name;
  std::vector<std::string> args;  // after `collect`; -o WORK/out/ and --state-dir WORK/state are added
  std::string message;            // expected in stderr
  std::vector<std::pair<std::string, std::string>> manifests = {};  // manifests/NAME: content
};

const std::string k_linux = VMSUPPORT_SOURCE_DIR "/tests/fixtures/linux";

// A valid group, for manifests broken elsewhere.
const std::string k_group = "groups:\n  - id: Logs:Host\n    files:\n      - { glob: /etc/hostname }\n";

std::vector<BadCase> bad_cases() {
  return {
      {"--timeout abc", {"--timeout", "abc"}, "--timeout: 'abc' is not a duration"},
      {"--timeout 0", {"--timeout", "0"}, "--timeout: must be positive"},
      {"--max-file-size -1", {"--max-file-size", "-1"}, "--max-file-size"},
      {"--max-file-size lots", {"--max-file-size", "lots"}, "--max-file-size: "},
      {"--jobs 0", {"--jobs", "0"}, "--jobs"},
      {"--jobs many", {"--jobs", "many"}, "--jobs"},
      {"--since garbage", {"--since", "garbage"}, "--since: 'garbage' is neither a duration"},
      {"--keep bogus", {"--keep", "bogus"}, "--keep: unknown category 'bogus'"},
      {"--severity 9", {"--severity", "9"}, "--severity: '9' is not a severity"},
      {"--case with spaces", {"--case", "bad case!"}, "--case: "},
      {"--compress rar", {"--compress", "rar"}, "--compress"},
      {"--split 0", {"--split", "0"}, "--split: at least 1.0 MiB"},
      {"--since ''", {"--since", ""}, "--since: must not be empty"},
      {"--timeout ''", {"--timeout", ""}, "--timeout: must not be empty"},
      {"--platform ''", {"--platform", ""}, "--platform: must not be empty"},
      {"--vm ''", {"--vm", ""}, "--vm: must not be empty"},
      {"--map ''", {"--map", ""}, "--map: must not be empty"},
      {"--scrub-word ''", {"--scrub-word", ""}, "--scrub-word: must not be empty"},
      {"--interval without --performance", {"--interval", "5"}, "--interval: only with --performance"},
      {"--performance longer than --timeout", {"--performance", "1h", "--timeout", "10m"}, "--performance: 1h"},
      {"--priority fast", {"--priority", "fast"}, "--priority"},
      {"--wait-lock soon", {"--wait-lock=soon"}, "--wait-lock: 'soon' is not a duration"},
      {"an unknown option", {"--bogus"}, "--bogus"},
      {"-o into a directory that does not exist", {"-o", "/nonexistent/dir/"},
       "error: -o /nonexistent/dir/: no such directory"},
      {"-o a file in a directory that does not exist", {"-o", "WORK/missing/b.tgz"},
       "error: -o WORK/missing/b.tgz: no such directory WORK/missing"},
      {"-o below a regular file", {"-o", "WORK/file/b.tgz"}, "error: -o WORK/file/b.tgz: WORK/file is not a directory"},
      {"--root that does not exist", {"--root", "/does/not/exist"}, "--root /does/not/exist: not a directory"},
      {"--root that is a file", {"--root", "WORK/file"}, "--root WORK/file: not a directory"},
      {"--platform unknown", {"--root", k_linux, "--platform", "plan9"}, "known platforms: esxi"},
      {"--group unknown", {"--root", k_linux, "--platform", "linux", "-g", "Logs:Nope"}, "has no group 'Logs:Nope'"},
      {"--exclude unknown", {"--root", k_linux, "--platform", "linux", "-e", "Nope:Nope"}, "Nope:Nope"},
      {"--vm that no VM is", {"--root", k_linux, "--platform", "linux", "--vm", "nothing-like-it"}, "--vm"},
      {"--baseline unknown", {"--root", k_linux, "--platform", "linux", "--baseline", "19990101T000000Z"},
       "--baseline 19990101T000000Z: no such baseline"},
      {"--config with an unknown key", {"--config", "WORK/manifests/site.yml"}, "WORK/manifests/site.yml:1:1: ",
       {{"site.yml", "jbos: 4\n"}}},
      {"--manifests that does not exist", {"--manifests", "WORK/nothing"}, "--manifests WORK/nothing: "},
      {"--manifests without a manifest", {"--manifests", "WORK/manifests"}, "no *.yaml manifest in it",
       {{"notes.txt", "hello\n"}}},
      {"a YAML syntax error", {"--manifests", "WORK/manifests"}, "WORK/manifests/m.yaml:3:1: YAML syntax error",
       {{"m.yaml", "platform: m\ngroups: [\n"}}},
      {"an unknown key", {"--manifests", "WORK/manifests"},
       "WORK/manifests/m.yaml:5:32: unknown key 'timout' in file entry",
       {{"m.yaml", "platform: m\ngroups:\n  - id: Logs:Host\n    files:\n      - { glob: /etc/hostname, timout: 5s }\n"}}},
      {"a wrong type", {"--manifests", "WORK/manifests"}, "WORK/manifests/m.yaml:2:9: 'groups' must be a non-empty list",
       {{"m.yaml", "platform: m\ngroups: 5\n"}}},
      {"a wrong type for an integer", {"--manifests", "WORK/manifests"}, "WORK/manifests/m.yaml:2:21: ",
       {{"m.yaml", "platform: m\ndetect: { priority: high }\n" + k_group}}},
      {"a duplicate key", {"--manifests", "WORK/manifests"}, "WORK/manifests/m.yaml:2:1: duplicate key 'platform'",
       {{"m.yaml", "platform: m\nplatform: n\n" + k_group}}},
      {"a duplicate group id", {"--manifests", "WORK/manifests"},
       "WORK/manifests/m.yaml:6:9: duplicate group id 'Logs:Host' (first defined at line 3)",
       {{"m.yaml", "platform: m\n" + k_group + "  - id: Logs:Host\n    files:\n      - { glob: /etc/hosts }\n"}}},
      {"a duplicate command id", {"--manifests", "WORK/manifests"}, "duplicate command id 'u' in group 'Cmd:X'",
       {{"m.yaml", "platform: m\ngroups:\n  - id: Cmd:X\n    commands:\n      - { id: u, argv: [uname] }\n"
                   "      - { id: u, argv: [uptime] }\n"}}},
      {"a platform defined twice", {"--manifests", "WORK/manifests"}, "platform 'm' is also defined in",
       {{"a.yaml", "platform: m\n" + k_group}, {"b.yaml", "platform: m\n" + k_group}}},
      {"an include cycle", {"--manifests", "WORK/manifests"}, "include cycle: a -> b -> a",
       {{"a.yaml", "platform: a\ninclude: [b]\ndetect: {fallback: true}\n"}, {"b.yaml", "platform: b\ninclude: [a]\n"}}},
      {"an include of itself", {"--manifests", "WORK/manifests"}, "include cycle",
       {{"a.yaml", "platform: a\ninclude: [a]\n" + k_group}}},
      {"an include of an unknown platform", {"--manifests", "WORK/manifests"},
       "WORK/manifests/a.yaml:2:11: include: no manifest for platform 'linx'",
       {{"a.yaml", "platform: a\ninclude: [linx]\n"}}},
      {"a huge manifest", {"--manifests", "WORK/manifests"},
       "WORK/manifests/m.yaml: 1.5 MiB is too large for a manifest (at most 1.0 MiB)",
       {{"m.yaml", "platform: m\n" + k_group + std::string(3 << 19, '#')}}},
      {"a directory named like a manifest", {"--manifests", "WORK/manifests"},
       "WORK/manifests/d.yaml: is a directory, not a manifest", {{"d.yaml/x", ""}}},
      {"an empty manifest", {"--manifests", "WORK/manifests"}, "WORK/manifests/m.yaml:1:1: manifest must be a map",
       {{"m.yaml", ""}}},
      {"binary junk as a manifest", {"--manifests", "WORK/manifests"}, "WORK/manifests/m.yaml:",
       {{"m.yaml", std::string("\x7f" "ELF\x02\x01\x01\0\0\0\xff\xfe:\n\t[{", 18)}}},
  };
}

std::string with_work(std::string text, const fs::path& work) {
  for (std::size_t at = text.find("WORK"); at != std::string::npos; at = text.find("WORK", at)) {
    text.replace(at, 4, work.string());
    at += work.string().size();
  }
  return text;
}

TEST_SUITE("e2e") {

TEST_CASE("bad options and bad manifests exit 2 naming the option or the spot, and collect nothing") {
  for (const BadCase& bad : bad_cases()) {
    const std::string name = bad.name;
    CAPTURE(name);
    TempDir work;
    fs::create_directories(work.path() / "out");
    write_file(work.path() / "file", "a regular file\n");
    for (const auto& [file, content] : bad.manifests) write_file(work.path() / "manifests" / file, content);
    std::vector<std::string> args{"collect"};
    for (const std::string& arg : bad.args) args.push_back(with_work(arg, work.path()));
    const bool own_output = std::find(args.begin(), args.end(), "-o") != args.end();
    if (!own_output) args.insert(args.end(), {"-o", (work.path() / "out").string() + "/"});
    args.insert(args.end(), {"--state-dir", (work.path() / "state").string()});
    const RunResult r = run(args);
    CAPTURE(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(with_work(bad.message, work.path())) != std::string::npos);
    CHECK(r.out.empty());
    CHECK(fs::is_empty(work.path() / "out"));
    CHECK_FALSE(fs::exists(work.path() / "state"));
    CHECK_FALSE(fs::exists(work.path() / "missing"));
    CHECK(r.seconds < 20);
  }
}

TEST_CASE("a FIFO named like a manifest is refused at once, not waited on") {
  TempDir work;
  write_file(work.path() / "manifests/a.yaml", "platform: a\ndetect: {fallback: true}\n" + k_group);
  REQUIRE(::mkfifo((work.path() / "manifests/b.yaml").c_str(), 0600) == 0);
  fs::create_directories(work.path() / "out");
  const RunResult r = run({"collect", "--manifests", (work.path() / "manifests").string(), "-o",
                           (work.path() / "out").string() + "/", "--state-dir", (work.path() / "state").string()},
                          "timeout 20");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find((work.path() / "manifests/b.yaml").string() + ": not a regular file") != std::string::npos);
  CHECK(fs::is_empty(work.path() / "out"));
  CHECK_FALSE(fs::exists(work.path() / "state"));
}

TEST_CASE("--json reports a bad option as one usage_error object") {
  TempDir work;
  const RunResult r = run({"collect", "--json", "-o", "/nonexistent/dir/", "--state-dir", (work.path() / "state").string()});
  CHECK(r.exit_code == 2);
  const auto doc = nlohmann::json::parse(r.out, nullptr, false);
  CHECK(doc["status"] == "usage_error");
  CHECK(doc["error"] == "-o /nonexistent/dir/: no such directory");
  CHECK(doc["hint"].get<std::string>().find("mkdir -p /nonexistent/dir/") != std::string::npos);
}

}  // TEST_SUITE
}  // namespace
}  // namespace e2e
