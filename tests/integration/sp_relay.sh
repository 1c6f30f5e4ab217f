#!/bin/sh
# The paravisor talks to the simulated secure processor through the untrusted
# host (issue 13, items 2, 3 and the hostile part of 6), in two boots:
#  1. --sp-state in a fresh directory: mantle-sp measures the paravisor VM
#     image and its value equals mantle's MEASURE launch=; the secrets page
#     reaches the paravisor by fw_cfg; the paravisor's VMPCK0 works through
#     the SP_MSG relay (two reports as a self-test) and it got the VCEK from
#     the host; the state directory is 0700; the guest boots.
#  2. the same chip under --hostile sp-corrupt=1: the host flips a byte of
#     every relayed response inside valid frames. The paravisor refuses the
#     response, retires VMPCK0 and says so, and the guest still boots: a
#     clear error, never a wrong key.
# (sp-replay and sp-withhold: tests/unit/hostif/test_sp.c and
# tests/unit/snp/test_snp_guest.c, without a boot each.)
. tests/integration/lib.sh
. tests/integration/paravisor_common.sh
. tests/integration/vmgs_common.sh
pv_require_boot
[ -x "$BUILD/bin/mantle-sp" ] || fail "$BUILD/bin/mantle-sp missing (make all)"
probe_initrd
SP=$TESTTMP/sp

pv_run good $(GUEST_ARGS) --cmdline "$GUEST_CMDLINE" --sp-state "$SP"
[ "$rc" -eq 0 ] || { pv_show_log good; fail "good: exit $rc"; }
console_intact good
want=$(sed -n 's/^MEASURE launch=\([0-9a-f]*\)$/\1/p' "$TESTTMP/good.log" | head -n 1)
[ -n "$want" ] || { pv_show_log good; fail "good: no MEASURE launch= line"; }
grep -aq "^mantle: secure processor: LAUNCH measurement=$want (equals MEASURE launch=)" "$TESTTMP/good.log" ||
	{ pv_show_log good; fail "good: mantle-sp's measurement is not mantle's"; }
line=$(grep -a 'mantle-paravisor: secure processor: VMPCK0 ready, VCEK from host ([0-9]* bytes), report ok' "$TESTTMP/good.log") ||
	{ pv_show_log good; fail "good: the paravisor's VMPCK0 did not work through the relay"; }
echo "$line"
echo "$line" | grep -q 'VCEK from host (0 bytes)' && fail "good: no VCEK in the host's table"
[ "$(stat -c %a "$SP")" = 700 ] || fail "good: $SP is not mode 0700"
grep -a '^mantle: secure processor (mantle-sp): relayed' "$TESTTMP/good.log"

pv_run corrupt $(GUEST_ARGS) --cmdline "$GUEST_CMDLINE" --sp-state "$SP" --hostile seed=31,sp-corrupt=1
[ "$rc" -eq 0 ] || { pv_show_log corrupt; fail "corrupt: exit $rc (the guest must boot without the key)"; }
console_intact corrupt
[ "$(injected corrupt sp-corrupt)" -gt 0 ] || fail "corrupt: no sp-corrupt fault was injected"
grep -a 'mantle-paravisor: secure processor: self-test MSG_REPORT_REQ failed: response malformed, forged, replayed or reordered; VMPCK0 retired' "$TESTTMP/corrupt.log" ||
	{ pv_show_log corrupt; fail "corrupt: the paravisor did not retire VMPCK0"; }
grep -aq 'mantle-paravisor: secure processor: VMPCK0 ready' "$TESTTMP/corrupt.log" &&
	fail "corrupt: the paravisor accepted a corrupted response"
grep -a 'booting without secure-processor services' "$TESTTMP/corrupt.log"
grep -a '^mantle: hostile injected:' "$TESTTMP/corrupt.log"
grep -a '^mantle: secure processor (mantle-sp): relayed' "$TESTTMP/corrupt.log"
echo "PASS: VMPCK0 works through the relay; a corrupting host gets it retired, the guest boots"
