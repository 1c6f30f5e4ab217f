#!/bin/sh
# The pv bus (protocol/SPEC.md 2-4) as an unmodified Linux guest sees it,
# without a bus driver: a test-only probe (tests/integration/pvbus_probe.c)
# run from rc.d finds the bus through CPUID, maps the bus area through
# /dev/mem, negotiates, asks for offers, is refused an unknown channel,
# tries hostile bits, resets the bus and negotiates again; with two host
# pipes (mantle run --pipe), it sees them offered and echoes a line through
# one of them (pipe-peer on the host socket). One boot checks
# those answers, that the guest otherwise boots and powers off as before,
# and the paravisor's bus counters at teardown.
. tests/integration/lib.sh
. tests/integration/paravisor_common.sh
pv_require_boot

probe=$BUILD/test/guest-tools/pvbus-probe
peer=$BUILD/test-tools/pipe-peer
[ -x "$probe" ] && [ -x "$peer" ] || fail "missing $probe or $peer (make all)"
# The probe from rc.d, with a pipe echo on channel 1.
printf '#!/bin/sh\nexec /usr/bin/pvbus-probe 1\n' >"$TESTTMP/20-pvbus-probe"
rcd_overlay "$TESTTMP/rcd.cpio.gz" "$TESTTMP/20-pvbus-probe"
guest_overlay_bin "$TESTTMP/bin.cpio.gz" "$probe"
cat "$BUILD/guest/initramfs.cpio.gz" "$TESTTMP/rcd.cpio.gz" "$TESTTMP/bin.cpio.gz" \
	>"$TESTTMP/initrd"
# Two host pipes (mantle run --pipe, hostif 1.1, control_pipe.c): the bus
# offers them as pipe channels (class 3) named as on the host. pipe-peer
# echoes on demo's socket; nobody listens on log-2's.
# mantle.nodrivers: /init leaves the driver pack (mantle_bus, mantle_pipe)
# unloaded, so the probe finds the bus as the paravisor starts it.
"$peer" "$TESTTMP/demo.sock" echo >"$TESTTMP/peer.out" 2>&1 &
peer_pid=$!
for _i in 1 2 3 4 5 6 7 8 9 10; do
	[ -S "$TESTTMP/demo.sock" ] && break
	sleep 0.2
done
pv_run a --kernel "$GUEST_K" --initrd "$TESTTMP/initrd" --cpus 2 --mem 256M \
	--cmdline "console=ttyS0 quiet mantle.nodrivers" --timeout 240 \
	--pipe demo="$TESTTMP/demo.sock" --pipe log-2="$TESTTMP/log.sock"
kill "$peer_pid" 2>/dev/null
wait "$peer_pid" 2>/dev/null
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
# Bytes guest -> pv bus -> control channel -> mantle -> socket -> back.
want "pipe 1: open status 0"
want "pipe 1: echo 'hello through the mantle pipe'"
want "pipe 1: closed"
cat "$TESTTMP/peer.out"
grep -q "^pipe-peer: connection 1: received 29 sent 29 " "$TESTTMP/peer.out" ||
	fail "pipe-peer did not echo the 29 bytes"
grep -aq '^mantle: hostif host: .*pipe_opens=1 .*pipe_bytes_from_guest=29 pipe_bytes_to_guest=29 ' "$log" ||
	{ grep -a 'hostif host' "$log"; fail "the host's pipe counters are not 1 open, 29 bytes each way"; }
grep -aq 'mantle-paravisor: pipes: opens=1 bytes_to_host=29 bytes_from_host=29 host_closes=0 stream_errors=0 ' "$log" ||
	{ pv_show_log a; fail "the paravisor's pipe counters are not 1 open, 29 bytes each way"; }
echo "pipe: 29 bytes guest -> pv bus -> hostif -> mantle -> socket -> back"
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
