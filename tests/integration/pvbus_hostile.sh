#!/bin/sh
# A guest that breaks the pv bus protocol, in one nested boot, with two host
# pipes (good, victim) served by an echo server on the host:
#  1. the bus as the driver pack left it: version, one device per pipe with
#     its sysfs attributes (class, instance id = the name, modalias); the
#     good pipe under mantle-pipe-test (test pack): O_NONBLOCK, poll,
#     back-pressure until every buffer is full, an interrupted blocking
#     write, every byte back in order;
#  2. mantle_bus_hostile.ko (test pack) rings doorbells of unknown channels,
#     sends malformed control packets and bad opens, and writes garbage into
#     the rings of the victim channel (unbound from mantle_pipe first): the
#     paravisor breaks only that channel, counts and logs every fault, and
#     the good pipe keeps echoing; the victim opens again after its close;
#  3. offering only protocol 2.0 is refused cleanly (a clear log line, the
#     load fails), and the default load afterwards works, good pipe included;
#  4. the hostile module breaks the control ring itself: the good pipe's open
#     channel still echoes, and the guest powers off normally.
. tests/integration/lib.sh
. tests/integration/paravisor_common.sh
pv_require_boot
command -v python3 >/dev/null || fail "python3 missing (make deps)"
[ -f build/guest-test-pack/mantle_bus_hostile.ko ] || fail "test pack missing (make all)"

cat >"$TESTTMP/echo.py" <<'EOP'
import socket, sys, threading
def serve(conn):
    while True:
        b = conn.recv(65536)
        if not b:
            break
        conn.sendall(b)
    conn.close()
def listen(path):
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(8)
    while True:
        c, _ = srv.accept()
        threading.Thread(target=serve, args=(c,), daemon=True).start()
for p in sys.argv[1:]:
    threading.Thread(target=listen, args=(p,), daemon=True).start()
threading.Event().wait()
EOP
python3 "$TESTTMP/echo.py" "$TESTTMP/good.sock" "$TESTTMP/victim.sock" &
host_pid=$!
trap 'kill $host_pid 2>/dev/null; rm -rf "$TESTTMP"' EXIT
i=0
while { [ ! -S "$TESTTMP/good.sock" ] || [ ! -S "$TESTTMP/victim.sock" ]; } && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done

cat >"$TESTTMP/10-hostile" <<'EOT'
#!/bin/sh
good=/dev/mantle-pipe-good
echo "hb: version=$(cat /sys/bus/mantle/version)"
for d in /sys/bus/mantle/devices/*; do
	echo "hb: dev class=$(cat $d/device_class) id=$(cat $d/instance_id) alias=$(cat $d/modalias) chan=$(cat $d/channel_id) driver=$(basename "$(readlink $d/driver)") $(grep MODALIAS= $d/uevent)"
	# "victim" NUL-padded, in hex
	[ "$(cat $d/instance_id)" = 76696374696d00000000000000000000 ] && victim=$(cat $d/channel_id)
done
# echo LABEL: one line through the good pipe and back.
echo_good() {
	exec 3<>$good
	echo "$1" >&3
	# read -t, not timeout(1): busybox's timeout leaves a watcher process
	# holding the device open for the whole timeout, which keeps
	# mantle_pipe from unloading.
	line=
	read -t 10 -r line <&3
	echo "hb: $1 echo=$line"
	exec 3>&-
}
echo_good before
mantle-pipe-test $good | sed 's/^/hb: /'
echo "chan$victim" >/sys/bus/mantle/drivers/mantle_pipe/unbind && echo "hb: victim unbound"
insmod /lib/mantle-test/mantle_bus_hostile.ko target=$victim
echo "hb: hostile insmod exit $?"
echo_good after-hostile
echo "hb: guest-protocol-errors=$(cat /sys/bus/mantle/protocol_errors)"
rmmod mantle_bus_hostile && rmmod mantle_pipe && rmmod mantle_bus && echo "hb: unloaded"
insmod /lib/mantle/mantle_bus.ko versions=2.0 || echo "hb: versions=2.0 refused"
dmesg | grep 'mantle_bus: the paravisor speaks' | tail -n 1 | sed 's/^\[[ 0-9.]*\] /hb: log: /'
insmod /lib/mantle/mantle_bus.ko && insmod /lib/mantle/mantle_pipe.ko &&
	echo "hb: reloaded version=$(cat /sys/bus/mantle/version)"
echo_good after-reload
exec 4<>$good
insmod /lib/mantle-test/mantle_bus_hostile.ko break_control=1
echo "hb: break_control insmod exit $?"
echo after-break >&4
line=
read -t 10 -r line <&4
echo "hb: after-break echo=$line"
exec 4>&-
dmesg | grep -E 'mantle|BUG:|Oops|WARNING: CPU|Call Trace' | sed 's/^/hb: dmesg: /'
dmesg | grep -cE 'BUG:|Oops|WARNING: CPU' | sed 's/^/hb: kernel-trouble=/'
EOT
guest_initrd_with_test_pack "$TESTTMP/initrd" "$TESTTMP/10-hostile"
pv_run a --kernel "$GUEST_K" --initrd "$TESTTMP/initrd" \
	--cmdline "console=ttyS0 quiet" --timeout 300 \
	--pipe good="$TESTTMP/good.sock" --pipe victim="$TESTTMP/victim.sock"
[ "$rc" -eq 0 ] || { pv_show_log a; fail "mantle run exit $rc, expected 0"; }
out=$TESTTMP/a.out
log=$TESTTMP/a.log
want() {
	grep -qx "hb: $1" "$out" || { pv_show_log a; fail "guest: expected '$1'"; }
}
want "version=1.0"
# "good" and "victim" NUL-padded to 16 bytes, as 32 hex digits.
grep -Eq '^hb: dev class=3 id=676f6f64000000000000000000000000 alias=mantle:c0003 chan=[0-9]+ driver=mantle_pipe MODALIAS=mantle:c0003$' "$out" ||
	fail "no good pipe device with the expected sysfs attributes"
grep -Eq '^hb: dev class=3 id=76696374696d00000000000000000000 alias=mantle:c0003 chan=[0-9]+ driver=mantle_pipe MODALIAS=mantle:c0003$' "$out" ||
	fail "no victim pipe device with the expected sysfs attributes"
want "before echo=before"
for m in "ok empty: EAGAIN, POLLOUT only" "ok echo: poll woke, ping came back" \
	"ok blocking write into a full pipe interrupted (EINTR)" "done"; do
	want "mantle-pipe-test: $m"
done
grep -Eq '^hb: mantle-pipe-test: ok back-pressure: EAGAIN after [0-9]+ bytes, not POLLOUT$' "$out" &&
	grep -Eq '^hb: mantle-pipe-test: ok [0-9]+ bytes came back in order, none lost or repeated$' "$out" ||
	fail "pipe back-pressure or ordering"
want "victim unbound"
want "hostile insmod exit 0"
for s in "doorbells for 4 unknown channels" "control unknown type: 0" \
	"garbage in the rings of channel" "closed channel" "reopen channel [0-9]*: 0" "done"; do
	grep -q "mantle_bus_hostile: step $s\|mantle_bus_hostile: $s" "$out" ||
		fail "hostile module: no '$s'"
done
want "after-hostile echo=after-hostile"
grep -Eq '^hb: guest-protocol-errors=[1-9]' "$out" ||
	fail "the guest bus driver did not count the paravisor's answers to the hostile requests"
want "unloaded"
want "versions=2.0 refused"
want "log: mantle_bus: the paravisor speaks protocol versions 1.0 to 1.0 and refused the offered 2.0 (VERSION_UNSUPPORTED): not using the bus"
want "reloaded version=1.0"
want "after-reload echo=after-reload"
want "break_control insmod exit 0"
want "after-break echo=after-break"
want "kernel-trouble=0"
echo "guest: hostile module done, good pipe served throughout, version refusal clean"

# The paravisor counted and logged each fault, and broke only the victim.
line=$(grep -a 'pvbus: doorbells=' "$log" | tail -n 1)
[ -n "$line" ] || { pv_show_log a; fail "no pvbus counter line in the log"; }
echo "$line"
for f in broken=1 chan-ring-fault=1 ctl-ring-fault=1; do
	case " $line " in
	*" $f "*) ;;
	*) pv_show_log a; fail "pvbus counters: expected $f" ;;
	esac
done
for f in ctl-malformed ctl-unknown-type unknown-channel ring-not-ram ring-align \
	ring-log2 ring-overlap doorbell-unknown; do
	echo " $line " | grep -Eq " $f=[1-9][0-9]* " ||
		{ pv_show_log a; fail "pvbus counters: no $f"; }
done
echo "paravisor: every fault counted, only the victim broken; hostile test passed"
