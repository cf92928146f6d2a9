// Tests for the cli's progress line: its text at each step, the estimate of
// time left, shortening to the terminal's width, and when it is shown.
#include <doctest/doctest.h>

#include "progress.h"

namespace vmsupport::cli {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST_SUITE("unit") {

TEST_CASE("time left follows the share of bytes gathered") {
  Progress p{"collect", "Logs:Host files /var/log/*.log", 10, 100, 25 << 20, 100 << 20};
  CHECK(estimate_remaining(p, seconds(10)).value() == seconds(30));
  p.bytes = 0;
  CHECK_FALSE(estimate_remaining(p, seconds(10)).has_value());  // nothing done yet: no guess
  p.bytes = 50 << 20;
  CHECK_FALSE(estimate_remaining(p, milliseconds(500)).has_value());  // too early
  p.estimated_bytes = 0;  // no size estimate: tasks decide
  CHECK(estimate_remaining(p, seconds(10)).value() == seconds(90));
  p.bytes = 200 << 20;  // more than estimated (files grew): a short, not negative, guess
  p.estimated_bytes = 100 << 20;
  CHECK(estimate_remaining(p, seconds(99)).value() == seconds(1));
}

TEST_CASE("clock times for people") {
  CHECK(format_clock(seconds(0)) == "0:00");
  CHECK(format_clock(seconds(42)) == "0:42");
  CHECK(format_clock(seconds(62)) == "1:02");
  CHECK(format_clock(seconds(3723)) == "1:02:03");
}

TEST_CASE("the progress line says the step, counts, bytes, elapsed, estimate and collector") {
  const Progress p{"collect", "Logs:Host files /var/run/log/*.log", 12, 40, 5 << 20, 20 << 20};
  CHECK(render_progress_line(p, seconds(3), 200) ==
        "collect 12/40  5.0 MiB  0:03, about 0:09 left  Logs:Host files /var/run/log/*.log");
  CHECK(render_progress_line(Progress{"inventory", "", 0, 0, 0, 0}, seconds(1), 80) == "inventory  0:01");
  CHECK(render_progress_line(Progress{"documents", "", 40, 40, 7 << 20, 0}, seconds(5), 80) ==
        "documents  7.0 MiB  0:05");
}

TEST_CASE("a long collector id is shortened from the left to fit the width") {
  const Progress p{"collect", "Logs:Host files /vmfs/volumes/datastore1/some-very-long-vm-directory/vmware.log", 1, 2,
                   0, 0};
  const std::string line = render_progress_line(p, seconds(0), 60);
  CHECK(line.size() < 60);
  CHECK(line.starts_with("collect 1/2  0 B  0:00"));
  CHECK(line.ends_with("vmware.log"));
  CHECK(line.find("...") != std::string::npos);
  CHECK(render_progress_line(p, seconds(0), 12).size() < 12);
}

TEST_CASE("progress only on a terminal, and not with -q, --json or -v") {
  CHECK(progress_wanted(true, false, false, 0));
  CHECK_FALSE(progress_wanted(false, false, false, 0));
  CHECK_FALSE(progress_wanted(true, true, false, 0));
  CHECK_FALSE(progress_wanted(true, false, true, 0));
  CHECK_FALSE(progress_wanted(true, false, false, 1));
}

}  // TEST_SUITE

}  // namespace vmsupport::cli
