#!/usr/bin/env bash
# Fuzzes the manifest loader with libFuzzer (clang 16 from Debian: clang 14
# cannot compile libstdc++ 12's std::expected), with ASan and
# UBSan, seeded from manifests/ and tests/fuzz/corpus/. Usage:
#   scripts/fuzz.sh [SECONDS (default 60)]
# A crash leaves crash-* in build-fuzz/; replay it with
#   build/tests/fuzz_manifest_replay build-fuzz/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
command -v clang++-16 >/dev/null ||
  { apt-get update -qq && apt-get install -y -qq clang-16 libclang-rt-16-dev; }
rm -rf build-fuzz/CMakeCache.txt
CC=clang-16 CXX=clang++-16 cmake -S . -B build-fuzz -DVMSUPPORT_FUZZ=ON -DVMSUPPORT_SANITIZE=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_manifest
corpus=build-fuzz/corpus-manifest
mkdir -p "$corpus"
cp -n manifests/*.yaml tests/fuzz/corpus/manifest/* "$corpus"/ 2>/dev/null || true
cd build-fuzz
./tests/fuzz_manifest -max_total_time="$seconds" -max_len=8192 -timeout=10 corpus-manifest
