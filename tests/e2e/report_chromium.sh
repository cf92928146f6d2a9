#!/usr/bin/env bash
# Headless Chromium opens a bundle's extracted index.html from file://: no
# console error, the collectors table and the changes section (with a diff)
# are in the DOM, every relative link or image names an extracted member,
# and a screenshot is taken (kept under the build tree, never committed).
# Exits 77 (skipped) where Chromium is not installed.
# Usage: report_chromium.sh VMSUPPORT_BINARY SOURCE_DIR
set -uo pipefail
bin=$1
src=$2
chromium=$(command -v chromium || command -v chromium-browser) || {
  echo "SKIP: chromium is not installed (scripts/install-deps.sh installs Debian's chromium)"
  exit 77
}
artifacts="$PWD/report-chromium"  # ctest runs this in build/tests
mkdir -p "$artifacts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
check() {  # check DESCRIPTION COMMAND...
  if "${@:2}"; then echo "ok: $1"; else echo "FAILED: $1"; failures=$((failures + 1)); fi
}

# A bundle with a diff: baseline of a copy of the linux fixture, then a change.
cp -a "$src/tests/fixtures/linux" "$work/root"
"$bin" baseline --root "$work/root" --state-dir "$work/state" --label "before the test" >/dev/null 2>"$work/baseline.err"
check "baseline recorded" test $? -eq 0
echo "198.51.100.77 nas01.corp.example nas01" >>"$work/root/etc/hosts"
mkdir -p "$work/out"
bundle=$("$bin" collect --root "$work/root" --state-dir "$work/state" -o "$work/out/" -q 2>"$work/collect.err")
check "collect exit 0" test $? -eq 0
mkdir "$work/x" && tar -xzf "$bundle" -C "$work/x"
top=$(ls "$work/x")
page="$work/x/$top/index.html"
check "index.html extracted" test -f "$page"

flags=(--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
       --disable-sync --no-first-run --disable-default-apps --user-data-dir="$work/profile"
       --enable-logging=stderr --v=0)
timeout 180 "$chromium" "${flags[@]}" --dump-dom "file://$page" >"$artifacts/dom.html" 2>"$artifacts/chromium.log"
check "chromium dumped the DOM" test -s "$artifacts/dom.html"
check "no console message or uncaught error" \
  bash -c '! grep -E "CONSOLE|Uncaught" "$1"' _ "$artifacts/chromium.log"
check "collectors table in the DOM" grep -q 'id="collectors-table"' "$artifacts/dom.html"
check "changes section in the DOM" grep -q '<section id="changes">' "$artifacts/dom.html"
check "a diff in the changes section" grep -q 'class="add">+' "$artifacts/dom.html"

# Every relative href/src, percent-decoded, names an extracted member.
links=0
dangling=0
while IFS= read -r target; do
  links=$((links + 1))
  decoded=$(printf '%b' "$(sed 's/%\([0-9A-Fa-f][0-9A-Fa-f]\)/\\x\1/g' <<<"$target")")
  if [[ ! -e "$work/x/$top/$decoded" && ! -L "$work/x/$top/$decoded" ]]; then
    echo "dangling link: $target"
    dangling=$((dangling + 1))
  fi
done < <(grep -oE '(href|src)="[^"#][^"]*"' "$artifacts/dom.html" | sed -E 's/^(href|src)="//; s/"$//' |
         grep -v '^data:' | sed 's/&amp;/\&/g')  # data: is a chart inside the page
check "links found ($links)" test "$links" -gt 10
check "every relative link resolves to a member" test "$dangling" -eq 0

rm -f "$artifacts/screenshot.png"
timeout 180 "$chromium" "${flags[@]}" --screenshot="$artifacts/screenshot.png" --window-size=1280,2000 \
  "file://$page" >/dev/null 2>>"$artifacts/chromium.log"
check "screenshot taken ($artifacts/screenshot.png)" \
  bash -c 'test "$(head -c 8 "$1" | od -An -tx1 | tr -d " \n")" = 89504e470d0a1a0a' _ "$artifacts/screenshot.png"

echo "$failures failures"
test "$failures" -eq 0
