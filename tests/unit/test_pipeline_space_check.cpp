// Tests for pipeline/space_check: the bytes a plan is expected to need
// (files with caps, an allowance per command, the assumed ratio, documents,
// --max-size as a ceiling), the groups by planned size, and the refusal
// message on a file system that is too small (the free space of a real
// directory is compared with a need larger than any disk).
#include <doctest/doctest.h>

#include <string>

#include "../support/temp_tree.h"
#include "pipeline/space_check.h"

namespace vmsupport {
namespace {

Task file_task(std::size_t collector, std::uint64_t size, std::uint64_t cap) {
  FileTask file;
  file.size = size;
  file.max_bytes = cap;
  return Task{collector, "/f", "f", file};
}

Plan two_groups() {
  Plan plan;
  plan.collectors = {CollectorPlan{"Logs:Big files /a", "Logs:Big", "files", "/a", {}},
                     CollectorPlan{"Config:Small files /b", "Config:Small", "files", "/b", {}}};
  plan.tasks = {file_task(0, 40 << 20, 25 << 20), file_task(0, 10 << 20, 25 << 20), file_task(1, 1 << 20, 25 << 20)};
  CommandTask command;
  command.max_bytes = 25 << 20;
  plan.tasks.push_back(Task{1, "uname", "u", command});
  plan.estimated_bytes = (25 + 10 + 1) << 20;
  return plan;
}

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("the need is the capped files and a command allowance at 2:1, plus the documents; --max-size caps it") {
    const Plan plan = two_groups();
    const std::uint64_t data = (25ull + 10 + 1) << 20 | (256 << 10);
    CHECK(needed_bytes(plan, Compression::gzip, 0) == data / 2 + (1 << 20) + 4 * 1024);
    CHECK(needed_bytes(plan, Compression::none, 0) == data + (1 << 20) + 4 * 1024);
    CHECK(needed_bytes(plan, Compression::zstd, 5 << 20) == 5u << 20);
  }

  TEST_CASE("groups are listed by planned size, largest first") {
    const auto sizes = group_sizes(two_groups());
    REQUIRE(sizes.size() == 2);
    CHECK(sizes[0] == std::pair<std::string, std::uint64_t>{"Logs:Big", 35ull << 20});
    CHECK(sizes[1] == std::pair<std::string, std::uint64_t>{"Config:Small", (1ull << 20) + (256 << 10)});
  }

  TEST_CASE("standard output and a directory with room pass; too little room fails naming sizes and ways out") {
    testing::TempTree tree;
    Plan plan = two_groups();
    CHECK(check_free_space(plan, "-", Compression::gzip, 0).has_value());
    CHECK(check_free_space(plan, tree.path() + "/b.tgz", Compression::gzip, 0).has_value());
    plan.tasks.push_back(file_task(0, 1ull << 60, 1ull << 60));  // an exabyte: no disk has it
    const auto refused = check_free_space(plan, tree.path() + "/b.tgz", Compression::gzip, 0);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().message.starts_with("not enough free space in " + tree.path() + ": the bundle needs about "));
    CHECK(refused.error().message.find(" is free") != std::string::npos);
    CHECK(refused.error().hint.find("--exclude GROUP: Logs:Big (") != std::string::npos);
    CHECK(refused.error().hint.find("Config:Small (1.2 MiB)") != std::string::npos);
    CHECK(refused.error().hint.find("-o -") != std::string::npos);
    CHECK(refused.error().hint.find("--no-space-check") != std::string::npos);
  }

  TEST_CASE("a virtual file system is not writable, whatever space it reports") {
    const auto refused = check_free_space(two_groups(), "/proc/b.tgz", Compression::gzip, 0);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().message == "output not writable: /proc: a virtual file system (like /proc) that takes no files");
    CHECK(refused.error().hint.find("-o /var/tmp/") != std::string::npos);
  }
}

}  // namespace vmsupport
