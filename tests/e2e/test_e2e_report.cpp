// End-to-end: index.html in every bundle (links resolve, verify passes) and
// `vmsupport inspect` on fixture bundles, a bundle with failures, a cut-short
// archive, a file that is not a bundle, and --file / --html.
#include <doctest/doctest.h>

#include <regex>

#include "e2e_support.h"

using namespace e2e;
using vmsupport::testing::TempDir;

namespace {

Collected fixture_bundle(const std::string& fixture, const fs::path& work) {
  return collect_quiet({"--root", (k_source_dir / "tests/fixtures" / fixture).string()}, work, {});
}

std::string percent_decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// Every href of the page that is not an anchor, decoded, that names no member.
std::vector<std::string> dangling_links(const Bundle& bundle) {
  const std::string& page = bundle.members.at("index.html").content;
  const std::regex href("(?:href|src)=\"([^\"#][^\"]*)\"");
  std::vector<std::string> dangling;
  for (auto it = std::sregex_iterator(page.begin(), page.end(), href); it != std::sregex_iterator(); ++it) {
    const std::string target = percent_decode((*it)[1].str());
    if (!bundle.members.contains(target)) dangling.push_back(target);
  }
  return dangling;
}

// A bundle of one manifest with a failing, an ok and a hung command.
RunResult failing_collect(const fs::path& work) {
  write_file(work / "manifests/fail.yaml",
             "platform: fail\ndetect: { fallback: true }\ngroups:\n"
             "  - id: Test:Fail\n    commands:\n"
             "      - { id: broken, argv: [sh, -c, 'echo no such device >&2; exit 3'] }\n"
             "      - { id: echo, argv: [echo, fine] }\n"
             "      - { id: hung, argv: [sleep, '30'], timeout: 1s }\n");
  return run({"collect", "--manifests", (work / "manifests").string(), "-o", work.string() + "/", "-q"});
}

}  // namespace

TEST_SUITE("e2e") {

TEST_CASE("every bundle has index.html whose links all name members, and it verifies") {
  for (const char* fixture : {"esxi", "linux", "vcenter", "workstation", "fusion", "guest"}) {
    INFO(fixture);
    TempDir work;
    const Collected c = fixture_bundle(fixture, work.path());
    REQUIRE(c.run.exit_code == 0);
    REQUIRE(c.bundle.members.contains("index.html"));
    const std::string& page = c.bundle.members.at("index.html").content;
    CHECK(page.find("<table class=\"grid\" id=\"collectors-table\">") != std::string::npos);
    CHECK(page.find("<section id=\"changes\">") != std::string::npos);
    CHECK(page.find(c.bundle.top_dir) != std::string::npos);
    const std::vector<std::string> dangling = dangling_links(c.bundle);
    CHECK_MESSAGE(dangling.empty(), dangling.size() << " dangling, first: " << (dangling.empty() ? "" : dangling.front()));
    bool listed = false;
    for (const auto& item : c.bundle.manifest["items"]) listed = listed || item.value("path", "") == "index.html";
    CHECK(listed);
    const RunResult verify = run({"verify", c.path.string()});
    INFO(verify.out << verify.err);
    CHECK(verify.exit_code == 0);
  }
}

TEST_CASE("inspect prints the summary of each fixture's bundle, and --json the same facts") {
  for (const char* fixture : {"esxi", "linux", "vcenter", "workstation", "fusion", "guest"}) {
    INFO(fixture);
    TempDir work;
    const Collected c = fixture_bundle(fixture, work.path());
    const RunResult text = run({"inspect", c.path.string()});
    INFO(text.err);
    CHECK(text.exit_code == 0);
    CHECK(text.out.starts_with(c.bundle.top_dir + "\n"));
    CHECK(text.out.find(std::string("platform     ") + fixture) != std::string::npos);
    CHECK(text.out.find("Collectors: ") != std::string::npos);
    CHECK(text.out.find("Files: " + std::to_string(c.bundle.members.size()) + " members") != std::string::npos);
    const RunResult json = run({"inspect", c.path.string(), "--json"});
    CHECK(json.exit_code == 0);
    const auto j = nlohmann::json::parse(json.out);
    CHECK(j["bundle"] == c.bundle.top_dir);
    CHECK(j["host"]["platform"] == fixture);
    CHECK(j["members"].size() == c.bundle.members.size());
    CHECK(j["collectors"].size() == c.bundle.manifest["collectors"].size());
    CHECK(j["run"]["scrubbed"] == true);
  }
}

TEST_CASE("a bundle with failures lists them first, in the page and in inspect") {
  TempDir work;
  const RunResult r = failing_collect(work.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 1);
  const fs::path path = r.out.substr(0, r.out.find('\n'));
  const Bundle bundle = read_bundle(path);
  const std::string& page = bundle.members.at("index.html").content;
  const std::size_t hung = page.find(">Test:Fail commands hung<");
  const std::size_t broken = page.find(">Test:Fail commands broken<");
  const std::size_t echo = page.find(">Test:Fail commands echo<");
  REQUIRE(hung != std::string::npos);
  REQUIRE(broken != std::string::npos);
  REQUIRE(echo != std::string::npos);
  CHECK(hung < broken);
  CHECK(broken < echo);
  // The host's name as manifest.json has it (a generic name such as "vm" is
  // scrubbed in JSON strings only: the page must show the same pseudonym).
  const std::string hostname = bundle.manifest["host"]["hostname"];
  CHECK(page.find("<th scope=\"row\">Host (pseudonym)</th><td>" + hostname + "</td>") != std::string::npos);
  const RunResult text = run({"inspect", path.string()});
  CHECK(text.exit_code == 0);
  CHECK(text.out.find("[timed_out] Test:Fail commands hung") != std::string::npos);
  CHECK(text.out.find("[failed] Test:Fail commands broken") != std::string::npos);
  CHECK(text.out.find("[ok]") == std::string::npos);
  const auto j = nlohmann::json::parse(run({"inspect", path.string(), "--json"}).out);
  CHECK(j["collectors"][0]["status"] == "timed_out");
  CHECK(j["collectors"][1]["status"] == "failed");
  CHECK(j["summary"]["failed"] == 1);
}

TEST_CASE("inspect on a cut-short archive, a missing file and a tar that is not a bundle") {
  TempDir work;
  const Collected c = fixture_bundle("esxi", work.path());
  const std::string bundle = read_file(c.path);
  const fs::path cut = work.path() / "cut.tgz";
  write_file(cut, bundle.substr(0, bundle.size() / 2));
  RunResult r = run({"inspect", cut.string()});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("damaged or cut short") != std::string::npos);
  CHECK(run({"inspect", cut.string(), "--file", "README.txt"}).exit_code == 3);
  r = run({"inspect", (work.path() / "nothing.tgz").string()});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("nothing.tgz") != std::string::npos);
  fs::create_directories(work.path() / "other/top");
  write_file(work.path() / "other/top/notes.txt", "not a bundle\n");
  const std::string other = (work.path() / "other.tgz").string();
  REQUIRE(std::system(("tar -czf " + quote(other) + " -C " + quote((work.path() / "other").string()) + " top").c_str()) == 0);
  r = run({"inspect", other});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("not a vmsupport bundle: no manifest.json") != std::string::npos);
}

TEST_CASE("inspect --file prints one member, by its path or full name, and names close matches when absent") {
  TempDir work;
  const Collected c = fixture_bundle("esxi", work.path());
  RunResult r = run({"inspect", c.path.string(), "--file", "README.txt"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == c.bundle.members.at("README.txt").content);
  r = run({"inspect", c.path.string(), "--file", c.bundle.top_dir + "/var/run/log/hostd.log"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == c.bundle.members.at("var/run/log/hostd.log").content);
  r = run({"inspect", c.path.string(), "--file", "var/log/hostd.log"});  // a symlink to ../run/log/hostd.log
  CHECK(r.exit_code == 0);
  CHECK(r.out == c.bundle.members.at("var/run/log/hostd.log").content);
  r = run({"inspect", c.path.string(), "--file", "var/run/log/hostd.lgo"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("no member var/run/log/hostd.lgo") != std::string::npos);
  CHECK(r.err.find("close matches: var/run/log/hostd.log") != std::string::npos);
  CHECK(run({"inspect", c.path.string(), "--file", "x", "--json"}).exit_code == 2);
}

TEST_CASE("inspect --html writes the page for a bundle made by vmsupport scrub") {
  TempDir work;
  const Collected raw = collect_quiet({"--root", (k_source_dir / "tests/fixtures/esxi").string()}, work.path(), {"--no-scrub"});
  REQUIRE(raw.run.exit_code == 0);
  fs::create_directories(work.path() / "scrubbed");
  const RunResult scrubbed = run({"scrub", raw.path.string(), "-q", "--state-dir", (work.path() / "state").string(), "-o",
                                     (work.path() / "scrubbed").string() + "/"});
  INFO(scrubbed.err);
  REQUIRE(scrubbed.exit_code == 0);
  const fs::path path = find_one(work.path() / "scrubbed", ".tgz");
  REQUIRE_FALSE(path.empty());
  const fs::path page = work.path() / "page.html";
  const RunResult r = run({"inspect", path.string(), "--html", page.string()});
  CHECK(r.exit_code == 0);
  const std::string html = read_file(page);
  CHECK(html.starts_with("<!DOCTYPE html>"));
  CHECK(html.find(read_bundle(path).top_dir) != std::string::npos);
  CHECK(html.find("esx-fixture-01") == std::string::npos);
  CHECK(run({"inspect", path.string(), "--html", (work.path() / "no/dir/p.html").string()}).exit_code == 3);
}

}
