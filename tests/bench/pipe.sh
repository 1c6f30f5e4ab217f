#!/bin/sh
# make bench-pipe: a guest process and a host process talking through
# `mantle run --pipe` (guest ring -> mantle-paravisor -> control channel ->
# mantle -> Unix socket), against the same path with QEMU as the L1 VMM in
# the same paravisor VM and the same guest kernel (a virtio-serial port whose
# L1 end pipe-relay carries over the same control channel code), in the same
# run. Throughput with 64 KiB writes each way, and the round trip of 64
# bytes; then where the time goes: KVM exits and injected interrupts in L1,
# and the guest's interrupts of the pipe device, per message.
set -eu
BUILD=${BUILD:-build}
OUT=$BUILD/bench-pipe
LOGS=$BUILD/logs/bench
BYTES=${PIPE_BENCH_BYTES:-67108864}
COUNT=${PIPE_BENCH_COUNT:-1000}
mkdir -p "$OUT" "$LOGS"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mantle-bench-pipe.XXXXXX")
peers=
trap 'for p in $peers; do kill "$p" 2>/dev/null || :; done; rm -rf "$TMP"' EXIT
MEM=256M
CPUS=2
K=$BUILD/guest/vmlinuz
RELAY=$(cd "$BUILD/bench-tools" && pwd)/pipe-relay

echo "bench-pipe: building the bench image in $OUT (product image + QEMU + pipe-relay)"
sed "s|@RELAY@|$RELAY|" tests/bench/pipe-init >"$TMP/pipe-init"
paravisor/image/build-paravisor-image.sh "$OUT" "$BUILD/kernel" \
	"$BUILD/bin/mantle-paravisor" "$TMP/pipe-init" "$RELAY" \
	/usr/bin/qemu-system-x86_64 /usr/share/seabios/bios-256k.bin \
	/usr/share/qemu/linuxboot_dma.bin /usr/share/qemu/kvmvapic.bin \
	>"$LOGS/pipe-image.log" 2>&1 || { cat "$LOGS/pipe-image.log"; exit 1; }

# The guest: the guest image plus pipe-probe and the bench rc.d script.
mkdir -p "$TMP/ov/etc/mantle/rc.d" "$TMP/ov/usr/bin"
sed "s/@BYTES@/$BYTES/; s/@COUNT@/$COUNT/" tests/bench/pipe-rcd >"$TMP/ov/etc/mantle/rc.d/00-pipe"
chmod 0755 "$TMP/ov/etc/mantle/rc.d/00-pipe"
install -m 0755 "$BUILD/test-tools/pipe-probe" "$TMP/ov/usr/bin/pipe-probe"
scripts/mkcpio.sh "$TMP/ov" "$TMP/ov.cpio.gz"
cat "$BUILD/guest/initramfs.cpio.gz" "$TMP/ov.cpio.gz" >"$TMP/initrd"

# The host processes: one pipe-peer per pipe, serving both runs.
"$BUILD/test-tools/pipe-peer" "$TMP/sink.sock" sink-ack "$BYTES" >"$LOGS/pipe-peer-sink.log" &
peers="$peers $!"
"$BUILD/test-tools/pipe-peer" "$TMP/source.sock" source "$BYTES" 5 >"$LOGS/pipe-peer-source.log" &
peers="$peers $!"
"$BUILD/test-tools/pipe-peer" "$TMP/echo.sock" echo >"$LOGS/pipe-peer-echo.log" &
peers="$peers $!"
sleep 0.5

: >"$LOGS/pipe-raw.txt"
for vmm in mantle qemu; do
	echo "bench-pipe: $vmm as the L1 VMM"
	rc=0
	"$BUILD/bin/mantle" run --paravisor-image "$OUT" --kernel "$K" \
		--initrd "$TMP/initrd" --cmdline "console=ttyS0 quiet mantle.bench=$vmm" \
		--cpus $CPUS --mem $MEM --timeout 900 --log "$LOGS/pipe-$vmm.log" \
		--pipe sink="$TMP/sink.sock" --pipe source="$TMP/source.sock" \
		--pipe echo="$TMP/echo.sock" </dev/null | tr -d '\r' >"$TMP/$vmm.out" || rc=$?
	if [ $rc -ne 0 ] || ! grep -q 'bench: pipe done' "$TMP/$vmm.out"; then
		echo "bench-pipe: the $vmm run failed (exit $rc; log $LOGS/pipe-$vmm.log):"
		cat "$TMP/$vmm.out"
		exit 1
	fi
	grep '^BENCHRAW' "$TMP/$vmm.out" | sed "s/^BENCHRAW /BENCHRAW vmm=$vmm /" >>"$LOGS/pipe-raw.txt"
done

awk "$(cat tests/bench/bench-lines.awk)"'
/ phase=/ { g[kv($0, "vmm") "," kv($0, "phase")] = $0 }
/ mark=/ { l1[kv($0, "vmm") "," kv($0, "mark")] = $0 }
# L1 KVM counter STAT over phase P of VMM V, per message.
function per_msg(v, p, stat,    a, b, n) {
	a = kv(l1[v "," p "_start"], stat); b = kv(l1[v "," p "_end"], stat)
	n = kv(g[v "," p], "msgs")
	return (n > 0 && a != "" && b != "") ? (b - a) / n : 0
}
END {
	bench("pipe_g2h_64KiB_writes", kv(g["mantle,g2h"], "mibps"), "MiB/s", \
		"qemu_l1_virtio_serial", kv(g["qemu,g2h"], "mibps"))
	bench("pipe_h2g_64KiB_reads", kv(g["mantle,h2g"], "mibps"), "MiB/s", \
		"qemu_l1_virtio_serial", kv(g["qemu,h2g"], "mibps"))
	bench("pipe_rtt_64B_median", kv(g["mantle,rtt"], "rtt_us_median"), "us", \
		"qemu_l1_virtio_serial", kv(g["qemu,rtt"], "rtt_us_median"))
	bench("pipe_rtt_64B_p99", kv(g["mantle,rtt"], "rtt_us_p99"), "us", \
		"qemu_l1_virtio_serial", kv(g["qemu,rtt"], "rtt_us_p99"))
	split("g2h h2g rtt", ph, " ")
	for (i = 1; i <= 3; i++) {
		p = ph[i]
		bench("pipe_" p "_l1_exits_per_msg", per_msg("mantle", p, "exits"), "exits", \
			"qemu_l1", per_msg("qemu", p, "exits"))
		bench("pipe_" p "_l1_irq_injections_per_msg", per_msg("mantle", p, "irq_injections"), \
			"irqs", "qemu_l1", per_msg("qemu", p, "irq_injections"))
		nm = kv(g["mantle," p], "msgs"); nq = kv(g["qemu," p], "msgs")
		bench("pipe_" p "_guest_device_irqs_per_msg", nm ? kv(g["mantle," p], "irqs") / nm : 0, \
			"irqs", "qemu_l1", nq ? kv(g["qemu," p], "irqs") / nq : 0)
	}
}' "$LOGS/pipe-raw.txt" | tee "$LOGS/pipe-results.txt"
echo "bench-pipe: messages are 64 KiB writes/reads (g2h, h2g) and 64-byte round trips (rtt);" \
	"raw figures in $LOGS/pipe-raw.txt"
