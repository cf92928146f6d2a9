// unified_diff (changes/unified_diff): exact `diff -u` text for small inputs
// (expectations checked against GNU diff 3.8 once, then written down here),
// headers and labels, equal, binary and too-large inputs, the output cap, and
// round trips through GNU `patch` (when /usr/bin/patch exists) over edge
// cases, truncated diffs, seeded random edits and a 100,000-line file.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "changes/unified_diff.h"
#include "host/process.h"
#include "../support/temp_tree.h"

using namespace vmsupport;

namespace {

constexpr std::string_view k_patch = "/usr/bin/patch";

// An input pair and the hunks GNU `diff -U<context>` prints for it.
struct ExactCase {
  std::string name;
  std::string before;
  std::string after;
  std::size_t context;
  std::string hunks;
};

// The hunks of `diff` without its --- / +++ lines.
std::string hunks_of(const UnifiedDiff& diff) {
  std::size_t start = 0;
  for (int line = 0; line < 2 && start != std::string::npos; ++line) {
    start = diff.text.find('\n', start);
    if (start != std::string::npos) ++start;
  }
  return start == std::string::npos ? std::string() : diff.text.substr(start);
}

// "1\n2\n...last\n", with the lines in `changed` replaced.
std::string numbered(int last, const std::map<int, std::string>& changed = {}) {
  std::string text;
  for (int i = 1; i <= last; ++i) {
    const auto change = changed.find(i);
    text += (change == changed.end() ? std::to_string(i) : change->second) + "\n";
  }
  return text;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool have_patch() {
  if (std::filesystem::exists(k_patch)) return true;
  MESSAGE("skipped: " << k_patch << " is not installed (package patch)");
  return false;
}

// `before` patched with `diff` by GNU patch -p1 in a temporary tree (a file
// that patch removed reads as empty). A failing patch fails the checks.
std::string apply_patch(const std::string& before, const std::string& diff, const std::string& path) {
  const vmsupport::testing::TempTree tree;
  tree.file("/work/" + path, before);
  tree.file("/change.diff", diff);
  PosixProcessRunner runner;
  ProcessRequest request;
  request.argv = {std::string(k_patch), "--batch", "--silent", "--no-backup-if-mismatch", "-p1",
                  "-d", tree.host("/work"), "-i", tree.host("/change.diff")};
  const ProcessOutcome outcome = runner.run(request);
  INFO("patch said: " << outcome.output);
  CHECK(outcome.end == ProcessOutcome::End::exited);
  CHECK(outcome.exit_code == 0);
  return read_file(tree.host("/work/" + path));
}

// Diffs, patches `before` with the diff and checks that the result is `after`.
void check_round_trip(const std::string& before, const std::string& after, const DiffOptions& options = {},
                      const std::string& path = "etc/app.conf") {
  const UnifiedDiff diff = unified_diff(before, after, path, "baseline", "now", options);
  REQUIRE_FALSE(diff.truncated);
  if (before == after) {
    CHECK(diff.text.empty());
    return;
  }
  INFO("diff:\n" << diff.text);
  CHECK(apply_patch(before, diff.text, path) == after);
}

// A config-like file: many repeated lines ("", "}", ...) among unique ones.
std::vector<std::string> random_lines(std::mt19937& random, std::size_t count) {
  static const std::string k_common[] = {"", "}", "{", "  enabled = true", "# ---", "\tindent"};
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < count; ++i) {
    if (random() % 5 < 2) lines.push_back(k_common[random() % std::size(k_common)]);
    else lines.push_back("key" + std::to_string(random() % 100000) + " = value");
  }
  return lines;
}

// `lines` after `edits` random insertions, deletions and replacements of 1-4 lines.
std::vector<std::string> random_edits(std::mt19937& random, std::vector<std::string> lines, int edits) {
  for (int edit = 0; edit < edits; ++edit) {
    const std::size_t at = random() % (lines.size() + 1);
    const std::size_t run = 1 + random() % 4;
    const auto kind = random() % 3;
    if (kind != 0) {  // delete (and for kind 2 insert in their place)
      const std::size_t end = std::min(lines.size(), at + run);
      lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(std::min(at, end)),
                  lines.begin() + static_cast<std::ptrdiff_t>(end));
    }
    if (kind != 1) {
      const auto fresh = random_lines(random, run);
      lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(std::min(at, lines.size())), fresh.begin(),
                   fresh.end());
    }
  }
  return lines;
}

std::string join(const std::vector<std::string>& lines, std::string_view newline, bool final_newline) {
  std::string text;
  for (const std::string& line : lines) text += line + std::string(newline);
  if (!final_newline && !text.empty()) text.resize(text.size() - newline.size());
  return text;
}

}  // namespace

TEST_SUITE("unit") {

TEST_CASE("small diffs are byte for byte what diff -u prints") {
  const ExactCase cases[] = {
      {"one changed line in the middle", numbered(10), numbered(10, {{5, "five"}}), 3,
       "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"},
      {"changes 2*context apart share a hunk", numbered(20),
       "1\n2\nX\n4\n5\n6\n7\n8\n9\nY\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n", 3,
       "@@ -1,13 +1,13 @@\n 1\n 2\n-3\n+X\n 4\n 5\n 6\n 7\n 8\n 9\n-10\n+Y\n 11\n 12\n 13\n"},
      {"changes 2*context+1 apart get a hunk each", numbered(20),
       "1\n2\nX\n4\n5\n6\n7\n8\n9\n10\nY\n12\n13\n14\n15\n16\n17\n18\n19\n20\n", 3,
       "@@ -1,6 +1,6 @@\n 1\n 2\n-3\n+X\n 4\n 5\n 6\n"
       "@@ -8,7 +8,7 @@\n 8\n 9\n 10\n-11\n+Y\n 12\n 13\n 14\n"},
      {"one-line ranges leave out the count", numbered(10), "1\n2\nX\n4\n5\n6\n7\n8\n9\nY\n", 0,
       "@@ -3 +3 @@\n-3\n+X\n@@ -10 +10 @@\n-10\n+Y\n"},
      {"an insertion names the line before it", "a\nb\nc\n", "a\nb\nX\nc\n", 0, "@@ -2,0 +3 @@\n+X\n"},
      {"a deletion names the line before it", "a\nb\nc\n", "a\nc\n", 0, "@@ -2 +1,0 @@\n-b\n"},
      {"an insertion at the top follows line 0", "a\nb\n", "X\na\nb\n", 0, "@@ -0,0 +1 @@\n+X\n"},
      {"an added file is one hunk", "", "a\nb\n", 3, "@@ -0,0 +1,2 @@\n+a\n+b\n"},
      {"a removed file is one hunk", "a\nb\n", "", 3, "@@ -1,2 +0,0 @@\n-a\n-b\n"},
      {"a one-line file", "a\n", "b\n", 3, "@@ -1 +1 @@\n-a\n+b\n"},
      {"context stops at both ends of the file", "a\nb\nc\n", "a\nB\nc\n", 5,
       "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"},
      {"a last line without newline is marked in context", "a\nb\nc", "a\nB\nc", 3,
       "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n\\ No newline at end of file\n"},
      {"adding the final newline is a change", "a\nb", "a\nb\n", 3,
       "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n"},
      {"dropping the final newline is a change", "a\nb\n", "a\nb", 3,
       "@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n"},
      {"an added file without final newline", "", "a\nb", 3,
       "@@ -0,0 +1,2 @@\n+a\n+b\n\\ No newline at end of file\n"},
      {"a removed file without final newline", "a\nb", "", 3,
       "@@ -1,2 +0,0 @@\n-a\n-b\n\\ No newline at end of file\n"},
      {"CRLF lines keep their carriage return", "a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\n", 3,
       "@@ -1,3 +1,3 @@\n a\r\n-b\r\n+B\r\n c\r\n"},
      {"a CRLF line differs from an LF line", "a\r\nb\r\n", "a\nb\r\n", 3, "@@ -1,2 +1,2 @@\n-a\r\n+a\n b\r\n"},
      {"invalid UTF-8 passes through", "ok\n\xff\xfe bad\nok\n", "ok\n\xc3( worse\nok\n", 3,
       "@@ -1,3 +1,3 @@\n ok\n-\xff\xfe bad\n+\xc3( worse\n ok\n"},
      {"an inserted duplicate slides down", "a\nb\nc\nd\n", "a\nb\nb\nc\nd\n", 3,
       "@@ -1,4 +1,5 @@\n a\n b\n+b\n c\n d\n"},
      {"a deleted duplicate slides down", "x\nk\nk\ny\nz\n", "x\nk\ny\nz\n", 1, "@@ -2,3 +2,2 @@\n k\n-k\n y\n"},
      {"blank lines are lines", "a\n\n\nb\n", "a\n\nb\n\n", 3, "@@ -1,4 +1,4 @@\n a\n \n-\n b\n+\n"},
      {"deletions come before insertions", "a\nb\nc\nd\n", "a\nX\nY\nd\n", 1,
       "@@ -1,4 +1,4 @@\n a\n-b\n-c\n+X\n+Y\n d\n"},
  };
  for (const ExactCase& c : cases) {
    INFO(c.name);
    DiffOptions options;
    options.context = c.context;
    const UnifiedDiff diff = unified_diff(c.before, c.after, "f", "", "", options);
    CHECK(diff.text.starts_with("--- a/f\n+++ b/f\n"));
    CHECK(hunks_of(diff) == c.hunks);
    CHECK_FALSE(diff.truncated);
    CHECK_FALSE(diff.too_large);
    CHECK_FALSE(diff.binary);
  }
}

TEST_CASE("the diff headers name a/PATH and b/PATH with the labels after a tab") {
  struct Case {
    std::string path;
    std::string before_label;
    std::string after_label;
    std::string headers;
  };
  const Case cases[] = {
      {"etc/hosts", "2026-11-20T10:00:00Z", "2026-11-23T06:54:00Z",
       "--- a/etc/hosts\t2026-11-20T10:00:00Z\n+++ b/etc/hosts\t2026-11-23T06:54:00Z\n"},
      {"/etc/hosts", "baseline", "now", "--- a/etc/hosts\tbaseline\n+++ b/etc/hosts\tnow\n"},
      {"commands/esxcli network ip interface list.txt", "", "",
       "--- \"a/commands/esxcli network ip interface list.txt\"\n"
       "+++ \"b/commands/esxcli network ip interface list.txt\"\n"},
      {"etc/caf\xc3\xa9\tx\\y\"z\x01\x7f", "t1", "t2",
       "--- \"a/etc/caf\\303\\251\\tx\\\\y\\\"z\\001\x7f\"\tt1\n"
       "+++ \"b/etc/caf\\303\\251\\tx\\\\y\\\"z\\001\x7f\"\tt2\n"},
  };
  for (const Case& c : cases) {
    INFO(c.path);
    const UnifiedDiff diff = unified_diff("x\n", "y\n", c.path, c.before_label, c.after_label);
    CHECK(diff.text == c.headers + "@@ -1 +1 @@\n-x\n+y\n");
  }
}

TEST_CASE("a side given as an empty view without data is an empty file (UB found by fuzz_baseline)") {
  const UnifiedDiff added = unified_diff(std::string_view{}, "new\n", "f", "", "");
  CHECK(added.stats.added == 1);
  CHECK(unified_diff(std::string_view{}, std::string_view{}, "f", "", "").text.empty());
}

TEST_CASE("equal inputs give no diff at all") {
  const std::string cases[] = {"", "a\n", "no newline", "a\r\nb\r\n", std::string("bin\0ary", 7),
                               numbered(5)};
  DiffOptions options;
  options.max_lines = 2;
  for (const std::string& text : cases) {
    INFO(text);
    const UnifiedDiff diff = unified_diff(text, text, "f", "old", "new", options);
    CHECK(diff.text.empty());
    CHECK(diff.stats.added + diff.stats.removed + diff.stats.hunks == 0);
    CHECK_FALSE(diff.binary);
    CHECK_FALSE(diff.too_large);
    CHECK_FALSE(diff.truncated);
  }
}

TEST_CASE("a NUL byte on either side makes the diff say binary files differ") {
  const std::pair<std::string, std::string> cases[] = {
      {std::string("a\0b\n", 4), "a\n"},
      {"a\n", std::string("\0", 1)},
      {"", std::string("x\ny\0", 4)},
  };
  for (const auto& [before, after] : cases) {
    const UnifiedDiff diff = unified_diff(before, after, "/var/lib/state.db", "old", "new");
    CHECK(diff.binary);
    CHECK(diff.text == "Binary files a/var/lib/state.db and b/var/lib/state.db differ\n");
    CHECK(diff.stats.hunks == 0);
  }
}

TEST_CASE("inputs over max_lines are summed up, not diffed") {
  DiffOptions options;
  options.max_lines = 3;
  const UnifiedDiff big = unified_diff("1\n2\n3\n", "1\n2\n3\n4", "/etc/x", "L1", "L2", options);
  CHECK(big.too_large);
  CHECK(big.text ==
        "Files a/etc/x and b/etc/x differ: too large to diff (4 lines)\n"
        "a/etc/x\tL1\t3 lines, 6 bytes\n"
        "b/etc/x\tL2\t4 lines, 7 bytes\n");
  CHECK(big.stats.hunks == 0);

  options.max_lines = 4;
  const UnifiedDiff fits = unified_diff("1\n2\n3\n", "1\n2\n3\n4", "/etc/x", "", "", options);
  CHECK_FALSE(fits.too_large);
  CHECK(hunks_of(fits) == "@@ -1,3 +1,4 @@\n 1\n 2\n 3\n+4\n\\ No newline at end of file\n");
}

TEST_CASE("diff stats count added and removed lines and hunks") {
  struct Case {
    std::string before;
    std::string after;
    DiffStats stats;
  };
  const Case cases[] = {
      {"", "a\nb\nc\n", {3, 0, 1}},
      {"a\nb\n", "", {0, 2, 1}},
      {numbered(20), "1\n2\nX\n4\n5\n6\n7\n8\n9\n10\n12\n13\n14\n15\n16\n17\n18\n19\n20\nnew\n", {2, 2, 3}},
      {"a\nb", "a\nb\n", {1, 1, 1}},
  };
  for (const Case& c : cases) {
    INFO(c.before << " -> " << c.after);
    const UnifiedDiff diff = unified_diff(c.before, c.after, "f", "", "");
    CHECK(diff.stats.added == c.stats.added);
    CHECK(diff.stats.removed == c.stats.removed);
    CHECK(diff.stats.hunks == c.stats.hunks);
  }
}

TEST_CASE("max_output cuts the diff after the last hunk that fits") {
  const std::string before = numbered(30);
  const std::string after = numbered(30, {{3, "X"}, {15, "Y"}});
  const UnifiedDiff full = unified_diff(before, after, "f", "", "");
  REQUIRE(full.stats.hunks == 2);
  const std::size_t second_hunk = full.text.find("\n@@ ", full.text.find("@@ ")) + 1;
  DiffOptions options;
  options.max_output = second_hunk;
  const UnifiedDiff cut = unified_diff(before, after, "f", "", "", options);
  CHECK(cut.truncated);
  CHECK(cut.text == full.text.substr(0, second_hunk) +
                        "[truncated: the diff exceeds " + std::to_string(second_hunk) +
                        " bytes; 1 of 2 hunks shown in full]\n");
  CHECK(cut.stats.hunks == 2);
  CHECK(cut.stats.added == 2);

  options.max_output = full.text.size();
  CHECK(unified_diff(before, after, "f", "", "", options).text == full.text);
}

TEST_CASE("a diff hunk too big for max_output is cut at a line with its header recounted") {
  struct Case {
    std::string name;
    std::string before;
    std::string after;
    std::size_t max_output;
    std::string text;
  };
  const std::string note = "[truncated: the diff exceeds ";
  const Case cases[] = {
      {"leading context beyond the trailing context is dropped", numbered(10),
       "1\n2\n3\nX\nY\nZ\n7\n8\n9\n10\n", 16 + 16 + 15,
       "--- a/f\n+++ b/f\n@@ -4,2 +3,0 @@\n-4\n-5\n" + note + "47 bytes; 0 of 1 hunks shown in full, hunk 1 in part]\n"},
      {"a cut after context keeps as much context on both ends", numbered(12),
       "1\n2\nX\n4\n5\n6\nY\n8\n9\n10\n11\n12\n", 16 + 18 + 18,
       "--- a/f\n+++ b/f\n@@ -1,5 +1,5 @@\n 1\n 2\n-3\n+X\n 4\n 5\n" + note +
           "52 bytes; 0 of 1 hunks shown in full, hunk 1 in part]\n"},
      {"no hunk at all when not one change fits", numbered(10), numbered(10, {{5, "X"}}), 16 + 16 + 9,
       "--- a/f\n+++ b/f\n" + note + "41 bytes; 0 of 1 hunks shown in full]\n"},
      {"the headers are written even over the cap", "a\n", "b\n", 3,
       "--- a/f\n+++ b/f\n" + note + "3 bytes; 0 of 1 hunks shown in full]\n"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    DiffOptions options;
    options.max_output = c.max_output;
    const UnifiedDiff diff = unified_diff(c.before, c.after, "f", "", "", options);
    CHECK(diff.truncated);
    CHECK(diff.text == c.text);
  }
}

TEST_CASE("patch turns before into after with the diff") {
  if (!have_patch()) return;
  const std::pair<std::string, std::string> cases[] = {
      {"", "a\nb\n"},
      {"a\nb\n", ""},
      {"", "no newline"},
      {"no newline", ""},
      {"a\nb", "a\nb\n"},
      {"a\nb\n", "a\nb"},
      {"a\nb", "a\nc"},
      {"x\n", "x"},
      {"a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\n"},
      {"a\r\nb\r\n", "a\nb\n"},
      {"a\r\nb", "a\r\nb\r\n"},
      {"mixed\r\nends\n", "mixed\nends\r\n"},
      {"ok\n\xff\xfe bad\nok\n", "ok\n\xc3( worse\nok\n\x80"},
      {"\n\n\n", "\n\n"},
      {numbered(40), numbered(40, {{20, "twenty"}})},
      {numbered(40), numbered(40, {{1, "one"}}) + "41\n"},
      {"a\nb\nc\nd\n", "a\nb\nb\nc\nd\n"},
  };
  for (const auto& [before, after] : cases) {
    for (const std::size_t context : {0u, 1u, 3u}) {
      INFO(before << " -> " << after << " with context " << context);
      DiffOptions options;
      options.context = context;
      check_round_trip(before, after, options);
    }
  }
}

TEST_CASE("patch finds files by the quoted names in the diff headers") {
  if (!have_patch()) return;
  const std::string paths[] = {"etc/my app/app conf.txt", "etc/caf\xc3\xa9.conf", "tab\tname",
                               "back\\slash \"quoted\"", "/abs/path.conf"};
  for (const std::string& path : paths) {
    INFO(path);
    check_round_trip("a\nb\n", "a\nc\n", {}, path);
  }
}

TEST_CASE("patch applies a truncated diff as far as it goes") {
  if (!have_patch()) return;
  struct Case {
    std::string name;
    std::string before;
    std::string after;
    std::size_t max_output;
    std::string patched;
  };
  const Case cases[] = {
      {"cut between hunks", numbered(30), numbered(30, {{3, "X"}, {15, "Y"}}), 16 + 37, numbered(30, {{3, "X"}})},
      {"cut inside a hunk after its leading context", numbered(10), "1\n2\n3\nX\nY\nZ\n7\n8\n9\n10\n", 47,
       "1\n2\n3\n6\n7\n8\n9\n10\n"},
      {"cut inside a hunk after trailing context", numbered(12), "1\n2\nX\n4\n5\n6\nY\n8\n9\n10\n11\n12\n", 52,
       numbered(12, {{3, "X"}})},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    DiffOptions options;
    options.max_output = c.max_output;
    const UnifiedDiff diff = unified_diff(c.before, c.after, "f", "", "", options);
    INFO("diff:\n" << diff.text);
    REQUIRE(diff.truncated);
    CHECK(apply_patch(c.before, diff.text, "f") == c.patched);
  }
}

TEST_CASE("patch reproduces 50 random edits of a 2,000-line file from the diff") {
  if (!have_patch()) return;
  for (std::uint32_t seed = 1; seed <= 12; ++seed) {
    std::mt19937 random(seed);
    const auto lines = random_lines(random, 2000);
    const auto edited = random_edits(random, lines, 50);
    const std::string_view newline = seed % 3 == 0 ? "\r\n" : "\n";
    const std::string before = join(lines, newline, seed % 4 != 1);
    const std::string after = join(edited, newline, seed % 4 != 2);
    DiffOptions options;
    options.context = seed % 4;
    INFO("seed " << seed);
    const UnifiedDiff diff = unified_diff(before, after, "etc/app.conf", "baseline", "now", options);
    CHECK(diff.stats.hunks > 0);
    CHECK(diff.stats.added + diff.stats.removed <= 2 * 50 * 4 + 2);
    check_round_trip(before, after, options);
  }
}

TEST_CASE("a 100,000-line file with a few changes diffs exactly") {
  std::mt19937 random(42);
  std::vector<std::string> lines;
  for (int i = 0; i < 100000; ++i) lines.push_back("line " + std::to_string(i) + " " + std::to_string(random()));
  auto edited = lines;
  edited[10] = "changed";
  edited[50000] = "changed too";
  edited.erase(edited.begin() + 70000, edited.begin() + 70005);
  edited.insert(edited.begin() + 90000, "inserted");
  const std::string before = join(lines, "\n", true);
  const std::string after = join(edited, "\n", true);
  const auto start = std::chrono::steady_clock::now();
  const UnifiedDiff diff = unified_diff(before, after, "big.log", "", "");
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  MESSAGE("a 100,000-line diff took " << took.count() << " ms");
  CHECK(diff.stats.hunks == 4);
  CHECK(diff.stats.added == 3);
  CHECK(diff.stats.removed == 7);
  CHECK(diff.text.find("@@ -8,7 +8,7 @@\n line 7 ") != std::string::npos);
  CHECK(diff.text.find("@@ -69998,11 +69998,6 @@\n") != std::string::npos);
  if (have_patch()) CHECK(apply_patch(before, diff.text, "big.log") == after);
}

}  // TEST_SUITE
