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
guest_initrd_with "$TESTTMP/initrd" "$TESTTMP/20-pvbus-probe"
# Two host pipes (mantle run --pipe, hostif 1.1, control_pipe.c): the bus
# offers them as pipe channels (class 3) named as on the host. Nobody
# listens on the sockets: no channel is opened here.
# mantle.nodrivers: /init leaves the driver pack (mantle_bus, mantle_pipe)
# unloaded, so the probe finds the bus as the paravisor starts it.
pv_run a --kernel "$GUEST_K" --initrd "$TESTTMP/initrd" --cpus 2 --mem 256M \
	--cmdline "console=ttyS0 quiet mantle.nodrivers" --timeout 240 \
	--pipe demo="$TESTTMP/demo.sock" --pipe log-2="$TESTTMP/log.sock"
[ "$rc" -eq 0 ] || { pv_show_log a; fail "mantle run exit $rc, expected 0"; }
out=$TESTTMP/a.out
log=$TESTTMP/a.log
want() {
	grep -qx "pvbus-probe: $1" "$out" || { pv_show_log a; fail "guest: expected '$1'"; }
}
grep -q "mantle-guest: rc.d done" "$out" || fail "guest did not finish rc.d"
want "bus 0x98000 ring-log2 7 gsi 10 doorbell pio 0x620"
want "area zero at start: yes"
# Version 1.0, both features of 1.0 accepted.
want "first: status 0 version 0x10000 features 0x3"
# The host's pipes, offered by the bus through the control channel.
grep -q "^pvbus-probe: offer channel [0-9]* class 3 instance demo$" "$out" &&
	grep -q "^pvbus-probe: offer channel [0-9]* class 3 instance log-2$" "$out" ||
	{ pv_show_log a; fail "guest: the host's pipes were not offered"; }
want "offers 2 of 2"
want "open 77: status 3"
want "unknown type answered: no"
want "area zero after bus reset: yes"
want "after reset: status 0 version 0x10000 features 0x3"
want "done"
echo "guest: discovery, negotiation, offers (the host's 2 pipes), refusal, bus reset ok"

# The paravisor's side: the counters at teardown, the errors by kind.
line=$(grep 'pvbus: doorbells=' "$log" | tail -n 1)
[ -n "$line" ] || { pv_show_log a; fail "no pvbus counter line in the log"; }
echo "$line"
for f in negotiated=2 bus-resets=1 unknown-channel=1 ctl-unknown-type=1 \
	doorbell-unknown=1 broken=0; do
	case " $line " in
	*" $f "*) ;;
	*) fail "pvbus counters: expected $f" ;;
	esac
done
grep -q 'pvbus: doorbell-unknown: doorbell 12345' "$log" ||
	fail "the unknown doorbell was not logged"
echo "paravisor: bus counters ok; pvbus test passed"
