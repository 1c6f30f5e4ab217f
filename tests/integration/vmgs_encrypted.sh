#!/bin/sh
# The VMGS encrypted at rest with a key the host never holds (issue 13, item
# 5; paravisor/vmgs/VMGS-KEY.md), on `nested` with real boots and mantle-sp
# as the secure processor. Four boots, two of them stop before the guest:
#   a. a new VMGS under chip A: provisioned encrypted; offline, without a key,
#      vmgstool shows AES-GCM, a clean check, the key protector (file 11) as
#      the only plaintext file, and no plaintext of the guest-visible data;
#   b. chip A again: reopened (unlocked) without a write;
#   c. chip B (another --sp-state): refused (paravisor status 9, mantle run
#      exit 5), the file byte-for-byte untouched;
#   d. chip A with one byte of the key protector flipped: refused the same
#      way, untouched.
# (The refusals' every case, the host-supplied protector among them, are
# unit-tested: tests/unit/pvvmgs.)
. tests/integration/lib.sh
. tests/integration/paravisor_common.sh
. tests/integration/vmgs_common.sh
vmgs_require
[ -x "$BUILD/bin/mantle-sp" ] || fail "$BUILD/bin/mantle-sp missing (make all)"
probe_initrd
v=$TESTTMP/enc.vmgs
spa=$TESTTMP/sp-a
spb=$TESTTMP/sp-b

# status NAME: the paravisor's exit status as /init reported it.
status() {
	sed -n 's/.*mantle-pvinit: mantle-paravisor exit \([0-9]*\).*/\1/p' \
		"$TESTTMP/$1.log" | tail -n 1
}

# refused NAME STATUS WHAT: mantle run exit 5, that paravisor status, no
# guest, no write.
refused() {
	[ "$rc" -eq 5 ] || { pv_show_log "$1"; fail "$1: exit $rc, expected 5 ($3)"; }
	[ "$(status "$1")" = "$2" ] ||
		{ pv_show_log "$1"; fail "$1: paravisor status $(status "$1"), expected $2"; }
	grep -aq 'mantle-paravisor: vmgs: refused: ' "$TESTTMP/$1.log" ||
		fail "$1: no refusal logged"
	! grep -q "mantle-guest: init started" "$TESTTMP/$1.out" ||
		fail "$1: the guest ran on a refused VMGS"
	grep -aq '^mantle: hostif host: .*writes=0 ' "$TESTTMP/$1.log" ||
		fail "$1: the host saw VMGS writes"
	[ "$(sha256sum <"$v")" = "$before" ] || fail "$1: the refused VMGS was written"
}

# a. Provisioned encrypted under chip A.
pv_run a $(GUEST_ARGS) --cmdline "$GUEST_CMDLINE" --vmgs "$v" --sp-state "$spa"
[ "$rc" -eq 0 ] || { pv_show_log a; fail "run a: exit $rc, expected 0"; }
console_intact a
grep -aq 'mantle-paravisor: vmgs: provisioned: provisioned a new encrypted VMGS of 4194304 bytes (it was all zero), key policy default' \
	"$TESTTMP/a.log" || { pv_show_log a; fail "run a: the VMGS was not provisioned encrypted"; }
vmgs_ok "$v"
"$VMGSTOOL" dump-headers -f "$v" >"$TESTTMP/headers" || fail "vmgstool dump-headers"
grep -q 'encryption algorithm: 1 (AES_GCM)' "$TESTTMP/headers" ||
	{ cat "$TESTTMP/headers"; fail "dump-headers: not AES-GCM"; }
"$VMGSTOOL" dump -f "$v" -i 11 -d "$TESTTMP/kp" || fail "vmgstool dump of the key protector"
[ "$(head -c 8 "$TESTTMP/kp")" = MNTLVMKP ] && [ "$(stat -c %s "$TESTTMP/kp")" -eq 120 ] ||
	fail "file 11 is not a key protector of 120 bytes"
# Every file but the table (0) and the protector (11) is encrypted.
"$VMGSTOOL" dump-file-table -f "$v" >"$TESTTMP/ft" || fail "vmgstool dump-file-table"
awk 'NR > 1 && $1 != 0 && $1 != 11 && $NF != "yes" { bad = 1; print }
	END { exit bad }' "$TESTTMP/ft" || { cat "$TESTTMP/ft"; fail "a plaintext file besides 0 and 11"; }
# Nothing the guest or the launch put in plain sight is in the file.
! grep -aq "probe: line" "$v" && ! grep -aq "$GUEST_CMDLINE" "$v" ||
	fail "plaintext guest data in the VMGS"
echo "run a: provisioned encrypted; vmgstool check and dump-headers work without a key"

# b. Chip A again: opened, not written. (--tpm none: the vTPM writes its
# state into the VMGS at every boot, tpm_persist.sh; this is the open's.)
before=$(sha256sum <"$v")
pv_run b $(GUEST_ARGS) --cmdline "$GUEST_CMDLINE" --vmgs "$v" --sp-state "$spa" --tpm none
[ "$rc" -eq 0 ] || { pv_show_log b; fail "run b: exit $rc, expected 0"; }
grep -aq 'mantle-paravisor: vmgs: opened: opened an encrypted VMGS of 4194304 bytes' "$TESTTMP/b.log" ||
	{ pv_show_log b; fail "run b: the VMGS was not unlocked"; }
grep -aq '^mantle: hostif host: .*writes=0 ' "$TESTTMP/b.log" || fail "run b: opening wrote"
[ "$(sha256sum <"$v")" = "$before" ] || fail "run b changed the VMGS"
echo "run b: reopened under the same chip without a write"

# c. Another chip: its derived key unwraps nothing.
pv_run c $(GUEST_ARGS) --cmdline "$GUEST_CMDLINE" --vmgs "$v" --sp-state "$spb"
refused c 9 "another chip's VMGS"
grep -q "does not unlock" "$TESTTMP/c.err" || fail "run c: mantle run did not say why"
echo "run c: refused under another --sp-state, untouched"

# d. One byte of the live key protector (the table's file 11; freed blocks
# may hold older copies) flipped, in its tag: refused, untouched.
blk=$(awk '$1 == 11 { print $3 }' "$TESTTMP/ft")
[ -n "$blk" ] || fail "no key protector in the file table"
off=$((blk * 4096))
[ "$(dd if="$v" bs=1 skip=$off count=8 2>/dev/null)" = MNTLVMKP ] ||
	fail "no key protector at block $blk"
b=$(dd if="$v" bs=1 skip=$((off + 110)) count=1 2>/dev/null | od -An -tu1 | tr -d ' ')
printf "\\$(printf %o $((b ^ 0x5a)))" | dd of="$v" bs=1 seek=$((off + 110)) conv=notrunc 2>/dev/null
before=$(sha256sum <"$v")
pv_run d $(GUEST_ARGS) --cmdline "$GUEST_CMDLINE" --vmgs "$v" --sp-state "$spa"
refused d 9 "a tampered key protector"
echo "vmgs encrypted test passed"
