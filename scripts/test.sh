#!/usr/bin/env bash
# One command from a fresh Debian machine to a tested build: installs the
# dependencies, builds, and runs every test (unit and end-to-end) with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j2 "$@"
