#!/bin/sh
# A failure of the paravisor VM's own kernel (L1) is reported as such: exit 7
# and a message that quotes the kernel's line and says it is not the guest's,
# both when the kernel panics (QEMU ends) and when it oopses and the
# paravisor VM hangs on (mantle run stops it; no --timeout needed).
# Test-only copies of the product image whose /init breaks its kernel before
# starting mantle-paravisor; the product image is untouched.
. tests/integration/lib.sh
. tests/integration/paravisor_common.sh
pv_require_boot

# broken_image NAME SHELL-LINES: the product image with SHELL-LINES run by
# /init right before it starts mantle-paravisor.
broken_image() {
	d=$TESTTMP/$1
	mkdir -p "$d/root"
	(cd "$d/root" && zcat "$OLDPWD/$PVIMG/initramfs.cpio.gz" | cpio -id --quiet)
	printf '%s\n' "$2" >"$d/inject"
	awk -v f="$d/inject" '
		/^if \[ -z "\$\{rc:-\}" \]; then$/ && !done {
			while ((getline l < f) > 0) print l
			done = 1
		}
		{ print }
		END { if (!done) exit 1 }' "$d/root/init" >"$d/init" ||
		fail "the product /init changed shape: cannot inject into it"
	install -m 0755 "$d/init" "$d/root/init"
	scripts/mkcpio.sh "$d/root" "$d/initramfs.cpio.gz"
	cp "$PVIMG/vmlinuz" "$d/vmlinuz"
}

# 1. A panic: the kernel's sysrq crash. panic=-1 ends QEMU.
broken_image panic 'echo c >/proc/sysrq-trigger'
pv_run panic --paravisor-image "$TESTTMP/panic" --kernel "$GUEST_K" \
	--initrd "$GUEST_I" --mem 128M --timeout 300
pv_show_log panic
[ "$rc" -eq 7 ] || fail "L1 panic: exit $rc, expected 7"
grep -q "paravisor VM's kernel (L1) failed, not the guest" "$TESTTMP/panic.err" ||
	fail "L1 panic: no clear message"
grep -q "Kernel panic" "$TESTTMP/panic.err" || fail "L1 panic: the kernel's line is not quoted"
grep -qi "guest crashed\|guest powered off" "$TESTTMP/panic.err" &&
	fail "L1 panic reported as a guest outcome"

# 2. An oops that leaves the paravisor VM running but stuck: the kernel logs
# a critical "Oops:" line, and /init then waits forever. mantle run must stop
# it by itself (no --timeout given; the outer test timeout is the backstop).
broken_image stuck 'echo "<2>Oops: injected by paravisor_kernel_failure.sh" >/dev/kmsg
while :; do sleep 60; done'
start=$(date +%s)
pv_run stuck --paravisor-image "$TESTTMP/stuck" --kernel "$GUEST_K" \
	--initrd "$GUEST_I" --mem 128M
secs=$(($(date +%s) - start))
pv_show_log stuck
[ "$rc" -eq 7 ] || fail "L1 oops with a stuck VM: exit $rc, expected 7"
grep -q 'Oops: injected by paravisor_kernel_failure.sh' "$TESTTMP/stuck.err" ||
	fail "L1 oops: the kernel's line is not quoted"
grep -q "Oops: injected" "$TESTTMP/stuck.log" || fail "L1 oops: not in the log"
echo "L1 kernel failures reported as such: panic, and oops with a stuck VM (stopped after ${secs}s)"
