// End-to-end `vmsupport scrub`: an existing bundle — ours made with
// --no-scrub, or a vm-support-like .tgz made here with the system tar — is
// scrubbed into NAME-scrubbed.tgz: no planted name or address survives in
// member names, contents, the top directory or the file name; verify passes;
// a damaged input fails cleanly; pseudonyms agree with a collect's.
#include <doctest/doctest.h>

#include <algorithm>

#include "e2e_support.h"

using namespace e2e;

namespace {

const std::vector<std::string> k_planted = {"esx-fixture-01", "lab.example",   "Payroll DB",
                                            "Payroll%20DB",   "jdoe",          "192.0.2.",
                                            "2001:db8:",      "00:50:56:aa:01"};
const std::string k_vm_support_top = "esx-esx-fixture-01.lab.example-2026-11-23--08.00-12345";

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return text;
}

// Every planted value in a member's name or contents, the top directory or `file_name`.
std::vector<std::string> leaks(const Bundle& bundle, const std::string& file_name) {
  std::vector<std::string> found;
  for (const std::string& value : k_planted) {
    if (lower(bundle.top_dir + "/" + file_name).find(lower(value)) != std::string::npos)
      found.push_back("name: " + value);
    for (const auto& [path, member] : bundle.members) {
      if (lower(path).find(lower(value)) != std::string::npos)
        found.push_back("name " + path + ": " + value);
      if (lower(member.content + member.link_target).find(lower(value)) != std::string::npos) {
        found.push_back(path + ": " + value);
      }
    }
  }
  return found;
}

// A --no-scrub collect of the esxi fixture into `dir`; returns the bundle's path.
fs::path unscrubbed_collect(const fs::path& dir) {
  fs::create_directories(dir);
  const RunResult c =
      run({"collect", "--root", (k_source_dir / "tests/fixtures/esxi").string(), "--no-scrub", "-o",
           dir.string() + "/", "-q", "--state-dir", (dir / "collect-state").string()});
  INFO("collect: " << c.err);
  REQUIRE(c.exit_code == 0);
  return c.out.substr(0, c.out.find('\n'));
}

struct Scrubbed {
  RunResult run;
  fs::path path;
  Bundle bundle;
};

Scrubbed scrub(const fs::path& input, std::vector<std::string> extra) {
  std::vector<std::string> args{"scrub", input.string(), "-q"};
  args.insert(args.end(), extra.begin(), extra.end());
  Scrubbed s;
  s.run = run(args);
  s.path = s.run.out.substr(0, s.run.out.find('\n'));
  if (s.run.exit_code == 0) s.bundle = read_bundle(s.path);
  return s;
}

// The directory the VM "Payroll DB" became (the only VM with a .vmsd).
std::string vm_directory(const Bundle& bundle) {
  for (const auto& [path, member] : bundle.members) {
    if (path.starts_with("vmfs/volumes/") && path.ends_with(".vmsd")) {
      const std::string dir = path.substr(0, path.rfind('/'));
      return dir.substr(dir.rfind('/') + 1);
    }
  }
  return {};
}

// A vm-support-like bundle: the esxi fixture under one top directory, a
// command output and a nested .tgz, packed by the system tar.
fs::path vm_support_bundle(const fs::path& work) {
  const fs::path tree = work / "tree";
  fs::create_directories(tree);
  copy_fixture("esxi", tree / k_vm_support_top);
  write_file(
      tree / k_vm_support_top / "commands/localcli_system-hostname-get.txt",
      "   Domain Name: lab.example\n   Fully Qualified Domain Name: esx-fixture-01.lab.example\n");
  const std::string nested = (tree / k_vm_support_top / "commands/nested.tgz").string();
  REQUIRE(std::system(("tar -czf " + quote(nested) + " -C " +
                       quote((tree / k_vm_support_top).string()) + " etc/hosts")
                          .c_str()) == 0);
  const fs::path bundle = work / (k_vm_support_top + ".tgz");
  REQUIRE(std::system(("tar -czf " + quote(bundle.string()) + " -C " + quote(tree.string()) + " " +
                       quote(k_vm_support_top))
                          .c_str()) == 0);
  return bundle;
}

}  // namespace

TEST_SUITE("e2e") {
  TEST_CASE("scrub turns a --no-scrub bundle into a scrubbed one that verifies") {
    TempDir work;
    const fs::path input = unscrubbed_collect(work.path() / "in");
    const fs::path state = work.path() / "state";
    Scrubbed s = scrub(input, {"--state-dir", state.string()});
    INFO("scrub: " << s.run.err);
    REQUIRE(s.run.exit_code == 0);
    REQUIRE(s.bundle.error.empty());
    CHECK(s.path.parent_path() == input.parent_path());
    CHECK(s.path.filename().string().starts_with("vmsupport-host-0001-"));
    CHECK(s.path.filename().string().ends_with("-scrubbed.tgz"));
    CHECK(fs::exists(s.path.string() + ".sha256"));
    CHECK(s.bundle.top_dir + ".tgz" == s.path.filename().string());
    const std::vector<std::string> found = leaks(s.bundle, s.path.filename().string());
    CHECK_MESSAGE(found.empty(), found.size()
                                     << " leaks, first: " << (found.empty() ? "" : found.front()));

    // A new manifest (ours, scrubbed) and the input's own documents under source-bundle/.
    CHECK(s.bundle.manifest["scrub"]["scrubbed"] == true);
    CHECK(
        s.bundle.manifest["source_bundle"].get<std::string>().starts_with("vmsupport-host-0001-"));
    CHECK(s.bundle.members.contains("README.txt"));
    CHECK(s.bundle.members.contains("scrub-report.json"));
    REQUIRE(s.bundle.members.contains("source-bundle/manifest.json"));
    CHECK(s.bundle.members["source-bundle/manifest.json"].content.find("\"sha256\"") ==
          std::string::npos);
    CHECK(s.bundle.members.contains("var/run/log/hostd.0"));
    CHECK(vm_directory(s.bundle).starts_with("vm-"));
    const auto items =
        items_for(s.bundle, s.bundle.top_dir.substr(0, s.bundle.top_dir.size() - 9) + "/etc/hosts");
    REQUIRE(items.size() == 1);
    CHECK(items[0]["path"] == "etc/hosts");

    const fs::path map = state / "map.json";
    REQUIRE(fs::exists(map));
    const RunResult verify = run({"verify", s.path.string(), "--map", map.string()});
    INFO("verify: " << verify.out << verify.err);
    CHECK(verify.exit_code == 0);
  }

  TEST_CASE(
      "scrub cleans a vm-support-like bundle of another tool, and verify passes on the result") {
    TempDir work;
    const fs::path input = vm_support_bundle(work.path());
    const fs::path state = work.path() / "state";
    Scrubbed s = scrub(input, {"--state-dir", state.string()});
    INFO("scrub: " << s.run.err);
    REQUIRE(s.run.exit_code == 0);
    REQUIRE(s.bundle.error.empty());
    CHECK(s.path.filename() ==
          "esx-host-0001.domain-01.invalid-2026-11-23--08.00-12345-scrubbed.tgz");
    const std::vector<std::string> found = leaks(s.bundle, s.path.filename().string());
    CHECK_MESSAGE(found.empty(), found.size()
                                     << " leaks, first: " << (found.empty() ? "" : found.front()));
    CHECK(s.bundle.manifest["platform"]["name"] == "esxi");
    CHECK(s.bundle.manifest["source_is_vmsupport"] == false);
    CHECK(s.bundle.manifest["source_bundle"] ==
          "esx-host-0001.domain-01.invalid-2026-11-23--08.00-12345.tgz");
    CHECK(items_for(s.bundle, "esx-host-0001.domain-01.invalid-2026-11-23--08.00-12345/etc/hosts")
              .size() == 1);

    // Scrubbed where they were; rotated logs decompressed; the platform's forbidden
    // paths and the nested archive (binary once decompressed) left out and listed.
    CHECK(s.bundle.members["commands/localcli_system-hostname-get.txt"].content.find(
              "host-0001.domain-01.invalid") != std::string::npos);
    CHECK(s.bundle.members.contains("var/run/log/hostd.0"));
    CHECK(s.bundle.members["var/log/hostd.log"].symlink);
    CHECK(vm_directory(s.bundle).starts_with("vm-"));
    for (const char* gone :
         {"etc/shadow", "etc/vmware/ssl/rui.key", "commands/nested.tgz", "commands/nested"}) {
      CHECK_MESSAGE(!s.bundle.members.contains(gone), gone);
    }
    for (const auto& [path, member] : s.bundle.members) {
      CHECK_MESSAGE(member.content.find("FORBIDDEN-") == std::string::npos, path);
    }
    const std::string report = s.bundle.members["scrub-report.json"].content;
    CHECK(report.find("etc/shadow") != std::string::npos);
    CHECK(report.find("commands/nested") != std::string::npos);

    const RunResult verify =
        run({"verify", s.path.string(), "--map", (state / "map.json").string()});
    INFO("verify: " << verify.out << verify.err);
    CHECK(verify.exit_code == 0);
  }

  TEST_CASE("scrub of a damaged, cut-short or unwritable case fails clearly and leaves no file") {
    TempDir work;
    const fs::path input = unscrubbed_collect(work.path() / "in");
    const std::string bytes = read_file(input);
    const fs::path cut = work.path() / "cut/bundle.tgz";
    write_file(cut, bytes.substr(0, bytes.size() / 2));
    const fs::path state = work.path() / "state";
    const RunResult truncated = run({"scrub", cut.string(), "--state-dir", state.string()});
    CHECK(truncated.exit_code == 2);
    CHECK(truncated.err.find("damaged or cut short") != std::string::npos);
    const fs::path text = work.path() / "text/notes.tgz";
    write_file(text, "not an archive\n");
    const RunResult garbage = run({"scrub", text.string(), "--state-dir", state.string()});
    CHECK(garbage.exit_code == 2);
    CHECK(garbage.err.find("vmsupport: error:") != std::string::npos);
    CHECK(std::distance(fs::directory_iterator(cut.parent_path()), fs::directory_iterator{}) == 1);
    CHECK(std::distance(fs::directory_iterator(text.parent_path()), fs::directory_iterator{}) == 1);
    CHECK(run({"scrub", (work.path() / "missing.tgz").string(), "--state-dir", state.string()})
              .exit_code == 2);

    const RunResult unwritable =
        run({"scrub", input.string(), "-o", (work.path() / "no/such/dir/").string(), "--state-dir",
             state.string()});
    CHECK(unwritable.exit_code == 3);
    CHECK(unwritable.err.find("cannot create") != std::string::npos);

    // An existing output is never overwritten: another file, or the scrubbed bundle of an earlier run.
    const fs::path taken = work.path() / "taken.tgz";
    write_file(taken, "the vendor has this one\n");
    const RunResult over = run({"scrub", input.string(), "-o", taken.string(), "--state-dir", state.string()});
    CHECK(over.exit_code == 2);
    CHECK(over.err.find("exists already") != std::string::npos);
    CHECK(read_file(taken) == "the vendor has this one\n");
  }

  TEST_CASE("scrub gives the same pseudonyms as a collect with the same map") {
    TempDir work;
    const fs::path state = work.path() / "state";
    const fs::path out = work.path() / "collected";
    fs::create_directories(out);
    const RunResult collected =
        run({"collect", "--root", (k_source_dir / "tests/fixtures/esxi").string(), "-o",
             out.string() + "/", "-q", "--state-dir", state.string()});
    REQUIRE(collected.exit_code == 0);
    const Bundle reference = read_bundle(collected.out.substr(0, collected.out.find('\n')));
    const fs::path input = unscrubbed_collect(work.path() / "in");
    Scrubbed s = scrub(input, {"--map", (state / "map.json").string(), "-o",
                               (work.path() / "scrubbed.tgz").string()});
    INFO("scrub: " << s.run.err);
    REQUIRE(s.run.exit_code == 0);
    CHECK(s.path == work.path() / "scrubbed.tgz");
    CHECK(s.bundle.top_dir == "scrubbed");
    CHECK_FALSE(vm_directory(s.bundle).empty());
    CHECK(vm_directory(s.bundle) == vm_directory(reference));
    CHECK(s.bundle.members["etc/hosts"].content == reference.members.at("etc/hosts").content);
    CHECK(s.bundle.members["etc/vmware/esx.conf"].content ==
          reference.members.at("etc/vmware/esx.conf").content);
  }

}  // TEST_SUITE
