#!/usr/bin/env bash
# The whole test suite (unit, end-to-end, shell end-to-end, fuzz replays)
# built with AddressSanitizer and UndefinedBehaviorSanitizer, every test
# running the sanitized binaries. Any finding fails the test that hit it:
# UBSan halts on its first error, ASan reports leaks. Extra arguments go to
# ctest (e.g. -R unit). CI runs it after scripts/test.sh.
# It shares build-fuzz/ (clang 16, ASan+UBSan, libFuzzer's coverage) with
# scripts/fuzz.sh, so that CI compiles the sanitized engine once for both.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v clang++-16 >/dev/null || [ ! -d /usr/lib/llvm-16/lib/clang/16/lib/linux ]; then
  apt-get update -qq && apt-get install -y -qq clang-16 libclang-rt-16-dev >/dev/null
fi
CC=clang-16 CXX=clang++-16 cmake -S . -B build-fuzz -DVMSUPPORT_FUZZ=ON -DVMSUPPORT_SANITIZE=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j"$(nproc)"
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export VMSUPPORT_SANITIZED=1  # tests skip what ASan distorts (peak memory)
ctest --test-dir build-fuzz --output-on-failure -j2 "$@"
