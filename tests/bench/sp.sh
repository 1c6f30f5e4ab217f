#!/bin/sh
# make bench-sp (issue 13): the simulated secure processor's own rates
# (tests/bench/sp_bench.c: report signing and key derivation against raw
# OpenSSL P-384 ECDSA and AES-256-GCM of 4 KiB, same run), then the
# paravisor's MSG_REPORT_REQ and MSG_KEY_REQ round trips through the whole
# path (snp_guest.c -> control channel -> mantle -> mantle-sp and back),
# timed inside a booted paravisor VM by the test build's --test-sp-bench
# (paravisor/vmm/test_hooks.h), against the same raw OpenSSL operations.
set -eu
BUILD=${BUILD:-build}
N=${SP_BENCH_N:-200}
LOGS=$BUILD/logs/bench
mkdir -p "$LOGS"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mantle-bench-sp.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

"$BUILD/bench/sp_bench" | tee "$TMP/local.txt"
ref() { sed -n "s/.* ref=$1:\([0-9]*\) .*/\1/p" "$TMP/local.txt" | head -n 1; }
sign=$(ref openssl_ecdsa_p384_sign)
gcm=$(ref openssl_aes256gcm_4k)

# The test paravisor image with --test-sp-bench N (guard_image's way).
mkdir -p "$TMP/root"
(cd "$TMP/root" && zcat "$OLDPWD/$BUILD/test/paravisor/initramfs.cpio.gz" | cpio -id --quiet)
sed -i "s|^\([[:space:]]*\)/bin/mantle-paravisor |\1/bin/mantle-paravisor --test-sp-bench $N |" \
	"$TMP/root/init"
mkdir -p "$TMP/pv"
scripts/mkcpio.sh "$TMP/root" "$TMP/pv/initramfs.cpio.gz"
cp "$BUILD/test/paravisor/vmlinuz" "$TMP/pv/vmlinuz"
"$BUILD/bin/mantle" run --paravisor-image "$TMP/pv" --sp-state "$TMP/sp" \
	--kernel "$BUILD/guest/vmlinuz" --initrd "$BUILD/guest/initramfs.cpio.gz" \
	--cmdline "console=ttyS0 quiet" --mem 128M --timeout 600 \
	--log "$LOGS/sp-roundtrip.log" </dev/null >"$TMP/out" 2>&1 || {
	tail -n 20 "$TMP/out" "$LOGS/sp-roundtrip.log"
	exit 1
}
tr -d '\r' <"$LOGS/sp-roundtrip.log" | grep "test-sp-bench:" || {
	echo "bench-sp: no round-trip figures in $LOGS/sp-roundtrip.log"
	exit 1
}
# Median round trip in us -> requests/s, beside the raw operation's rate.
line() {
	us=$(tr -d '\r' <"$LOGS/sp-roundtrip.log" |
		sed -n "s/.*test-sp-bench: $1 n=[0-9]* median=\([0-9]*\) us.*/\1/p")
	[ -n "$us" ] && [ "$us" -gt 0 ] || { echo "bench-sp: no $1 median"; exit 1; }
	awk -v us="$us" -v ref="$3" -v name="$2" -v refname="$4" 'BEGIN {
		v = 1e6 / us
		printf "BENCH name=%s value=%.1f unit=requests/s ref=%s:%s ratio=%.4f\n",
			name, v, refname, ref, v / ref }'
}
line report sp_paravisor_report_roundtrip "$sign" openssl_ecdsa_p384_sign
line key sp_paravisor_key_roundtrip "$gcm" openssl_aes256gcm_4k
