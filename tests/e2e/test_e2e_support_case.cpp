// End-to-end, for support cases and upload scripts: case metadata in the
// bundle, the human summary, --json (its field set pinned), --split with
// sha256sum and cat, verify on parts, the site config file and list --config,
// and list --plan's estimate.
#include <doctest/doctest.h>

#include <set>

#include "e2e_support.h"
#include "util/sha256.h"

using namespace e2e;

namespace {

const std::string k_esxi = (k_source_dir / "tests/fixtures/esxi").string();

std::set<std::string> keys_of(const nlohmann::json& object) {
  std::set<std::string> keys;
  for (const auto& [key, value] : object.items()) keys.insert(key);
  return keys;
}

// The ESXi fixture copied to `work`/root with a log of random base64 text,
// which compresses badly: a bundle of about 4 MiB, for --split 1M.
std::string big_root(const fs::path& work) {
  const fs::path root = work / "root";
  copy_fixture("esxi", root);
  static const char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string text;
  std::uint32_t x = 2463534242u;
  while (text.size() < (5u << 20)) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    text += k_alphabet[x % 64];
    if (text.size() % 77 == 76) text += '\n';
  }
  write_file(root / "var/run/log/noise.log", text);
  return root.string();
}

nlohmann::json parse_one_object(const std::string& out) {
  INFO("stdout: " << out);
  REQUIRE(std::count(out.begin(), out.end(), '\n') == 1);
  auto doc = nlohmann::json::parse(out, nullptr, false);
  REQUIRE(doc.is_object());
  return doc;
}

}  // namespace

TEST_SUITE("e2e") {

TEST_CASE("case metadata goes into case.json, README.txt and the bundle's name, scrubbed") {
  TempDir work;
  // esx-fixture-01 is the fixture's host name: the description's mention is scrubbed.
  const Collected c = collect_quiet({"--root", k_esxi}, work.path(),
                                    {"--case", "SR-24012345", "--severity", "2", "--description",
                                     "hostd on esx-fixture-01 crashed at 09:12", "--contact", "ops desk"});
  REQUIRE(c.run.exit_code <= 1);
  CHECK(c.path.filename().string().starts_with("vmsupport-SR-24012345-"));
  REQUIRE(c.bundle.members.contains("case.json"));
  const auto doc = nlohmann::json::parse(c.bundle.members.at("case.json").content);
  CHECK(doc["id"] == "SR-24012345");
  CHECK(doc["severity"] == 2);
  CHECK(doc["severity_meaning"] == "severely degraded");
  CHECK(doc["contact"] == "ops desk");
  const std::string description = doc["description"];
  CHECK(description.find("esx-fixture-01") == std::string::npos);
  CHECK(description.find("host-0001") != std::string::npos);
  CHECK(description.starts_with("hostd on "));
  CHECK(description.ends_with(" crashed at 09:12"));
  const std::string& readme = c.bundle.members.at("README.txt").content;
  CHECK(readme.find("Case:      SR-24012345\nSeverity:  2 (severely degraded)\nContact:   ops desk\n") !=
        std::string::npos);
  CHECK(readme.find("Description: hostd on ") != std::string::npos);
  CHECK(readme.find("esx-fixture-01") == std::string::npos);
  // Listed in manifest.json like every member, so verify checks it.
  bool listed = false;
  for (const auto& item : c.bundle.manifest["items"]) listed = listed || item.value("path", "") == "case.json";
  CHECK(listed);
  CHECK(run({"verify", c.path.string()}).exit_code == 0);
}

TEST_CASE("without case options there is no case.json") {
  TempDir work;
  const Collected c = collect_quiet({"--root", k_esxi}, work.path(), {});
  CHECK_FALSE(c.bundle.members.contains("case.json"));
}

TEST_CASE("bad case options exit 2 naming the option") {
  struct Case {
    std::vector<std::string> args;
    const char* expected;
  };
  for (const Case& c : {Case{{"--case", "24 01"}, "--case: '24 01' is not a case id"},
                        Case{{"--case", "-5"}, "--case: '-5' starts with a dash"},
                        Case{{"--severity", "5"}, "--severity: '5' is not a severity: 1 (production down)"},
                        Case{{"--severity", "high"}, "--severity: 'high'"},
                        Case{{"--split", "lots"}, "--split: 'lots' is not a size"},
                        Case{{"--split", "0"}, "--split: at least 1.0 MiB"},
                        Case{{"--split", "1"}, "--split: at least 1.0 MiB (smaller parts make thousands of files"},
                        Case{{"--split", "1G", "-o", "-"}, "--split: cannot split standard output"},
                        // An unset $CASE in a script: refused, not an unlabelled bundle.
                        Case{{"--case", ""}, "--case: must not be empty"},
                        Case{{"--severity", ""}, "--severity: must not be empty"},
                        Case{{"--description", ""}, "--description: must not be empty"},
                        Case{{"--contact", ""}, "--contact: must not be empty"},
                        Case{{"--encrypt-to", ""}, "--encrypt-to: must not be empty"},
                        Case{{"-o", ""}, "--output: must not be empty"}}) {
    std::vector<std::string> args{"collect", "--root", k_esxi};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const RunResult r = run(args, "");
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(c.expected) != std::string::npos);
  }
}

TEST_CASE("the summary names the bundle, checksum, outcomes, scrubbing and the next step") {
  TempDir work;
  const RunResult r = run({"collect", "--root", k_esxi, "-o", work.path().string() + "/", "--case", "24012345"});
  REQUIRE(r.exit_code <= 1);
  CHECK(r.out.empty());  // stdout is for scripts
  const fs::path bundle = find_one(work.path(), ".tgz");
  CHECK(r.err.find("Bundle:     " + bundle.string()) != std::string::npos);
  CHECK(r.err.find("SHA-256:    " + vmsupport::sha256_hex(read_file(bundle))) != std::string::npos);
  CHECK(r.err.find("Case:       24012345") != std::string::npos);
  CHECK(r.err.find("Collectors: ") != std::string::npos);
  CHECK(r.err.find(" ok") != std::string::npos);
  CHECK(r.err.find("Scrubbed:   ") != std::string::npos);
  CHECK(r.err.find(" values replaced (") != std::string::npos);
  CHECK(r.err.find("Next:       attach " + bundle.string() + " to case 24012345.") != std::string::npos);
  CHECK(r.err.find("\x1b[") == std::string::npos);  // not a terminal: no colour
  const RunResult anonymous = run({"collect", "--root", k_esxi, "-o", work.path().string() + "/x.tgz"});
  CHECK(anonymous.err.find("to your support request.") != std::string::npos);
}

TEST_CASE("--json prints one object on stdout with a stable field set") {
  TempDir work;
  const RunResult r = run({"collect", "--root", k_esxi, "-o", work.path().string() + "/", "--json", "--case", "42",
                           "--severity", "4", "--keep", "ip"});
  REQUIRE(r.exit_code <= 1);
  const auto doc = parse_one_object(r.out);
  CHECK(keys_of(doc) == std::set<std::string>{"format_version", "command", "exit_code", "status", "path", "size",
                                              "sha256", "sha256_file", "parts", "case", "platform", "host",
                                              "duration_s", "interrupted", "not_gathered", "collectors", "privileges",
                                              "scrub", "left_out", "warnings", "error"});
  CHECK(doc["interrupted"] == false);
  CHECK(doc["not_gathered"] == 0);
  CHECK(doc["privileges"] == nlohmann::json{{"root", true}, {"permission_denied", 0}});
  const fs::path bundle = find_one(work.path(), ".tgz");
  CHECK(doc["path"] == bundle.string());
  CHECK(doc["size"] == fs::file_size(bundle));
  CHECK(doc["sha256"] == vmsupport::sha256_hex(read_file(bundle)));
  CHECK(doc["sha256_file"] == bundle.string() + ".sha256");
  CHECK(doc["exit_code"] == r.exit_code);
  CHECK(doc["status"] == (r.exit_code == 0 ? "complete" : "partial"));
  CHECK(doc["parts"].empty());
  CHECK(doc["platform"] == "esxi");
  CHECK(doc["host"] == "host-0001");
  CHECK(keys_of(doc["case"]) ==
        std::set<std::string>{"id", "severity", "severity_meaning", "description", "contact"});
  CHECK(doc["case"]["id"] == "42");
  CHECK(doc["case"]["severity_meaning"] == "general question");
  CHECK(keys_of(doc["collectors"]) == std::set<std::string>{"ok", "truncated", "skipped", "failed", "timed_out"});
  CHECK(doc["collectors"]["ok"].get<int>() > 0);
  CHECK(keys_of(doc["scrub"]) ==
        std::set<std::string>{"enabled", "description", "replaced", "kept", "map", "packed_unscrubbed"});
  CHECK(doc["scrub"]["enabled"] == true);
  CHECK(doc["scrub"]["kept"] == nlohmann::json::array({"ipv4", "ipv6"}));
  CHECK(doc["scrub"]["replaced"]["host"].get<int>() > 0);
  CHECK(doc["error"].is_null());
  CHECK(r.err.find("Bundle:     ") != std::string::npos);  // the summary went to stderr
  const RunResult quiet = run({"collect", "--root", k_esxi, "-o", work.path().string() + "/q.tgz", "--json", "-q"});
  parse_one_object(quiet.out);
  CHECK(quiet.err.find("Bundle:") == std::string::npos);
  const RunResult unscrubbed =
      run({"collect", "--root", k_esxi, "-o", work.path().string() + "/u.tgz", "--json", "--no-scrub"});
  CHECK(parse_one_object(unscrubbed.out)["scrub"]["enabled"] == false);
  CHECK(parse_one_object(unscrubbed.out)["case"].is_null());
}

TEST_CASE("--json failures print one object with exit_code and error") {
  TempDir work;
  const auto usage = run({"collect", "--root", k_esxi, "--json", "--severity", "9"});
  CHECK(usage.exit_code == 2);
  auto doc = parse_one_object(usage.out);
  CHECK(keys_of(doc) == std::set<std::string>{"format_version", "command", "exit_code", "status", "error", "hint"});
  CHECK(doc["exit_code"] == 2);
  CHECK(doc["status"] == "usage_error");
  CHECK(doc["error"].get<std::string>().starts_with("--severity:"));
  const auto parse_error = run({"collect", "--json", "--no-such-option"});
  CHECK(parse_error.exit_code == 2);
  CHECK(parse_one_object(parse_error.out)["exit_code"] == 2);
  const auto no_bundle =
      run({"collect", "--root", k_esxi, "--json", "-o", work.path().string() + "/"}, "ulimit -f 16 &&");
  CHECK(no_bundle.exit_code == 3);
  doc = parse_one_object(no_bundle.out);
  CHECK(doc["status"] == "failed");
  CHECK(doc["error"].get<std::string>().find("File too large") != std::string::npos);
  CHECK(run({"collect", "--root", k_esxi, "--json", "-o", "-"}, "").exit_code == 2);
}

TEST_CASE("--split writes parts that sha256sum checks, cat joins and verify reads") {
  TempDir work;
  const std::string root = big_root(work.path());
  fs::create_directories(work.path() / "out");
  const std::string out = (work.path() / "out").string() + "/";
  const RunResult r = run({"collect", "--root", root, "-o", out, "--split", "1M", "--json", "--case", "77"});
  REQUIRE(r.exit_code <= 1);
  const auto doc = parse_one_object(r.out);
  const std::string whole = doc["path"];
  REQUIRE(doc["parts"].size() >= 2);
  CHECK_FALSE(fs::exists(whole));
  std::string joined;
  for (std::size_t i = 0; i < doc["parts"].size(); ++i) {
    const auto& part = doc["parts"][i];
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, ".part-%03zu", i + 1);
    CHECK(part["path"] == whole + suffix);
    CHECK(fs::file_size(part["path"].get<std::string>()) <= (1u << 20));
    joined += read_file(part["path"].get<std::string>());
  }
  CHECK(joined.size() == doc["size"].get<std::size_t>());
  CHECK(vmsupport::sha256_hex(joined) == doc["sha256"].get<std::string>());
  CHECK(find_one(work.path() / "out", ".partial").empty());
  CHECK(r.err.find("written as " + std::to_string(doc["parts"].size()) + " parts)") != std::string::npos);
  // sha256sum checks each part before joining, and the whole after.
  const std::string cd = "cd " + quote((work.path() / "out").string()) + " && ";
  const std::string sums = fs::path(whole).filename().string() + ".sha256";
  CHECK(std::system((cd + "sha256sum --quiet -c --ignore-missing " + sums + " >/dev/null").c_str()) == 0);
  CHECK(run({"verify", whole}).exit_code == 0);
  const RunResult by_part = run({"verify", whole + ".part-001"});
  CHECK(by_part.exit_code == 0);
  CHECK(by_part.out.find(".sha256 compared") != std::string::npos);
  CHECK(std::system((cd + "cat " + fs::path(whole).filename().string() + ".part-* > " +
                     fs::path(whole).filename().string() + " && sha256sum --quiet -c " + sums)
                        .c_str()) == 0);
  CHECK(std::system(("tar -tzf " + quote(whole) + " >/dev/null").c_str()) == 0);
  // A damaged part is found.
  fs::remove(whole);
  {
    std::fstream part(whole + ".part-002", std::ios::in | std::ios::out | std::ios::binary);
    part.seekp(100);
    part.put('\x55');
  }
  CHECK(run({"verify", whole}).exit_code != 0);
  // -q prints the parts, one per line.
  const RunResult quiet = run({"collect", "--root", root, "-o", work.path().string() + "/q.tgz", "--split", "1M", "-q"});
  CHECK(quiet.out.starts_with(work.path().string() + "/q.tgz.part-001\n" + work.path().string() + "/q.tgz.part-002\n"));
  // One part is "1 part", and the next step names it.
  const RunResult one = run({"collect", "--root", k_esxi, "-o", work.path().string() + "/one.tgz", "--split", "1G"});
  CHECK(one.err.find("written as 1 part)") != std::string::npos);
  CHECK(one.err.find("attach one.tgz.part-001 and one.tgz.sha256 to your support request") != std::string::npos);
}

TEST_CASE("--json paths are absolute when -o is relative") {
  TempDir work;
  const RunResult r = run({"collect", "--root", k_esxi, "-o", "rel.tgz", "--json", "-q"}, "cd " + quote(work.path().string()) + " &&");
  REQUIRE(r.exit_code <= 1);
  const auto doc = parse_one_object(r.out);
  CHECK(doc["path"] == (work.path() / "rel.tgz").string());
  CHECK(doc["sha256_file"] == (work.path() / "rel.tgz.sha256").string());
}

TEST_CASE("-o FILE that exists is refused unless --overwrite, which leaves no stale part") {
  TempDir work;
  const std::string root = big_root(work.path());
  const std::string path = work.path().string() + "/b.tgz";
  REQUIRE(run({"collect", "--root", root, "-o", path, "--split", "1M", "-q"}).exit_code <= 1);
  REQUIRE(fs::exists(path + ".part-003"));
  const RunResult again = run({"collect", "--root", k_esxi, "-o", path, "--split", "1M"});
  CHECK(again.exit_code == 2);
  CHECK(again.err.find("-o " + path + ": " + path + ".part-001 already exists") != std::string::npos);
  CHECK(again.err.find("--overwrite") != std::string::npos);
  // The small fixture makes one part: the earlier parts 2, 3 ... must not stay to be joined.
  const RunResult replaced = run({"collect", "--root", k_esxi, "-o", path, "--split", "1M", "--overwrite"});
  CHECK(replaced.exit_code <= 1);
  CHECK(fs::exists(path + ".part-001"));
  CHECK_FALSE(fs::exists(path + ".part-002"));
  CHECK(run({"verify", path}).exit_code == 0);
  const RunResult whole = run({"collect", "--root", k_esxi, "-o", path});
  CHECK(whole.exit_code == 2);
}

TEST_CASE("a bundle that is not there is 'no such file' for verify, scrub and upload") {
  TempDir work;
  const std::string none = (work.path() / "nope.tgz").string();
  const RunResult verify = run({"verify", none});
  CHECK(verify.exit_code == 3);
  CHECK(verify.err.find("error: " + none + ": no such file") != std::string::npos);
  const RunResult scrub = run({"scrub", none});
  CHECK(scrub.exit_code == 2);
  CHECK(scrub.err.find("error: " + none + ": no such file") != std::string::npos);
  const RunResult upload = run({"upload", none, "--url", "http://127.0.0.1:9/{file}"});
  CHECK(upload.exit_code == 2);
  CHECK(upload.err.find(none + ": no such file") != std::string::npos);
}

TEST_CASE("verify of an encrypted bundle says it needs the decrypted one") {
  TempDir work;
  const std::string gpg = (work.path() / "b.tgz.gpg").string();
  write_file(gpg, "\x85\x01 not an archive");
  const RunResult r = run({"verify", gpg, "--json"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("encrypted bundle: verify needs the decrypted " + (work.path() / "b.tgz").string() + " (gpg -d)") !=
        std::string::npos);
  CHECK(r.err.find("Unrecognized archive format") == std::string::npos);
  CHECK(parse_one_object(r.out)["status"] == "usage_error");
  const RunResult part = run({"verify", gpg + ".part-001"});
  CHECK(part.exit_code == 2);
  CHECK(part.err.find("cat " + gpg + ".part-* | gpg --decrypt") != std::string::npos);
}

TEST_CASE("-o on a virtual file system is 'not writable', not 'not enough free space'") {
  const RunResult r = run({"collect", "--root", k_esxi, "-o", "/proc/"});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("output not writable: /proc") != std::string::npos);
  CHECK(r.err.find("free space") == std::string::npos);
}

TEST_CASE("verify --json reports the outcome as one object") {
  TempDir work;
  const Collected c = collect_quiet({"--root", k_esxi}, work.path(), {});
  const RunResult r = run({"verify", c.path.string(), "--json"});
  CHECK(r.exit_code == 0);
  const auto doc = parse_one_object(r.out);
  CHECK(doc["status"] == "valid");
  CHECK(doc["sha256"] == vmsupport::sha256_hex(read_file(c.path)));
  CHECK(doc["problems"].empty());
  CHECK(r.err.find(": OK") != std::string::npos);
}

TEST_CASE("the site config presets options, the command line wins, list --config says where from") {
  TempDir work;
  const fs::path config = work.path() / "site.yaml";
  write_file(config, "# site\noutput: " + work.path().string() + "/site-out/\ncompress: zstd\ncase:\n  contact: site desk\n"
                     "upload:\n  url: https://upload.invalid/{case}/{file}\n  headers: {Authorization: Bearer s3cret}\n");
  fs::create_directories(work.path() / "site-out");
  const RunResult r = run({"collect", "--root", k_esxi, "--config", config.string(), "--compress", "gzip", "-q",
                           "--case", "5"});
  REQUIRE(r.exit_code <= 1);
  const fs::path bundle = r.out.substr(0, r.out.find('\n'));
  CHECK(bundle.parent_path() == work.path() / "site-out");
  CHECK(bundle.extension() == ".tgz");  // the command line's gzip, not the file's zstd
  const Bundle b = read_bundle(bundle);
  CHECK(nlohmann::json::parse(b.members.at("case.json").content)["contact"] == "site desk");

  const RunResult listed = run({"list", "--config", config.string(), "--since", "3d"});
  CHECK(listed.exit_code == 0);
  CHECK(listed.out.find("config file: " + config.string()) != std::string::npos);
  CHECK(listed.out.find("compress = zstd  [" + config.string() + ":3]") != std::string::npos);
  CHECK(listed.out.find("since = 3d  [command line]") != std::string::npos);
  CHECK(listed.out.find("jobs = 4  [default]") != std::string::npos);
  CHECK(listed.out.find("upload.url = https://upload.invalid/{case}/{file}  [" + config.string() + ":7]") !=
        std::string::npos);
  CHECK(listed.out.find("s3cret") == std::string::npos);

  write_file(work.path() / "bad.yaml", "output: /tmp\njbos: 3\n");
  const RunResult bad = run({"collect", "--root", k_esxi, "--config", (work.path() / "bad.yaml").string()});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find((work.path() / "bad.yaml").string() + ":2:1: unknown key 'jbos'") != std::string::npos);
  const RunResult env = run({"list", "--config"}, "VMSUPPORT_CONFIG=" + quote((work.path() / "bad.yaml").string()));
  CHECK(env.exit_code == 2);
  // collect --show-config: the settings of that command line, nothing collected.
  const RunResult shown = run({"collect", "--config", config.string(), "-j", "3", "--since", "1d", "--root", k_esxi,
                               "--show-config"});
  CHECK(shown.exit_code == 0);
  CHECK(shown.out.find("jobs = 3  [command line]") != std::string::npos);
  CHECK(shown.out.find("since = 1d  [command line]") != std::string::npos);
  CHECK(shown.out.find("compress = zstd  [" + config.string() + ":3]") != std::string::npos);
  CHECK(shown.out.find("case.contact = site desk  [" + config.string() + ":5]") != std::string::npos);
  // Only the first run's bundle and its .sha256 are there.
  CHECK(std::distance(fs::directory_iterator(work.path() / "site-out"), fs::directory_iterator()) == 2);
  const RunResult missing = run({"collect", "--config", (work.path() / "none.yaml").string()});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("none.yaml: cannot read it") != std::string::npos);
}

TEST_CASE("list --plan ends with the estimated size, also as JSON") {
  const RunResult text = run({"list", "--plan", "--root", k_esxi});
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("estimated bundle size: ") != std::string::npos);
  CHECK(text.out.find(" before compression") != std::string::npos);
  const RunResult json = run({"list", "--plan", "--root", k_esxi, "--json"});
  const auto doc = parse_one_object(json.out);
  CHECK(doc["platform"] == "esxi");
  CHECK(doc["estimated_bytes"].get<std::uint64_t>() > 1000);
  CHECK(doc["estimate_is"] == "uncompressed");
  CHECK(doc["files"].get<int>() > 5);
}

TEST_CASE("every command's --help has runnable examples") {
  for (const char* command : {"collect", "list", "verify", "scrub", "unscrub", "baseline", "upload"}) {
    const RunResult r = run({command, "--help"});
    INFO(command);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Examples:\n  vmsupport " + std::string(command)) != std::string::npos);
  }
  const RunResult top = run({"--help"});
  CHECK(top.exit_code == 0);
  CHECK(top.out.find("Examples:\n  vmsupport collect --case") != std::string::npos);
  // collect's exit codes are collect's: 4 is upload's.
  const RunResult collect = run({"collect", "--help"});
  CHECK(collect.out.find("  4  ") == std::string::npos);
  CHECK(collect.out.find("  5  another vmsupport run") != std::string::npos);
}

TEST_CASE("upload refuses an empty --case, as collect does") {
  const RunResult r = run({"upload", "b.tgz", "--case", "", "--url", "http://127.0.0.1:9/{file}", "--json"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--case: must not be empty") != std::string::npos);
  CHECK(parse_one_object(r.out)["command"] == "upload");
}

}  // TEST_SUITE
