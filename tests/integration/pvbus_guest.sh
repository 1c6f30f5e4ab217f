#!/bin/sh
# The guest side of the pv bus in one nested boot: /init loaded the driver
# pack (mantle_bus, mantle_pipe) before rc.d, so the bus is negotiated and
# every offered channel is a device on /sys/bus/mantle; the modules unload and
# reload three times; offering only protocol 2.0 is refused cleanly (a clear
# log line, the load fails, nothing crashes) and the bus works again after.
. tests/integration/lib.sh
. tests/integration/paravisor_common.sh
pv_require_boot
[ -f build/guest-pack/mantle_bus.ko ] || fail "driver pack missing (make all)"

cat >"$TESTTMP/10-pvbus" <<'EOT'
#!/bin/sh
echo "pvbus: version=$(cat /sys/bus/mantle/version)"
echo "pvbus: devices=$(ls /sys/bus/mantle/devices | wc -l)"
echo "pvbus: interrupts=$(cat /sys/bus/mantle/interrupts)"
for d in /sys/bus/mantle/devices/*; do
	[ -e "$d" ] || continue
	echo "pvbus: dev $(basename "$d") class=$(cat "$d/device_class") id=$(cat "$d/instance_id") alias=$(cat "$d/modalias")"
done
i=0
while [ $i -lt 3 ]; do
	i=$((i + 1))
	rmmod mantle_pipe && rmmod mantle_bus &&
		insmod /lib/mantle/mantle_bus.ko && insmod /lib/mantle/mantle_pipe.ko &&
		[ "$(cat /sys/bus/mantle/version)" = 1.0 ] && echo "pvbus: reload $i ok"
done
rmmod mantle_pipe && rmmod mantle_bus
insmod /lib/mantle/mantle_bus.ko versions=2.0
rc=$?
[ $rc -ne 0 ] && echo "pvbus: versions=2.0 refused (insmod exit $rc)"
dmesg | grep 'mantle_bus: the paravisor speaks' | tail -n 1 | sed 's/^\[[ 0-9.]*\] /pvbus: log: /'
insmod /lib/mantle/mantle_bus.ko && insmod /lib/mantle/mantle_pipe.ko &&
	echo "pvbus: after refusal version=$(cat /sys/bus/mantle/version) devices=$(ls /sys/bus/mantle/devices | wc -l)"
dmesg | grep -E 'mantle|BUG:|Oops|WARNING: CPU|Call Trace' | sed 's/^/pvbus: dmesg: /'
dmesg | grep -cE 'BUG:|Oops|WARNING: CPU' | sed 's/^/pvbus: kernel-trouble=/'
EOT
guest_initrd_with "$TESTTMP/initrd" "$TESTTMP/10-pvbus"
pv_run a --kernel "$GUEST_K" --initrd "$TESTTMP/initrd" \
	--cmdline "console=ttyS0 quiet" --timeout 240
[ "$rc" -eq 0 ] || { pv_show_log a; fail "mantle run exit $rc, expected 0"; }
out=$TESTTMP/a.out
grep -qx "pvbus: version=1.0" "$out" || { pv_show_log a; fail "the bus did not negotiate 1.0 at boot"; }
for i in 1 2 3; do
	grep -qx "pvbus: reload $i ok" "$out" || fail "unload/reload $i failed"
done
grep -q "pvbus: versions=2.0 refused" "$out" || fail "offering only 2.0 did not fail the load"
grep -q "pvbus: log: mantle_bus: the paravisor speaks protocol versions 1.0 to 1.0 and refused the offered 2.0 (VERSION_UNSUPPORTED)" "$out" ||
	fail "no clear log line for the version refusal"
n=$(sed -n 's/^pvbus: devices=\([0-9]*\)$/\1/p' "$out")
grep -qx "pvbus: after refusal version=1.0 devices=$n" "$out" || fail "the bus did not come back after the refusal"
grep -qx "pvbus: kernel-trouble=0" "$out" || fail "kernel warnings in the guest"
echo "pv bus: negotiated at boot, $n devices, reload x3, version 2.0 refused cleanly"
