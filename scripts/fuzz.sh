#!/usr/bin/env bash
# Fuzzes one of the parsers of untrusted input with libFuzzer (clang 16 from
# Debian: clang 14 cannot compile libstdc++ 12's std::expected), with ASan and
# UBSan, seeded from its corpus. Usage:
#   scripts/fuzz.sh [manifest|scrub (default manifest)] [SECONDS (default 60)]
# A crash leaves crash-* in build-fuzz/; replay it with the CTest build:
#   build/tests/fuzz_<target>_replay build-fuzz/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-manifest}
seconds=${2:-60}
command -v clang++-16 >/dev/null ||
  { apt-get update -qq && apt-get install -y -qq clang-16 libclang-rt-16-dev; }
CC=clang-16 CXX=clang++-16 cmake -S . -B build-fuzz -DVMSUPPORT_FUZZ=ON -DVMSUPPORT_SANITIZE=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target "fuzz_$target"
corpus=build-fuzz/corpus-$target
mkdir -p "$corpus"
cp -n tests/fuzz/corpus/"$target"/* "$corpus"/ 2>/dev/null || true
[ "$target" = manifest ] && cp -n manifests/*.yaml "$corpus"/
cd build-fuzz
./tests/"fuzz_$target" -max_total_time="$seconds" -max_len=8192 -timeout=10 "corpus-$target"
