#!/bin/sh
# Pipes end to end in one nested boot: a Unix socket on the host
# (mantle run --pipe data=SOCKET) <-> the paravisor's pipe device <-> the pv
# bus <-> /dev/mantle-pipe-data in the guest (mantle_pipe.ko).
#  1. 8 MiB each way at once, bit-exact (sha256 on both ends);
#  2. the host closes its end: the guest's reader sees end of file; the next
#     open() of the device opens the channel again (a new host connection);
#  3. bytes written just before an unload reach the host; the modules
#     unload and reload three times (the host sees a connection
#     per channel open), then data flows both ways again;
#  4. the guest's last bytes are written just before power-off: they reach
#     the host (the driver waits until the paravisor consumed them).
. tests/integration/lib.sh
. tests/integration/paravisor_common.sh
pv_require_boot
command -v python3 >/dev/null || fail "python3 missing (make deps)"

# The host end: connection 1 sends 8 MiB and takes 8 MiB, then closes;
# every later connection k sends "hello k" and takes bytes until the guest
# closes the channel.
cat >"$TESTTMP/host.py" <<'EOP'
import hashlib, random, socket, sys, threading
path, logname = sys.argv[1], sys.argv[2]
size = 8 << 20
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(8)
log = open(logname, "w", buffering=1)
k = 0
while True:
    c, _ = srv.accept()
    k += 1
    log.write("host: conn %d\n" % k)
    if k == 1:
        data = random.Random(12).randbytes(size)
        log.write("host: conn 1 sends sha=%s\n" % hashlib.sha256(data).hexdigest())
        t = threading.Thread(target=c.sendall, args=(data,))
        t.start()
        got = bytearray()
        while len(got) < size:
            b = c.recv(65536)
            if not b:
                break
            got += b
        t.join()
        log.write("host: conn 1 received %d sha=%s\n" % (len(got), hashlib.sha256(got).hexdigest()))
    else:
        c.sendall(b"hello %d\n" % k)
        got = bytearray()
        if k == 5:
            # An idle channel, then a ping: the doorbell must wake the
            # paravisor (and the interrupt the guest) for the pong.
            while not got.endswith(b"ping\n"):
                b = c.recv(65536)
                if not b:
                    break
                got += b
            c.sendall(b"pong\n")
            log.write("host: conn 5 ping -> pong\n")
        while True:
            b = c.recv(65536)
            if not b:
                break
            got += b
        log.write("host: conn %d received %r\n" % (k, bytes(got)))
    c.close()
EOP
python3 "$TESTTMP/host.py" "$TESTTMP/data.sock" "$TESTTMP/host.log" &
host_pid=$!
trap 'kill $host_pid 2>/dev/null; rm -rf "$TESTTMP"' EXIT
i=0
while [ ! -S "$TESTTMP/data.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done

cat >"$TESTTMP/10-pipe" <<'EOT'
#!/bin/sh
dev=/dev/mantle-pipe-data
[ -c $dev ] && echo "pipe: $dev present at rc.d"
dd if=/dev/urandom of=/tmp/out bs=1M count=8 2>/dev/null
echo "pipe: g2h sha=$(sha256sum </tmp/out | cut -d' ' -f1)"
head -c 8388608 $dev >/tmp/in &
reader=$!
cat /tmp/out >$dev
echo "pipe: write exit $?"
wait $reader
echo "pipe: h2g bytes=$(wc -c </tmp/in) sha=$(sha256sum </tmp/in | cut -d' ' -f1)"
# The host closed after taking 8 MiB: end of file, no more bytes.
timeout 60 cat $dev >/tmp/rest
echo "pipe: eof rc=$? rest=$(wc -c </tmp/rest)"
# Opening the device after the end of its stream opens the channel again:
# the host sees a new connection.
echo "pipe: reopen read=$(timeout 60 head -c 8 $dev | tr '\n' .)"
# Bytes written right before an unload reach the host (remove drains).
echo before-unload >$dev
i=0
while [ $i -lt 3 ]; do
	i=$((i + 1))
	rmmod mantle_pipe && rmmod mantle_bus &&
		insmod /lib/mantle/mantle_bus.ko && insmod /lib/mantle/mantle_pipe.ko &&
		[ -c $dev ] && echo "pipe: reload $i ok"
done
echo "pipe: again read=$(timeout 60 head -c 8 $dev | tr '\n' .)"
sleep 2
exec 3<>$dev
echo ping >&3
echo "pipe: pong=$(timeout 10 head -c 5 <&3 | tr '\n' .)"
exec 3>&-
echo "again, last words" >$dev
echo "pipe: again written"
dmesg | grep -E 'mantle|BUG:|Oops|WARNING: CPU|Call Trace' | sed 's/^/pipe: dmesg: /'
dmesg | grep -cE 'BUG:|Oops|WARNING: CPU' | sed 's/^/pipe: kernel-trouble=/'
EOT
guest_initrd_with "$TESTTMP/initrd" "$TESTTMP/10-pipe"
pv_run a --kernel "$GUEST_K" --initrd "$TESTTMP/initrd" \
	--cmdline "console=ttyS0 quiet" --timeout 600 \
	--pipe data="$TESTTMP/data.sock"
sleep 1
echo "--- host end:"
cat "$TESTTMP/host.log"
echo "--- paravisor counters:"
grep -aE 'pvbus: |pipes: ' "$TESTTMP/a.log" || true
[ "$rc" -eq 0 ] || { pv_show_log a; fail "mantle run exit $rc, expected 0"; }
out=$TESTTMP/a.out
hl=$TESTTMP/host.log
grep -qx "pipe: /dev/mantle-pipe-data present at rc.d" "$out" || { pv_show_log a; fail "no pipe device when rc.d ran"; }
g2h=$(sed -n 's/^pipe: g2h sha=//p' "$out")
h2g=$(sed -n 's/^host: conn 1 sends sha=//p' "$hl")
[ -n "$g2h" ] && grep -qx "host: conn 1 received 8388608 sha=$g2h" "$hl" ||
	{ pv_show_log a; fail "guest -> host: 8 MiB did not arrive bit-exact"; }
[ -n "$h2g" ] && grep -qx "pipe: h2g bytes=8388608 sha=$h2g" "$out" ||
	{ pv_show_log a; fail "host -> guest: 8 MiB did not arrive bit-exact"; }
grep -qx "pipe: write exit 0" "$out" || fail "the guest's write failed"
grep -qx "pipe: eof rc=0 rest=0" "$out" || fail "no end of file after the host closed"
for i in 1 2 3; do
	grep -qx "pipe: reload $i ok" "$out" || fail "unload/reload $i failed"
done
grep -qx "pipe: reopen read=hello 2." "$out" || fail "opening the device after EOF did not reconnect"
grep -qF "host: conn 2 received b'before-unload\\n'" "$hl" ||
	fail "bytes written before the unload did not reach the host"
grep -qx "host: conn 5" "$hl" || fail "the host did not see a connection per reload"
grep -qx "pipe: again read=hello 5." "$out" || fail "no host data after the reloads"
grep -qx "pipe: pong=pong." "$out" || fail "no answer on an idle channel (a notification was lost)"
grep -qF "host: conn 5 received b'ping\\nagain, last words\\n'" "$hl" ||
	fail "the guest's last bytes before power-off did not reach the host"
grep -qx "pipe: kernel-trouble=0" "$out" || fail "kernel warnings in the guest"
echo "pipe: 8 MiB each way bit-exact, EOF, reload x3, data again, last bytes before power-off delivered"
