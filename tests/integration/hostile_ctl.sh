#!/bin/sh
# Hostile host, control-message faults (issue 5, item 4): for each of
# ctl-corrupt, ctl-truncate, ctl-replay, ctl-reorder and ctl-withhold, one
# run with a fresh --vmgs file that the paravisor provisions through the
# damaged channel. Each run shows: the host injected that fault; the
# paravisor survived, counted what it saw (hostif counters in its log) and
# provisioned the VMGS; the guest console is intact and the guest powered
# off; vmgstool check finds the VMGS file intact. The ctl-* faults
# leave the relayed secure-processor replies alone (hostif/SPEC.md §11), so
# the VMGS key always arrives; sp_relay.sh damages those.
. tests/integration/lib.sh
. tests/integration/paravisor_common.sh
. tests/integration/vmgs_common.sh
vmgs_require
probe_initrd

# sum NAME KEY...: the sum of the paravisor's counters KEY... in NAME.log.
sum() {
	_n=$1
	shift
	_t=0
	for _k in "$@"; do
		_v=$(counter "$_n" "$_k")
		[ -n "$_v" ] || fail "$_n: no hostif counter $_k in the paravisor log"
		_t=$((_t + _v))
	done
	echo "$_t"
}

# hostile_run NAME SPEC: a run under SPEC that must end well.
hostile_run() {
	_n=$1
	rm -f "$TESTTMP/$_n.vmgs"
	pv_run "$_n" $(GUEST_ARGS) --cmdline "$GUEST_CMDLINE" --vmgs "$TESTTMP/$_n.vmgs" --hostile "$2"
	[ "$rc" -eq 0 ] || { pv_show_log "$_n"; fail "$_n: exit $rc under --hostile $2"; }
	console_intact "$_n"
	grep -aq 'mantle-paravisor: vmgs: provisioned: ' "$TESTTMP/$_n.log" ||
		{ pv_show_log "$_n"; fail "$_n: the VMGS was not provisioned"; }
	grep -aq 'mantle-paravisor: hostif: .*(at exit)' "$TESTTMP/$_n.log" ||
		fail "$_n: no hostif counters at exit"
	vmgs_ok "$TESTTMP/$_n.vmgs"
	grep -a '^mantle: hostile injected:' "$TESTTMP/$_n.log" ||
		fail "$_n: the host did not log its faults"
	grep -a 'mantle-paravisor: hostif: .*(at exit)' "$TESTTMP/$_n.log"
}

# need NAME FAULT WHAT VALUE: VALUE (what the paravisor saw) must be > 0.
need() {
	[ "$(injected "$1" "$2")" -gt 0 ] || fail "$1: no $2 fault was injected"
	[ "$4" -gt 0 ] || { pv_show_log "$1"; fail "$1: the paravisor did not see $3"; }
	echo "$1: $2 injected $(injected "$1" "$2"), paravisor saw $3: $4"
}

BAD="skipped magic length crc version type reserved payload stalls"

hostile_run corrupt seed=11,ctl-corrupt=0.2
need corrupt ctl-corrupt "damaged frames" "$(sum corrupt $BAD)"

hostile_run truncate seed=12,ctl-truncate=0.2
need truncate ctl-truncate "cut frames" "$(sum truncate $BAD timeouts)"

hostile_run replay seed=13,ctl-replay=0.2
need replay ctl-replay "replays" "$(sum replay replays)"

hostile_run reorder seed=14,ctl-reorder=0.2
need reorder ctl-reorder "reordered frames" "$(sum reorder replays)"
[ "$(sum reorder gaps)" -gt 0 ] || fail "reorder: no sequence gap seen"

hostile_run withhold seed=15,ctl-withhold=0.2
need withhold ctl-withhold "timeouts" "$(sum withhold timeouts)"
[ "$(sum withhold retries)" -gt 0 ] || fail "withhold: no retries"

# Reproducibility (the same SPEC and the same requests inject the same
# faults) is tests/unit/hostif/test_hostile.c's test_reproducible: a second
# boot here would prove it again at ~18 s of make check.

# A host that withholds every frame: no session (exit 6), the guest is not
# started, the VMGS file the host created stays all zero.
v=$TESTTMP/silent.vmgs
pv_run silent $(GUEST_ARGS) --cmdline "$GUEST_CMDLINE" --vmgs "$v" --hostile ctl-withhold=1
[ "$rc" -eq 6 ] || { pv_show_log silent; fail "silent: exit $rc, expected 6"; }
grep -q "got no control session" "$TESTTMP/silent.err" || fail "silent: no clear reason on stderr"
grep -aq 'mantle-paravisor: control: no session with the host' "$TESTTMP/silent.log" ||
	fail "silent: the paravisor did not log the failed session"
! grep -q "mantle-guest: init started" "$TESTTMP/silent.out" || fail "silent: the guest ran"
[ "$(head -c 4194304 "$v" | tr -d '\000' | wc -c)" -eq 0 ] || fail "silent: the VMGS was written"
echo "silent host: no session, exit 6"
echo "hostile control-message faults: all survived"
