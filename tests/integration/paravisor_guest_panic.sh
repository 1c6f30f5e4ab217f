#!/bin/sh
# A guest kernel panic ends the run at once (issue 11 item 4): the guest's
# pvpanic driver (bound through the DSDT's "QEMU0001") tells the paravisor,
# which stops with status 8; `mantle run` exits 2 (guest crash) and says the
# guest kernel panicked. Without it a guest with panic=0 spins for ever and
# only --timeout (a safety net here) would end the run. About 25 s.
. tests/integration/lib.sh
. tests/integration/paravisor_common.sh
pv_require_boot

cat >"$TESTTMP/50-panic" <<'EOT'
#!/bin/sh

ls /sys/bus/platform/drivers/pvpanic-mmio/ | sed 's/^/probe: pvpanic: /'
echo 1 >/proc/sys/kernel/panic_on_oops
echo 0 >/proc/sys/kernel/panic
echo "probe: crashing"
# The lines above reach the console through the tty, asynchronously; the
# panic's printk does not wait for them. Let them drain first so that the
# two never interleave ("Kernel panic - not sync" + "probe: ..." was seen).
sleep 1
echo c >/proc/sysrq-trigger
echo "probe: still alive"
EOT
guest_initrd_with "$TESTTMP/initrd" "$TESTTMP/50-panic"
pv_run panic --kernel "$GUEST_K" --initrd "$TESTTMP/initrd" --cpus 2 \
	--mem 128M --timeout 300
log=$TESTTMP/panic.log
[ "$rc" -eq 2 ] || { pv_show_log panic; fail "panicked guest: exit $rc, expected 2 (guest crash)"; }
grep -q "probe: pvpanic: QEMU0001:" "$TESTTMP/panic.out" ||
	fail "the guest's pvpanic driver did not bind the DSDT's QEMU0001"
grep -q "probe: crashing" "$TESTTMP/panic.out" || fail "the guest never reached its crash"
grep -q "Kernel panic - not syncing" "$TESTTMP/panic.out" || fail "no panic on the guest console"
grep -q "the guest kernel panicked" "$TESTTMP/panic.err" || fail "no one-line reason on stderr"
grep -q "guest kernel panicked (pvpanic)" "$log" || fail "the paravisor did not log the pvpanic event"
grep -q "result=guest-panic exit=8" "$log" || fail "the paravisor's summary does not say guest-panic, exit 8"
echo "a panicking guest ends mantle run with exit 2 at once, through pvpanic"
