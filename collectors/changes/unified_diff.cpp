// Unified diffs in GNU `diff -u` format (see unified_diff.h). The texts are
// split into lines that keep their terminators; the common head and tail are
// cut off, the remaining lines are numbered by content, lines found on one
// side only are marked changed outright (as GNU diff discards them), and
// dtl's O(NP) algorithm finds a shortest edit script for the rest. GNU's
// shift_boundaries() then slides the changed runs to where GNU puts them, and
// the changes are grouped into hunks and printed with GNU's conventions.
#include "changes/unified_diff.h"

#include <algorithm>
#include <cstring>
#include <span>
#include <unordered_map>
#include <vector>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <dtl/dtl.hpp>
#pragma GCC diagnostic pop

namespace vmsupport {
namespace {

using Lines = std::vector<std::string_view>;
using LineSpan = std::span<const std::string_view>;

constexpr std::string_view k_no_newline = "\\ No newline at end of file\n";

// One run of changed lines, in 0-based whole-file line numbers: lines
// [old_start, old_start + deleted) of `before` become lines
// [new_start, new_start + inserted) of `after`.
struct Change {
  std::size_t old_start = 0;
  std::size_t deleted = 0;
  std::size_t new_start = 0;
  std::size_t inserted = 0;
};

// Changes [first, last) of the change list, printed as one @@ hunk.
struct Hunk {
  std::size_t first = 0;
  std::size_t last = 0;
};

// One printed line of a hunk: ' ', '-' or '+' and the line with its "\n".
struct HunkLine {
  char mark = ' ';
  std::string_view text;
};

// A hunk ready to print: where it starts on each side and its lines.
struct HunkBody {
  std::size_t old_begin = 0;
  std::size_t new_begin = 0;
  std::vector<HunkLine> lines;
};

// Lines [head, old_end) of `before` and [head, new_end) of `after`: a part of
// both files between a common head and a common tail.
struct Window {
  std::size_t head = 0;
  std::size_t old_end = 0;
  std::size_t new_end = 0;
};

// The lines of a window numbered by content: equal lines, equal numbers.
struct Classes {
  std::vector<std::size_t> a;
  std::vector<std::size_t> b;
  std::size_t count = 0;
};

// dtl's comparator, without the virtual call of dtl::Compare.
struct ClassEqual {
  bool impl(const std::size_t& x, const std::size_t& y) const { return x == y; }
};

// Lines that keep their "\n" (and a "\r" before it); a last line without "\n"
// is kept as it is. No empty lines: "" has no lines.
Lines split_lines(std::string_view text) {
  Lines lines;
  lines.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t newline = text.find('\n', start);
    const std::size_t end = newline == std::string_view::npos ? text.size() : newline + 1;
    lines.push_back(text.substr(start, end - start));
    start = end;
  }
  return lines;
}

std::size_t count_lines(std::string_view text) {
  const auto newlines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  return newlines + (!text.empty() && text.back() != '\n' ? 1 : 0);
}

// find(), not memchr: an empty view may have no data pointer (UB for memchr).
bool has_nul(std::string_view text) { return text.find('\0') != std::string_view::npos; }

std::size_t common_head(const Lines& a, const Lines& b) {
  std::size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  return head;
}

// Lines [head, end) of both files without their common tail.
Window trim_tail(const Lines& a, const Lines& b, std::size_t head) {
  Window window{head, a.size(), b.size()};
  while (window.old_end > head && window.new_end > head &&
         a[window.old_end - 1] == b[window.new_end - 1]) {
    --window.old_end;
    --window.new_end;
  }
  return window;
}

// The smallest window that holds every change: the edit script's input.
Window change_window(const Lines& a, const Lines& b) { return trim_tail(a, b, common_head(a, b)); }

// The window GNU diff compares (find_identical_ends() in its io.c): it gives
// `horizon` lines of the common head and tail back, so that changes can slide
// into them. It holds the change window that starts at `head`.
Window gnu_window(const Lines& a, const Lines& b, std::size_t head, std::size_t horizon) {
  Window window = trim_tail(a, b, head - std::min(head, horizon));
  window.old_end += std::min(horizon, a.size() - window.old_end);
  window.new_end += std::min(horizon, b.size() - window.new_end);
  return window;
}

Classes classify(LineSpan a, LineSpan b) {
  std::unordered_map<std::string_view, std::size_t> numbers;
  numbers.reserve(a.size() + b.size());
  const auto number = [&numbers](std::string_view line) {
    return numbers.try_emplace(line, numbers.size()).first->second;
  };
  Classes classes;
  classes.a.reserve(a.size());
  classes.b.reserve(b.size());
  for (std::string_view line : a) classes.a.push_back(number(line));
  for (std::string_view line : b) classes.b.push_back(number(line));
  classes.count = numbers.size();
  return classes;
}

// The lines of one side whose content occurs on the other side: their
// positions and classes. The others can only be changes; they are marked so.
struct Matchable {
  std::vector<std::size_t> positions;
  std::vector<std::size_t> classes;
};

Matchable keep_matchable(std::span<const std::size_t> side, std::span<const std::size_t> other,
                         std::size_t class_count, char* changed) {
  std::vector<char> on_other(class_count, 0);
  for (std::size_t number : other) on_other[number] = 1;
  Matchable kept;
  for (std::size_t i = 0; i < side.size(); ++i) {
    if (!on_other[side[i]]) {
      changed[i] = 1;
      continue;
    }
    kept.positions.push_back(i);
    kept.classes.push_back(side[i]);
  }
  return kept;
}

// Marks the lines that a shortest edit script between `a` and `b` deletes
// (in changed_a) and inserts (in changed_b).
void mark_edit_script(const Matchable& a, const Matchable& b, char* changed_a, char* changed_b) {
  if (a.classes.empty() || b.classes.empty()) {
    for (std::size_t position : a.positions) changed_a[position] = 1;
    for (std::size_t position : b.positions) changed_b[position] = 1;
    return;
  }
  dtl::Diff<std::size_t, std::vector<std::size_t>, ClassEqual> diff(a.classes, b.classes);
  diff.compose();
  const auto script = diff.getSes().getSequence();
  std::size_t i = 0;
  std::size_t j = 0;
  for (const auto& step : script) {
    if (step.second.type == dtl::SES_DELETE) {
      changed_a[a.positions[i++]] = 1;
    } else if (step.second.type == dtl::SES_ADD) {
      changed_b[b.positions[j++]] = 1;
    } else {
      ++i;
      ++j;
    }
  }
}

// GNU diff's shift_boundaries() for one side: slides each run of changed
// lines up, then down as far as equal lines allow (merging with neighbouring
// runs), then back up to line up with a run on the other side if it can.
// `changed` and `other` have readable sentinels 0 at [-1] and [size].
class BoundaryShifter {
 public:
  BoundaryShifter(char* changed, const char* other, const std::size_t* classes, std::ptrdiff_t size)
      : m_changed(changed), m_other(other), m_classes(classes), m_end(size) {}

  void shift_all() {
    while (find_run()) settle_run();
  }

 private:
  // Moves to the next run [m_start, m_i); m_j follows on the other side.
  bool find_run() {
    while (m_i < m_end && !m_changed[m_i]) {
      while (m_other[m_j++]) {
      }
      ++m_i;
    }
    if (m_i == m_end) return false;
    m_start = m_i;
    while (m_changed[++m_i]) {
    }
    while (m_other[m_j]) ++m_j;
    return true;
  }

  void settle_run() {
    std::ptrdiff_t corresponding = m_end;
    std::ptrdiff_t length = 0;
    do {
      length = m_i - m_start;
      slide_up();
      corresponding = m_other[m_j - 1] ? m_i : m_end;
      slide_down(corresponding);
    } while (length != m_i - m_start);
    while (corresponding < m_i) {
      m_changed[--m_start] = 1;
      m_changed[--m_i] = 0;
      while (m_other[--m_j]) {
      }
    }
  }

  void slide_up() {
    while (m_start != 0 && m_classes[m_start - 1] == m_classes[m_i - 1]) {
      m_changed[--m_start] = 1;
      m_changed[--m_i] = 0;
      while (m_changed[m_start - 1]) --m_start;
      while (m_other[--m_j]) {
      }
    }
  }

  void slide_down(std::ptrdiff_t& corresponding) {
    while (m_i != m_end && m_classes[m_start] == m_classes[m_i]) {
      m_changed[m_start++] = 0;
      m_changed[m_i++] = 1;
      while (m_changed[m_i]) ++m_i;
      while (m_other[++m_j]) corresponding = m_i;
    }
  }

  char* m_changed;
  const char* m_other;
  const std::size_t* m_classes;
  std::ptrdiff_t m_end;
  std::ptrdiff_t m_start = 0;
  std::ptrdiff_t m_i = 0;
  std::ptrdiff_t m_j = 0;
};

// GNU diff's build_script(): the runs of changed lines as Changes, shifted
// by `head` to whole-file line numbers. Both arrays end with a sentinel 0.
std::vector<Change> collect_changes(const char* changed_a, std::size_t size_a, const char* changed_b,
                                    std::size_t size_b, std::size_t head) {
  std::vector<Change> changes;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < size_a || j < size_b) {
    if (changed_a[i] || changed_b[j]) {
      const std::size_t line_a = i;
      const std::size_t line_b = j;
      while (changed_a[i]) ++i;
      while (changed_b[j]) ++j;
      changes.push_back({head + line_a, i - line_a, head + line_b, j - line_b});
    }
    ++i;
    ++j;
  }
  return changes;
}

// Marks the lines of the change window `inner` that an edit script changes,
// in flags indexed from the start of the window `outer` that holds it.
void mark_changes(const Classes& classes, const Window& inner, const Window& outer, char* changed_a,
                  char* changed_b) {
  const std::size_t offset = inner.head - outer.head;
  const auto a = std::span(classes.a).subspan(offset, inner.old_end - inner.head);
  const auto b = std::span(classes.b).subspan(offset, inner.new_end - inner.head);
  const Matchable kept_a = keep_matchable(a, b, classes.count, changed_a + offset);
  const Matchable kept_b = keep_matchable(b, a, classes.count, changed_b + offset);
  mark_edit_script(kept_a, kept_b, changed_a + offset, changed_b + offset);
}

// The changes from `a` to `b`, placed where GNU diff with this horizon
// (its context) places them in most cases.
std::vector<Change> find_changes(const Lines& a, const Lines& b, std::size_t horizon) {
  const Window inner = change_window(a, b);
  const Window outer = gnu_window(a, b, inner.head, horizon);
  const std::size_t size_a = outer.old_end - outer.head;
  const std::size_t size_b = outer.new_end - outer.head;
  const Classes classes = classify(LineSpan(a).subspan(outer.head, size_a),
                                   LineSpan(b).subspan(outer.head, size_b));
  std::vector<char> flags_a(size_a + 2, 0);  // with a sentinel 0 at each end
  std::vector<char> flags_b(size_b + 2, 0);
  char* changed_a = flags_a.data() + 1;
  char* changed_b = flags_b.data() + 1;
  mark_changes(classes, inner, outer, changed_a, changed_b);
  const auto end_a = static_cast<std::ptrdiff_t>(size_a);
  const auto end_b = static_cast<std::ptrdiff_t>(size_b);
  BoundaryShifter(changed_a, changed_b, classes.a.data(), end_a).shift_all();
  BoundaryShifter(changed_b, changed_a, classes.b.data(), end_b).shift_all();
  return collect_changes(changed_a, size_a, changed_b, size_b, outer.head);
}

// GNU's find_hunk(): changes at most 2 * context unchanged lines apart share a hunk.
std::vector<Hunk> group_hunks(const std::vector<Change>& changes, std::size_t context) {
  std::vector<Hunk> hunks;
  for (std::size_t k = 0; k < changes.size(); ++k) {
    if (k > 0) {
      const Change& previous = changes[k - 1];
      const std::size_t gap = changes[k].old_start - (previous.old_start + previous.deleted);
      if (gap <= 2 * context) {
        hunks.back().last = k + 1;
        continue;
      }
    }
    hunks.push_back({k, k + 1});
  }
  return hunks;
}

HunkBody hunk_body(const Lines& a, const Lines& b, std::span<const Change> changes, std::size_t context) {
  const Change& first = changes.front();
  const std::size_t lead = std::min({context, first.old_start, first.new_start});
  HunkBody body{first.old_start - lead, first.new_start - lead, {}};
  std::size_t old_line = body.old_begin;
  for (const Change& change : changes) {
    for (; old_line < change.old_start; ++old_line) body.lines.push_back({' ', a[old_line]});
    for (std::size_t k = 0; k < change.deleted; ++k) body.lines.push_back({'-', a[change.old_start + k]});
    for (std::size_t k = 0; k < change.inserted; ++k) body.lines.push_back({'+', b[change.new_start + k]});
    old_line = change.old_start + change.deleted;
  }
  const std::size_t trail = std::min(context, a.size() - old_line);
  for (std::size_t k = 0; k < trail; ++k) body.lines.push_back({' ', a[old_line + k]});
  return body;
}

// GNU's print_unidiff_number_range(): "L,N", "L" when N is 1, and for an
// empty range the line before it, "L-1,0".
std::string number_range(std::size_t begin, std::size_t count) {
  if (count == 0) return std::to_string(begin) + ",0";
  if (count == 1) return std::to_string(begin + 1);
  return std::to_string(begin + 1) + "," + std::to_string(count);
}

std::string hunk_header(const HunkBody& body) {
  std::size_t old_count = 0;
  std::size_t new_count = 0;
  for (const HunkLine& line : body.lines) {
    old_count += line.mark != '+' ? 1 : 0;
    new_count += line.mark != '-' ? 1 : 0;
  }
  return "@@ -" + number_range(body.old_begin, old_count) + " +" +
         number_range(body.new_begin, new_count) + " @@\n";
}

bool is_incomplete(std::string_view line) { return line.empty() || line.back() != '\n'; }

std::size_t printed_size(const HunkLine& line) {
  return 1 + line.text.size() + (is_incomplete(line.text) ? 1 + k_no_newline.size() : 0);
}

void print_hunk(std::string& out, const std::string& header, std::span<const HunkLine> lines) {
  out += header;
  for (const HunkLine& line : lines) {
    out += line.mark;
    out += line.text;
    if (!is_incomplete(line.text)) continue;
    out += '\n';
    out += k_no_newline;
  }
}

// How many of the first lines of `body` fit in max_output after `used` bytes.
std::size_t fitting_lines(const HunkBody& body, std::size_t used, std::size_t max_output) {
  std::size_t count = 0;
  while (count < body.lines.size() && used + printed_size(body.lines[count]) <= max_output) {
    used += printed_size(body.lines[count]);
    ++count;
  }
  return count;
}

// How many context lines [first, last) starts with.
std::size_t context_run(auto first, auto last) {
  return static_cast<std::size_t>(
      std::find_if(first, last, [](const HunkLine& line) { return line.mark != ' '; }) - first);
}

// Prints the first lines of `body` that fit in max_output as a hunk of their
// own (its header counting only them); false when no changed line fits.
// Leading context beyond the trailing context is dropped: `patch` takes a
// hunk with less context after than before for one at the end of the file.
bool print_partial_hunk(std::string& out, const HunkBody& body, std::size_t header_size,
                        std::size_t max_output) {
  const auto count = static_cast<std::ptrdiff_t>(fitting_lines(body, out.size() + header_size, max_output));
  const auto first = body.lines.begin();
  const std::size_t lead = context_run(first, first + count);
  if (lead == static_cast<std::size_t>(count)) return false;
  const std::size_t trail = context_run(std::make_reverse_iterator(first + count),
                                        std::make_reverse_iterator(first));
  const auto drop = static_cast<std::ptrdiff_t>(lead > trail ? lead - trail : 0);
  HunkBody part{body.old_begin + static_cast<std::size_t>(drop),
                body.new_begin + static_cast<std::size_t>(drop), {first + drop, first + count}};
  print_hunk(out, hunk_header(part), part.lines);
  return true;
}

std::string truncation_note(std::size_t max_output, std::size_t whole, std::size_t total, bool partial) {
  std::string note = "[truncated: the diff exceeds " + std::to_string(max_output) + " bytes; " +
                     std::to_string(whole) + " of " + std::to_string(total) + " hunks shown in full";
  if (partial) note += ", hunk " + std::to_string(whole + 1) + " in part";
  return note + "]\n";
}

// Prints the hunks while they fit in max_output; true when some did not.
bool print_hunks(std::string& out, const Lines& a, const Lines& b, const std::vector<Change>& changes,
                 const std::vector<Hunk>& hunks, std::size_t context, std::size_t max_output) {
  for (std::size_t k = 0; k < hunks.size(); ++k) {
    const auto span = std::span(changes).subspan(hunks[k].first, hunks[k].last - hunks[k].first);
    const HunkBody body = hunk_body(a, b, span, context);
    const std::string header = hunk_header(body);
    std::size_t size = header.size();
    for (const HunkLine& line : body.lines) size += printed_size(line);
    if (out.size() + size <= max_output) {
      print_hunk(out, header, body.lines);
      continue;
    }
    const bool partial = print_partial_hunk(out, body, header.size(), max_output);
    out += truncation_note(max_output, k, hunks.size(), partial);
    return true;
  }
  return false;
}

std::string file_name(char side, std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return std::string(1, side) + "/" + std::string(path);
}

// The letter of a character's C escape ("\\n"), or 0 when it has none.
char escape_letter(char c) {
  switch (c) {
    case '\a': return 'a';
    case '\b': return 'b';
    case '\t': return 't';
    case '\n': return 'n';
    case '\v': return 'v';
    case '\f': return 'f';
    case '\r': return 'r';
    case '"': return '"';
    case '\\': return '\\';
    default: return 0;
  }
}

// GNU diff's c_escape(): a name with a space, '"', '\\', a control byte or a
// byte over 127 goes in double quotes with C escapes ("a/my file",
// "a/caf\303\251"), as `patch` reads it; other names stay as they are.
std::string quoted_name(const std::string& name) {
  std::string escaped = "\"";
  bool must_quote = false;
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    must_quote = must_quote || c == ' ';
    if (escape_letter(c) != 0) {
      escaped += {'\\', escape_letter(c)};
    } else if (byte < 32 || byte > 127) {
      escaped += {'\\', static_cast<char>('0' + (byte >> 6)), static_cast<char>('0' + ((byte >> 3) & 7)),
                  static_cast<char>('0' + (byte & 7))};
    } else {
      escaped += c;
      continue;
    }
    must_quote = true;
  }
  return must_quote ? escaped + "\"" : name;
}

std::string file_header(std::string_view marker, const std::string& name, std::string_view label) {
  std::string line = std::string(marker) + " " + quoted_name(name);
  if (!label.empty()) line += "\t" + std::string(label);
  return line + "\n";
}

// One line per side for inputs too large to diff: name, label, lines, bytes.
std::string size_line(const std::string& name, std::string_view label, std::size_t lines,
                      std::size_t bytes) {
  std::string line = quoted_name(name);
  if (!label.empty()) line += "\t" + std::string(label);
  return line + "\t" + std::to_string(lines) + " lines, " + std::to_string(bytes) + " bytes\n";
}

DiffStats count_stats(const std::vector<Change>& changes, std::size_t hunks) {
  DiffStats stats;
  stats.hunks = hunks;
  for (const Change& change : changes) {
    stats.added += change.inserted;
    stats.removed += change.deleted;
  }
  return stats;
}

}  // namespace

UnifiedDiff unified_diff(std::string_view before, std::string_view after, std::string_view path,
                         std::string_view before_label, std::string_view after_label,
                         const DiffOptions& options) {
  UnifiedDiff result;
  if (before == after) return result;
  const std::string old_name = file_name('a', path);
  const std::string new_name = file_name('b', path);
  if (has_nul(before) || has_nul(after)) {
    result.binary = true;
    result.text = "Binary files " + old_name + " and " + new_name + " differ\n";
    return result;
  }
  const std::size_t old_lines = count_lines(before);
  const std::size_t new_lines = count_lines(after);
  if (std::max(old_lines, new_lines) > options.max_lines) {
    result.too_large = true;
    result.text = "Files " + quoted_name(old_name) + " and " + quoted_name(new_name) +
                  " differ: too large to diff (" +
                  std::to_string(std::max(old_lines, new_lines)) + " lines)\n" +
                  size_line(old_name, before_label, old_lines, before.size()) +
                  size_line(new_name, after_label, new_lines, after.size());
    return result;
  }
  const Lines a = split_lines(before);
  const Lines b = split_lines(after);
  const std::size_t context = std::min(options.context, a.size() + b.size());
  const std::vector<Change> changes = find_changes(a, b, context);
  const std::vector<Hunk> hunks = group_hunks(changes, context);
  result.stats = count_stats(changes, hunks.size());
  result.text = file_header("---", old_name, before_label) + file_header("+++", new_name, after_label);
  result.truncated = print_hunks(result.text, a, b, changes, hunks, context, options.max_output);
  return result;
}

}  // namespace vmsupport
