# Shared helpers for integration tests (sourced). Tests run from the repo root.
# A test exits 0 to pass, 77 to skip (after printing "SKIP: reason"), and
# anything else to fail.
set -eu
BUILD=${BUILD:-build}
TESTTMP=$(mktemp -d "${TMPDIR:-/tmp}/mantle-test.XXXXXX")
trap 'rm -rf "$TESTTMP"' EXIT

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

# rcd_overlay OUT.cpio.gz FILE...: an archive that adds each FILE (executable)
# to /etc/mantle/rc.d/; append it to the guest initramfs.
rcd_overlay() {
	_ov_out=$1
	shift
	d=$TESTTMP/overlay.$$
	rm -rf "$d"
	mkdir -p "$d/etc/mantle/rc.d"
	for f in "$@"; do
		install -m 0755 "$f" "$d/etc/mantle/rc.d/"
	done
	scripts/mkcpio.sh "$d" "$_ov_out"
}

# guest_initrd_with OUT FILE...: the guest initramfs with rc.d scripts added.
guest_initrd_with() {
	_gi_out=$1
	shift
	rcd_overlay "$TESTTMP/overlay.cpio.gz" "$@"
	cat "$BUILD/guest/initramfs.cpio.gz" "$TESTTMP/overlay.cpio.gz" >"$_gi_out"
}

# guest_initrd_with_test_pack OUT FILE...: as guest_initrd_with, plus the
# test-only guest modules (build/guest-test-pack/*.ko: mantle_bus.ko built
# with test entry points replaces the driver pack's in /lib/mantle/;
# mantle_bus_hostile.ko and the rest in /lib/mantle-test/) and the test tools
# (build/guest-test-pack/bin/*, e.g. mantle-pipe-test) in /usr/bin (never in
# the driver pack or the product image).
guest_initrd_with_test_pack() {
	_gt_out=$1
	shift
	rcd_overlay "$TESTTMP/overlay.cpio.gz" "$@"
	_gt_d=$TESTTMP/testpack.$$
	rm -rf "$_gt_d"
	mkdir -p "$_gt_d/lib/mantle-test" "$_gt_d/lib/mantle" "$_gt_d/usr/bin"
	# The test build of mantle_bus.ko (its test entry points) replaces the
	# driver pack's: this archive comes last, so its file wins.
	cp "${GUEST_TEST_PACK:-build/guest-test-pack}"/mantle_bus.ko "$_gt_d/lib/mantle/"
	for _gt_m in "${GUEST_TEST_PACK:-build/guest-test-pack}"/*.ko; do
		[ "$(basename "$_gt_m")" = mantle_bus.ko ] ||
			cp "$_gt_m" "$_gt_d/lib/mantle-test/"
	done
	cp "${GUEST_TEST_PACK:-build/guest-test-pack}"/bin/* "$_gt_d/usr/bin/"
	scripts/mkcpio.sh "$_gt_d" "$TESTTMP/testpack.cpio.gz"
	cat "$BUILD/guest/initramfs.cpio.gz" "$TESTTMP/overlay.cpio.gz" \
		"$TESTTMP/testpack.cpio.gz" >"$_gt_out"
}

# guest_overlay_bin OUT.cpio.gz FILE...: an archive that adds each FILE
# (executable) to /usr/bin; append it to the guest initramfs like an rc.d
# overlay.
guest_overlay_bin() {
	_ob_out=$1
	shift
	d=$TESTTMP/overlay-bin.$$
	rm -rf "$d"
	mkdir -p "$d/usr/bin"
	for f in "$@"; do
		install -m 0755 "$f" "$d/usr/bin/"
	done
	scripts/mkcpio.sh "$d" "$_ob_out"
}

# guest_console_clean FILE: fail if the guest console in FILE shows a kernel
# error report: "Fatal" (the PCI core's, among others), "BUG", "Oops",
# "WARNING:" or a call trace. The baseline every device keeps (issue 18).
# BUG and WARNING: are matched in capitals only (the kernel's own "report a
# bug" is not one); the others in any case.
guest_console_clean() {
	_bad=$({
		grep -Ein 'fatal|oops|call trace' "$1"
		grep -En '(^|[^A-Za-z])BUG([^A-Za-z]|$)|WARNING:' "$1"
	} || true)
	[ -z "$_bad" ] || {
		echo "$_bad"
		fail "the guest console shows a kernel error report (lines above)"
	}
}
