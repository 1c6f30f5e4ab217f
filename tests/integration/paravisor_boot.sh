#!/bin/sh
# mantle run boots an unmodified Linux guest through the paravisor and powers
# off: 2 vCPUs, MemTotal from --mem, the command line, kvm-clock, the console
# on stdout only, and the measurements: at-launch values equal the offline
# `mantle measure` ones and are the same in a second identical run.
. tests/integration/lib.sh
. tests/integration/paravisor_common.sh
pv_require_boot

cat >"$TESTTMP/10-probe" <<'EOT'
#!/bin/sh
echo "probe: cpus=$(grep -c '^processor' /proc/cpuinfo)"
echo "probe: memtotal_kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)"
echo "probe: cmdline=$(cat /proc/cmdline)"
echo "probe: clocksource=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
mantle-discover
echo "probe: discover exit $?"
EOT
guest_initrd_with "$TESTTMP/initrd" "$TESTTMP/10-probe"
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
grep '^MEASURE ' "$TESTTMP/b.log" | tr -d '\r' >"$TESTTMP/b.m"
diff "$TESTTMP/a.m" "$TESTTMP/b.m" || fail "measurements differ between two identical runs"
echo "measurements stable across runs; boot test passed"
