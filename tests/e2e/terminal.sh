#!/usr/bin/env bash
# End-to-end, on a real terminal (script(1) from bsdutils gives the run a pty):
# the progress line is drawn on stderr and erased, colours appear only on a
# terminal and never with a non-empty NO_COLOR, and neither progress nor colour shows when
# stderr is a file or with -q / --json. Usage: terminal.sh VMSUPPORT_BINARY SOURCE_DIR
set -uo pipefail
bin=$1
src=$2
source "$src/tests/support/check.sh"
command -v script >/dev/null || { echo "script(1) missing: install bsdutils"; exit 1; }
root="$src/tests/fixtures/esxi"
esc=$'\x1b'

# on_tty NAME ENV ARGS...: runs collect on a pty, its output (stdout and stderr) in $work/NAME.
on_tty() {
  local name=$1 env=$2
  shift 2
  mkdir -p "$work/out-$name"
  script -qec "env $env '$bin' collect --state-dir '$work/state' --root '$root' -o '$work/out-$name/' $*" /dev/null \
    >"$work/$name" 2>&1 </dev/null
}

# 1. A terminal: progress drawn and erased (\r + erase to end of line), the step
#    names shown, the summary coloured, the bundle written.
on_tty plain "TERM=xterm"
check "progress line is drawn and erased" grep -aq "${esc}\[K" "$work/plain"
check "progress names the steps" grep -aq "collect [0-9]*/[0-9]*" "$work/plain"
check "summary after the progress" grep -aq "Bundle:     $work/out-plain/" "$work/plain"
check "status word coloured on a terminal" grep -aqE "${esc}\[3[23]m(complete|partial)${esc}\[0m" "$work/plain"
check "bundle written" test -n "$(ls "$work/out-plain/"*.tgz 2>/dev/null)"

# 2. NO_COLOR: the same words, no colour; progress still there.
on_tty nocolor "NO_COLOR=1 TERM=xterm"
check "NO_COLOR: no colour" bash -c "! grep -aq '${esc}\[3[0-9]m' '$work/nocolor'"
check "NO_COLOR: status still in words" grep -aqE "Status:     (complete|partial)" "$work/nocolor"
check "NO_COLOR: progress still drawn" grep -aq "${esc}\[K" "$work/nocolor"
# An empty NO_COLOR is as if it were not set (no-color.org): colour stays.
on_tty emptycolor "NO_COLOR= TERM=xterm"
check "NO_COLOR empty: colour as without it" grep -aqE "${esc}\[3[23]m(complete|partial)${esc}\[0m" "$work/emptycolor"

# 3. -q and --json on a terminal: no progress, no colour.
on_tty quiet "TERM=xterm" -q
check "-q: no progress" bash -c "! grep -aq '${esc}\[' '$work/quiet'"
check "-q: only the path" test "$(tr -d '\r' <"$work/quiet" | grep -c .)" -eq 1
on_tty json "TERM=xterm" --json
check "--json: no progress line" bash -c "! grep -aq '${esc}\[K' '$work/json'"
check "--json: the object is there" grep -aq '"format_version":1' "$work/json"

# 4. stderr to a file (stdout still a terminal): nothing of the terminal in it.
mkdir -p "$work/out-file"
script -qec "'$bin' collect --state-dir '$work/state' --root '$root' -o '$work/out-file/' 2>'$work/file-err'" /dev/null \
  >/dev/null </dev/null
check "stderr to a file: no progress" bash -c "! grep -aq \$'\\r' '$work/file-err'"
check "stderr to a file: no escape codes" bash -c "! grep -aq '${esc}' '$work/file-err'"
check "stderr to a file: the summary" grep -q "^Bundle:     " "$work/file-err"

[ "$failures" -eq 0 ] || { echo "$failures check(s) failed"; for f in plain nocolor quiet json file-err; do echo "== $f"; cat -v "$work/$f"; done >&2; exit 1; }
