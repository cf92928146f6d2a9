#!/usr/bin/env bash
# End-to-end: the bash completion that `vmsupport completion bash` prints,
# sourced into bash and asked what a <TAB> would offer (COMPREPLY).
# Usage: completion.sh VMSUPPORT_BINARY SOURCE_DIR
set -uo pipefail
bin=$1
failures=0
check() {  # check DESCRIPTION COMMAND...
  if "${@:2}"; then echo "ok: $1"; else echo "FAILED: $1"; failures=$((failures + 1)); fi
}

script=$("$bin" completion bash)
check "completion bash: exit 0" test $? -eq 0
# shellcheck disable=SC1090
source <(printf '%s\n' "$script")
check "registers _vmsupport for vmsupport" bash -c "$(printf '%s\n' "$script"); complete -p vmsupport | grep -q _vmsupport"

# What a <TAB> offers after LINE (the cursor at its end), one word a line.
offered() {
  COMP_LINE=$1 COMP_POINT=${#1}
  COMPREPLY=()
  _vmsupport
  printf '%s\n' "${COMPREPLY[@]}"
}
has() { grep -qx -- "$2" <<<"$1"; }

out=$(offered "vmsupport co")
check "'co' completes to collect" test "$out" = collect
out=$(offered "vmsupport ")
check "commands offered" has "$out" verify
check "the hidden completion command is not offered" bash -c '! grep -qx completion <<<"$1"' _ "$out"
out=$(offered "vmsupport collect --pla")
check "'collect --pla' completes to --platform" test "$out" = --platform
out=$(offered "vmsupport collect --platform ")
check "--platform offers esxi" has "$out" esxi
check "--platform offers linux" has "$out" linux
out=$(offered "vmsupport list --platform e")
check "--platform e: only esxi" test "$out" = esxi
out=$(offered "vmsupport collect -g ")
check "-g offers the group ids of the manifests" has "$out" Logs:System
check "-g offers linux groups too" test "$(wc -l <<<"$out")" -gt 5
out=$(offered "vmsupport collect -e Logs:Sys")
check "-e after a ':' offers what follows it (readline splits at ':')" has "$out" System
out=$(offered "vmsupport collect -g Logs:System,Configuration:Sys")
check "-g completes the item after the last comma" has "$out" System
out=$(offered "vmsupport collect --keep ")
check "--keep offers categories" has "$out" ipv4
check "--keep does not offer 'word'" bash -c '! grep -qx word <<<"$1"' _ "$out"
out=$(offered "vmsupport baseline --keep ")
check "baseline --keep (a number) offers nothing" test -z "$out"
out=$(offered "vmsupport collect --compress z")
check "--compress offers zstd" test "$out" = zstd
out=$(offered "vmsupport collect --since ")
check "--since offers nothing" test -z "$out"

# Paths: -o and verify's BUNDLE complete file names.
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
touch "$dir/bundle-1.tgz"
out=$(offered "vmsupport collect -o $dir/bun")
check "-o completes file names" test "$out" = "$dir/bundle-1.tgz"
out=$(offered "vmsupport verify $dir/bun")
check "verify BUNDLE completes file names" test "$out" = "$dir/bundle-1.tgz"
out=$(offered "vmsupport collect --root $dir")
check "--root completes directories" test "$out" = "$dir"
out=$(offered "vmsupport verify --")
check "verify's options offered" has "$out" --allow-unscrubbed

# The script is what --help describes: every option that collect --help lists is offered.
out=$(offered "vmsupport collect -")
options=$("$bin" collect --help | sed -nE 's/^  (-[a-z],)?(--[a-z][a-z-]*).*/\2/p')
check "collect --help lists options" test "$(wc -l <<<"$options")" -gt 20
for option in $options; do
  has "$out" "$option" || { echo "FAILED: collect $option not offered"; failures=$((failures + 1)); }
done

if ((failures)); then echo "$failures check(s) failed"; exit 1; fi
echo "all completion checks passed"
