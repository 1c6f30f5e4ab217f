# Sourced by the verify_*.sh tests (it is not named verify_* so that
# verifier/build.mk does not run it as a test).
set -u
top=$(git -C "$(dirname "$0")" rev-parse --show-toplevel 2>/dev/null) ||
	top=$(cd "$(dirname "$0")/../.." && pwd)

# mv_setup CMD...: T (the attestation samples), MV (mantle-verify), tmp
# (removed on exit), n and fails (both 0); skips without the samples or
# one of the commands CMD, fails when mantle-verify is not built.
mv_setup() {
	T=${MANTLE_TESTDATA:-$top/../shared/testdata}/attestation
	MV=$top/${BUILD:-build}/bin/mantle-verify
	if [ ! -f "$T/README.md" ]; then
		echo "SKIP: attestation samples not found at $T"
		exit 77
	fi
	[ -x "$MV" ] || { echo "FAIL: $MV not built"; exit 1; }
	for c in "$@"; do
		command -v "$c" >/dev/null || { echo "SKIP: $c missing"; exit 77; }
	done
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	fails=0
	n=0
}
