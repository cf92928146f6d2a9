// Tests for kinds/files on a host that refuses or changes under the run:
// a directory or file the run may not read (permission denied: a failure,
// flagged for the non-root hint), a path too long for the kernel, a file
// deleted between the plan and the read (vanished: a skip), and the reasons
// RootedFileSystem gives for symlinks that lead nowhere inside the root.
#include <doctest/doctest.h>

#include "../support/temp_tree.h"

#include <unistd.h>

#include <cerrno>
#include <map>
#include <string>

#include "host/filesystem.h"
#include "host/process.h"
#include "kinds/registry.h"
#include "manifest/loader.h"
#include "plan/plan.h"

namespace vmsupport {
namespace {

// MemoryFileSystem whose operations on some paths fail with a given errno.
class RefusingFileSystem final : public FileSystem {
 public:
  MemoryFileSystem inner;
  std::map<std::string, int> refused;  // path -> errno, for every operation on it

  const std::string& root() const override { return inner.root(); }
  Result<FileInfo> stat(const std::string& path, bool follow) override {
    if (auto code = refusal(path)) return fail_errno(code, path, ": ", errno_text(code));
    return inner.stat(path, follow);
  }
  Result<std::vector<std::string>> list_dir(const std::string& path) override {
    if (auto code = refusal(path)) return fail_errno(code, path, ": ", errno_text(code));
    return inner.list_dir(path);
  }
  Result<FileContent> read(const std::string& path, std::uint64_t max_bytes) override {
    if (auto code = refusal(path)) return fail_errno(code, path, ": ", errno_text(code));
    return inner.read(path, max_bytes);
  }
  Result<OpenedFile> open(const std::string& path, std::uint64_t max_bytes) override {
    if (auto code = refusal(path)) return fail_errno(code, path, ": ", errno_text(code));
    return inner.open(path, max_bytes);
  }

 private:
  int refusal(const std::string& path) const {
    const auto it = refused.find(path);
    return it == refused.end() ? 0 : it->second;
  }
};

Plan plan_of(const std::string& yaml, FileSystem& fs) {
  static std::vector<Manifest> kept;  // the plan points into its manifest
  auto manifest = load_manifest(yaml, "manifests/test.yaml");
  REQUIRE_MESSAGE(manifest.has_value(), (manifest ? "" : manifest.error().message));
  kept.push_back(*manifest);
  FakeProcessRunner runner;
  auto plan = build_plan(PlatformChoice{&kept.back(), "test", {}}, PlanOptions{}, fs, runner);
  REQUIRE_MESSAGE(plan.has_value(), (plan ? "" : plan.error().message));
  return *plan;
}

const Task& task_for(const Plan& plan, const std::string& source) {
  for (const Task& task : plan.tasks) {
    if (task.source == source) return task;
  }
  FAIL("no task for " << source);
  return plan.tasks.front();
}

CollectedItem collect(const Task& task, FileSystem& fs) {
  FakeProcessRunner runner;
  CollectContext context{fs, runner, std::chrono::steady_clock::now() + std::chrono::minutes(1), nullptr};
  return collect_task(task, context);
}

const char* k_manifest = R"(platform: test
groups:
  - id: Logs:Test
    files:
      - { glob: /var/log/vendor, recursive: true }
      - { glob: "/var/log/*.log" }
)";

const std::string k_not_root = geteuid() == 0 ? "" : " (not running as root)";

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("a directory the run may not list is a failure saying permission denied, flagged") {
    RefusingFileSystem fs;
    fs.inner.add_file("/var/log/vendor/secret/a.log", "a\n");
    fs.inner.add_file("/var/log/vendor/open.log", "b\n");
    fs.inner.add_file("/var/log/a.log", "c\n");
    fs.refused["/var/log/vendor/secret"] = EACCES;
    const Plan plan = plan_of(k_manifest, fs);
    const auto* skip = std::get_if<SkipTask>(&task_for(plan, "/var/log/vendor/secret").work);
    REQUIRE(skip != nullptr);
    CHECK(skip->status == Status::failed);
    CHECK(skip->reason == "permission denied" + k_not_root);
    CHECK(skip->permission_denied);
    const CollectedItem item = collect(task_for(plan, "/var/log/vendor/secret"), fs);
    CHECK(item.status == Status::failed);
    CHECK(item.permission_denied);
    CHECK(std::holds_alternative<FileTask>(task_for(plan, "/var/log/vendor/open.log").work));
  }

  TEST_CASE("a file the run may not read fails with permission denied, flagged; others are read") {
    RefusingFileSystem fs;
    fs.inner.add_file("/var/log/a.log", "a\n");
    fs.inner.add_file("/var/log/b.log", "b\n");
    fs.inner.add_file("/var/log/vendor/x.log", "x\n");
    const Plan plan = plan_of(k_manifest, fs);
    fs.refused["/var/log/a.log"] = EACCES;  // stat was allowed, open is not (mode 0600)
    const CollectedItem denied = collect(task_for(plan, "/var/log/a.log"), fs);
    CHECK(denied.status == Status::failed);
    CHECK(denied.reason == "permission denied" + k_not_root);
    CHECK(denied.permission_denied);
    CHECK(denied.archive_path.empty());
    const CollectedItem read = collect(task_for(plan, "/var/log/b.log"), fs);
    CHECK(read.status == Status::ok);
    CHECK_FALSE(read.permission_denied);
    CHECK(read.content == "b\n");
  }

  TEST_CASE("a file deleted after the plan listed it is a skip saying it vanished") {
    RefusingFileSystem fs;
    fs.inner.add_file("/var/log/a.log", "a\n");
    fs.inner.add_file("/var/log/vendor/x.log", "x\n");
    const Plan plan = plan_of(k_manifest, fs);
    fs.refused["/var/log/a.log"] = ENOENT;
    const CollectedItem item = collect(task_for(plan, "/var/log/a.log"), fs);
    CHECK(item.status == Status::skipped);
    CHECK(item.reason == "vanished: deleted after it was listed (/var/log/a.log: No such file or directory)");
    CHECK_FALSE(item.permission_denied);
    CHECK_FALSE(is_failure(item.status));
  }

  TEST_CASE("an I/O error is a failure naming it, not a permission problem") {
    RefusingFileSystem fs;
    fs.inner.add_file("/var/log/a.log", "a\n");
    fs.inner.add_file("/var/log/vendor/x.log", "x\n");
    const Plan plan = plan_of(k_manifest, fs);
    fs.refused["/var/log/a.log"] = EIO;
    const CollectedItem item = collect(task_for(plan, "/var/log/a.log"), fs);
    CHECK(item.status == Status::failed);
    CHECK(item.reason == "I/O error: /var/log/a.log: Input/output error");
    CHECK_FALSE(item.permission_denied);
  }

  TEST_CASE("a path too long for the kernel is skipped with its length") {
    RefusingFileSystem fs;
    fs.inner.add_file("/var/log/vendor/deep/x.log", "x\n");
    fs.inner.add_file("/var/log/a.log", "a\n");
    fs.refused["/var/log/vendor/deep"] = ENAMETOOLONG;
    const Plan plan = plan_of(k_manifest, fs);
    const auto* skip = std::get_if<SkipTask>(&task_for(plan, "/var/log/vendor/deep").work);
    REQUIRE(skip != nullptr);
    CHECK(skip->status == Status::skipped);
    CHECK(skip->reason == "path too long to open: 20 bytes with the root, the kernel takes at most 4096");
  }

  TEST_CASE("a symlink whose target is not inside the root says so; a dangling one on / too") {
    vmsupport::testing::TempTree tree;
    tree.file("/var/log/real.log", "r\n");
    tree.symlink("/nowhere/secret.txt", "/var/log/out.log");
    tree.symlink("../../../../outside/secret.txt", "/var/log/up.log");
    RootedFileSystem fs(tree.path());
    auto out = fs.stat("/var/log/out.log");
    REQUIRE_FALSE(out.has_value());
    CHECK(out.error().code == ENOENT);
    CHECK(out.error().message ==
          "/var/log/out.log: symlink to /nowhere/secret.txt: not found inside the root (No such file or "
          "directory); links are never followed out of the root");
    auto up = fs.stat("/var/log/up.log");
    REQUIRE_FALSE(up.has_value());
    CHECK(up.error().message.find("symlink to ../../../../outside/secret.txt: not found inside the root") !=
          std::string::npos);
    auto plain = fs.stat("/var/log/missing.log");
    REQUIRE_FALSE(plain.has_value());
    CHECK(plain.error().message == "/var/log/missing.log: No such file or directory");

    RootedFileSystem host("/");
    const std::string link = tree.path() + "/var/log/out.log";
    auto dangling = host.stat(link);
    REQUIRE_FALSE(dangling.has_value());
    CHECK(dangling.error().message == link + ": dangling symlink to /nowhere/secret.txt (No such file or directory)");
  }
}

}  // namespace vmsupport
