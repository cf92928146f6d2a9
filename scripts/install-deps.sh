#!/usr/bin/env bash
# Installs what vmsupport needs to build and test, from Debian's archive.
# Safe to run again; needs root (apt-get).
set -euo pipefail
packages=(
  g++ cmake make pkg-config
  libcli11-dev libyaml-cpp-dev libspdlog-dev libarchive-dev doctest-dev
  nlohmann-json3-dev nettle-dev libzstd-dev libdeflate-dev libhyperscan-dev
  libdtl-dev liblzma-dev liblz4-dev zlib1g-dev gdb
  tar gzip zstd coreutils procps time
  # scripts/build-static: the .a archives libarchive.a needs besides the above
  libacl1-dev libbz2-dev libxml2-dev libicu-dev
  # the man page (help2man) and the .deb (cpack, dpkg-shlibdeps; man -l, file in its test)
  help2man dpkg-dev groff-base man-db bsdextrautils file
  libcurl4-openssl-dev gnupg
  nginx-light openssl python3
  chromium  # the headless browser test of index.html (tests/e2e/report_chromium.sh)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
