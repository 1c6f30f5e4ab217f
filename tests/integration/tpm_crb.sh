#!/bin/sh
# The vTPM (issue 14 items 1, 3 and 5) as an unmodified Linux guest sees
# it, one boot: the stock tpm_crb driver binds the ACPI device
# MSFT0101 and the TPM2 table (start method CRB), /dev/tpm0 and
# /dev/tpmrm0 appear, the TPM says it is 2.0, and a raw TPM2_GetRandom of
# 16 bytes written to /dev/tpm0 comes back with TPM_RC_SUCCESS and 16
# bytes; unmodified tpm2-tools through /dev/tpmrm0 (getrandom, pcrread of
# a PCR nobody extended yet, createprimary RSA-2048 in the owner
# hierarchy); the guest's kernel log has no TPM error (the paravisor sent
# TPM2_Startup as firmware does, so the kernel does not have to). The
# paravisor's counters at teardown show the commands it ran. Measured boot:
# binary_bios_measurements is the offline event log, tpm2_eventlog replays
# it to tpm2_pcrread's values, which are `mantle measure --pcrs`'s. Keys:
# the AK at 0x81000003 is the one the paravisor logged, the EK is the TCG
# template's, no other persistent handle is used, and TPM2_Clear(PLATFORM)
# fails with 0x185 (the platform hierarchy is closed). The CRB's buffer
# is its own page of plain memory (a memory slot at 0xFED45000), which
# the guest's /proc/iomem lists as MSFT0101's beside the register pages.
# A second boot with --tpm none (named on the measured paravisor VM command line, passed
# on by /init) has no TPM at all. The guest sees an AMD CPU on nested, so
# tpm_crb logs "Disabling hwrng" (an info line: Linux's quirk for AMD
# fTPMs, keyed on the CPU vendor alone). A third boot with --tpm tis: the
# stock tpm_tis driver binds the same MSFT0101 through the TPM2 table's
# start method 6, with the same checks (devices, TPM 2.0, raw GetRandom,
# tpm2-tools, no TPM error, the paravisor's counters with no refused
# access, the event log replayed to the TPM's PCRs, the AK alone at
# 0x81000003, the platform hierarchy closed), and its launch values and
# PCRs equal `mantle measure --tpm tis --pcrs`. The CRB boot also runs
# the whole tpm2-tools suite (tpm_tools_check.sh): one boot for both.
. tests/integration/lib.sh
. tests/integration/paravisor_common.sh
. tests/integration/tpm_tools_check.sh
pv_require_boot

# TPM2_GetRandom(16): tag 0x8001, size 12, command code 0x17B, 16 bytes.
cat >"$TESTTMP/30-tpm" <<'RC'
#!/bin/sh
for f in /dev/tpm0 /dev/tpmrm0; do
	[ -c "$f" ] && echo "tpm-test: $f present" || echo "tpm-test: $f missing"
done
echo "tpm-test: version_major $(cat /sys/class/tpm/tpm0/tpm_version_major 2>&1)"
d=$(readlink /sys/class/tpm/tpm0/device/driver 2>/dev/null)
echo "tpm-test: driver ${d##*/}"
exec 3<>/dev/tpm0 && {
	printf '\200\001\000\000\000\014\000\000\001\173\000\020' >&3
	echo "tpm-test: getrandom$(od -An -tx1 -N28 <&3 | tr -d '\n')"
	exec 3>&-
}
# Unmodified tpm2-tools (the guest image's) through the resource manager.
if [ -c /dev/tpmrm0 ]; then
	r=$(tpm2_getrandom -T device:/dev/tpmrm0 --hex 16 2>&1)
	echo "tpm-test: tpm2_getrandom $r"
	tpm2_pcrread -T device:/dev/tpmrm0 sha256:16 2>&1 |
		grep -q '16: 0x0000000000000000000000000000000000000000000000000000000000000000' &&
		echo "tpm-test: tpm2_pcrread ok"
	tpm2_createprimary -T device:/dev/tpmrm0 -C o -G rsa2048 \
		-c /tmp/primary.ctx >/tmp/cp.out 2>&1 &&
		echo "tpm-test: tpm2_createprimary ok" ||
		sed 's/^/tpm-test: createprimary: /' /tmp/cp.out
fi
# Measured boot (item 3): the paravisor's event log through the TPM2
# table's LAML/LASA, replayed; the PCRs it names as the TPM reports them.
bbm=/sys/kernel/security/tpm0/binary_bios_measurements
if [ -r $bbm ]; then
	cat $bbm >/tmp/bbm
	echo "tpm-test: eventlog $(wc -c </tmp/bbm) $(sha256sum </tmp/bbm | cut -d' ' -f1)"
	tpm2_eventlog /tmp/bbm >/tmp/ev.yaml 2>/tmp/ev.err &&
		echo "tpm-test: tpm2_eventlog ok" ||
		sed 's/^/tpm-test: eventlog: /' /tmp/ev.err
	sed -n '/^pcrs:/,$p' /tmp/ev.yaml | sed 's/^/tpm-test: ev: /'
	tpm2_pcrread -T device:/dev/tpmrm0 \
		sha256:0,1,2,3,4,5,6,7,8,9+sha384:0,1,2,3,4,5,6,7,8,9 2>&1 |
		sed 's/^/tpm-test: pcr: /'
else
	echo "tpm-test: no $bbm"
fi
# Keys (item 5): the AK the paravisor persisted, and the EK a guest makes
# from the standard template (the paravisor's EK, not persisted by it).
tpm2_readpublic -T device:/dev/tpmrm0 -c 0x81000003 -o /tmp/ak.pub \
	>/dev/null 2>&1 &&
	echo "tpm-test: ak $(sha256sum </tmp/ak.pub | cut -d' ' -f1)"
tpm2_createek -T device:/dev/tpmrm0 -c /tmp/ek.ctx -G rsa -u /tmp/ek.pub \
	>/dev/null 2>&1 &&
	echo "tpm-test: ek $(sha256sum </tmp/ek.pub | cut -d' ' -f1)"
tpm2_getcap -T device:/dev/tpmrm0 handles-persistent 2>&1 |
	sed 's/^/tpm-test: persistent: /'
# The paravisor disabled the platform hierarchy last: TPM_RC_HIERARCHY.
tpm2_clear -T device:/dev/tpmrm0 -c p >/tmp/clear.out 2>&1
echo "tpm-test: clear platform $? $(grep -o '0x185' /tmp/clear.out | head -n 1)"
dmesg | grep -i tpm | sed 's/^/tpm-test: dmesg: /'
grep -i 'MSFT0101' /proc/iomem | tr -d ' ' | sort -u | sed 's/^/tpm-test: iomem: /'
[ -e /sys/class/tpm/tpm0 ] || echo "tpm-test: no tpm0"
RC
guest_initrd_with "$TESTTMP/initrd" "$TESTTMP/30-tpm"
# The CRB boot's initrd: the checks above, then the tpm2-tools suite.
tpm_tools_rcd "$TESTTMP/40-tpm-tools"
guest_initrd_with "$TESTTMP/initrd-a" "$TESTTMP/30-tpm" "$TESTTMP/40-tpm-tools"
pv_run a --kernel "$GUEST_K" --initrd "$TESTTMP/initrd-a" --mem 256M \
	--timeout 480
[ "$rc" -eq 0 ] || { pv_show_log a; fail "mantle run exit $rc, expected 0"; }
out=$TESTTMP/a.out
log=$TESTTMP/a.log
grep -q "mantle-guest: rc.d done" "$out" || fail "guest did not finish rc.d"
for f in /dev/tpm0 /dev/tpmrm0; do
	grep -qx "tpm-test: $f present" "$out" || fail "guest: no $f"
done
grep -qx "tpm-test: version_major 2" "$out" || fail "guest: not a TPM 2.0"
# Response: tag 80 01, size 0x1c (28), rc 0, then TPM2B size 00 10 and 16
# bytes.
line=$(grep "^tpm-test: getrandom" "$out")
echo "$line" | grep -Eq '^tpm-test: getrandom 80 01 00 00 00 1c 00 00 00 00 00 10( [0-9a-f]{2}){16} *$' ||
	fail "guest: TPM2_GetRandom(16) through /dev/tpm0: '$line'"
echo "$(grep "^tpm-test: tpm2_getrandom" "$out")" |
	grep -Eq '^tpm-test: tpm2_getrandom [0-9a-f]{32}$' ||
	fail "guest: tpm2_getrandom --hex 16 through /dev/tpmrm0"
grep -qx "tpm-test: tpm2_pcrread ok" "$out" ||
	fail "guest: tpm2_pcrread sha256:16 is not all zeros"
grep -qx "tpm-test: tpm2_createprimary ok" "$out" ||
	fail "guest: tpm2_createprimary -C o -G rsa2048"
grep -qx "tpm-test: driver tpm_crb" "$out" || fail "guest: tpm_crb did not bind"
if grep -i "^tpm-test: dmesg: .*\(error\|fail\|bug\|timeout\|invalid\)" "$out"; then
	fail "guest: the kernel logged a TPM error"
fi
vt=$(grep -a 'vtpm: ' "$log" | tail -n 1)
echo "$vt"
echo "$vt" | grep -q 'vtpm: [1-9][0-9]* commands, 0 refused accesses' ||
	{ pv_show_log a; fail "paravisor: no vTPM counter line, or refused accesses"; }
grep -a 'memory: pss=' "$log" | tail -n 1
# The command/response buffer is its own page of plain memory (tpm_crb.h):
# a memory slot of the paravisor's, TPM0's second _CRS range, which the
# driver claimed.
grep -aq "memslot 2: gpa 0xfed45000 size 0x1000 host tpm-crb-buffer" "$log" ||
	{ pv_show_log a; fail "paravisor: no memory slot for the CRB buffer"; }
[ "$(grep -c '^tpm-test: iomem: ' "$out")" -eq 2 ] &&
	grep -qx "tpm-test: iomem: fed40000-fed44fff:MSFT0101:00" "$out" &&
	grep -qx "tpm-test: iomem: fed45000-fed45fff:MSFT0101:00" "$out" ||
	fail "guest: /proc/iomem: $(grep '^tpm-test: iomem: ' "$out" | tr '\n' ' ')"
echo "guest: tpm_crb bound, /dev/tpm0 and /dev/tpmrm0, TPM 2.0, GetRandom ok; the buffer page claimed as MSFT0101's"

# Measured boot: the guest's binary_bios_measurements is byte for byte the
# log `mantle measure --event-log` writes offline; tpm2_eventlog replays it
# in the guest to exactly what tpm2_pcrread reports, and both are what
# `mantle measure --pcrs` computes on the host (PCRs 0-9, sha256, sha384).
"$MANTLE" measure --paravisor-image "$PVIMG" --kernel "$GUEST_K" \
	--initrd "$TESTTMP/initrd-a" --mem 256M --pcrs \
	--event-log "$TESTTMP/ev.bin" >"$TESTTMP/crb-offline" ||
	fail "mantle measure --pcrs failed"
grep '^MEASURE ' "$TESTTMP/crb-offline" >"$TESTTMP/crb-offline.m"
grep '^MEASURE ' "$log" | tr -d '\r' | diff "$TESTTMP/crb-offline.m" - ||
	fail "offline measurements differ from the values at launch"
grep '^PCR ' "$TESTTMP/crb-offline" >"$TESTTMP/want-pcrs"
grep -q "^tpm-test: tpm2_eventlog ok" "$out" ||
	fail "guest: no binary_bios_measurements, or tpm2_eventlog refused it"
want_log="$(wc -c <"$TESTTMP/ev.bin") $(sha256sum <"$TESTTMP/ev.bin" | cut -d' ' -f1)"
grep -qx "tpm-test: eventlog $want_log" "$out" ||
	fail "guest: binary_bios_measurements is not the offline log ($want_log)"
# "  sha256:" then "    N : 0xHEX" (tpm2_eventlog) or "    N: 0xHEX"
# (tpm2_pcrread) into mantle measure's "PCR sha256:N=hex".
pcr_lines() {
	sed -n "s/^tpm-test: $1: //p" "$out" | tr -d ':' |
		awk '/^  sha(256|384)$/ { bank = $1 }
		/^    [0-9]+ +0x/ { print "PCR " bank ":" $1 "=" tolower(substr($2, 3)) }'
}
pcr_lines ev | diff "$TESTTMP/want-pcrs" - ||
	fail "tpm2_eventlog in the guest replays other PCRs than mantle measure --pcrs"
pcr_lines pcr | diff "$TESTTMP/want-pcrs" - ||
	fail "tpm2_pcrread in the guest differs from mantle measure --pcrs"
echo "guest: binary_bios_measurements == offline log; tpm2_eventlog == tpm2_pcrread == mantle measure --pcrs ($(wc -l <"$TESTTMP/want-pcrs") PCR values)"

# Keys: the AK at 0x81000003 is the one the paravisor logged; the EK the
# guest creates from the TCG template is the paravisor's EK.
ak=$(tr -d '\r' <"$log" | sed -n 's/.*vtpm: AK public sha256=\([0-9a-f]\{64\}\) at 0x81000003: persisted$/\1/p' | tail -n 1)
ek=$(tr -d '\r' <"$log" | sed -n 's/.*vtpm: EK public sha256=\([0-9a-f]\{64\}\) .*/\1/p' | tail -n 1)
[ -n "$ak" ] && [ -n "$ek" ] || { pv_show_log a; fail "paravisor: no EK/AK lines"; }
grep -qx "tpm-test: ak $ak" "$out" ||
	fail "guest: the public area at 0x81000003 is not the paravisor's AK"
grep -qx "tpm-test: ek $ek" "$out" ||
	fail "guest: tpm2_createek gives another EK than the paravisor's"
grep -q "^tpm-test: persistent: - 0x81000003$" "$out" &&
	[ "$(grep -c '^tpm-test: persistent: - ' "$out")" -eq 1 ] ||
	fail "guest: persistent handles are not exactly the AK's"
grep -q "^tpm-test: clear platform [1-9][0-9]* 0x185$" "$out" ||
	fail "guest: TPM2_Clear(PLATFORM) did not fail with 0x185"
echo "keys: AK at 0x81000003 == paravisor's ($ak), EK == TCG template's ($ek); platform hierarchy closed (0x185)"
tpm_tools_check "$TESTTMP/a.out"

pv_run n --kernel "$GUEST_K" --initrd "$TESTTMP/initrd" --mem 256M \
	--timeout 240 --tpm none
[ "$rc" -eq 0 ] || { pv_show_log n; fail "--tpm none: mantle run exit $rc"; }
grep -q "mantle-guest: rc.d done" "$TESTTMP/n.out" ||
	fail "--tpm none: guest did not finish rc.d"
grep -qx "tpm-test: no tpm0" "$TESTTMP/n.out" &&
	grep -qx "tpm-test: /dev/tpm0 missing" "$TESTTMP/n.out" &&
	! grep -q "tpm-test: dmesg: .*\(TPM2\|MSFT0101\)" "$TESTTMP/n.out" ||
	fail "--tpm none: the guest still found a TPM"
! grep -aq 'vtpm: ' "$TESTTMP/n.log" ||
	fail "--tpm none: the paravisor started a vTPM"
grep -a 'memory: pss=' "$TESTTMP/n.log" | tail -n 1
# The choice is measured: at launch (mantle.tpm=none on the paravisor VM's
# command line; the guest's ACPI tables without the TPM) == offline.
"$MANTLE" measure --paravisor-image "$PVIMG" --kernel "$GUEST_K" \
	--initrd "$TESTTMP/initrd" --mem 256M --tpm none >"$TESTTMP/offline" ||
	fail "mantle measure --tpm none failed"
grep '^MEASURE ' "$TESTTMP/n.log" | tr -d '\r' | diff "$TESTTMP/offline" - ||
	fail "--tpm none: offline measurements differ from the values at launch"
"$MANTLE" measure --paravisor-image "$PVIMG" --kernel "$GUEST_K" \
	--initrd "$TESTTMP/initrd-a" --mem 256M --tpm none >"$TESTTMP/offline-a" ||
	fail "mantle measure --tpm none failed"
grep '^MEASURE ' "$TESTTMP/a.log" | tr -d '\r' | diff -q "$TESTTMP/offline-a" - >/dev/null &&
	fail "--tpm none and crb launch with the same measurements"
echo "--tpm none: no ACPI TPM device or table, no /dev/tpm0, no vTPM; measured"

# --tpm tis: the stock tpm_tis driver, the same guest-visible TPM.
pv_run t --kernel "$GUEST_K" --initrd "$TESTTMP/initrd" --mem 256M \
	--timeout 240 --tpm tis
[ "$rc" -eq 0 ] || { pv_show_log t; fail "--tpm tis: mantle run exit $rc"; }
out=$TESTTMP/t.out
log=$TESTTMP/t.log
grep -q "mantle-guest: rc.d done" "$out" || fail "--tpm tis: guest did not finish rc.d"
grep -qx "tpm-test: driver tpm_tis" "$out" ||
	fail "--tpm tis: tpm_tis did not bind ($(grep '^tpm-test: driver' "$out"))"
for f in /dev/tpm0 /dev/tpmrm0; do
	grep -qx "tpm-test: $f present" "$out" || fail "--tpm tis: no $f"
done
grep -qx "tpm-test: version_major 2" "$out" || fail "--tpm tis: not a TPM 2.0"
line=$(grep "^tpm-test: getrandom" "$out")
echo "$line" | grep -Eq '^tpm-test: getrandom 80 01 00 00 00 1c 00 00 00 00 00 10( [0-9a-f]{2}){16} *$' ||
	fail "--tpm tis: TPM2_GetRandom(16) through /dev/tpm0: '$line'"
echo "$(grep "^tpm-test: tpm2_getrandom" "$out")" |
	grep -Eq '^tpm-test: tpm2_getrandom [0-9a-f]{32}$' ||
	fail "--tpm tis: tpm2_getrandom --hex 16 through /dev/tpmrm0"
grep -qx "tpm-test: tpm2_pcrread ok" "$out" ||
	fail "--tpm tis: tpm2_pcrread sha256:16 is not all zeros"
grep -qx "tpm-test: tpm2_createprimary ok" "$out" ||
	fail "--tpm tis: tpm2_createprimary -C o -G rsa2048"
if grep -i "^tpm-test: dmesg: .*\(error\|fail\|bug\|timeout\|invalid\)" "$out"; then
	fail "--tpm tis: the kernel logged a TPM error"
fi
grep "^tpm-test: dmesg: .*tpm_tis" "$out" | head -n 2
vt=$(grep -a 'vtpm: ' "$log" | tail -n 1)
echo "$vt"
echo "$vt" | grep -q 'vtpm: [1-9][0-9]* commands, 0 refused accesses (tis)' ||
	{ pv_show_log t; fail "--tpm tis: no vTPM counter line, or refused accesses"; }
# TIS is a FIFO: no buffer page, no memory slot besides guest RAM.
! grep -aq "memslot 2:" "$log" && ! grep -q "^tpm-test: iomem: fed45000" "$out" ||
	fail "--tpm tis: a CRB buffer page is there"
grep -a 'memory: pss=' "$log" | tail -n 1
"$MANTLE" measure --paravisor-image "$PVIMG" --kernel "$GUEST_K" \
	--initrd "$TESTTMP/initrd" --mem 256M --tpm tis --pcrs \
	--event-log "$TESTTMP/ev-tis.bin" >"$TESTTMP/tis-offline" ||
	fail "mantle measure --tpm tis failed"
grep '^MEASURE ' "$TESTTMP/tis-offline" >"$TESTTMP/offline-tis"
grep '^MEASURE ' "$log" | tr -d '\r' | diff "$TESTTMP/offline-tis" - ||
	fail "--tpm tis: offline measurements differ from the values at launch"
grep '^MEASURE ' "$TESTTMP/a.log" | tr -d '\r' | diff -q "$TESTTMP/offline-tis" - >/dev/null &&
	fail "--tpm tis and crb launch with the same measurements"
# The same measured boot and keys through TIS: its own log (its ACPI
# tables differ), replayed to the PCRs the TPM reports; the AK alone at
# 0x81000003; the platform hierarchy closed.
grep '^PCR ' "$TESTTMP/tis-offline" >"$TESTTMP/want-pcrs"
want_log="$(wc -c <"$TESTTMP/ev-tis.bin") $(sha256sum <"$TESTTMP/ev-tis.bin" | cut -d' ' -f1)"
grep -qx "tpm-test: eventlog $want_log" "$out" &&
	grep -q "^tpm-test: tpm2_eventlog ok" "$out" ||
	fail "--tpm tis: binary_bios_measurements is not the offline log"
pcr_lines ev | diff "$TESTTMP/want-pcrs" - &&
	pcr_lines pcr | diff "$TESTTMP/want-pcrs" - ||
	fail "--tpm tis: tpm2_eventlog, tpm2_pcrread and mantle measure --pcrs differ"
grep -q "^tpm-test: persistent: - 0x81000003$" "$out" &&
	[ "$(grep -c '^tpm-test: persistent: - ' "$out")" -eq 1 ] &&
	grep -q "^tpm-test: clear platform [1-9][0-9]* 0x185$" "$out" ||
	fail "--tpm tis: persistent handles or the platform hierarchy"
echo "--tpm tis: tpm_tis bound, /dev/tpm0 and /dev/tpmrm0, TPM 2.0, tpm2-tools; measured; event log == tpm2_pcrread == mantle measure --pcrs --tpm tis"
exit 0
