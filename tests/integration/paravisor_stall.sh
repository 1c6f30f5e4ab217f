#!/bin/sh
# A hang is a failure too (issue 11 item 4): a Linux guest that halts without
# powering off (`halt -f`: every vCPU in HLT with interrupts off, forever)
# must end `mantle run` without --timeout's help. The paravisor's stall
# watchdog stops it after the stall timeout (exit 7), logging what each vCPU
# waits on, and mantle run exits 8 with its one-line reason. The run uses
# --stall-timeout 45 (the default 120 s is the same code with a bigger
# number; 45 leaves the wake check's 30 s report in): the option reaches the
# paravisor through the measured command line, which this also checks. The
# --timeout here is only a safety net well above that. About a minute.
. tests/integration/lib.sh
. tests/integration/paravisor_common.sh
pv_require_boot

cat >"$TESTTMP/50-halt" <<'EOT'
#!/bin/sh
echo "probe: halting"
busybox halt -f
echo "probe: halt returned"
EOT
guest_initrd_with "$TESTTMP/initrd" "$TESTTMP/50-halt"
pv_run halt --kernel "$GUEST_K" --initrd "$TESTTMP/initrd" --cpus 2 \
	--mem 128M --timeout 400 --stall-timeout 45
log=$TESTTMP/halt.log
[ "$rc" -eq 8 ] || { pv_show_log halt; fail "halted guest: exit $rc, expected 8 (guest stalled)"; }
grep -q "probe: halting" "$TESTTMP/halt.out" || fail "the guest never reached its halt"
grep -q "the guest made no progress for --stall-timeout seconds" "$TESTTMP/halt.err" ||
	fail "no one-line reason for the stall on stderr"
grep -q "stall: no vCPU made progress for 45 s" "$log" || fail "the watchdog did not say why it stopped"
for cpu in 0 1; do
	grep -q "stall: vCPU $cpu: halted rip=0x[0-9a-f]* IF=0;" "$log" ||
		fail "no wait state of vCPU $cpu (halted, IF=0) in the log"
done
grep -q "stall: every vCPU halted .*: nothing can wake the guest" "$log" ||
	fail "no verdict line in the log"
# The wake check (paravisor/vmm/wake_check.h) looked at the blocked vCPUs
# every second, found nothing KVM should have woken (HLT with IF=0 waits for
# NMI or INIT only), and after 30 s had each vCPU log what it waits on.
grep -q "wake check: a vCPU sat blocked for 30 s" "$log" ||
	fail "the wake check did not report a vCPU blocked for 30 s"
for cpu in 0 1; do
	grep -q "wake check: vCPU $cpu: halted rip=0x[0-9a-f]* IF=0;" "$log" ||
		fail "the wake check did not log vCPU $cpu's wait state"
done
grep -q "wake check: KVM left" "$log" &&
	fail "the wake check took a halt with IF=0 for a missed wake-up"
grep -Eq "wake check: [0-9]+ look\(s\) at vCPUs blocked a second or more, 0 missed" "$log" ||
	fail "no wake check summary with 0 missed wake-ups"
grep -q "result=stalled exit=7" "$log" || fail "the paravisor's summary does not say stalled, exit 7"
grep -q "mantle-pvinit: mantle-paravisor exit 7" "$log" || fail "/init did not report status 7"
# The timeout is part of the launch: on the measured command line.
"$MANTLE" measure --paravisor-image "$PVIMG" --kernel "$GUEST_K" \
	--initrd "$TESTTMP/initrd" --cpus 2 --mem 128M --stall-timeout 45 \
	>"$TESTTMP/offline" || fail "mantle measure --stall-timeout failed"
grep '^MEASURE ' "$log" | tr -d '\r' | diff "$TESTTMP/offline" - ||
	fail "--stall-timeout 45: offline measurements differ from the launch's"
echo "a halted guest ends mantle run with exit 8 after its 45 s stall timeout"
