#!/usr/bin/env bash
# One command from a fresh Debian machine to a real bundle of this host:
# installs the dependencies, builds, and runs `vmsupport collect` into build/bundles/.
# Extra arguments go to `vmsupport collect` (e.g. --case 24012345 --since 3d).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
mkdir -p build/bundles
status=0
build/vmsupport collect -o build/bundles/ "$@" || status=$?
if [ "$status" -le 1 ]; then
  bundle=$(ls -t build/bundles/*.t* | grep -v '\.sha256$' | head -n 1)
  build/vmsupport verify "$bundle"
fi
exit "$status"
