#!/bin/sh
# The pv bus (protocol/SPEC.md 2-4) as an unmodified Linux guest sees it,
# without a bus driver: a test-only probe (tests/integration/pvbus_probe.c)
# run from rc.d finds the bus through CPUID, maps the bus area through
# /dev/mem, negotiates, asks for offers, is refused an unknown channel,
# tries hostile bits, resets the bus and negotiates again. One boot checks
# those answers, that the guest otherwise boots and powers off as before,
# and the paravisor's bus counters at teardown.
. tests/integration/lib.sh
. tests/integration/paravisor_common.sh
pv_require_boot

probe=$BUILD/test/guest-tools/pvbus-probe
[ -x "$probe" ] || fail "missing $probe (make all)"
cp "$probe" "$TESTTMP/20-pvbus-probe"
# The probe wants the bus as the paravisor starts it: unload the driver pack
# /init loaded (mantle_bus resets the bus when it unloads).
cat >"$TESTTMP/10-unload" <<'EOT'
#!/bin/sh
rmmod mantle_pipe && rmmod mantle_bus && echo "pvbus-test: driver pack unloaded"
EOT
guest_initrd_with "$TESTTMP/initrd" "$TESTTMP/10-unload" "$TESTTMP/20-pvbus-probe"
pv_run a --kernel "$GUEST_K" --initrd "$TESTTMP/initrd" --cpus 2 --mem 256M \
	--cmdline "console=ttyS0 quiet" --timeout 240
[ "$rc" -eq 0 ] || { pv_show_log a; fail "mantle run exit $rc, expected 0"; }
out=$TESTTMP/a.out
log=$TESTTMP/a.log
want() {
	grep -qx "pvbus-probe: $1" "$out" || { pv_show_log a; fail "guest: expected '$1'"; }
}
grep -q "mantle-guest: rc.d done" "$out" || fail "guest did not finish rc.d"
grep -qx "pvbus-test: driver pack unloaded" "$out" || fail "the driver pack did not unload"
want "bus 0x98000 ring-log2 7 gsi 10 doorbell pio 0x620"
want "area zero at start: yes"
# Version 1.0, both features of 1.0 accepted.
want "first: status 0 version 0x10000 features 0x3"
# No pipe backend is wired yet: no channel offered.
want "offers 0 of 0"
want "open 77: status 3"
want "unknown type answered: no"
want "area zero after bus reset: yes"
want "after reset: status 0 version 0x10000 features 0x3"
want "done"
echo "guest: discovery, negotiation, offers, refusal, bus reset ok"

# The paravisor's side: the counters at teardown, the errors by kind.
line=$(grep 'pvbus: doorbells=' "$log" | tail -n 1)
[ -n "$line" ] || { pv_show_log a; fail "no pvbus counter line in the log"; }
echo "$line"
# mantle_bus (driver pack) adds one negotiation and two bus resets (at load
# and at unload) to the probe's two and one.
for f in negotiated=3 bus-resets=3 unknown-channel=1 ctl-unknown-type=1 \
	doorbell-unknown=1 broken=0; do
	case " $line " in
	*" $f "*) ;;
	*) fail "pvbus counters: expected $f" ;;
	esac
done
grep -q 'pvbus: doorbell-unknown: doorbell 12345' "$log" ||
	fail "the unknown doorbell was not logged"
echo "paravisor: bus counters ok; pvbus test passed"
