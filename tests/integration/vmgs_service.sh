#!/bin/sh
# The VMGS block service over the control channel (issue 5, items 1 and 2):
# a missing --vmgs file is created as a 4194816-byte fixed VHD1, served
# without its footer, provisioned encrypted by the paravisor through hostif
# (paravisor/vmgs/VMGS-KEY.md: needs the secure processor); a second run
# opens it without writing a byte; a damaged one is refused (exit 5), never
# reformatted. vmgstool checks the file offline after every run.
# Run a also offers two --pipe pipes (hostif 1.1; the session is 1.2): the paravisor lists them
# at start-up; the guest's mantle_pipe opens both at probe, and the host
# refuses both (nobody listens on their sockets).
. tests/integration/lib.sh
. tests/integration/paravisor_common.sh
. tests/integration/vmgs_common.sh
vmgs_require
probe_initrd
v=$TESTTMP/guest.vmgs

# 1. Missing file: created, formatted by the paravisor, guest runs.
pv_run a $(GUEST_ARGS) --cmdline "$GUEST_CMDLINE" --vmgs "$v" \
	--pipe demo="$TESTTMP/demo.sock" --pipe ctl-2="$TESTTMP/ctl.sock"
[ "$rc" -eq 0 ] || { pv_show_log a; fail "run a: exit $rc, expected 0"; }
console_intact a
[ "$(stat -c %s "$v")" -eq 4194816 ] || fail "the new VMGS is not 4194816 bytes"
grep -aq 'mantle-paravisor: control: session on /dev/vport[0-9]*p[0-9]*, version 1.2, features 0xf' "$TESTTMP/a.log" ||
	{ pv_show_log a; fail "no negotiated control session (version 1.2, EVENTS|LOG|PIPES|SP)"; }
grep -aq "mantle-paravisor: pipe 0: 'demo' (the host's pipe 0)" "$TESTTMP/a.log" &&
	grep -aq "mantle-paravisor: pipe 1: 'ctl-2' (the host's pipe 1)" "$TESTTMP/a.log" ||
	{ pv_show_log a; fail "the paravisor did not list the host's pipes"; }
grep -aq '^mantle: pipe demo: relayed to the unix socket' "$TESTTMP/a.log" ||
	fail "the host did not log its pipe"
grep -aq 'mantle-paravisor: pipes: opens=2 .*host_closes=2 .*(at exit)' "$TESTTMP/a.log" &&
	grep -aq '^mantle: hostif host: .*pipe_opens=2 pipe_refused=2 ' "$TESTTMP/a.log" ||
	{ pv_show_log a; fail "no pipe counters at exit"; }
grep -aq 'mantle-paravisor: vmgs: provisioned: provisioned a new encrypted VMGS of 4194304 bytes (it was all zero)' "$TESTTMP/a.log" ||
	{ pv_show_log a; fail "the paravisor did not provision the new VMGS"; }
grep -aq '^mantle: paravisor (hostif LOG 0): vmgs: provisioned' "$TESTTMP/a.log" ||
	fail "the paravisor's LOG message did not reach the host log"
grep -aq 'mantle-paravisor: hostif: .*(at exit)' "$TESTTMP/a.log" ||
	fail "no hostif counters at exit in the paravisor log"
[ "$(counter a crc)" = 0 ] && [ "$(counter a timeouts)" = 0 ] ||
	fail "a well-behaved host produced channel errors"
grep -aq '^mantle: hostif host: .*writes=[1-9]' "$TESTTMP/a.log" ||
	fail "the host saw no VMGS writes"
vmgs_ok "$v"
# The footer is the host's: never served, so the format did not touch it.
tail -c 512 "$v" | head -c 8 | grep -q conectix || fail "no VHD footer cookie"
echo "run a: created, provisioned through the channel, vmgstool check clean"

# 2. Run again: opened (unlocked), not written. (Its content is encrypted
# under a key only the paravisor derives: vmgs_encrypted.sh. --tpm none:
# the vTPM writes its state into the VMGS at every boot, tpm_persist.sh.)
before=$(sha256sum <"$v")
pv_run b $(GUEST_ARGS) --cmdline "$GUEST_CMDLINE" --vmgs "$v" --tpm none
[ "$rc" -eq 0 ] || { pv_show_log b; fail "run b: exit $rc, expected 0"; }
console_intact b
grep -aq 'mantle-paravisor: vmgs: opened: opened an encrypted VMGS of 4194304 bytes' "$TESTTMP/b.log" ||
	{ pv_show_log b; fail "the paravisor did not open the provisioned VMGS"; }
grep -aq '^mantle: hostif host: .*writes=0 ' "$TESTTMP/b.log" ||
	fail "opening an intact VMGS wrote to it"
[ "$(sha256sum <"$v")" = "$before" ] || fail "run b changed the VMGS file"
vmgs_ok "$v"
echo "run b: opened without a write"

# 3. Damage both header slots: refused.
for off in 32 $((512 + 32)); do
	printf '\377\377\377\377' | dd of="$v" bs=1 seek=$off conv=notrunc 2>/dev/null
done
! "$VMGSTOOL" check -f "$v" >/dev/null 2>&1 || fail "the damage did not damage"
before=$(sha256sum <"$v")
pv_run c $(GUEST_ARGS) --cmdline "$GUEST_CMDLINE" --vmgs "$v"
[ "$rc" -eq 5 ] || { pv_show_log c; fail "run c: exit $rc, expected 5 (VMGS refused)"; }
grep -q "refused the VMGS: it is damaged" "$TESTTMP/c.err" ||
	fail "mantle run did not say the VMGS was refused"
grep -aq 'mantle-paravisor: vmgs: refused: the VMGS is damaged' "$TESTTMP/c.log" ||
	{ pv_show_log c; fail "the paravisor did not log the refusal"; }
grep -aq 'mantle-pvinit: mantle-paravisor exit 5' "$TESTTMP/c.log" || fail "paravisor exit is not 5"
! grep -q "mantle-guest: init started" "$TESTTMP/c.out" || fail "the guest ran on a damaged VMGS"
[ "$(sha256sum <"$v")" = "$before" ] || fail "the damaged VMGS was written (reformatted?)"
grep -aq '^mantle: hostif host: .*writes=0 ' "$TESTTMP/c.log" || fail "the host saw writes"
echo "run c: damaged VMGS refused with exit 5, file untouched"

# 4. An unusable --vmgs is a usage error before anything starts.
pv_run d $(GUEST_ARGS) --cmdline "$GUEST_CMDLINE" --vmgs /nonexistent-dir/x.vmgs
[ "$rc" -eq 1 ] || fail "run d: exit $rc, expected 1"
grep -q -- "--vmgs /nonexistent-dir/x.vmgs" "$TESTTMP/d.err" || fail "no clear --vmgs error"
echo "vmgs service test passed"
