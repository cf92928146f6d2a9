#!/usr/bin/env bash
# The static binary (scripts/build-static) on a bare system: `file` and `ldd`
# say it is not dynamic, and as root it runs in a root that holds nothing but
# itself (and an empty /tmp): --version, list, a real collect of that root
# into its /tmp, and verify of the bundle. Not root: the chroot part is skipped.
# Usage: tests/package/static.sh BINARY
set -uo pipefail
bin=${1:?usage: static.sh BINARY}
failures=0
check() {  # check DESCRIPTION COMMAND...
  if "${@:2}"; then echo "ok: $1"; else echo "FAILED: $1"; failures=$((failures + 1)); fi
}

kind=$(file -b "$bin")
echo "file: $kind"
check "file: statically linked" grep -q 'statically linked' <<<"$kind"
check "file: not dynamically linked" bash -c '! grep -q "dynamically linked" <<<"$1"' _ "$kind"
ldd_out=$(ldd "$bin" 2>&1)
echo "ldd: $ldd_out"
check "ldd: not a dynamic executable" grep -q 'not a dynamic executable' <<<"$ldd_out"
check "file: stripped" grep -q ', stripped' <<<"$kind"

if (($(id -u) != 0)); then
  echo "skip: the chroot checks need root"
else
  root=$(mktemp -d /tmp/vmsupport-static-root.XXXXXX)
  trap 'rm -rf "$root" "$root.tgz"' EXIT
  cp "$bin" "$root/vmsupport"
  mkdir -m 1777 "$root/tmp"
  in_root() { chroot "$root" /vmsupport "$@"; }

  check "chroot: --version" test "$(in_root --version)" = "$("$bin" --version)"
  in_root list >"$root/list.out" 2>"$root/list.err"
  check "chroot: list exits 0" test $? -eq 0
  check "chroot: list shows the built-in manifests" grep -q '^esxi ' "$root/list.out"
  check "chroot: list shows linux too" grep -q '^linux ' "$root/list.out"

  path=$(in_root collect --root / -o /tmp/ -q 2>"$root/collect.err")
  status=$?
  echo "collect: exit $status, bundle $path"
  check "chroot: collect writes a bundle (exit 0 or 1: commands are missing there)" test "$status" -le 1
  check "chroot: the bundle is in the root's /tmp" test -s "$root$path"
  check "chroot: the state directory was made with mode 0700" test "$(stat -c %a "$root/var/lib/vmsupport")" = 700
  in_root verify "$path" >"$root/verify.out" 2>&1
  check "chroot: verify accepts the bundle" test $? -eq 0
  check "bundle lists with the system's tar" bash -c 'tar -tzf "$1" | grep -q /manifest.json$' _ "$root$path"
  # As README says for a host without packages: the bundle streamed to stdout.
  in_root collect -o - >"$root.tgz" 2>"$root/stream.err"
  check "chroot: collect -o - streams a bundle (exit 0 or 1)" test $? -le 1
  check "the streamed bundle verifies" "$bin" verify "$root.tgz"
  rm -f "$root.tgz"
  if ((failures)); then cat "$root/collect.err" "$root/verify.out"; fi
fi

if ((failures)); then echo "$failures check(s) failed"; exit 1; fi
echo "all static binary checks passed"
