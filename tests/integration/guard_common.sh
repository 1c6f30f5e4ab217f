# Helpers for the guard_*.sh integration tests (sourced after
# paravisor_common.sh).

# The test image: the product image's build around the test build of
# mantle-paravisor, the only one with the test-only options
# (paravisor/vmm/test_hooks.h).
PVTESTIMG=$BUILD/test/paravisor

# guard_image DIR OPTION...: a copy of the test image whose /init passes the
# test-only OPTIONs to mantle-paravisor (paravisor/vmm/README.md, "Test-only
# options"); the product image never carries them.
guard_image() {
	_gd=$1
	shift
	[ -f "$PVTESTIMG/initramfs.cpio.gz" ] ||
		fail "test paravisor image missing (make all builds $PVTESTIMG)"
	_gsrc=$(cd "$PVTESTIMG" && pwd)
	mkdir -p "$_gd/root"
	(cd "$_gd/root" && zcat "$_gsrc/initramfs.cpio.gz" | cpio -id --quiet)
	grep -q '^[[:space:]]*/bin/mantle-paravisor ' "$_gd/root/init" ||
		fail "the paravisor /init does not start /bin/mantle-paravisor"
	sed -i "s|^\([[:space:]]*\)/bin/mantle-paravisor |\1/bin/mantle-paravisor $* |" \
		"$_gd/root/init"
	scripts/mkcpio.sh "$_gd/root" "$_gd/initramfs.cpio.gz"
	cp "$PVTESTIMG/vmlinuz" "$_gd/vmlinuz"
}
