#!/usr/bin/env bash
# The things to ship: builds the static binary (scripts/build-static), checks it
# runs on a bare root (tests/package/static.sh), then builds and checks the
# .deb (tests/package/deb.sh). CI runs it after scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
output=$(mktemp)
trap 'rm -f "$output"' EXIT
bash scripts/build-static | tee "$output"
binary=$(tail -n 1 "$output")
bash tests/package/static.sh "$binary"
bash tests/package/deb.sh build-static
