// Pass 1 of `vmsupport scrub` (pipeline/rescrub_survey): on small archives
// written here, the top directory is found, only inventory files and
// implied directories are kept, a vm-support top directory names the host,
// and a cut-short archive fails.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "../support/temp_tree.h"
#include "bundle/archive_writer.h"
#include "manifest/loader.h"
#include "pipeline/rescrub_survey.h"

using namespace vmsupport;

namespace {

// Writes a .tgz whose members (path below `top`, content) go through the explicit pass-through.
std::string write_archive(const testing::TempDir& dir, const std::string& top,
                          const std::vector<std::pair<std::string, std::string>>& members) {
  const std::string path = (dir.path() / "in.tgz").string();
  auto writer = ArchiveWriter::open(path, Compression::gzip, top);
  REQUIRE(writer);
  PassThroughScrubber pass("test input");
  for (const auto& [name, content] : members) {
    CollectedItem item;
    item.archive_path = name;
    item.content = content;
    REQUIRE((*writer)->add(pass.scrub(std::move(item))));
  }
  REQUIRE((*writer)->commit());
  return path;
}

Result<BundleSurvey> survey(const std::string& path) {
  static const auto manifests = load_builtin_manifests();
  REQUIRE(manifests);
  auto reader = ArchiveReader::open(path);
  REQUIRE(reader);
  return survey_bundle(**reader, *manifests);
}

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE(
      "the survey of a vm-support-like archive keeps inventory files and implied directories "
      "only") {
    testing::TempDir dir;
    const std::string top = "esx-esx01.corp.example-2026-11-23--08.00-12345";
    const std::string path =
        write_archive(dir, top,
                      {{"etc/vmware/esx.conf", "/adv/Misc/HostName = \"esx01\"\n"},
                       {"vmfs/volumes/ds1/Web 01/Web 01.vmx", "displayName = \"Web 01\"\n"},
                       {"vmfs/volumes/ds1/db/vmware.log", "log\n"},
                       {"commands/uname_-a.txt", "VMkernel esx01\n"}});
    auto s = survey(path);
    REQUIRE(s);
    CHECK(s->top_dir == top);
    CHECK(s->entries == 4);
    CHECK(s->host_name == "esx01.corp.example");
    CHECK(s->own_manifest.is_null());
    CHECK(s->files.read("/etc/vmware/esx.conf", 1 << 20).value().bytes.find("esx01") !=
          std::string::npos);
    CHECK(s->files.stat("/vmfs/volumes/ds1/Web 01/Web 01.vmx"));
    CHECK(s->files.stat("/vmfs/volumes/ds1/db").value().type == FileType::directory);
    CHECK(s->files.stat("/vmfs/volumes/ds1/db/vmware.log"));  // read for users named in it
    CHECK_FALSE(s->files.stat("/commands/uname_-a.txt"));
  }

  TEST_CASE("the survey reads vmsupport's own manifest.json and its host name") {
    testing::TempDir dir;
    const std::string manifest =
        R"({"tool": {"name": "vmsupport"}, "host": {"hostname": "web7.corp.example"}})";
    auto s = survey(write_archive(dir, "vmsupport-web7-20261123T065400Z",
                                  {{"manifest.json", manifest}, {"etc/hosts", ""}}));
    REQUIRE(s);
    CHECK(s->own_manifest.is_object());
    CHECK(s->host_name == "web7.corp.example");
    CHECK_FALSE(s->files.stat("/manifest.json"));
  }

  TEST_CASE("the survey fails on a cut-short archive, naming it") {
    testing::TempDir dir;
    std::string big;
    for (int i = 0; i < 20000; ++i) big += "line " + std::to_string(i * 7919) + "\n";
    const std::string path =
        write_archive(dir, "top", {{"var/log/a.log", big}, {"etc/hosts", "x\n"}});
    std::stringstream bytes;
    bytes << std::ifstream(path, std::ios::binary).rdbuf();
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        << bytes.str().substr(0, bytes.str().size() / 2);
    auto s = survey(path);
    REQUIRE_FALSE(s);
    CHECK(s.error().message.find("in.tgz: archive is damaged or cut short") != std::string::npos);
  }

  TEST_CASE("a member's path below the top directory") {
    CHECK(below_top("top/etc/hosts", "top") == "etc/hosts");
    CHECK(below_top("top", "top") == "");
    CHECK(below_top("etc/hosts", "") == "etc/hosts");
    CHECK(below_top("other/etc/hosts", "top") == "other/etc/hosts");
  }

}  // TEST_SUITE
