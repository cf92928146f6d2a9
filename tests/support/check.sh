# Shared by the shell end-to-end tests (sourced): a scratch directory removed
# at exit, and check DESCRIPTION COMMAND... that counts failures.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
check() {  # check DESCRIPTION COMMAND...
  if "${@:2}"; then echo "ok: $1"; else echo "FAILED: $1"; failures=$((failures + 1)); fi
}
