// Unified diffs for the "recent changes" report: two versions of a file (or of
// a command's output) compared line by line and printed the way GNU `diff -u`
// prints them, so that `patch -p1` accepts the result. Pure functions, no I/O;
// bytes pass through unchanged (CRLF, invalid UTF-8), binary and very large
// inputs get a one-paragraph summary instead of hunks, and the text is capped.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vmsupport {

// Knobs for unified_diff(); the defaults suit config files and command outputs.
struct DiffOptions {
  // Unchanged lines shown around each change, like `diff -U`. Changes at most
  // 2 * context lines apart share a hunk.
  std::size_t context = 3;
  // Cap on the text's size. Whole hunks are written while the text stays
  // within it; the hunk that does not fit is cut at a line boundary (its @@
  // header counts only the lines written) and a final "[truncated: ...]"
  // line, not counted in the cap, says so. The --- / +++ lines are always
  // written.
  std::size_t max_output = std::size_t{1} << 20;
  // Inputs with more lines than this on either side are not diffed line by
  // line: the text names both sides with their line counts and sizes only.
  std::size_t max_lines = 200000;
};

// How much the diff changes; counted over the whole diff even when truncated.
struct DiffStats {
  std::size_t added = 0;    // "+" lines
  std::size_t removed = 0;  // "-" lines
  std::size_t hunks = 0;    // @@ hunks
};

// The result of unified_diff(). At most one of the flags is set.
struct UnifiedDiff {
  // The diff: "--- a/PATH\tBEFORE_LABEL\n+++ b/PATH\tAFTER_LABEL\n" then the
  // @@ hunks; empty when the inputs are equal. See the flags for the other forms.
  std::string text;
  DiffStats stats;
  // max_output was reached: hunks are missing or cut short (see DiffOptions).
  bool truncated = false;
  // max_lines was exceeded: `text` is "Files a/PATH and b/PATH differ: too
  // large to diff (N lines)\n" (N: the larger side's line count) and a line
  // per side, "a/PATH\tLABEL\tN lines, B bytes\n"; no hunks, stats are zero.
  bool too_large = false;
  // A side contains a NUL byte: `text` is "Binary files a/PATH and b/PATH
  // differ\n", as GNU diff prints it (PATH never quoted); stats are zero.
  bool binary = false;
};

// Diffs `before` and `after` (whole file contents) line by line, as
// `diff -u` does: lines keep their terminators ("a\r\n" differs from "a\n",
// and a change that only adds or drops the final newline is a change), a last
// line without "\n" is followed by "\ No newline at end of file", an empty
// side gives one hunk "@@ -0,0 +1,N @@" (or "@@ -1,N +0,0 @@"), and hunk
// ranges follow GNU's conventions (",1" omitted, an empty range "L,0" names
// the line before it). `path` names the file in the headers as a/PATH and
// b/PATH, leading '/' removed, in double quotes with C escapes when it holds
// a space, '"', '\', a control byte or a byte over 127 (as GNU diff 3.8 and
// `patch` do); a non-empty label follows the name after a tab, where GNU diff
// prints the mtime (e.g. the baseline's and the collect's ISO times). Labels
// are written as they are, so they must not hold a newline or tab. Among equally short edit scripts it picks the one GNU diff
// picks in most cases (changes slid down as far as they go, merged where
// they can be), so the output usually matches `diff -u` byte for byte.
UnifiedDiff unified_diff(std::string_view before, std::string_view after, std::string_view path,
                         std::string_view before_label, std::string_view after_label,
                         const DiffOptions& options = {});

}  // namespace vmsupport
