#!/usr/bin/env bash
# The Debian package: built with cpack from a configured build directory
# (build-static by default), unpacked with `dpkg -x` into a temporary root; the
# files are where Debian expects them, the man page renders, the completion
# loads, and the installed binary runs.
# Usage: tests/package/deb.sh [BUILD_DIR]
set -uo pipefail
build=$(realpath "${1:-build-static}")
failures=0
check() {  # check DESCRIPTION COMMAND...
  if "${@:2}"; then echo "ok: $1"; else echo "FAILED: $1"; failures=$((failures + 1)); fi
}

rm -f "$build"/vmsupport_*.deb
if ! (cd "$build" && cpack -G DEB >"$build/cpack.log" 2>&1); then
  cat "$build/cpack.log"
  echo "FAILED: cpack -G DEB"
  exit 1
fi
deb=$(ls "$build"/vmsupport_*.deb)
echo "package: $deb ($(du -h "$deb" | cut -f1))"
root=$(mktemp -d /tmp/vmsupport-deb-root.XXXXXX)
trap 'rm -rf "$root"' EXIT

info=$(dpkg-deb -I "$deb")
check "package name and version" grep -qE '^ Version: [0-9]+\.[0-9]+\.[0-9]+$' <<<"$info"
if grep -q '^VMSUPPORT_STATIC:BOOL=ON' "$build/CMakeCache.txt"; then
  check "static package: no Depends" bash -c '! grep -q "^ Depends:" <<<"$1"' _ "$info"
else
  check "dynamic package: Depends from dpkg-shlibdeps" grep -q '^ Depends: .*libc6' <<<"$info"
fi
contents=$(dpkg-deb -c "$deb")
check "state directory /var/lib/vmsupport, mode 0700, root's" \
  grep -qE '^drwx------ root/root .* \./var/lib/vmsupport/$' <<<"$contents"
check "directory /etc/vmsupport" grep -qE '^d.* \./etc/vmsupport/$' <<<"$contents"
check "binary owned by root" grep -qE '^-rwxr-xr-x root/root .* \./usr/bin/vmsupport$' <<<"$contents"

dpkg -x "$deb" "$root"
check "binary in /usr/bin" test -x "$root/usr/bin/vmsupport"
man_page=$root/usr/share/man/man1/vmsupport.1.gz
check "man page in man1, gzip'd" gzip -t "$man_page"
page=$(MANWIDTH=100 man -l -P cat "$man_page" 2>/dev/null)
check "man page renders: NAME" grep -q 'vmsupport - gather a diagnostic bundle' <<<"$page"
check "man page has the options of --help" grep -q -- '--version' <<<"$page"
check "man page has each command's help" grep -q 'ssh root@esx01 vmsupport collect -o -' <<<"$page"
check "man page: usage names vmsupport, not the build path" grep -q 'Usage: vmsupport collect \[OPTIONS\]' <<<"$page"
check "man page lists the state directory" grep -q '/var/lib/vmsupport' <<<"$page"
completion=$root/usr/share/bash-completion/completions/vmsupport
check "bash completion installed" test -s "$completion"
check "bash completion loads and registers" \
  bash -c 'source "$1" && complete -p vmsupport | grep -q _vmsupport' _ "$completion"

check "installed binary: --version" test "$("$root/usr/bin/vmsupport" --version)" = \
  "$(grep -oE '^ Version: .*' <<<"$info" | cut -d' ' -f3)"
check "installed binary: list" bash -c '"$1" list | grep -q "^esxi "' _ "$root/usr/bin/vmsupport"

if ((failures)); then echo "$failures check(s) failed"; exit 1; fi
echo "all package checks passed"
