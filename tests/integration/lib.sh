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
# test-only guest modules (build/guest-test-pack/*.ko, e.g.
# mantle_bus_hostile.ko) in /lib/mantle-test/ and the test tools
# (build/guest-test-pack/bin/*, e.g. mantle-pipe-test) in /usr/bin (never in
# the driver pack or the product image).
guest_initrd_with_test_pack() {
	_gt_out=$1
	shift
	rcd_overlay "$TESTTMP/overlay.cpio.gz" "$@"
	_gt_d=$TESTTMP/testpack.$$
	rm -rf "$_gt_d"
	mkdir -p "$_gt_d/lib/mantle-test" "$_gt_d/usr/bin"
	cp "${GUEST_TEST_PACK:-build/guest-test-pack}"/*.ko "$_gt_d/lib/mantle-test/"
	cp "${GUEST_TEST_PACK:-build/guest-test-pack}"/bin/* "$_gt_d/usr/bin/"
	scripts/mkcpio.sh "$_gt_d" "$TESTTMP/testpack.cpio.gz"
	cat "$BUILD/guest/initramfs.cpio.gz" "$TESTTMP/overlay.cpio.gz" \
		"$TESTTMP/testpack.cpio.gz" >"$_gt_out"
}
