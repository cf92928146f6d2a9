#!/usr/bin/env bash
# Writes vmsupport's man page (gzip'd roff) from its own --help, with help2man:
# the page says what --help says. The top-level --help gives NAME, SYNOPSIS and
# OPTIONS; each command's --help (examples, exit codes) becomes a part of COMMANDS.
# Usage: scripts/man-page.sh BINARY OUTPUT.1.gz
set -euo pipefail
if (($# != 2)); then
  echo "usage: $0 BINARY OUTPUT.1.gz" >&2
  exit 2
fi
binary=$1 output=$2
command -v help2man >/dev/null || { echo "$0: help2man not found (run scripts/install-deps.sh)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
include=$work/include.h2m

# Lines of --help as roff text kept as it is: backslashes escaped, '-' a minus
# (not a typographic hyphen), and a leading '.' or "'" (a roff request) made literal.
as_roff() { sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }

{
  echo "[COMMANDS]"
  # The command names, from the "Subcommands:" part of the top-level --help.
  for command in $("$binary" --help | sed -n '/^Subcommands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }'); do
    echo ".SS $command"
    echo ".nf"
    (exec -a vmsupport "$binary" "$command" --help) | as_roff  # "Usage: vmsupport ...", not the build path
    echo ".fi"
  done
  echo "[FILES]"
  echo ".TP"
  echo ".I /var/lib/vmsupport"
  echo "State directory when run as root (mode 0700): the pseudonym map, baselines, caches."
  echo ".TP"
  echo ".I /etc/vmsupport"
  echo "Site configuration directory."
} >"$include"

version=$("$binary" --version)
help2man --no-info --section=1 --name="gather a diagnostic bundle from a VMware or Linux host" \
  --version-string="vmsupport $version" --include="$include" "$binary" >"$work/vmsupport.1"
gzip -9n <"$work/vmsupport.1" >"$work/vmsupport.1.gz"
mv "$work/vmsupport.1.gz" "$output"
