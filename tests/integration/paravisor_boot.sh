#!/bin/sh
# mantle run boots an unmodified Linux guest through the paravisor and powers
# off: 2 vCPUs, MemTotal from --mem, the command line, kvm-clock, the console
# on stdout only, and the measurements: at-launch values equal the offline
# `mantle measure` ones and are the same in a second identical run.
# Issue 18, in the same boots: the guest finds the PCI host bridge at
# 00:00.0 and its kernel reports nothing at warning level or above about PCI;
# its console shows no kernel error report (guest_console_clean, with the
# kernel log's warnings, which "quiet" keeps off the console, dumped onto it);
# a guest hammering a port nobody emulates is counted in one `unclaimed:`
# line at power-off and leaves the log as small as ever.
. tests/integration/lib.sh
. tests/integration/paravisor_common.sh
pv_require_boot
IO_HAMMER=$BUILD/test/guest-tools/io-hammer
[ -x "$IO_HAMMER" ] || fail "$IO_HAMMER missing (make all)"
HAMMER_PORT=0x2000 # nothing emulates it (paravisor/vmm/machine_devs.c)
HAMMER_N=1000

cat >"$TESTTMP/10-probe" <<'EOT'
#!/bin/sh
echo "probe: cpus=$(grep -c '^processor' /proc/cpuinfo)"
echo "probe: memtotal_kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)"
echo "probe: cmdline=$(cat /proc/cmdline)"
echo "probe: clocksource=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
mantle-discover
echo "probe: discover exit $?"
for f in /sys/bus/pci/devices/*; do
	echo "probe: pci ${f##*/} $(cat "$f/vendor"):$(cat "$f/device") class $(cat "$f/class")"
done
# Warnings and worse of the kernel log (level = <N> mod 8), which "quiet"
# keeps off the console.
dmesg -r | awk -F'[<>]' '/^</ && $2 % 8 <= 4 { sub(/^<[0-9]+>/, "kmsg: "); print }'
EOT
# Unclaimed port I/O: HAMMER single reads and writes plus string I/O.
cat >"$TESTTMP/20-hammer" <<EOT
#!/bin/sh
/usr/bin/io-hammer $HAMMER_PORT $HAMMER_N
EOT
guest_initrd_with "$TESTTMP/initrd0" "$TESTTMP/10-probe" "$TESTTMP/20-hammer"
guest_overlay_bin "$TESTTMP/bin.cpio.gz" "$IO_HAMMER"
cat "$TESTTMP/initrd0" "$TESTTMP/bin.cpio.gz" >"$TESTTMP/initrd"
# 320M, not the 256M default, so that MemTotal proves --mem reached the guest.
set -- --kernel "$GUEST_K" --initrd "$TESTTMP/initrd" --cpus 2 --mem 320M \
	--cmdline "console=ttyS0 quiet mantle.test=cmdline-7f3a" --timeout 240

pv_run a "$@"
[ "$rc" -eq 0 ] || { pv_show_log a; fail "mantle run exit $rc, expected 0"; }
out=$TESTTMP/a.out
grep -q "mantle-guest: init started" "$out" || fail "no guest init marker on stdout"
grep -q "mantle-guest: rc.d done" "$out" || fail "guest did not finish rc.d"
grep -qx "probe: cpus=2" "$out" || fail "guest does not see 2 vCPUs"
grep -q "probe: cmdline=.*mantle.test=cmdline-7f3a" "$out" || fail "command line did not reach the guest"
grep -qx "probe: clocksource=kvm-clock" "$out" || fail "guest clocksource is not kvm-clock"
# Discovery (protocol SPEC.md): KVM's leaves stay at 0x40000000, Mantle's block
# is found by scanning and decodes.
grep -q 'hypervisor: signature "KVMKVMKVM" at 0x40000000' "$out" ||
	fail "KVM's CPUID leaves are not at 0x40000000"
grep -q '^mantle: block 0x400002' "$out" || fail "the guest did not find Mantle's CPUID block"
grep -qx "probe: discover exit 0" "$out" || fail "Mantle's CPUID block does not decode"
kb=$(sed -n 's/^probe: memtotal_kb=\([0-9]*\).*/\1/p' "$out")
[ -n "$kb" ] || fail "no MemTotal from the guest"
# MemTotal is RAM minus what the kernel reserves: above 256M, at most 320M.
[ "$kb" -gt $((256 * 1024)) ] && [ "$kb" -le $((320 * 1024)) ] ||
	fail "MemTotal ${kb} kB does not match --mem 320M"
echo "guest: 2 vCPUs, MemTotal $kb kB, command line and kvm-clock ok"

# The PCI host bridge, found by the stock kernel, which warns about nothing
# PCI (the "PCI: Fatal: No config space access function found" of old).
grep -qx "probe: pci 0000:00:00.0 0x1b36:0x0008 class 0x060000" "$out" ||
	fail "the guest does not see the PCI host bridge at 00:00.0"
[ "$(grep -c '^probe: pci ' "$out")" -eq 1 ] || fail "PCI functions besides the host bridge"
! grep -Ei '^kmsg: .*(pci|ecam|mmconfig|pnp0a0)' "$out" ||
	fail "the guest kernel warns about PCI (lines above)"
guest_console_clean "$out"
echo "guest: PCI host bridge found, no PCI warning, console clean"

# Hammered unclaimed port: counted in the one summary line, the log small.
h=$(sed -n "s/^io-hammer: port $HAMMER_PORT: \([0-9]*\) reads (all ones: yes), \([0-9]*\) writes .*/\1 \2/p" "$out")
[ -n "$h" ] || fail "io-hammer did not run, or unclaimed reads were not all ones"
hr=${h% *}
hw=${h#* }
line=$(grep 'mantle-paravisor: unclaimed: ' "$TESTTMP/a.log") ||
	{ pv_show_log a; fail "no unclaimed: summary line in the log"; }
echo "$line"
r=$(echo "$line" | sed -n 's/.*unclaimed: \([0-9]*\) port reads, \([0-9]*\) port writes.*/\1/p')
w=$(echo "$line" | sed -n 's/.*unclaimed: \([0-9]*\) port reads, \([0-9]*\) port writes.*/\2/p')
[ -n "$r" ] && [ "$r" -ge "$hr" ] && [ -n "$w" ] && [ "$w" -ge "$hw" ] ||
	fail "unclaimed: $r reads, $w writes counted; the guest made $hr and $hw"
[ "$(grep -c 'mantle-paravisor: unclaimed' "$TESTTMP/a.log")" -eq 1 ] &&
	! grep -qi "$HAMMER_PORT" "$TESTTMP/a.log" ||
	{ pv_show_log a; fail "unclaimed accesses logged one by one"; }
logsize=$(wc -c <"$TESTTMP/a.log")
[ "$logsize" -lt 16384 ] || { pv_show_log a; fail "the log grew to $logsize bytes"; }
echo "unclaimed port I/O: $r reads, $w writes counted in one line; log $logsize bytes"

# Channels: the guest console only on stdout, the paravisor only in the log.
! grep -Eq 'mantle-paravisor|mantle-pvinit|MEASURE' "$out" ||
	fail "paravisor output leaked to stdout"
! grep -q 'probe:' "$TESTTMP/a.log" || fail "guest console leaked into the log"

# Measurements: at launch (log) == offline, and stable across runs.
"$MANTLE" measure --paravisor-image "$PVIMG" "$@" >"$TESTTMP/offline" ||
	fail "mantle measure failed"
cat "$TESTTMP/offline"
grep '^MEASURE ' "$TESTTMP/a.log" | tr -d '\r' >"$TESTTMP/a.m"
[ "$(grep -c '^MEASURE event=' "$TESTTMP/a.m")" -eq 5 ] ||
	{ cat "$TESTTMP/a.m"; fail "the paravisor did not log 5 MEASURE events"; }
# The fifth is the guest memory map as written into boot_params.
grep -q '^MEASURE event=e820 pcr=1 size=[1-9][0-9]* ' "$TESTTMP/a.m" ||
	{ cat "$TESTTMP/a.m"; fail "no e820 event in the paravisor log"; }
diff "$TESTTMP/offline" "$TESTTMP/a.m" ||
	fail "offline measurements differ from the values at launch"
echo "measurements at launch equal mantle measure"

pv_run b "$@"
[ "$rc" -eq 0 ] || { pv_show_log b; fail "second run exit $rc"; }
guest_console_clean "$TESTTMP/b.out"
grep '^MEASURE ' "$TESTTMP/b.log" | tr -d '\r' >"$TESTTMP/b.m"
diff "$TESTTMP/a.m" "$TESTTMP/b.m" || fail "measurements differ between two identical runs"
echo "measurements stable across runs; boot test passed"
