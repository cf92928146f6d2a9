// Tests for plan/plan: choose_platform (detection by priority, fallback,
// --platform) and build_plan (group selection, forbid rules, --since, size
// caps, special files, unmatched entries, commands and the --root rules),
// with MemoryFileSystem and FakeProcessRunner and manifests from inline YAML.
#include <doctest/doctest.h>

#include "../support/temp_tree.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "host/filesystem.h"
#include "host/process.h"
#include "manifest/loader.h"
#include "plan/plan.h"

namespace vmsupport {
namespace {

using vmsupport::testing::TempTree;

using std::chrono::hours;
using std::chrono::seconds;

// 2026-11-23T06:54:00Z: a fixed "now" for mtimes and --since.
const Clock::time_point k_now = Clock::from_time_t(1795416840);

// Default options changed by `set`.
template <typename Set>
PlanOptions options(Set set) {
  PlanOptions result;
  set(result);
  return result;
}

Manifest manifest_from(const std::string& yaml) {
  auto manifest = load_manifest(yaml, "manifests/test.yaml");
  REQUIRE_MESSAGE(manifest.has_value(), (manifest ? "" : manifest.error().message));
  return *manifest;
}

Plan plan_for(const Manifest& manifest, const PlanOptions& options, FileSystem& fs,
              ProcessRunner& runner) {
  auto plan = build_plan(PlatformChoice{&manifest, "test"}, options, fs, runner);
  REQUIRE_MESSAGE(plan.has_value(), (plan ? "" : plan.error().message));
  return *plan;
}

std::vector<std::string> sources(const Plan& plan) {
  std::vector<std::string> out;
  for (const Task& task : plan.tasks) out.push_back(task.source);
  return out;
}

// The sources in name order: within one glob the plan puts the newest files
// first (test_plan_priority.cpp), which these tests do not look at.
std::vector<std::string> sorted_sources(const Plan& plan) {
  std::vector<std::string> out = sources(plan);
  std::sort(out.begin(), out.end());
  return out;
}

const Task& task_for(const Plan& plan, const std::string& source) {
  const auto it = std::find_if(plan.tasks.begin(), plan.tasks.end(),
                               [&](const Task& t) { return t.source == source; });
  REQUIRE_MESSAGE(it != plan.tasks.end(), "no task for " << source);
  return *it;
}

const SkipTask& skip_of(const Task& task) {
  const auto* skip = std::get_if<SkipTask>(&task.work);
  REQUIRE_MESSAGE(skip != nullptr, task.source << " is not a skip");
  return *skip;
}

const FileTask& file_of(const Task& task) {
  const auto* file = std::get_if<FileTask>(&task.work);
  REQUIRE_MESSAGE(file != nullptr, task.source << " is not a file task");
  return *file;
}

const CommandTask& command_of(const Task& task) {
  const auto* command = command_task(task);
  REQUIRE_MESSAGE(command != nullptr, task.source << " is not a command task");
  return *command;
}

// A runner whose programs live in /usr/bin: shows that argv[0] becomes find_program's answer.
class UsrBinRunner final : public ProcessRunner {
 public:
  ProcessOutcome run(const ProcessRequest&) override { return {}; }
  std::optional<std::string> find_program(const std::string& program,
                                          const std::string&) override {
    return "/usr/bin/" + program;
  }
};

const char* const k_detect_alpha = R"(platform: alpha
detect: {any_file: [/etc/alpha-release], priority: 10}
groups: [{id: A:B, files: [/etc/hosts]}]
)";
const char* const k_detect_beta = R"(platform: beta
detect: {any_file: [/etc/beta.conf, /bin/beta], priority: 50}
groups: [{id: A:B, files: [/etc/hosts]}]
)";
const char* const k_detect_gamma = R"(platform: gamma
detect: {any_file: [/etc/gamma], priority: 100}
groups: [{id: A:B, files: [/etc/hosts]}]
)";
const char* const k_detect_delta = R"(platform: delta
detect: {all_files: [/etc/delta, /etc/delta.d/conf], priority: 200}
groups: [{id: A:B, files: [/etc/hosts]}]
)";
const char* const k_detect_linux = R"(platform: linux
detect: {any_file: [/etc/os-release], fallback: true}
groups: [{id: A:B, files: [/etc/hosts]}]
)";

std::vector<Manifest> detection_manifests() {
  return {manifest_from(k_detect_alpha), manifest_from(k_detect_beta),
          manifest_from(k_detect_gamma), manifest_from(k_detect_delta),
          manifest_from(k_detect_linux)};
}

const char* const k_selection = R"(platform: p
groups:
  - id: Logs:Host
    tags: [logs]
    files: [/var/log/syslog]
  - id: Logs:Debug
    default: disabled
    tags: [logs, debug]
    files: [/var/log/debug]
  - id: Config:Net
    tags: [config, net]
    files: [/etc/hosts]
)";

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("detection picks the highest-priority matching platform and names its marker") {
    const std::vector<Manifest> manifests = detection_manifests();
    MemoryFileSystem fs;
    fs.add_file("/etc/alpha-release", "");
    fs.add_file("/bin/beta", "");
    fs.add_file("/etc/os-release", "");

    auto choice = choose_platform(manifests, fs, "");
    REQUIRE(choice.has_value());
    REQUIRE(choice->manifest != nullptr);
    CHECK(choice->manifest->platform == "beta");
    CHECK(choice->reason == "/bin/beta exists");
  }

  TEST_CASE("every matching platform is listed with all its markers, in precedence order") {
    const std::vector<Manifest> manifests = detection_manifests();
    MemoryFileSystem fs;
    fs.add_file("/etc/alpha-release", "");
    fs.add_file("/etc/beta.conf", "");
    fs.add_file("/bin/beta", "");
    fs.add_file("/etc/os-release", "");
    fs.add_file("/etc/delta", "");  // all_files incomplete: delta does not match
    const std::vector<DetectMatch> matched = detect_platforms(manifests, fs);
    REQUIRE(matched.size() == 3);
    CHECK(matched[0].manifest->platform == "beta");
    CHECK(matched[0].markers == std::vector<std::string>{"/etc/beta.conf", "/bin/beta"});
    CHECK(matched[1].manifest->platform == "alpha");
    CHECK(matched[2].manifest->platform == "linux");
    CHECK(matched[2].markers == std::vector<std::string>{"/etc/os-release"});

    auto choice = choose_platform(manifests, fs, "");
    REQUIRE(choice.has_value());
    CHECK(choice->reason == "/etc/beta.conf exists");
    REQUIRE(choice->matched.size() == 3);
    CHECK(choice->matched[0].manifest == choice->manifest);
    // all_files markers are reported too
    fs.add_file("/etc/delta.d/conf", "");
    const std::vector<DetectMatch> with_delta = detect_platforms(manifests, fs);
    REQUIRE(with_delta.size() == 4);
    CHECK(with_delta[0].manifest->platform == "delta");
    CHECK(with_delta[0].markers == std::vector<std::string>{"/etc/delta", "/etc/delta.d/conf"});
    // --platform: nothing is detected
    auto forced = choose_platform(manifests, fs, "alpha");
    REQUIRE(forced.has_value());
    CHECK(forced->matched.empty());
  }

  TEST_CASE("a tie in priority is broken by the platform name") {
    auto zeta = load_manifest("platform: zeta\ndetect: { any_file: [/marker], priority: 5 }\n"
                              "groups: [{ id: A:B, files: [/x] }]\n", "zeta.yaml");
    auto alpha = load_manifest("platform: alpha\ndetect: { any_file: [/marker], priority: 5 }\n"
                               "groups: [{ id: A:B, files: [/x] }]\n", "alpha.yaml");
    REQUIRE(zeta.has_value());
    REQUIRE(alpha.has_value());
    const std::vector<Manifest> manifests{*zeta, *alpha};
    MemoryFileSystem fs;
    fs.add_file("/marker", "");
    auto choice = choose_platform(manifests, fs, "");
    REQUIRE(choice.has_value());
    CHECK(choice->manifest->platform == "alpha");
  }

  TEST_CASE("all_files must all exist for a platform to match") {
    const std::vector<Manifest> manifests = detection_manifests();
    MemoryFileSystem fs;
    fs.add_file("/etc/beta.conf", "");
    fs.add_file("/etc/delta", "");

    auto partial = choose_platform(manifests, fs, "");
    REQUIRE(partial.has_value());
    CHECK(partial->manifest->platform == "beta");
    CHECK(partial->reason == "/etc/beta.conf exists");

    fs.add_file("/etc/delta.d/conf", "");
    auto full = choose_platform(manifests, fs, "");
    REQUIRE(full.has_value());
    CHECK(full->manifest->platform == "delta");
    CHECK(full->reason == "/etc/delta exists");
  }

  TEST_CASE("any_file and all_files together both have to hold") {
    const std::vector<Manifest> manifests{manifest_from(R"(platform: both
detect: {any_file: [/etc/marker], all_files: [/etc/required]}
groups: [{id: A:B, files: [/etc/hosts]}]
)")};
    MemoryFileSystem fs;
    fs.add_file("/etc/required", "");
    CHECK_FALSE(choose_platform(manifests, fs, "").has_value());
    fs.add_file("/etc/marker", "");
    auto choice = choose_platform(manifests, fs, "");
    REQUIRE(choice.has_value());
    CHECK(choice->reason == "/etc/marker exists");
  }

  TEST_CASE("the fallback platform is chosen when no markers are found") {
    const std::vector<Manifest> manifests = detection_manifests();
    MemoryFileSystem fs;
    auto choice = choose_platform(manifests, fs, "");
    REQUIRE(choice.has_value());
    CHECK(choice->manifest->platform == "linux");
    CHECK(choice->reason == "no platform's markers found; linux is the fallback");
  }

  TEST_CASE("without markers or a fallback the choice fails and lists the platforms") {
    const std::vector<Manifest> manifests{manifest_from(k_detect_alpha),
                                          manifest_from(k_detect_beta)};
    MemoryFileSystem fs;
    auto choice = choose_platform(manifests, fs, "");
    REQUIRE_FALSE(choice.has_value());
    CHECK(choice.error().message == "cannot tell the platform of /: no manifest's markers found");
    CHECK(choice.error().hint == "name it with --platform (alpha, beta)");
  }

  TEST_CASE("--platform forces a platform whatever the markers say") {
    const std::vector<Manifest> manifests = detection_manifests();
    MemoryFileSystem fs;
    fs.add_file("/bin/beta", "");
    auto choice = choose_platform(manifests, fs, "gamma");
    REQUIRE(choice.has_value());
    CHECK(choice->manifest->platform == "gamma");
    CHECK(choice->reason == "--platform gamma");
  }

  TEST_CASE("an unknown --platform fails and names the known platforms") {
    const std::vector<Manifest> manifests = detection_manifests();
    MemoryFileSystem fs;
    auto choice = choose_platform(manifests, fs, "solaris");
    REQUIRE_FALSE(choice.has_value());
    CHECK(choice.error().message == "--platform: unknown platform 'solaris'");
    CHECK(choice.error().hint == "known platforms: alpha, beta, gamma, delta, linux");
  }

  TEST_CASE("groups are selected by default, -g, -e, --tags and --all-groups") {
    const Manifest manifest = manifest_from(k_selection);
    MemoryFileSystem fs;
    fs.add_file("/var/log/syslog", "s");
    fs.add_file("/var/log/debug", "d");
    fs.add_file("/etc/hosts", "h");
    FakeProcessRunner runner;

    const struct {
      const char* what;
      PlanOptions options;
      std::vector<std::string> groups;
    } cases[] = {
        {"default: the enabled groups", {}, {"Logs:Host", "Config:Net"}},
        {"--all-groups adds disabled ones",
         options([](PlanOptions& o) { o.all_groups = true; }),
         {"Logs:Host", "Logs:Debug", "Config:Net"}},
        {"-g selects a disabled group", options([](PlanOptions& o) { o.groups = {"Logs:Debug"}; }),
         {"Logs:Debug"}},
        {"-g keeps manifest order",
         options([](PlanOptions& o) { o.groups = {"Config:Net", "Logs:Debug"}; }),
         {"Logs:Debug", "Config:Net"}},
        {"-e excludes", options([](PlanOptions& o) { o.exclude = {"Config:Net"}; }),
         {"Logs:Host"}},
        {"--tags selects enabled groups with a tag", options([](PlanOptions& o) { o.tags = {"logs"}; }),
         {"Logs:Host"}},
        {"--tags with several tags", options([](PlanOptions& o) { o.tags = {"net", "logs"}; }),
         {"Logs:Host", "Config:Net"}},
        {"--tags with --all-groups", options([](PlanOptions& o) {
           o.tags = {"debug"};
           o.all_groups = true;
         }),
         {"Logs:Debug"}},
    };
    for (const auto& c : cases) {
      const std::string what = c.what;
      CAPTURE(what);
      const Plan plan = plan_for(manifest, c.options, fs, runner);
      CHECK(plan.groups == c.groups);
      for (const CollectorPlan& collector : plan.collectors) {
        CHECK(std::find(c.groups.begin(), c.groups.end(), collector.group) != c.groups.end());
      }
    }
  }

  TEST_CASE("an unknown -g or -e group fails naming it and listing the groups") {
    const Manifest manifest = manifest_from(k_selection);
    MemoryFileSystem fs;
    FakeProcessRunner runner;

    auto bad_group = build_plan(PlatformChoice{&manifest, "test"},
                                options([](PlanOptions& o) { o.groups = {"Logs:Nope"}; }), fs, runner);
    REQUIRE_FALSE(bad_group.has_value());
    CHECK(bad_group.error().message == "-g/--group: platform 'p' has no group 'Logs:Nope'");
    CHECK(bad_group.error().hint == "groups: Logs:Host, Logs:Debug, Config:Net");

    auto bad_exclude = build_plan(PlatformChoice{&manifest, "test"},
                                  options([](PlanOptions& o) { o.exclude = {"Nope:X"}; }), fs, runner);
    REQUIRE_FALSE(bad_exclude.has_value());
    CHECK(bad_exclude.error().message == "-e/--exclude: platform 'p' has no group 'Nope:X'");
  }

  TEST_CASE("a selection that leaves no group fails") {
    const Manifest manifest = manifest_from(k_selection);
    MemoryFileSystem fs;
    FakeProcessRunner runner;
    for (const PlanOptions& options :
         {options([](PlanOptions& o) {
            o.groups = {"Logs:Debug"};
            o.exclude = {"Logs:Debug"};
          }),
          options([](PlanOptions& o) { o.tags = {"debug"}; }),
          options([](PlanOptions& o) { o.tags = {"no-such-tag"}; })}) {
      auto plan = build_plan(PlatformChoice{&manifest, "test"}, options, fs, runner);
      REQUIRE_FALSE(plan.has_value());
      CHECK(plan.error().message == "no group selected for platform 'p'");
      CHECK(plan.error().hint == "check -g, -e and --tags; `vmsupport list` shows the groups");
    }
  }

  TEST_CASE("a manifest forbid rule turns a matched file into a skip naming the rule") {
    const Manifest manifest = manifest_from(R"(platform: p
forbid: [/etc/shadow]
groups:
  - id: Config:Etc
    files: [/etc/*]
)");
    MemoryFileSystem fs;
    fs.add_file("/etc/hosts", "h");
    fs.add_file("/etc/passwd", "p");
    fs.add_file("/etc/shadow", "secret");
    FakeProcessRunner runner;
    const Plan plan = plan_for(manifest, {}, fs, runner);

    CHECK(sorted_sources(plan) == std::vector<std::string>{"/etc/hosts", "/etc/passwd", "/etc/shadow"});
    CHECK(std::holds_alternative<FileTask>(task_for(plan, "/etc/hosts").work));
    const Task& shadow = task_for(plan, "/etc/shadow");
    CHECK(shadow.archive_path.empty());
    CHECK(skip_of(shadow).status == Status::skipped);
    CHECK(skip_of(shadow).reason == "forbidden by rule '/etc/shadow'");
    CHECK(plan.estimated_bytes == 2);
  }

  TEST_CASE("a group's forbid rule applies to every group, selected or not") {
    const Manifest manifest = manifest_from(R"(platform: p
groups:
  - id: Config:Ssh
    files: [/etc/ssh/*]
  - id: Secrets:Keys
    default: disabled
    files: [/etc/ssh/ssh_host_rsa_key]
    forbid: [/etc/ssh/*_key]
)");
    MemoryFileSystem fs;
    fs.add_file("/etc/ssh/ssh_host_rsa_key", "PRIVATE");
    fs.add_file("/etc/ssh/ssh_host_rsa_key.pub", "public");
    fs.add_file("/etc/ssh/sshd_config", "Port 22");
    FakeProcessRunner runner;
    const Plan plan = plan_for(manifest, {}, fs, runner);

    CHECK(plan.groups == std::vector<std::string>{"Config:Ssh"});
    const SkipTask& key = skip_of(task_for(plan, "/etc/ssh/ssh_host_rsa_key"));
    CHECK(key.status == Status::skipped);
    CHECK(key.reason == "forbidden by rule '/etc/ssh/*_key'");
    CHECK(file_of(task_for(plan, "/etc/ssh/ssh_host_rsa_key.pub")).size == 6);
    CHECK(file_of(task_for(plan, "/etc/ssh/sshd_config")).size == 7);
  }

  TEST_CASE("a forbidden directory is not entered by a recursive walk") {
    const Manifest manifest = manifest_from(R"(platform: p
forbid: [/etc/ssh]
groups:
  - id: Config:Etc
    files:
      - {glob: /etc, recursive: true}
)");
    MemoryFileSystem fs;
    fs.add_file("/etc/hosts", "h");
    fs.add_file("/etc/ssh/sshd_config", "Port 22");
    fs.add_file("/etc/ssh/ssh_host_rsa_key", "PRIVATE");
    fs.add_file("/etc/ssl/cert.pem", "cert");
    FakeProcessRunner runner;
    const Plan plan = plan_for(manifest, {}, fs, runner);

    CHECK(sorted_sources(plan) == std::vector<std::string>{"/etc/hosts", "/etc/ssh", "/etc/ssl/cert.pem"});
    CHECK(skip_of(task_for(plan, "/etc/ssh")).reason == "forbidden by rule '/etc/ssh'");
    CHECK(task_for(plan, "/etc/ssl/cert.pem").archive_path == "etc/ssl/cert.pem");
  }

  TEST_CASE("--since skips older files except for entries with since: false") {
    const Manifest manifest = manifest_from(R"(platform: p
groups:
  - id: Logs:Host
    files: [/var/log/*.log]
  - id: Config:Etc
    files:
      - {glob: /etc/*.conf, since: false}
)");
    const Clock::time_point old_time = k_now - hours(24 * 10);
    MemoryFileSystem fs;
    fs.add_file("/var/log/new.log", "new", k_now - hours(1));
    fs.add_file("/var/log/old.log", "old", old_time);
    fs.add_file("/etc/old.conf", "conf", old_time);
    FakeProcessRunner runner;
    const Plan plan = plan_for(manifest, options([](PlanOptions& o) { o.since = k_now - hours(72); }), fs, runner);

    CHECK(file_of(task_for(plan, "/var/log/new.log")).mtime == k_now - hours(1));
    const SkipTask& old = skip_of(task_for(plan, "/var/log/old.log"));
    CHECK(old.status == Status::skipped);
    CHECK(old.reason == "last modified " + format_iso_utc(old_time) + ", before --since");
    CHECK(file_of(task_for(plan, "/etc/old.conf")).mtime == old_time);

    const Plan without_since = plan_for(manifest, {}, fs, runner);
    CHECK(file_of(task_for(without_since, "/var/log/old.log")).size == 3);
  }

  TEST_CASE("caps go into file tasks and the estimate sums the capped sizes") {
    const Manifest manifest = manifest_from(R"(platform: p
groups:
  - id: Logs:Host
    files:
      - /var/log/*.log
      - {glob: /var/log/*.txt, max_bytes: 10}
)");
    MemoryFileSystem fs;
    fs.add_file("/var/log/a.log", std::string(50, 'a'), k_now);
    fs.add_file("/var/log/b.log", std::string(200, 'b'), k_now);
    fs.add_file("/var/log/c.txt", std::string(30, 'c'), k_now);
    FakeProcessRunner runner;
    const Plan plan = plan_for(manifest, options([](PlanOptions& o) { o.max_file_size = 100; }), fs, runner);

    REQUIRE(plan.tasks.size() == 3);
    const FileTask& a = file_of(task_for(plan, "/var/log/a.log"));
    CHECK(a.size == 50);
    CHECK(a.max_bytes == 100);
    CHECK(a.mtime == k_now);
    const FileTask& b = file_of(task_for(plan, "/var/log/b.log"));
    CHECK(b.size == 200);
    CHECK(b.max_bytes == 100);
    const FileTask& c = file_of(task_for(plan, "/var/log/c.txt"));
    CHECK(c.size == 30);
    CHECK(c.max_bytes == 10);
    CHECK(task_for(plan, "/var/log/a.log").archive_path == "var/log/a.log");
    CHECK(plan.estimated_bytes == 50 + 100 + 10);
  }

  TEST_CASE("a FIFO or socket matched by a glob is skipped, never opened") {
    const Manifest manifest = manifest_from(R"(platform: p
groups:
  - id: Run:All
    files: [/run/*]
)");
    MemoryFileSystem fs;
    fs.add_special("/run/fifo", FileType::fifo);
    fs.add_special("/run/sock", FileType::socket);
    fs.add_file("/run/ok", "x");
    FakeProcessRunner runner;
    const Plan plan = plan_for(manifest, {}, fs, runner);

    CHECK(sorted_sources(plan) == std::vector<std::string>{"/run/fifo", "/run/ok", "/run/sock"});
    const Task& fifo = task_for(plan, "/run/fifo");
    CHECK(fifo.archive_path.empty());
    CHECK(skip_of(fifo).status == Status::skipped);
    CHECK(skip_of(fifo).reason == "FIFO: never opened");
    CHECK(skip_of(task_for(plan, "/run/sock")).reason == "socket: never opened");
    CHECK(plan.estimated_bytes == 1);
  }

  TEST_CASE("an entry matching nothing fails unless it is optional") {
    const Manifest manifest = manifest_from(R"(platform: p
groups:
  - id: Logs:Host
    files:
      - /var/log/missing.log
      - {glob: /var/log/*.absent, optional: true}
      - /var/log/present.log
)");
    MemoryFileSystem fs;
    fs.add_file("/var/log/present.log", "here");
    FakeProcessRunner runner;
    const Plan plan = plan_for(manifest, {}, fs, runner);

    REQUIRE(plan.tasks.size() == 3);
    const SkipTask& missing = skip_of(plan.tasks[0]);
    CHECK(plan.tasks[0].source == "/var/log/missing.log");
    CHECK(missing.status == Status::failed);
    CHECK(missing.reason == "no file matches");
    const SkipTask& absent = skip_of(plan.tasks[1]);
    CHECK(plan.tasks[1].source == "/var/log/*.absent");
    CHECK(absent.status == Status::skipped);
    CHECK(absent.reason == "no file matches");
    CHECK(file_of(plan.tasks[2]).size == 4);
  }

  TEST_CASE("commands on the running system run in host mode with their caps") {
    const Manifest manifest = manifest_from(R"(platform: p
groups:
  - id: System:Info
    commands:
      - id: uname
        argv: [uname, -a]
      - id: dmesg
        argv: [dmesg, --ctime]
        timeout: 5s
        max_bytes: 1MiB
)");
    MemoryFileSystem fs;
    FakeProcessRunner runner;
    runner.programs["uname"] = ProcessOutcome{};
    runner.programs["dmesg"] = ProcessOutcome{};
    const Plan plan = plan_for(manifest, options([](PlanOptions& o) { o.max_file_size = 4096; }), fs, runner);

    REQUIRE(plan.tasks.size() == 2);
    const Task& uname = plan.tasks[0];
    CHECK(uname.source == "uname -a");
    CHECK(uname.archive_path == "commands/System_Info/uname.txt");
    const CommandTask& uname_task = command_of(uname);
    CHECK(uname_task.mode == "host");
    CHECK(uname_task.argv == std::vector<std::string>{"uname", "-a"});
    CHECK(uname_task.chroot_dir.empty());
    CHECK(uname_task.timeout == seconds(60));
    CHECK(uname_task.max_bytes == 4096);

    const CommandTask& dmesg = command_of(plan.tasks[1]);
    CHECK(plan.tasks[1].archive_path == "commands/System_Info/dmesg.txt");
    CHECK(dmesg.timeout == seconds(5));
    CHECK(dmesg.max_bytes == (1u << 20));
    CHECK(runner.calls.empty());  // planning runs nothing
  }

  TEST_CASE("argv[0] becomes the path find_program gives") {
    const Manifest manifest = manifest_from(R"(platform: p
groups:
  - id: Network:Base
    commands:
      - id: ip-addr
        argv: [ip, addr, show]
)");
    MemoryFileSystem fs;
    UsrBinRunner runner;
    const Plan plan = plan_for(manifest, {}, fs, runner);
    REQUIRE(plan.tasks.size() == 1);
    CHECK(command_of(plan.tasks[0]).argv == std::vector<std::string>{"/usr/bin/ip", "addr", "show"});
    CHECK(plan.tasks[0].source == "ip addr show");
    CHECK(plan.tasks[0].archive_path == "commands/Network_Base/ip-addr.txt");
  }

  TEST_CASE("an absent program is skipped when optional and failed otherwise") {
    const Manifest manifest = manifest_from(R"(platform: p
groups:
  - id: Storage:Disks
    commands:
      - id: lsblk
        argv: [lsblk, --json]
        optional: true
      - id: vmkchdev
        argv: [vmkchdev, -l]
)");
    MemoryFileSystem fs;
    FakeProcessRunner runner;
    const Plan plan = plan_for(manifest, {}, fs, runner);

    REQUIRE(plan.tasks.size() == 2);
    CHECK(plan.tasks[0].source == "lsblk --json");
    CHECK(plan.tasks[0].archive_path.empty());
    CHECK(skip_of(plan.tasks[0]).status == Status::skipped);
    CHECK(skip_of(plan.tasks[0]).reason == "program not found: lsblk");
    CHECK(skip_of(plan.tasks[1]).status == Status::failed);
    CHECK(skip_of(plan.tasks[1]).reason == "program not found: vmkchdev");
  }

  TEST_CASE("{root} becomes empty when the root is /") {
    const Manifest manifest = manifest_from(R"(platform: p
groups:
  - id: Logs:Journal
    commands:
      - id: journal
        argv: [journalctl, --no-pager, -D, "{root}/var/log/journal"]
        files_only: true
)");
    MemoryFileSystem fs;
    FakeProcessRunner runner;
    runner.programs["journalctl"] = ProcessOutcome{};
    const Plan plan = plan_for(manifest, {}, fs, runner);
    REQUIRE(plan.tasks.size() == 1);
    const CommandTask& task = command_of(plan.tasks[0]);
    CHECK(task.mode == "host");
    CHECK(task.argv ==
          std::vector<std::string>{"journalctl", "--no-pager", "-D", "/var/log/journal"});
  }

  TEST_CASE("with another --root, commands are skipped unless files_only, which gets {root}") {
    const Manifest manifest = manifest_from(R"(platform: p
groups:
  - id: System:Info
    commands:
      - id: uname
        argv: [uname, -a]
      - id: journal
        argv: [journalctl, --no-pager, -D, "{root}/var/log/journal"]
        files_only: true
      - id: twice
        argv: [cat, "--file={root}/etc/a:{root}/etc/b", "{root}"]
        files_only: true
)");
    TempTree root;
    RootedFileSystem fs(root.path());
    FakeProcessRunner runner;
    for (const char* program : {"uname", "journalctl", "cat"}) runner.programs[program] = {};
    const Plan plan = plan_for(manifest, {}, fs, runner);

    REQUIRE(plan.tasks.size() == 3);
    const Task& uname = plan.tasks[0];
    CHECK(uname.source == "uname -a");
    CHECK(uname.archive_path.empty());
    CHECK(skip_of(uname).status == Status::skipped);
    CHECK(skip_of(uname).reason == "describes the running system, not --root " + root.path() +
                                       " (use --chroot to run it inside the root)");
    CHECK(skip_of(uname).reason.find("describes the running system") == 0);

    const CommandTask& journal = command_of(plan.tasks[1]);
    CHECK(journal.mode == "files_only");
    CHECK(journal.chroot_dir.empty());
    CHECK(journal.argv == std::vector<std::string>{"journalctl", "--no-pager", "-D",
                                                   root.path() + "/var/log/journal"});
    CHECK(plan.tasks[1].archive_path == "commands/System_Info/journal.txt");

    const CommandTask& twice = command_of(plan.tasks[2]);
    CHECK(twice.argv == std::vector<std::string>{
                            "cat", "--file=" + root.path() + "/etc/a:" + root.path() + "/etc/b",
                            root.path()});
  }

  TEST_CASE("with --chroot, a command runs inside another root when privileged") {
    const Manifest manifest = manifest_from(R"(platform: p
groups:
  - id: System:Info
    commands:
      - id: uname
        argv: [uname, -a]
)");
    TempTree root;
    RootedFileSystem fs(root.path());
    FakeProcessRunner runner;
    runner.programs["uname"] = {};
    const Plan plan = plan_for(manifest, options([](PlanOptions& o) { o.chroot = true; }), fs, runner);
    REQUIRE(plan.tasks.size() == 1);
    if (::geteuid() == 0) {
      const CommandTask& task = command_of(plan.tasks[0]);
      CHECK(task.mode == "chroot");
      CHECK(task.chroot_dir == root.path());
      CHECK(task.argv == std::vector<std::string>{"uname", "-a"});
    } else {
      CHECK(skip_of(plan.tasks[0]).reason == "--chroot needs root privileges");
    }
  }

  TEST_CASE("tasks and collectors keep manifest order") {
    const Manifest manifest = manifest_from(R"(platform: p
groups:
  - id: Zeta:Last
    files: [/etc/hosts]
    commands:
      - id: uname
        argv: [uname]
  - id: Alpha:First
    commands:
      - id: uptime
        argv: [uptime]
    files:
      - /etc/passwd
      - /etc/group
)");
    MemoryFileSystem fs;
    fs.add_file("/etc/hosts", "h");
    fs.add_file("/etc/passwd", "p");
    fs.add_file("/etc/group", "g");
    FakeProcessRunner runner;
    runner.programs["uname"] = {};
    runner.programs["uptime"] = {};
    const Plan plan = plan_for(manifest, {}, fs, runner);

    CHECK(plan.groups == std::vector<std::string>{"Zeta:Last", "Alpha:First"});
    CHECK(sources(plan) ==
          std::vector<std::string>{"/etc/hosts", "uname", "uptime", "/etc/passwd", "/etc/group"});
    REQUIRE(plan.collectors.size() == 5);
    const struct {
      const char* group;
      const char* kind;
      const char* spec;
    } expected[] = {
        {"Zeta:Last", "files", "/etc/hosts"},   {"Zeta:Last", "commands", "uname"},
        {"Alpha:First", "commands", "uptime"},  {"Alpha:First", "files", "/etc/passwd"},
        {"Alpha:First", "files", "/etc/group"},
    };
    for (std::size_t i = 0; i < plan.collectors.size(); ++i) {
      CAPTURE(i);
      CHECK(plan.collectors[i].group == std::string(expected[i].group));
      CHECK(plan.collectors[i].kind == std::string(expected[i].kind));
      CHECK(plan.collectors[i].spec == std::string(expected[i].spec));
      CHECK(plan.collectors[i].mark.file == "manifests/test.yaml");
      CHECK(plan.tasks[i].collector == i);
    }
  }
}

}  // namespace vmsupport
