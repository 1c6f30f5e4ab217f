#!/bin/sh
# The vTPM's first increment (issue 14 item 1) as an unmodified Linux guest
# sees it, one boot: the stock tpm_crb driver binds the ACPI device
# MSFT0101 and the TPM2 table (start method CRB), /dev/tpm0 and
# /dev/tpmrm0 appear, the TPM says it is 2.0, and a raw TPM2_GetRandom of
# 16 bytes written to /dev/tpm0 comes back with TPM_RC_SUCCESS and 16
# bytes; unmodified tpm2-tools through /dev/tpmrm0 (getrandom, pcrread of
# a PCR nobody extended yet, createprimary RSA-2048 in the owner
# hierarchy); the guest's kernel log has no TPM error (the paravisor sent
# TPM2_Startup as firmware does, so the kernel does not have to). The
# paravisor's counters at teardown show the commands it ran. A second boot
# with --tpm none (named on the measured paravisor VM command line, passed
# on by /init) has no TPM at all. The guest sees an AMD CPU on nested, so
# tpm_crb logs "Disabling hwrng" (an info line: Linux's quirk for AMD
# fTPMs, keyed on the CPU vendor alone).
. tests/integration/lib.sh
. tests/integration/paravisor_common.sh
pv_require_boot

# TPM2_GetRandom(16): tag 0x8001, size 12, command code 0x17B, 16 bytes.
cat >"$TESTTMP/30-tpm" <<'RC'
#!/bin/sh
for f in /dev/tpm0 /dev/tpmrm0; do
	[ -c "$f" ] && echo "tpm-test: $f present" || echo "tpm-test: $f missing"
done
echo "tpm-test: version_major $(cat /sys/class/tpm/tpm0/tpm_version_major 2>&1)"
exec 3<>/dev/tpm0 && {
	printf '\200\001\000\000\000\014\000\000\001\173\000\020' >&3
	echo "tpm-test: getrandom$(od -An -tx1 -N28 <&3 | tr -d '\n')"
	exec 3>&-
}
# Unmodified tpm2-tools (the guest image's) through the resource manager.
if [ -c /dev/tpmrm0 ]; then
	r=$(tpm2_getrandom -T device:/dev/tpmrm0 --hex 16 2>&1)
	echo "tpm-test: tpm2_getrandom $r"
	tpm2_pcrread -T device:/dev/tpmrm0 sha256:0 2>&1 |
		grep -q '0 : 0x0000000000000000000000000000000000000000000000000000000000000000' &&
		echo "tpm-test: tpm2_pcrread ok"
	tpm2_createprimary -T device:/dev/tpmrm0 -C o -G rsa2048 \
		-c /tmp/primary.ctx >/tmp/cp.out 2>&1 &&
		echo "tpm-test: tpm2_createprimary ok" ||
		sed 's/^/tpm-test: createprimary: /' /tmp/cp.out
fi
dmesg | grep -i tpm | sed 's/^/tpm-test: dmesg: /'
[ -e /sys/class/tpm/tpm0 ] || echo "tpm-test: no tpm0"
RC
guest_initrd_with "$TESTTMP/initrd" "$TESTTMP/30-tpm"
pv_run a --kernel "$GUEST_K" --initrd "$TESTTMP/initrd" --mem 256M \
	--timeout 240
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
	fail "guest: tpm2_pcrread sha256:0 is not all zeros"
grep -qx "tpm-test: tpm2_createprimary ok" "$out" ||
	fail "guest: tpm2_createprimary -C o -G rsa2048"
if grep -i "^tpm-test: dmesg: .*\(error\|fail\|bug\|timeout\)" "$out"; then
	fail "guest: the kernel logged a TPM error"
fi
vt=$(grep -a 'vtpm: ' "$log" | tail -n 1)
echo "$vt"
echo "$vt" | grep -q 'vtpm: [1-9][0-9]* commands, 0 refused accesses' ||
	{ pv_show_log a; fail "paravisor: no vTPM counter line, or refused accesses"; }
grep -a 'memory: pss=' "$log" | tail -n 1
echo "guest: tpm_crb bound, /dev/tpm0 and /dev/tpmrm0, TPM 2.0, GetRandom ok"

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
grep '^MEASURE ' "$TESTTMP/a.log" | tr -d '\r' | diff -q "$TESTTMP/offline" - >/dev/null &&
	fail "--tpm none and crb launch with the same measurements"
echo "--tpm none: no ACPI TPM device or table, no /dev/tpm0, no vTPM; measured"
exit 0
