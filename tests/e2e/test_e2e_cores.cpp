// End-to-end crash cores: real ELF cores made at test time with gcore (one
// plain under /var/crash, one zstd-compressed as systemd-coredump names it,
// one cut short) in a copy of the linux fixture, with a syslog line about the
// crash. Scrubbing on: cores/cores.json describes each (program, pid,
// compression, problems, the log line), no core file is packed, verify
// passes. --include-cores packs them unscrubbed, listed as such in
// manifest.json and README.txt; --max-core-size leaves a large one described.
#include <doctest/doctest.h>

#include "e2e_support.h"

using namespace e2e;

namespace {

// Writes a gcore core of a `sleep` process to `dir`/core.PID; returns PID, or 0 when gcore cannot.
int make_core(const fs::path& dir) {
  fs::create_directories(dir);
  const std::string script = "sleep 60 & pid=$!; gcore -o " + quote((dir / "core").string()) +
                             " $pid >/dev/null 2>&1; status=$?; kill $pid; wait $pid 2>/dev/null; "
                             "[ $status -eq 0 ] && echo $pid";
  FILE* out = popen(script.c_str(), "r");
  if (!out) return 0;
  char buffer[64] = {};
  const bool got = fgets(buffer, sizeof buffer, out) != nullptr;
  pclose(out);
  return got ? std::atoi(buffer) : 0;
}

struct CoreRoot {
  fs::path root;
  int pid = 0;
  std::string systemd_name;
};

CoreRoot make_root(const fs::path& work) {
  CoreRoot r;
  r.root = work / "root";
  copy_fixture("linux", r.root);
  r.pid = make_core(r.root / "var/crash");
  if (r.pid == 0) return r;
  const fs::path plain = r.root / "var/crash" / ("core." + std::to_string(r.pid));
  r.systemd_name = "core.sleep.0.8f3a5c1e2d4b4f6a9e7d1c3b5a7f9e2d." + std::to_string(r.pid) + ".1763884800000000.zst";
  const fs::path coredump = r.root / "var/lib/systemd/coredump";
  fs::create_directories(coredump);
  const std::string zstd = "zstd -q -c " + quote(plain.string()) + " > " + quote((coredump / r.systemd_name).string());
  REQUIRE(std::system(zstd.c_str()) == 0);
  const std::string head = read_file(plain).substr(0, 100);
  write_file(r.root / "var/crash/core.truncated", head);
  write_file(r.root / "var/log/syslog", read_file(r.root / "var/log/syslog") +
                                            "2026-11-23T08:00:00.000000+00:00 linux-fixture-01 systemd-coredump[990]: Process " +
                                            std::to_string(r.pid) + " (sleep) of user 0 dumped core.\n");
  return r;
}

nlohmann::json cores_json(const Collected& c) {
  REQUIRE(c.bundle.members.contains("cores/cores.json"));
  return nlohmann::json::parse(c.bundle.members.at("cores/cores.json").content);
}

const nlohmann::json* core_named(const nlohmann::json& cores, const std::string& suffix) {
  for (const auto& core : cores["cores"]) {
    if (core["path"].get<std::string>().ends_with(suffix)) return &core;
  }
  return nullptr;
}

}  // namespace

TEST_SUITE("e2e") {

TEST_CASE("cores are found and described from their notes, with the log line about them, and not packed when scrubbing") {
  TempDir work;
  const CoreRoot r = make_root(work.path());
  if (r.pid == 0) {
    MESSAGE("gcore could not make a core here (gdb absent or ptrace not permitted): skipped");
    return;
  }
  const Collected c = collect_quiet({"--root", r.root.string(), "--platform", "linux"}, work.path(), {});
  REQUIRE_MESSAGE(c.bundle.error.empty(), c.run.err);
  const nlohmann::json cores = cores_json(c);
  INFO(cores.dump(2));
  REQUIRE(cores["cores"].size() == 3);
  const auto* plain = core_named(cores, "/core." + std::to_string(r.pid));
  REQUIRE(plain);
  CHECK((*plain)["program"] == "sleep");
  CHECK((*plain)["pid"] == r.pid);
  CHECK((*plain)["compression"] == "none");
  CHECK((*plain)["executable"].get<std::string>().ends_with("/sleep"));
  CHECK((*plain)["member"] == "");
  CHECK((*plain)["not_packed"].get<std::string>().starts_with("metadata only"));
  CHECK((*plain)["backtrace_note"].get<std::string>().find("--root") != std::string::npos);
  REQUIRE((*plain)["log_lines"].size() == 1);
  CHECK((*plain)["log_lines"][0].get<std::string>().find("dumped core.") != std::string::npos);
  CHECK((*plain)["log_lines"][0].get<std::string>().find("linux-fixture-01") == std::string::npos);  // scrubbed
  const auto* compressed = core_named(cores, ".zst");
  REQUIRE(compressed);
  CHECK((*compressed)["compression"] == "zstd");
  CHECK((*compressed)["program"] == "sleep");
  CHECK((*compressed)["systemd"]["pid"] == r.pid);
  const auto* cut = core_named(cores, "/core.truncated");
  REQUIRE(cut);
  CHECK_FALSE((*cut)["problems"].empty());
  for (const auto& [path, member] : c.bundle.members) CHECK_MESSAGE(!path.starts_with("var/crash/"), path);
  const RunResult verify = run({"verify", c.path.string(), "--map", (work.path() / "state/map.json").string()});
  INFO(verify.out, verify.err);
  CHECK(verify.exit_code == 0);
}

TEST_CASE("--include-cores packs the cores unscrubbed and says so; --max-core-size leaves a large one described") {
  TempDir work;
  const CoreRoot r = make_root(work.path());
  if (r.pid == 0) {
    MESSAGE("gcore could not make a core here (gdb absent or ptrace not permitted): skipped");
    return;
  }
  const std::string plain = "var/crash/core." + std::to_string(r.pid);
  const Collected c = collect_quiet({"--root", r.root.string(), "--platform", "linux"}, work.path(),
                                    {"--include-cores", "--max-core-size", "100KiB"});
  REQUIRE_MESSAGE(c.bundle.error.empty(), c.run.err);
  const nlohmann::json cores = cores_json(c);
  INFO(cores.dump(2));
  const auto* big = core_named(cores, "/core." + std::to_string(r.pid));
  REQUIRE(big);
  CHECK((*big)["not_packed"].get<std::string>().starts_with("larger than --max-core-size"));
  CHECK_FALSE(c.bundle.members.contains(plain));
  const auto* cut = core_named(cores, "/core.truncated");
  REQUIRE(cut);
  CHECK((*cut)["member"] == "var/crash/core.truncated");
  REQUIRE(c.bundle.members.contains("var/crash/core.truncated"));
  CHECK(c.bundle.members.at("var/crash/core.truncated").content == read_file(r.root / "var/crash/core.truncated"));
  const auto items = items_for(c.bundle, "/var/crash/core.truncated");
  REQUIRE(items.size() == 1);
  CHECK(items[0]["scrubbed"] == false);
  CHECK(c.bundle.members.at("README.txt").content.find("NOT SCRUBBED, packed as they are") != std::string::npos);

  fs::remove_all(work.path() / "out");
  const Collected all = collect_quiet({"--root", r.root.string(), "--platform", "linux"}, work.path(), {"--include-cores"});
  REQUIRE_MESSAGE(all.bundle.error.empty(), all.run.err);
  REQUIRE(all.bundle.members.contains(plain));
  CHECK(all.bundle.members.at(plain).content == read_file(r.root / plain));
  const RunResult verify = run({"verify", all.path.string(), "--map", (work.path() / "state/map.json").string()});
  INFO(verify.out, verify.err);
  CHECK(verify.exit_code == 0);
}

}  // TEST_SUITE
