// End-to-end: index.html in every bundle (links resolve, verify passes) and
// `vmsupport inspect` on fixture bundles, a bundle with failures, a cut-short
// archive, a file that is not a bundle, and --file / --html.
#include <doctest/doctest.h>

#include <map>
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
    if (target.starts_with("data:")) continue;  // a chart, in the page itself
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

// A tar.gz of `files` (path below a top directory "top" -> content), made by the system tar.
fs::path tarball(const fs::path& work, const std::string& name, const std::map<std::string, std::string>& files) {
  const fs::path tree = work / (name + ".tree");
  for (const auto& [path, content] : files) {
    fs::create_directories((tree / "top" / path).parent_path());
    write_file(tree / "top" / path, content);
  }
  const fs::path out = work / name;
  REQUIRE(std::system(("tar -czf " + quote(out.string()) + " -C " + quote(tree.string()) + " top").c_str()) == 0);
  return out;
}

// The version inspect shows for each platform fixture.
const std::map<std::string, std::string> k_fixture_versions = {
    {"esxi", "VMware ESXi 6.7.0-8169922"},
    {"linux", "Debian GNU/Linux 12 (bookworm)"},
    {"vcenter", "VMware Photon OS 3.0"},
    {"workstation", "VMware Workstation 17.5.1 on Ubuntu 22.04 LTS (Jammy Jellyfish)"},
    {"fusion", "VMware Fusion 13.5.1"},
    {"guest", "Rocky Linux 9.3 (Blue Onyx)"},
};

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
    // The host's version for every platform, and a name found for each (a pseudonym).
    CHECK(j["host"]["os"] == k_fixture_versions.at(fixture));
    CHECK(text.out.find("version      " + k_fixture_versions.at(fixture) + "\n") != std::string::npos);
    CHECK(j["host"]["hostname"] != "unknown");
    CHECK(j["host"]["hostname"].get<std::string>().starts_with("host-"));
    CHECK(j["status"] == "complete");
    CHECK(text.out.find("\nStatus: complete: ") != std::string::npos);
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
  CHECK(text.out.find("\nStatus: partial: 2 collectors failed or timed out\n") != std::string::npos);
  CHECK(page.find("<span class=\"badge s-truncated\">partial</span> 2 collectors failed or timed out") !=
        std::string::npos);
  // The broken command's output (its stderr) is a member: named in the text, linked from the page.
  const std::size_t see = text.out.find("[failed] Test:Fail commands broken");
  REQUIRE(see != std::string::npos);
  const std::string next_line = text.out.substr(text.out.find('\n', see) + 1, text.out.find('\n', text.out.find('\n', see) + 1) - text.out.find('\n', see) - 1);
  CHECK(next_line.starts_with("      see commands/"));
  const std::string member = next_line.substr(10, next_line.find(' ', 10) - 10);
  CHECK(bundle.members.contains(member));
  CHECK(page.find("<a href=\"" + member + "\">(output: " + member + ")</a>") != std::string::npos);
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
  CHECK(r.err.find("nothing.tgz: no such file") != std::string::npos);
  CHECK(r.err.find("Failed to open") == std::string::npos);
  // --json: the error as one JSON object, as verify --json prints it.
  r = run({"inspect", (work.path() / "nothing.tgz").string(), "--json"});
  CHECK(r.exit_code == 3);
  const auto error = nlohmann::json::parse(r.out);
  CHECK(error["command"] == "inspect");
  CHECK(error["exit_code"] == 3);
  CHECK(error["status"] == "failed");
  CHECK(error["error"].get<std::string>().ends_with("nothing.tgz: no such file"));
  // An encrypted bundle (binary OpenPGP, and ASCII armour) says so, with the command that decrypts it.
  const fs::path gpg = work.path() / "x.tgz.gpg";
  write_file(gpg, std::string("\x85\x01\x0c\x03\x12\x34", 6) + std::string(200, '\x5a'));
  r = run({"inspect", gpg.string()});
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("x.tgz.gpg: encrypted (OpenPGP data): decrypt it first") != std::string::npos);
  CHECK(r.err.find("gpg -d " + gpg.string() + " > " + (work.path() / "x.tgz").string()) != std::string::npos);
  CHECK(r.err.find("Unrecognized archive format") == std::string::npos);
  write_file(work.path() / "x.asc", "-----BEGIN PGP MESSAGE-----\n\nhQEMA5\n-----END PGP MESSAGE-----\n");
  CHECK(run({"inspect", (work.path() / "x.asc").string()}).err.find("encrypted (OpenPGP data)") != std::string::npos);
  // "-" reads the bundle from standard input.
  r = run({"inspect", "-"}, "cat " + quote(c.path.string()) + " |");
  CHECK(r.exit_code == 0);
  CHECK(r.out.starts_with(c.bundle.top_dir + "\n"));
  r = run({"inspect", "-", "--file", "README.txt"}, "cat " + quote(c.path.string()) + " |");
  CHECK(r.exit_code == 0);
  CHECK(r.out == c.bundle.members.at("README.txt").content);
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
  r = run({"inspect", c.path.string(), "--file", ""});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--file") != std::string::npos);
  r = run({"inspect", c.path.string(), "--file", "var/run/log/"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("var/run/log is a directory of the bundle, not a file") != std::string::npos);
  CHECK(r.err.find("members under it: var/run/log/") != std::string::npos);
}

TEST_CASE("inspect --file streams a member larger than its chunk byte for byte, and stops quietly at a closed pipe") {
  TempDir work;
  std::string big;
  for (std::size_t i = 0; big.size() < 3 * (1u << 20) + 12345; ++i) big += "line " + std::to_string(i) + " \x1b[0m\n";
  const fs::path bundle = tarball(work.path(), "big.tgz", {{"manifest.json", "{}"}, {"var/log/big.log", big}});
  RunResult r = run({"inspect", bundle.string(), "--file", "var/log/big.log"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.size() == big.size());
  CHECK(r.out == big);  // byte-exact: --file makes no control character visible
  const std::string command = "set -o pipefail; " + quote(k_binary.string()) + " inspect " + quote(bundle.string()) +
                              " --file var/log/big.log 2>" + quote((work.path() / "err").string()) + " | head -c 10 >/dev/null";
  CHECK(std::system(("bash -c " + quote(command)).c_str()) == 0);
  CHECK(read_file(work.path() / "err").empty());
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

  // The scrubbed bundle's own page is new, made from its own data: scrubbed,
  // its members (decompressed logs renamed), no name of the source.
  const Bundle out = read_bundle(path);
  REQUIRE(out.members.contains("index.html"));
  const std::string& own = out.members.at("index.html").content;
  CHECK(own.find("\u2713 scrubbed") != std::string::npos);
  CHECK(own.find("not scrubbed") == std::string::npos);
  CHECK(own.find(out.top_dir) != std::string::npos);
  CHECK(own.find(raw.bundle.top_dir) == std::string::npos);
  CHECK(own.find("esx-fixture-01") == std::string::npos);
  CHECK(own.find("lab.example") == std::string::npos);
  CHECK(own.find("var/run/log/hostd.0\"") != std::string::npos);
  CHECK(own.find("hostd.0.gz") == std::string::npos);
  CHECK(own.find("<code>vmsupport scrub</code> made this bundle") != std::string::npos);
  const std::vector<std::string> dangling = dangling_links(out);
  CHECK_MESSAGE(dangling.empty(), dangling.size() << " dangling, first: " << (dangling.empty() ? "" : dangling.front()));
  CHECK_FALSE(out.members.contains("source-bundle/index.html"));
  const std::string text = run({"inspect", path.string()}).out;
  CHECK(text.find("Collectors: ") == std::string::npos);
  CHECK(text.find("none: made by vmsupport scrub") != std::string::npos);
}

TEST_CASE("scrub of a tarball of another tool gives it an index.html whose links all name members") {
  TempDir work;
  const fs::path input = tarball(work.path(), "notes.tgz",
                                 {{"notes.txt", "not a bundle\n"}, {"logs/app.log", "started\n"},
                                  {"index.html", "<p>the other tool's page</p>"}});
  const RunResult r = run({"scrub", input.string(), "-q", "--state-dir", (work.path() / "state").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const Bundle out = read_bundle(r.out.substr(0, r.out.find('\n')));
  REQUIRE(out.members.contains("index.html"));
  const std::string& page = out.members.at("index.html").content;
  CHECK(page.starts_with("<!DOCTYPE html>"));
  CHECK(page.find("the other tool's page") == std::string::npos);
  CHECK(page.find("href=\"logs/app.log\"") != std::string::npos);
  const std::vector<std::string> dangling = dangling_links(out);
  CHECK_MESSAGE(dangling.empty(), dangling.size() << " dangling, first: " << (dangling.empty() ? "" : dangling.front()));
}

TEST_CASE("the performance charts are in the page itself, named for what they show, with links to their members") {
  TempDir work;
  const Collected c = collect_quiet({"-g", "System:Base", "--no-changes"}, work.path(), {"--performance", "2s", "--interval", "1"});
  REQUIRE((c.run.exit_code == 0 || c.run.exit_code == 1));
  REQUIRE(c.bundle.members.contains("performance/cpu.svg"));
  for (const std::string& page : {c.bundle.members.at("index.html").content,
                                  [&] {
                                    const fs::path html = work.path() / "elsewhere.html";
                                    CHECK(run({"inspect", c.path.string(), "--html", html.string()}).exit_code == 0);
                                    return read_file(html);
                                  }()}) {
    CHECK(page.find("<img src=\"data:image/svg+xml;base64,") != std::string::npos);
    CHECK(page.find("src=\"performance/") == std::string::npos);
    CHECK(page.find("alt=\"Chart cpu.svg\"") == std::string::npos);
    CHECK(page.find("role=\"img\" alt=\"Chart: ") != std::string::npos);
    CHECK(page.find("<a href=\"performance/cpu.svg\">") != std::string::npos);
  }
}

}
