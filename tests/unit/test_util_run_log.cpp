// RunLog: the capture for vmsupport.log moves into a spool file once large,
// keeps every line in order, and stays in memory when no spool can be made.
#include <doctest/doctest.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <string>

#include "util/run_log.h"

using namespace vmsupport;

namespace {

std::string text_of(RunLog::Capture& capture) {
  if (capture.body.in_memory()) return capture.body.take_memory();
  std::string text;
  auto read = for_each_chunk(capture.body.range(), 4096, [&text](std::string_view piece) -> Result<void> {
    text.append(piece);
    return {};
  });
  REQUIRE(read.has_value());
  return text;
}

// Whether `text` holds "line 0" ... "line count-1", each once, in order.
bool holds_lines_in_order(const std::string& text, int count) {
  std::size_t at = 0;
  for (int i = 0; i < count; ++i) {
    at = text.find("line " + std::to_string(i) + " of the run\n", at);
    if (at == std::string::npos) return false;
  }
  return true;
}

}  // namespace

TEST_SUITE("unit") {
  TEST_CASE("the run's log spools past its memory limit and keeps every line in order") {
    const std::filesystem::path directory = std::filesystem::temp_directory_path() / "vmsupport-run-log-test";
    std::filesystem::create_directories(directory);
    RunLog log(0, true, false);
    spdlog::debug("line 0 of the run");  // before the spool's directory is known
    log.spool_in(directory.string(), 4096);
    for (int i = 1; i < 2000; ++i) spdlog::debug("line {} of the run", i);
    RunLog::Capture capture = log.take();
    spdlog::debug("line 2000 of the run");  // after take(): stderr only
    CHECK_FALSE(capture.body.in_memory());
    CHECK(capture.lost == 0);
    CHECK(capture.failure.empty());
    const std::string text = text_of(capture);
    CHECK(holds_lines_in_order(text, 2000));
    CHECK(text.find("line 2000 of the run") == std::string::npos);
    std::filesystem::remove_all(directory);
  }

  TEST_CASE("the run's log stays in memory, whole, when its spool cannot be made") {
    RunLog log(0, true, false);
    log.spool_in("/nonexistent/vmsupport-run-log", 1024);
    for (int i = 0; i < 500; ++i) spdlog::debug("line {} of the run", i);
    RunLog::Capture capture = log.take();
    CHECK(capture.body.in_memory());
    CHECK(capture.lost == 0);
    CHECK(holds_lines_in_order(text_of(capture), 500));
  }
}
