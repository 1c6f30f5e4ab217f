#!/bin/sh
# Hostile host, VMGS faults (issue 5, item 4): short, torn and bit-flipped
# VMGS reads and writes. The paravisor must survive each, say what it saw,
# and never corrupt the VMGS: vmgstool check finds the file intact after
# every run, and the guest runs with its console intact. A host that lies
# on every read gets its VMGS refused (exit 5), never reformatted.
. tests/integration/lib.sh
. tests/integration/paravisor_common.sh
. tests/integration/vmgs_common.sh
vmgs_require
probe_initrd

# vrun NAME FILE SPEC [OPTION [ARG]]: a run under SPEC on FILE that must
# end well.
vrun() {
	pv_run "$1" $(GUEST_ARGS) --cmdline "$GUEST_CMDLINE" --vmgs "$2" --hostile "$3" \
		${4:+"$4"} ${5:+"$5"}
	[ "$rc" -eq 0 ] || { pv_show_log "$1"; fail "$1: exit $rc under --hostile $3"; }
	console_intact "$1"
	vmgs_ok "$2"
	grep -a '^mantle: hostile injected:' "$TESTTMP/$1.log" ||
		fail "$1: the host did not log its faults"
	grep -a 'mantle-paravisor: vmgs: ' "$TESTTMP/$1.log" | head -n 1
	grep -a 'mantle-paravisor: hostif: .*(at exit)' "$TESTTMP/$1.log" ||
		fail "$1: no hostif counters at exit"
}

# saw NAME FAULT WHAT VALUE: the fault was injected and seen (VALUE > 0).
saw() {
	[ "$(injected "$1" "$2")" -gt 0 ] || fail "$1: no $2 fault was injected"
	[ "$4" -gt 0 ] || { pv_show_log "$1"; fail "$1: the paravisor did not see $3"; }
	echo "$1: $2 injected $(injected "$1" "$2"), paravisor saw $3: $4"
}

# damaged NAME: the damaged reads the paravisor reported while opening.
damaged() {
	sed -n 's/.*mantle-paravisor: vmgs: .*(after \([0-9]*\) damaged and \([0-9]*\) failed reads).*/\1/p' \
		"$TESTTMP/$1.log" | head -n 1
}

# 1. Short reads and writes while formatting a new VMGS: refused replies.
v=$TESTTMP/short.vmgs
vrun short "$v" seed=21,vmgs-short=0.3
grep -aq 'mantle-paravisor: vmgs: provisioned: ' "$TESTTMP/short.log" || fail "short: not formatted"
saw short vmgs-short "short replies (retried)" "$(counter short retries)"
[ "$(counter short bad_replies)" -gt 0 ] || [ "$(counter short payload)" -gt 0 ] ||
	fail "short: no short reply counted"

# 2. Torn writes (prefix stored, reply withheld) while formatting (and
# while the vTPM saves its state), then torn reads (tail zeroed) of the
# formatted VMGS: with --tpm none there and in 3, whose checks are that
# opening writes nothing (the vTPM writes its state at every boot).
v=$TESTTMP/torn.vmgs
vrun torn "$v" seed=22,vmgs-torn=0.3
grep -aq 'mantle-paravisor: vmgs: provisioned: ' "$TESTTMP/torn.log" || fail "torn: not formatted"
saw torn vmgs-torn "torn writes (timeouts)" "$(counter torn timeouts)"
before=$(sha256sum <"$v")
vrun torn2 "$v" seed=23,vmgs-torn=0.5 --tpm none
grep -aq 'mantle-paravisor: vmgs: opened: ' "$TESTTMP/torn2.log" || fail "torn2: not opened"
# A torn read zeroes a tail that is often zero already: the paravisor sees
# damage only when the cut reaches a header's contents.
[ "$(injected torn2 vmgs-torn)" -gt 0 ] || fail "torn2: no torn read injected"
echo "torn2: vmgs-torn injected $(injected torn2 vmgs-torn), damaged header reads seen: $(damaged torn2)"
[ "$(sha256sum <"$v")" = "$before" ] || fail "torn2: opening changed the VMGS"

# 3. Bit flips in what the VMGS reads return: detected by the header
# checksums, read again; the file is never written.
vrun flip "$v" seed=25,vmgs-bitflip=0.5 --tpm none
grep -aq 'mantle-paravisor: vmgs: opened: ' "$TESTTMP/flip.log" || fail "flip: not opened"
saw flip vmgs-bitflip "damaged header reads" "$(damaged flip)"
[ "$(sha256sum <"$v")" = "$before" ] || fail "flip: opening changed the VMGS"

# 4. A host that flips a bit of every read of an all-zero VMGS: what it
# shows is not all zero, so it is refused as damaged, never formatted.
v=$TESTTMP/flipall.vmgs
pv_run flipall $(GUEST_ARGS) --cmdline "$GUEST_CMDLINE" --vmgs "$v" --hostile seed=26,vmgs-bitflip=1
[ "$rc" -eq 5 ] || { pv_show_log flipall; fail "flipall: exit $rc, expected 5"; }
grep -aq 'mantle-paravisor: vmgs: refused: the VMGS is damaged' "$TESTTMP/flipall.log" ||
	fail "flipall: no refusal logged"
! grep -q "mantle-guest: init started" "$TESTTMP/flipall.out" || fail "flipall: the guest ran"
[ "$(stat -c %s "$v")" -eq 4194816 ] || fail "flipall: no VMGS file created"
[ "$(head -c 4194304 "$v" | tr -d '\000' | wc -c)" -eq 0 ] ||
	fail "flipall: the all-zero VMGS was written"
echo "hostile VMGS faults: survived, VMGS intact"
