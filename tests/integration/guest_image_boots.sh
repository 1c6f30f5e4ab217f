#!/bin/sh
# The guest image alone, booted by QEMU TCG as a plain VM (no paravisor): /init
# mounts what it promises, loads its modules, runs appended rc.d scripts in
# lexical order and powers off. Proves the image contract other tests build on.
# Also (issue 14) tpm2-tools: the tools and their libraries load, the device
# TCTI loads (and finds no TPM here), and tpm2_eventlog in the guest replays
# the event log `mantle measure --event-log` writes to the PCR values
# `mantle measure --pcrs` prints.
. tests/integration/lib.sh
command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 missing (make deps)"
MANTLE=${MANTLE:-$BUILD/bin/mantle}
[ -x "$MANTLE" ] || fail "$MANTLE missing (make all)"
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
tpm2_getrandom --help=no-man >/dev/null 2>&1 && echo "probe: tpm2_getrandom loads"
tpm2_pcrread --help=no-man >/dev/null 2>&1 && echo "probe: tpm2_pcrread loads"
tpm2_getrandom -T device 8 2>&1 | grep -q 'TCTI device file /dev/tpmrm0' &&
	echo "probe: device TCTI loaded"
if tpm2_eventlog /etc/mantle/test/eventlog.bin >/tmp/ev.yaml 2>/dev/null; then
	echo "probe: tpm2_eventlog ok"
	sed -n '/^pcrs:/,$p' /tmp/ev.yaml | sed 's/^/probe-pcr: /'
fi
EOT
cat >"$TESTTMP/20-second" <<'EOT'
#!/bin/sh
echo "probe: 20 second"
EOT
guest_initrd_with "$TESTTMP/initrd" "$TESTTMP/10-probe" "$TESTTMP/20-second"
# The event log of this very payload, offline, and its expected PCRs.
mkdir -p "$TESTTMP/evl/etc/mantle/test"
"$MANTLE" measure --kernel "$BUILD/guest/vmlinuz" \
	--initrd "$BUILD/guest/initramfs.cpio.gz" --cmdline "console=ttyS0 quiet" \
	--pcrs --event-log "$TESTTMP/evl/etc/mantle/test/eventlog.bin" \
	>"$TESTTMP/measure" || fail "mantle measure --pcrs --event-log failed"
scripts/mkcpio.sh "$TESTTMP/evl" "$TESTTMP/evl.cpio.gz"
cat "$TESTTMP/evl.cpio.gz" >>"$TESTTMP/initrd"
timeout 300 qemu-system-x86_64 -accel tcg -cpu max -M q35 -m 512 -smp 1 \
	-nographic -no-reboot -nodefaults -serial stdio \
	-kernel "$BUILD/guest/vmlinuz" -initrd "$TESTTMP/initrd" \
	-append "console=ttyS0 quiet panic=-1" </dev/null >"$TESTTMP/out" 2>&1 ||
	{ cat "$TESTTMP/out"; fail "qemu exited non-zero"; }
cat "$TESTTMP/out"
for m in "init started" "probe: configfs mounted" "probe: securityfs mounted" \
	"probe: tsm loaded" "probe: sd_mod loaded" "probe: dd direct ok" \
	"probe: sha256sum ok" "probe: od ok" "probe: cmp ok" \
	"hypervisor: signature" "probe: discover exit 1" "rc.d done" \
	"probe: tpm2_getrandom loads" "probe: tpm2_pcrread loads" \
	"probe: device TCTI loaded" "probe: tpm2_eventlog ok"; do
	grep -q "$m" "$TESTTMP/out" || fail "missing '$m' in guest output"
done
# tpm2_eventlog's replay ("probe-pcr:     4  : 0x<hex>", sha256 then sha384)
# equals mantle measure --pcrs ("PCR sha256:4=<hex>"), PCR by PCR.
tr -d '\r' <"$TESTTMP/out" | awk '
	$1 == "probe-pcr:" && $2 ~ /^sha(256|384):$/ { bank = substr($2, 1, 6) }
	$1 == "probe-pcr:" && $3 == ":" { print "PCR " bank ":" $2 "=" tolower(substr($4, 3)) }' \
	>"$TESTTMP/guest-pcrs"
grep '^PCR ' "$TESTTMP/measure" >"$TESTTMP/want-pcrs"
[ "$(wc -l <"$TESTTMP/want-pcrs")" -eq 20 ] || fail "mantle measure --pcrs: expected 20 PCR lines"
diff "$TESTTMP/want-pcrs" "$TESTTMP/guest-pcrs" ||
	fail "tpm2_eventlog in the guest replays other PCRs than mantle measure --pcrs"
echo "tpm2-tools run in the guest; tpm2_eventlog replays mantle measure's PCRs"
first=$(grep -n 'probe: 10 first' "$TESTTMP/out" | cut -d: -f1)
second=$(grep -n 'probe: 20 second' "$TESTTMP/out" | cut -d: -f1)
[ -n "$first" ] && [ -n "$second" ] && [ "$first" -lt "$second" ] || fail "rc.d not run in lexical order"
echo "guest image boots, runs rc.d in order and powers off"
