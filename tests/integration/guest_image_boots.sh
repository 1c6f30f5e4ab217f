#!/bin/sh
# The guest image alone, booted by QEMU TCG as a plain VM (no paravisor): /init
# mounts what it promises, loads its modules, runs appended rc.d scripts in
# lexical order and powers off. Proves the image contract other tests build on.
. tests/integration/lib.sh
command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 missing (make deps)"
cat >"$TESTTMP/10-probe" <<'EOT'
#!/bin/sh
echo "probe: 10 first"
grep -q ' /sys/kernel/config configfs' /proc/mounts && echo "probe: configfs mounted"
grep -q ' /sys/kernel/security securityfs' /proc/mounts && echo "probe: securityfs mounted"
grep -q '^tsm ' /proc/modules && echo "probe: tsm loaded"
grep -q '^sd_mod ' /proc/modules && echo "probe: sd_mod loaded"
dd if=/init of=/dev/null bs=4096 iflag=direct 2>/dev/null && echo "probe: dd direct ok"
printf abc | sha256sum | grep -q ba7816bf && echo "probe: sha256sum ok"
printf abc | od -An -tx1 | grep -q '61 62 63' && echo "probe: od ok"
cmp /init /init && echo "probe: cmp ok"
# No paravisor under plain QEMU: the discovery tool must say so (exit 1).
mantle-discover
echo "probe: discover exit $?"
EOT
cat >"$TESTTMP/20-second" <<'EOT'
#!/bin/sh
echo "probe: 20 second"
EOT
guest_initrd_with "$TESTTMP/initrd" "$TESTTMP/10-probe" "$TESTTMP/20-second"
timeout 300 qemu-system-x86_64 -accel tcg -cpu max -M q35 -m 512 -smp 1 \
	-nographic -no-reboot -nodefaults -serial stdio \
	-kernel "$BUILD/guest/vmlinuz" -initrd "$TESTTMP/initrd" \
	-append "console=ttyS0 quiet panic=-1" </dev/null >"$TESTTMP/out" 2>&1 ||
	{ cat "$TESTTMP/out"; fail "qemu exited non-zero"; }
cat "$TESTTMP/out"
for m in "init started" "probe: configfs mounted" "probe: securityfs mounted" \
	"probe: tsm loaded" "probe: sd_mod loaded" "probe: dd direct ok" \
	"probe: sha256sum ok" "probe: od ok" "probe: cmp ok" \
	"hypervisor: signature" "probe: discover exit 1" "rc.d done"; do
	grep -q "$m" "$TESTTMP/out" || fail "missing '$m' in guest output"
done
first=$(grep -n 'probe: 10 first' "$TESTTMP/out" | cut -d: -f1)
second=$(grep -n 'probe: 20 second' "$TESTTMP/out" | cut -d: -f1)
[ -n "$first" ] && [ -n "$second" ] && [ "$first" -lt "$second" ] || fail "rc.d not run in lexical order"
echo "guest image boots, runs rc.d in order and powers off"
