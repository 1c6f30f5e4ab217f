# Helpers for the guard_*.sh integration tests (sourced after
# paravisor_common.sh).

# guard_image DIR OPTION...: a test-only copy of the paravisor VM image whose
# /init passes the test-only OPTIONs to mantle-paravisor (paravisor/vmm/
# README.md, "Test-only options"); the product image is untouched.
guard_image() {
	_gd=$1
	shift
	_gsrc=$(cd "$PVIMG" && pwd)
	mkdir -p "$_gd/root"
	(cd "$_gd/root" && zcat "$_gsrc/initramfs.cpio.gz" | cpio -id --quiet)
	grep -q '^[[:space:]]*/bin/mantle-paravisor ' "$_gd/root/init" ||
		fail "the paravisor /init does not start /bin/mantle-paravisor"
	sed -i "s|^\([[:space:]]*\)/bin/mantle-paravisor |\1/bin/mantle-paravisor $* |" \
		"$_gd/root/init"
	scripts/mkcpio.sh "$_gd/root" "$_gd/initramfs.cpio.gz"
	cp "$PVIMG/vmlinuz" "$_gd/vmlinuz"
}
