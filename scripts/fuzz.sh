#!/usr/bin/env bash
# Fuzzes the parsers of untrusted input with libFuzzer, ASan and UBSan (clang
# 16 from Debian, installed when missing: clang 14 cannot compile libstdc++
# 12's std::expected). Usage:
#   scripts/fuzz.sh [TARGET|all (default all)] [SECONDS per target (default 60)]
# TARGET is one of the names below (tests/fuzz/fuzz_TARGET.cpp). Each target
# starts from its committed seeds (tests/fuzz/corpus/TARGET/), seeds made now
# from manifests/, tests/fixtures/ and, when present, ../shared/data/real/ (or
# $VMSUPPORT_REAL_DATA; never copied into the repo), and what earlier runs
# found (build-fuzz/corpus/TARGET/). Prints per target the executions, exec/s,
# coverage and corpus size, then a total; exits 1 when any target crashed,
# leaked, hung or broke an oracle. A finding is kept as
# build-fuzz/findings/TARGET-crash-...; replay it with the CTest build:
#   build/tests/fuzz_TARGET_replay build-fuzz/findings/TARGET-crash-...
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(archive baseline core history inventory manifest map patterns proc scrub site_config)
wanted=${1:-all}
seconds=${2:-60}
if [ "$wanted" = all ]; then
  run=("${targets[@]}")
elif [[ " ${targets[*]} " == *" $wanted "* ]]; then
  run=("$wanted")
else
  echo "fuzz.sh: unknown target '$wanted' (one of: ${targets[*]}, all)" >&2
  exit 2
fi
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "fuzz.sh: SECONDS must be a positive number, got '$seconds'" >&2; exit 2; }

if ! command -v clang++-16 >/dev/null || [ ! -d /usr/lib/llvm-16/lib/clang/16/lib/linux ]; then
  apt-get update -qq && apt-get install -y -qq clang-16 libclang-rt-16-dev >/dev/null
fi
CC=clang-16 CXX=clang++-16 cmake -S . -B build-fuzz -DVMSUPPORT_FUZZ=ON -DVMSUPPORT_SANITIZE=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target "${run[@]/#/fuzz_}" fuzz_core_seeds

real=${VMSUPPORT_REAL_DATA:-$(cd .. && pwd)/shared/data/real}
[ -d "$real" ] || real=""

# seed DIR FILE [PREFIX]: FILE's first 64 KiB (after the byte PREFIX, given in
# octal, e.g. 000) as a seed in DIR, named by its content.
seed() {
  local into=$1 file=$2 prefix=${3:-} temporary
  temporary=$(mktemp)
  { [ -z "$prefix" ] || printf "\\$prefix"; head -c 65536 "$file"; } >"$temporary"
  mv "$temporary" "$into/seed-$(sha1sum <"$temporary" | cut -c1-16)"
}

# seed_found DIR [PREFIX] -- FIND-ARGS: every file FIND-ARGS selects in the
# fixtures and the real data.
seed_found() {
  local into=$1 prefix=$2
  shift 3
  find tests/fixtures ${real:+"$real"} -type f \( "$@" \) -size -2M -print0 |
    while IFS= read -r -d '' file; do seed "$into" "$file" "$prefix"; done
}

make_seeds() {
  local target=$1 into=$2
  cp tests/fuzz/corpus/"$target"/* "$into"/
  case "$target" in
    manifest) cp manifests/*.yaml "$into"/ ;;
    scrub | patterns) seed_found "$into" "" -- -name '*.log' -o -name '*.vmx' -o -name '*.txt' -o -name '*.conf' ;;
    inventory)
      seed_found "$into" "" -- -name hosts -o -name passwd -o -name hostname -o -name resolv.conf -o -name esx.conf \
        -o -name '*.vmx' -o -name '*.vmls' -o -name vmInventory.xml -o -name login.defs -o -name 'auth.log' ;;
    history)
      seed_found "$into" 000 -- -name 'dpkg.log*' ! -name '*.gz'
      seed_found "$into" 001 -- -name 'history.log*' ! -name '*.gz'
      seed_found "$into" 002 -- -name 'dnf*.log'
      seed_found "$into" 003 -- -name 'yum.log*' ! -name '*.gz'
      seed_found "$into" 004 -- -name 'esxupdate*.log' ;;
    core)
      build-fuzz/tests/fuzz_core_seeds "$into"
      for file in "$into"/core-*; do
        for tool in zstd xz lz4 gzip; do
          ! command -v "$tool" >/dev/null || "$tool" -c <"$file" >"$file.$tool"
        done
      done ;;
    archive)
      local scratch
      scratch=$(mktemp -d)
      for root in tests/fixtures/*/; do
        tar -C "$root" -czf "$scratch/$(basename "$root").tgz" etc 2>/dev/null || continue
        seed "$into" "$scratch/$(basename "$root").tgz"
      done
      rm -rf "$scratch" ;;
    proc)
      for file in /proc/stat /proc/meminfo /proc/diskstats /proc/net/dev /proc/loadavg; do seed "$into" "$file"; done ;;
  esac
}

# final_stat NAME LOG: the value of libFuzzer's final "stat::NAME:" line.
final_stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -n 1; }

mkdir -p build-fuzz/findings build-fuzz/logs
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1
failed=()
total_execs=0
total_seconds=0
printf '%-12s %8s %12s %9s %7s %8s  %s\n' target seconds executions exec/s cov corpus result
for target in "${run[@]}"; do
  corpus=build-fuzz/corpus/$target
  seeds=build-fuzz/seeds/$target
  log=build-fuzz/logs/$target.log
  rm -rf "$seeds"
  mkdir -p "$corpus" "$seeds"
  make_seeds "$target" "$seeds"
  max_len=16384
  case "$target" in archive | core) max_len=65536 ;; esac
  started=$(date +%s)
  status=0
  build-fuzz/tests/"fuzz_$target" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="build-fuzz/findings/$target-" \
    "$corpus" "$seeds" >"$log" 2>&1 || status=$?
  elapsed=$(($(date +%s) - started))
  execs=$(final_stat number_of_executed_units "$log")
  rate=$(final_stat average_exec_per_sec "$log")
  coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2 || true)
  units=$(find "$corpus" -type f | wc -l)
  result=ok
  if [ "$status" -ne 0 ]; then
    result="FAILED (exit $status): $(grep -m1 -E '^(==[0-9]+== ?ERROR|fuzz oracle failed|.*runtime error)' "$log" || true)"
    result="$result; see $log"
    failed+=("$target")
  fi
  printf '%-12s %8s %12s %9s %7s %8s  %s\n' "$target" "$elapsed" "${execs:-0}" "${rate:-0}" "${coverage:-?}" \
    "$units" "$result"
  total_execs=$((total_execs + ${execs:-0}))
  total_seconds=$((total_seconds + elapsed))
done
printf '%-12s %8s %12s\n' total "$total_seconds" "$total_execs"
if [ ${#failed[@]} -gt 0 ]; then
  # A CI machine's build-fuzz/ is gone after the run: print what reproduces
  # each finding (the report's first lines and the input in base64; decode
  # with `base64 -d >input` and replay with build/tests/fuzz_TARGET_replay).
  for target in "${failed[@]}"; do
    echo "--- $target: build-fuzz/logs/$target.log (from the first report line)" >&2
    sed -n '/ERROR\|fuzz oracle failed\|runtime error/,$p' "build-fuzz/logs/$target.log" | head -n 40 >&2
    for finding in build-fuzz/findings/"$target"-*; do
      [ -f "$finding" ] || continue
      echo "--- $finding ($(stat -c %s "$finding") bytes), base64:" >&2
      head -c 65536 "$finding" | base64 -w 120 >&2
    done
  done
  echo "fuzz.sh: findings in: ${failed[*]} (inputs in build-fuzz/findings/)" >&2
  exit 1
fi
