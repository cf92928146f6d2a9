// Tests for util/small_file: a regular file read whole; a directory, a FIFO
// (without blocking), a missing file and a file over the cap refused, naming it.
#include <doctest/doctest.h>

#include "../support/temp_tree.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "util/small_file.h"

namespace vmsupport {
namespace {

using vmsupport::testing::TempDir;

TEST_SUITE("unit") {

TEST_CASE("a small file is read whole; others are refused with the path and the reason") {
  TempDir tmp;
  const std::string file = (tmp.path() / "m.yaml").string();
  std::ofstream(file) << "platform: x\n";
  auto text = read_small_file(file, 100, "a manifest");
  REQUIRE(text);
  CHECK(*text == "platform: x\n");

  auto large = read_small_file(file, 5, "a manifest");
  REQUIRE_FALSE(large);
  CHECK(large.error().message == file + ": 12 B is too large for a manifest (at most 5 B)");

  auto directory = read_small_file(tmp.path().string(), 100, "a manifest");
  REQUIRE_FALSE(directory);
  CHECK(directory.error().message == tmp.path().string() + ": is a directory, not a manifest");

  const std::string fifo = (tmp.path() / "fifo.yaml").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto pipe = read_small_file(fifo, 100, "a manifest");  // returns at once: no writer is awaited
  REQUIRE_FALSE(pipe);
  CHECK(pipe.error().message.find("not a regular file") != std::string::npos);

  auto missing = read_small_file((tmp.path() / "none").string(), 100, "a manifest");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ENOENT);
  CHECK(missing.error().message.find("cannot read it: No such file or directory") != std::string::npos);
}

}  // TEST_SUITE
}  // namespace
}  // namespace vmsupport
