#!/usr/bin/env bash
# End-to-end, with the system's own tools: streaming a bundle through a pipe
# (as `ssh root@host vmsupport collect -o - > b.tgz` does) and what happens
# when the reader goes away. Usage: pipes.sh VMSUPPORT_BINARY SOURCE_DIR
set -uo pipefail
bin=$1
src=$2
source "$src/tests/support/check.sh"

# 1. Streamed through a pipe into tar: the archive lists, the manifest parses.
"$bin" collect --state-dir "$work/state" --root "$src/tests/fixtures/esxi" -o - 2>"$work/err1" | tar -tzf - >"$work/list"
check "streamed bundle lists with tar" test "${PIPESTATUS[0]}" -eq 0
check "stream holds manifest.json" grep -q '/manifest.json$' "$work/list"
check "stream holds the hostd log" grep -q '/var/run/log/hostd.log$' "$work/list"

# 2. Streamed to a file, extracted by tar, checked by sha256sum against manifest.json.
"$bin" collect --state-dir "$work/state" --root "$src/tests/fixtures/esxi" -o - -q >"$work/b.tgz" 2>"$work/err2"
check "streamed to a file: exit 0" test $? -eq 0
mkdir "$work/x" && tar -xzf "$work/b.tgz" -C "$work/x"
top=$(ls "$work/x")
( cd "$work/x/$top" &&
  awk -F'"' '/^ *[{}]/ { path = "" } $2 == "path" { path = $4 }
             $2 == "sha256" && path != "" { print $4 "  " path }' manifest.json >"$work/sums" )
check "manifest.json lists checksums" test "$(wc -l <"$work/sums")" -gt 10
( cd "$work/x/$top" && sha256sum --quiet -c "$work/sums" )
check "every checksum matches with sha256sum" test $? -eq 0

# 3. The reader goes away (closed pipe): a clear error, exit code 3, no hang.
timeout 60 bash -c "'$bin' collect --state-dir '$work/state' --root '$src/tests/fixtures/esxi' -o - 2>'$work/err3' | head -c 100 >/dev/null; exit \${PIPESTATUS[0]}"
code=$?
check "closed pipe gives exit 3 (got $code)" test "$code" -eq 3
check "closed pipe error names the cause" grep -q "Broken pipe" "$work/err3"

# 4. A terminal is not a place for a tarball: refused before anything runs.
if command -v script >/dev/null; then
  script -qec "'$bin' collect --state-dir '$work/state' --root '$src/tests/fixtures/esxi' -o -" /dev/null >"$work/tty" 2>&1
  check "-o - to a terminal is refused" grep -q "standard output is a terminal" "$work/tty"
fi

[ "$failures" -eq 0 ] || { echo "$failures check(s) failed"; cat "$work"/err* >&2; exit 1; }
