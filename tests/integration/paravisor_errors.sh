#!/bin/sh
# Clear errors and exit codes from mantle run: missing QEMU, --accel kvm on an
# L0 CPU without SVM/VMX, bad options, a corrupt kernel (rejected by the
# paravisor), a guest triple fault, KVM missing in the paravisor VM, and a hung
# guest stopped by --timeout.
. tests/integration/lib.sh
. tests/integration/paravisor_common.sh
pv_require_boot

# Host-side errors: no boot needed.
rc=0
PATH=/nonexistent "$MANTLE" run --kernel "$GUEST_K" --log "$TESTTMP/nq.log" \
	</dev/null >"$TESTTMP/nq.out" 2>"$TESTTMP/nq.err" || rc=$?
cat "$TESTTMP/nq.err"
[ "$rc" -eq 1 ] && grep -q "QEMU not found" "$TESTTMP/nq.err" ||
	fail "missing QEMU: exit $rc, expected 1 with a clear message"
[ ! -s "$TESTTMP/nq.out" ] || fail "missing QEMU printed on stdout"

if grep -Eqw 'svm|vmx' /proc/cpuinfo; then
	echo "L0 CPU has SVM/VMX: the --accel kvm refusal is not testable here"
else
	pv_run kvm --kernel "$GUEST_K" --accel kvm --timeout 60
	[ "$rc" -eq 1 ] && grep -q "no SVM or VMX" "$TESTTMP/kvm.err" ||
		fail "--accel kvm without SVM/VMX: exit $rc, expected 1 with a clear message"
fi

for bad in "--mem 1T" "--mem 65M" "--cpus 9" "--accel xen" "--timeout soon" \
	"--pv-cpus 0" "--pv-cpus 5"; do
	# shellcheck disable=SC2086
	pv_run badopt --kernel "$GUEST_K" --timeout 60 $bad
	[ "$rc" -eq 1 ] && grep -q "invalid" "$TESTTMP/badopt.err" ||
		fail "'$bad': exit $rc, expected 1 with a clear message"
done

# A corrupt kernel: the guest kernel with its boot-protocol header zeroed.
dd if="$GUEST_K" of="$TESTTMP/corrupt" bs=4096 2>/dev/null
dd if=/dev/zero of="$TESTTMP/corrupt" bs=1 seek=512 count=512 conv=notrunc 2>/dev/null
pv_run corrupt --kernel "$TESTTMP/corrupt" --initrd "$GUEST_I" --timeout 120
pv_show_log corrupt
[ "$rc" -eq 3 ] || fail "corrupt kernel: exit $rc, expected 3 (paravisor error)"
grep -q "mantle-paravisor" "$TESTTMP/corrupt.err" ||
	fail "corrupt kernel: the paravisor's reason is not on stderr"
grep -qi "bzimage" "$TESTTMP/corrupt.err" ||
	fail "corrupt kernel: the message does not say it is not a bzImage"
[ ! -s "$TESTTMP/corrupt.out" ] || fail "corrupt kernel: unexpected guest output"

# A guest crash: the guest kernel with `ud2` at its 64-bit entry point. With no
# IDT yet, #UD escalates to a triple fault, which is a crash, not a reboot.
cp "$GUEST_K" "$TESTTMP/crash"
sects=$(od -An -tu1 -j $((0x1f1)) -N 1 "$GUEST_K" | tr -d ' ')
[ "$sects" -ne 0 ] || sects=4
printf '\017\013' | dd of="$TESTTMP/crash" bs=1 seek=$(((sects + 1) * 512 + 0x200)) \
	conv=notrunc 2>/dev/null
pv_run crash --kernel "$TESTTMP/crash" --initrd "$GUEST_I" --mem 128M --timeout 120
pv_show_log crash
[ "$rc" -eq 2 ] || fail "guest triple fault: exit $rc, expected 2 (guest crash)"
grep -q "crashed" "$TESTTMP/crash.err" || fail "guest crash: no clear message"
grep -Eqi 'rip[ =:]' "$TESTTMP/crash.log" || fail "guest crash: no vCPU registers in the log"

# KVM unavailable inside the paravisor VM: the product image without its kvm
# modules (a test-only copy; the product image is untouched).
mkdir -p "$TESTTMP/nokvm/root"
(cd "$TESTTMP/nokvm/root" && zcat "$OLDPWD/$PVIMG/initramfs.cpio.gz" | cpio -id --quiet)
rm -f "$TESTTMP/nokvm/root/lib/modules/"kvm*.ko
scripts/mkcpio.sh "$TESTTMP/nokvm/root" "$TESTTMP/nokvm/initramfs.cpio.gz"
cp "$PVIMG/vmlinuz" "$TESTTMP/nokvm/vmlinuz"
pv_run nokvm --paravisor-image "$TESTTMP/nokvm" --kernel "$GUEST_K" \
	--initrd "$GUEST_I" --mem 128M --timeout 120
[ "$rc" -eq 3 ] || { pv_show_log nokvm; fail "no KVM in the paravisor VM: exit $rc, expected 3"; }
grep -qi "kvm" "$TESTTMP/nokvm.err" || fail "no KVM: the message does not name KVM"

# A hung guest: rc.d never returns; --timeout stops it after the guest booted.
cat >"$TESTTMP/50-hang" <<'EOT'
#!/bin/sh
echo "probe: hanging"
while :; do sleep 60; done
EOT
guest_initrd_with "$TESTTMP/initrd" "$TESTTMP/50-hang"
pv_run hang --kernel "$GUEST_K" --initrd "$TESTTMP/initrd" --mem 128M --timeout 45
[ "$rc" -eq 124 ] || { pv_show_log hang; fail "hung guest: exit $rc, expected 124"; }
grep -q "timeout" "$TESTTMP/hang.err" || fail "hung guest: no timeout message"
grep -q "probe: hanging" "$TESTTMP/hang.out" || fail "hung guest: it never booted"
echo "errors are clear: missing QEMU, no SVM/VMX, bad options, corrupt kernel," \
	"guest crash, no KVM in the paravisor VM, timeout"
