#!/bin/sh
# Clear errors and exit codes from mantle run: a corrupt kernel (rejected by
# the paravisor), missing QEMU, --accel kvm on an L0 CPU without SVM/VMX, bad
# options, and a hung guest stopped by --timeout.
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

for bad in "--mem 1T" "--mem 65M" "--cpus 9" "--accel xen" "--timeout soon"; do
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
echo "errors are clear: missing QEMU, no SVM/VMX, bad options, corrupt kernel, timeout"
