#!/bin/sh
# The vTPM's state persisted in the VMGS (issue 14 item 4), three boots on
# one VMGS with mantle-sp as the secure processor, unmodified tpm2-tools in
# the guest:
#   a. a fresh VMGS: the TPM is fresh (no persistent key 0x81000010, no NV
#      index 0x01000010); the guest makes both (tpm2_evictcontrol of an
#      RSA-2048 primary, tpm2_nvdefine + tpm2_nvwrite of 32 random bytes
#      the host chose) and powers off. Offline: vmgstool checks the file
#      clean, file 3 (TPM_NVRAM) is there and encrypted, and neither the NV
#      bytes nor the key's modulus are anywhere in the file in plaintext;
#   b. the same VMGS: the TPM loaded from it has both (tpm2_readpublic,
#      tpm2_nvread match); then a burst of tpm2_nvwrite, and the host's
#      `mantle` kills itself (SIGKILL, --hostile vmgs-kill) in the middle
#      of a save, with its VMGS service and the paravisor VM;
#   c. the same VMGS: vmgstool checks it clean, the paravisor loads the TPM
#      state (libtpms accepts it: never a torn state): the last complete
#      save's, with the key and a whole NV value (run a's or a burst's).
# (A save cut after every write of libvmgs's update, every crash image:
# tests/unit/paravisor/test_control_tpm.c.)
. tests/integration/lib.sh
. tests/integration/paravisor_common.sh
. tests/integration/vmgs_common.sh
vmgs_require
[ -x "$BUILD/bin/mantle-sp" ] || fail "$BUILD/bin/mantle-sp missing (make all)"
v=$TESTTMP/tpm.vmgs
sp=$TESTTMP/sp
T="-T device:/dev/tpmrm0"

# 32 random bytes: hex for the host's checks, octal escapes for the
# guest's printf.
hex=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
oct=$(echo "$hex" | sed 's/\(..\)/\1 /g' | tr ' ' '\n' | grep . |
	while read -r b; do printf '\\%03o' "0x$b"; done)

# The guest's steps: common reading part, then each boot's own.
cat >"$TESTTMP/read.sh" <<RC
#!/bin/sh
if tpm2_readpublic $T -c 0x81000010 -o /tmp/pub.bin >/dev/null 2>&1; then
	echo "tpm-test: key \$(tail -c 256 /tmp/pub.bin | od -An -tx1 -v | tr -d ' \n')"
else
	echo "tpm-test: no key"
fi
if tpm2_nvread $T -C o -s 32 0x01000010 -o /tmp/nv.out >/dev/null 2>&1; then
	echo "tpm-test: nv \$(od -An -tx1 -v /tmp/nv.out | tr -d ' \n')"
else
	echo "tpm-test: no nv"
fi
RC
cat "$TESTTMP/read.sh" - >"$TESTTMP/30-a" <<RC
printf '$oct' >/tmp/nv.bin
tpm2_createprimary $T -C o -G rsa2048 -c /tmp/p.ctx >/dev/null &&
	tpm2_evictcontrol $T -C o -c /tmp/p.ctx 0x81000010 >/dev/null &&
	echo "tpm-test: evictcontrol ok"
tpm2_nvdefine $T -C o -s 32 -a "ownerread|ownerwrite" 0x01000010 >/dev/null &&
	tpm2_nvwrite $T -C o -i /tmp/nv.bin 0x01000010 &&
	echo "tpm-test: nvwrite ok"
echo "tpm-test: after"
RC
sed -n '/^if tpm2_readpublic/,$p' "$TESTTMP/read.sh" >>"$TESTTMP/30-a"
cat "$TESTTMP/read.sh" - >"$TESTTMP/30-b" <<RC
echo "tpm-test: burst start"
i=0
while [ \$i -lt 2000 ]; do
	printf 'burst %04d abcdefghijklmnopqrstu' \$i >/tmp/b.bin
	tpm2_nvwrite $T -C o -i /tmp/b.bin 0x01000010 || break
	i=\$((i + 1))
done
echo "tpm-test: burst ended at \$i"
RC
cp "$TESTTMP/read.sh" "$TESTTMP/30-c"
chmod +x "$TESTTMP"/30-*
for b in a b c; do
	cp "$TESTTMP/30-$b" "$TESTTMP/30-tpm"
	guest_initrd_with "$TESTTMP/initrd-$b" "$TESTTMP/30-tpm"
done

run_args() {
	echo --kernel "$GUEST_K" --initrd "$TESTTMP/initrd-$1" --cpus 1 \
		--mem 256M --timeout 300 --vmgs "$v" --sp-state "$sp"
}
# tline NAME WHAT: the guest's "tpm-test: WHAT ..." line, WHAT dropped.
tline() {
	sed -n "s/^tpm-test: $2 *//p" "$TESTTMP/$1.out" | head -n 1
}
# nowhere HEX: the bytes are nowhere in the VMGS file (any offset).
nowhere() {
	! od -An -tx1 -v "$v" | tr -d ' \n' | grep -q "$1"
}

# a. A fresh VMGS: a fresh TPM; key and NV index made, powered off.
pv_run a $(run_args a) --cmdline "$GUEST_CMDLINE"
[ "$rc" -eq 0 ] || { pv_show_log a; fail "run a: exit $rc, expected 0"; }
grep -aq 'mantle-paravisor: vtpm: fresh: no TPM state in the VMGS' "$TESTTMP/a.log" ||
	{ pv_show_log a; fail "run a: the TPM did not start fresh"; }
grep -qx "tpm-test: no key" "$TESTTMP/a.out" && grep -qx "tpm-test: no nv" "$TESTTMP/a.out" ||
	fail "run a: a fresh VMGS's TPM already had the key or the NV index"
grep -qx "tpm-test: evictcontrol ok" "$TESTTMP/a.out" &&
	grep -qx "tpm-test: nvwrite ok" "$TESTTMP/a.out" ||
	fail "run a: tpm2_evictcontrol or tpm2_nvdefine/nvwrite failed"
key=$(sed -n '/^tpm-test: after/,$p' "$TESTTMP/a.out" | sed -n 's/^tpm-test: key //p')
nv=$(sed -n '/^tpm-test: after/,$p' "$TESTTMP/a.out" | sed -n 's/^tpm-test: nv //p')
[ "${#key}" -eq 512 ] || fail "run a: no 256-byte modulus read back"
[ "$nv" = "$hex" ] || fail "run a: tpm2_nvread gave '$nv', not '$hex'"
grep -a 'vtpm: ' "$TESTTMP/a.log"
grep -aq 'vtpm: TPM state saved to the VMGS (file 3, ' "$TESTTMP/a.log" ||
	fail "run a: no save to the VMGS logged"
saves=$(grep -a 'vtpm: state saves: ' "$TESTTMP/a.log" | tail -n 1)
echo "$saves" | grep -Eq ' 0 failed, 0 dropped' || fail "run a: saves failed: $saves"
vmgs_ok "$v"
"$VMGSTOOL" dump-file-table -f "$v" >"$TESTTMP/ft" || fail "vmgstool dump-file-table"
cat "$TESTTMP/ft"
awk '$1 == 3 && $NF == "yes" { ok = 1 } END { exit !ok }' "$TESTTMP/ft" ||
	fail "run a: no encrypted file 3 (TPM_NVRAM) in the VMGS"
awk 'NR > 1 && $1 != 0 && $1 != 11 && $NF != "yes" { bad = 1; print }
	END { exit bad }' "$TESTTMP/ft" || fail "run a: a plaintext file besides 0 and 11"
nowhere "$hex" || fail "run a: the NV index's bytes are in the VMGS in plaintext"
nowhere "$(echo "$key" | cut -c 1-64)" ||
	fail "run a: the key's modulus is in the VMGS in plaintext"
echo "run a: fresh TPM; key and NV index made; file 3 encrypted, no plaintext"

# b. Found again; then, in a burst of NV writes, the host's `mantle` dies
# (SIGKILL, --hostile vmgs-kill) when the 3rd write of the 6th save
# arrives: that save's data and one table are in the file, not its header.
# (Each save is 4 VMGS writes, test_control_tpm.c; opening writes none;
# the power-on makes a save or two, then the burst one per tpm2_nvwrite
# here, as each takes longer than the 250 ms quiet time under TCG.)
before=$(sha256sum <"$v")
pv_run b $(run_args b) --cmdline "$GUEST_CMDLINE" --hostile vmgs-kill=23
[ "$rc" -eq 137 ] || { pv_show_log b; fail "run b: exit $rc, not killed by SIGKILL mid-save"; }
grep -aq 'mantle-paravisor: vtpm: loaded: TPM state loaded from the VMGS' "$TESTTMP/b.log" ||
	{ pv_show_log b; fail "run b: the TPM state was not loaded"; }
[ "$(tline b key)" = "$key" ] || fail "run b: the persistent key 0x81000010 is not the one of run a"
[ "$(tline b nv)" = "$hex" ] || fail "run b: NV index 0x01000010 does not hold run a's bytes"
grep -q "tpm-test: burst start" "$TESTTMP/b.out" && ! grep -q "tpm-test: burst ended" "$TESTTMP/b.out" ||
	fail "run b: the host was not killed during the burst"
grep -a 'vtpm: ' "$TESTTMP/b.log"
[ "$(sha256sum <"$v")" != "$before" ] || fail "run b: nothing reached the file before the kill"
echo "run b: key and NV index found; mantle killed (SIGKILL) inside a save of the burst"
echo "run b: the file changed (the saves before, the cut save's data and table)"

# c. After the kill: a clean VMGS, the last complete save's TPM state.
vmgs_ok "$v"
pv_run c $(run_args c) --cmdline "$GUEST_CMDLINE"
[ "$rc" -eq 0 ] || { pv_show_log c; fail "run c: exit $rc, expected 0"; }
grep -aq 'mantle-paravisor: vtpm: loaded: TPM state loaded from the VMGS' "$TESTTMP/c.log" ||
	{ pv_show_log c; fail "run c: the TPM state after the kill was not loaded"; }
[ "$(tline c key)" = "$key" ] || fail "run c: the persistent key is gone or changed"
# The kill came inside a save: the VMGS holds the one before, whole: run
# a's value or a burst write, all 32 bytes of it.
got=$(tline c nv)
# burst_hex N: the 32 bytes of the burst's write number N.
burst_hex() {
	printf 'burst %04d abcdefghijklmnopqrstu' "$1" | od -An -tx1 -v | tr -d ' \n'
}
if [ "$got" = "$hex" ]; then
	echo "run c: NV index holds run a's value (the cut save was the burst's first)"
else
	i=$(echo "$got" | cut -c 13-20 | sed 's/3\([0-9]\)/\1/g')
	case $i in [0-9][0-9][0-9][0-9]) ;; *) i=x ;; esac
	[ "$i" != x ] && [ "$got" = "$(burst_hex "$((1$i - 10000))")" ] ||
		fail "run c: NV index holds '$got': neither run a's value nor a whole burst write"
	echo "run c: NV index holds burst write $i, whole: the last complete save's"
fi
vmgs_ok "$v"
echo "tpm persist test passed"
