#!/usr/bin/env bash
# The whole test suite (unit, end-to-end, shell end-to-end, fuzz replays)
# built with AddressSanitizer and UndefinedBehaviorSanitizer (g++, in
# build-asan/), every test running the sanitized binaries. Any finding fails
# the test that hit it: UBSan halts on its first error, ASan reports leaks.
# Extra arguments go to ctest (e.g. -R unit). CI runs it after scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
# -O1: what ASan recommends, and quicker to build than -O2.
cmake -S . -B build-asan -DVMSUPPORT_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g -DNDEBUG" >/dev/null
cmake --build build-asan -j"$(nproc)"
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
ctest --test-dir build-asan --output-on-failure -j2 "$@"
