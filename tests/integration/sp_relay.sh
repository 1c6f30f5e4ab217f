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
#  3. with a fresh --vmgs under --hostile sp-replay=1, then sp-withhold=1:
#     the host answers the self-test's second report with the first one's
#     response, or never answers. VMPCK0 is retired, so no VMGS key can be
#     derived: the paravisor stops before the guest with a clear error
#     (mantle run exit 5, paravisor status 12) and the VMGS file is left
#     untouched (all zero). These runs end before the guest boots.
#  4. the simulator killed (SIGKILL) right after it served LAUNCH, with a
#     fresh --vmgs: mantle says the secure processor is gone, the paravisor's
#     first guest message gets no answer, VMPCK0 is retired and the VMGS is
#     refused untouched: a clear error, exit 5. (mantle-sp is found beside
#     the mantle binary, so this run uses a copy of mantle next to a wrapper
#     that starts the real mantle-sp and kills it.)
# (Every damage case without a boot: tests/unit/hostif/test_sp.c,
# tests/unit/snp/test_snp_guest.c.)
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
# 3. Replayed and withheld responses, with a VMGS that needs the key.
for f in sp-replay sp-withhold; do
	rm -f "$TESTTMP/$f.vmgs"
	pv_run "$f" $(GUEST_ARGS) --cmdline "$GUEST_CMDLINE" --sp-state "$SP" \
		--vmgs "$TESTTMP/$f.vmgs" --hostile "seed=7,$f=1"
	[ "$rc" -eq 5 ] || { pv_show_log "$f"; fail "$f: exit $rc, expected 5 (VMGS refused)"; }
	[ "$(injected "$f" "$f")" -gt 0 ] || fail "$f: no $f fault was injected"
	grep -aq 'VMPCK0 retired' "$TESTTMP/$f.log" ||
		{ pv_show_log "$f"; fail "$f: VMPCK0 was not retired"; }
	grep -aq 'mantle-paravisor: secure processor: VMPCK0 ready' "$TESTTMP/$f.log" &&
		fail "$f: the paravisor accepted a $f response"
	grep -aq 'mantle-pvinit: mantle-paravisor exit 12' "$TESTTMP/$f.log" ||
		{ pv_show_log "$f"; fail "$f: the paravisor did not stop with status 12"; }
	grep -q "mantle-guest: init started" "$TESTTMP/$f.out" &&
		fail "$f: the guest ran without its VMGS"
	[ "$(head -c 4194304 "$TESTTMP/$f.vmgs" | tr -d '\000' | wc -c)" -eq 0 ] ||
		fail "$f: the refused VMGS was written"
	grep -a 'mantle-paravisor: vmgs: refused' "$TESTTMP/$f.log" | head -n 1
done
# 4. A simulator killed after LAUNCH.
mkdir -p "$TESTTMP/killbin"
cp "$MANTLE" "$TESTTMP/killbin/mantle"
real_sp=$(cd "$BUILD/bin" && pwd)/mantle-sp
cat >"$TESTTMP/killbin/mantle-sp" <<EOT
#!/bin/sh
# Starts the real simulator (it inherits the IPC socket, fd 3), lets it serve
# LAUNCH, then kills it; this shell exits too, so the socket closes.
"$real_sp" "\$@" 2>"$TESTTMP/killed-sp.err" &
pid=\$!
i=0
while ! grep -q "LAUNCH: policy" "$TESTTMP/killed-sp.err" 2>/dev/null; do
	i=\$((i + 1)); [ \$i -lt 600 ] || break; sleep 0.05
done
sleep 0.5
kill -9 \$pid
wait \$pid
exit 0
EOT
chmod 0755 "$TESTTMP/killbin/mantle-sp"
rm -f "$TESTTMP/killed.vmgs"
MANTLE_REAL=$MANTLE
MANTLE=$TESTTMP/killbin/mantle
pv_run killed $(GUEST_ARGS) --paravisor-image "$PVIMG" --cmdline "$GUEST_CMDLINE" \
	--sp-state "$SP" --vmgs "$TESTTMP/killed.vmgs"
MANTLE=$MANTLE_REAL
grep -q "LAUNCH: policy" "$TESTTMP/killed-sp.err" || fail "killed: the wrapped mantle-sp never served LAUNCH"
[ "$rc" -eq 5 ] || { pv_show_log killed; fail "killed: exit $rc, expected 5 (VMGS refused)"; }
grep -a 'mantle: secure processor (mantle-sp):' "$TESTTMP/killed.log" | head -n 3
grep -aq 'VMPCK0 retired' "$TESTTMP/killed.log" ||
	{ pv_show_log killed; fail "killed: VMPCK0 was not retired"; }
grep -q "mantle-guest: init started" "$TESTTMP/killed.out" &&
	fail "killed: the guest ran without its VMGS"
[ "$(head -c 4194304 "$TESTTMP/killed.vmgs" | tr -d '\000' | wc -c)" -eq 0 ] ||
	fail "killed: the refused VMGS was written"
echo "PASS: VMPCK0 works through the relay; a corrupting host gets it retired (the guest boots without it); replayed or withheld responses, or a killed simulator, retire it and a VMGS that needs it is refused untouched"
