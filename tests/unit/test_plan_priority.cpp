// Tests for plan/plan's order_by_priority (through build_plan): high-priority
// collectors come first, manifest order is kept within a priority, an entry's
// own priority overrides its group's, and within one glob the newest files
// come first; with MemoryFileSystem and inline manifests.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "host/filesystem.h"
#include "host/process.h"
#include "manifest/loader.h"
#include "plan/plan.h"

namespace vmsupport {
namespace {

using std::chrono::hours;

const Clock::time_point k_now = Clock::from_time_t(1795416840);

Plan plan_of(const std::string& yaml, FileSystem& fs, ProcessRunner& runner) {
  auto manifest = load_manifest(yaml, "manifests/test.yaml");
  REQUIRE_MESSAGE(manifest.has_value(), (manifest ? "" : manifest.error().message));
  static std::vector<Manifest> kept;  // the plan points at its manifest
  kept.push_back(*manifest);
  auto plan = build_plan(PlatformChoice{&kept.back(), "test"}, {}, fs, runner);
  REQUIRE_MESSAGE(plan.has_value(), (plan ? "" : plan.error().message));
  return *plan;
}

std::vector<std::string> sources(const Plan& plan) {
  std::vector<std::string> out;
  for (const Task& task : plan.tasks) out.push_back(task.source);
  return out;
}

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("high-priority groups are gathered first, low ones last, manifest order within each") {
    MemoryFileSystem fs;
    for (const char* path : {"/var/log/old.1", "/etc/a.conf", "/etc/b.conf", "/var/log/main.log", "/tmp/dump"}) {
      fs.add_file(path, "x", k_now);
    }
    FakeProcessRunner runner;
    const Plan plan = plan_of(R"(platform: p
groups:
  - id: Logs:Old
    priority: low
    files: [/var/log/old.1]
  - id: Config:A
    priority: high
    files: [/etc/a.conf]
  - id: Dump:Big
    files: [/tmp/dump]
  - id: Config:B
    priority: high
    files: [/etc/b.conf]
  - id: Logs:Main
    priority: high
    files: [/var/log/main.log]
)",
                              fs, runner);
    CHECK(sources(plan) == std::vector<std::string>{"/etc/a.conf", "/etc/b.conf", "/var/log/main.log", "/tmp/dump",
                                                     "/var/log/old.1"});
    CHECK(plan.collectors[0].priority == Priority::low);
    CHECK(plan.collectors[1].priority == Priority::high);
    CHECK(plan.collectors[2].priority == Priority::normal);
  }

  TEST_CASE("an entry's priority overrides its group's") {
    MemoryFileSystem fs;
    fs.add_file("/var/log/syslog", "s", k_now);
    fs.add_file("/var/log/syslog.1", "s1", k_now);
    FakeProcessRunner runner;
    runner.programs["uname"] = {};
    const Plan plan = plan_of(R"(platform: p
groups:
  - id: Logs:System
    priority: high
    files:
      - {glob: /var/log/syslog.1, priority: low}
      - /var/log/syslog
    commands:
      - {id: uname, argv: [uname], priority: normal}
)",
                              fs, runner);
    CHECK(sources(plan) == std::vector<std::string>{"/var/log/syslog", "uname", "/var/log/syslog.1"});
    CHECK(plan.collectors[0].priority == Priority::low);
    CHECK(plan.collectors[1].priority == Priority::high);
    CHECK(plan.collectors[2].priority == Priority::normal);
  }

  TEST_CASE("within one glob the newest files come first") {
    MemoryFileSystem fs;
    fs.add_file("/var/log/vmkernel.0.gz", "a", k_now - hours(24));
    fs.add_file("/var/log/vmkernel.1.gz", "b", k_now - hours(48));
    fs.add_file("/var/log/vmkernel.2.gz", "c", k_now - hours(72));
    fs.add_file("/var/log/vmkernel.log", "d", k_now);
    fs.add_file("/etc/hosts", "h", k_now - hours(1000));
    FakeProcessRunner runner;
    const Plan plan = plan_of(R"(platform: p
groups:
  - id: Logs:Kernel
    files: [/var/log/vmkernel*]
  - id: Config:Hosts
    files: [/etc/hosts]
)",
                              fs, runner);
    CHECK(sources(plan) == std::vector<std::string>{"/var/log/vmkernel.log", "/var/log/vmkernel.0.gz",
                                                     "/var/log/vmkernel.1.gz", "/var/log/vmkernel.2.gz",
                                                     "/etc/hosts"});
  }

  TEST_CASE("ordering the same plan twice gives the same order") {
    MemoryFileSystem fs;
    for (int i = 0; i < 20; ++i) fs.add_file("/var/log/f" + std::to_string(i), "x", k_now - hours(i % 3));
    FakeProcessRunner runner;
    Plan plan = plan_of("platform: p\ngroups:\n  - id: Logs:All\n    files: [/var/log/*]\n", fs, runner);
    const std::vector<std::string> first = sources(plan);
    order_by_priority(plan);
    CHECK(sources(plan) == first);
  }
}

}  // namespace vmsupport
