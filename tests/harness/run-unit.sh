#!/bin/sh
# Run cmocka unit-test binaries with TAP output; record one line per test case
# in RESULTS ("PASS name" / "FAIL name"). A binary that crashes, exits non-zero
# with every case "ok", or runs no case is recorded as a failure of its own.
# usage: run-unit.sh RESULTS BINARY...
set -u
results=$1
shift
logdir=$(dirname "$results")/logs/unit
mkdir -p "$logdir"
for bin in "$@"; do
	name=$(basename "$bin")
	log=$logdir/$name.log
	CMOCKA_MESSAGE_OUTPUT=TAP "$bin" >"$log" 2>&1
	rc=$?
	# cmocka's TAP: "ok N - name", "not ok N - name", "not ok N # SKIP name".
	ok=$(grep -c '^ok ' "$log")
	skipped=$(grep -c '^not ok [0-9]* # SKIP' "$log")
	bad=$(($(grep -c '^not ok ' "$log") - skipped))
	sed -n 's/^ok [0-9]* - \(.*\)$/PASS unit:'"$name"':\1/p' "$log" >>"$results"
	sed -n 's/^not ok [0-9]* - \(.*\)$/FAIL unit:'"$name"':\1/p' "$log" >>"$results"
	# The reason a case skipped is the last "SKIP:" line it printed, if any.
	why=$(grep '^SKIP:' "$log" | tail -n 1)
	awk -v n="$name" -v w="${why:-SKIP: skipped by the test}" \
		'/^not ok [0-9]+ # SKIP / { sub(/^not ok [0-9]+ # SKIP /, ""); print "SKIP unit:" n ":" $0 " " w }' \
		"$log" >>"$results"
	if [ "$bad" -gt 0 ] || [ "$rc" -ne 0 ] || [ $((ok + skipped)) -eq 0 ]; then
		[ "$bad" -eq 0 ] && echo "FAIL unit:$name (exit $rc, $ok cases ran)" >>"$results"
		echo "unit: $name: FAILED ($ok ok, $bad not ok, exit $rc); log $log"
		grep -v '^ok ' "$log" | tail -n 30
	else
		echo "unit: $name: $ok ok$([ "$skipped" -gt 0 ] && echo ", $skipped skipped")"
	fi
done
exit 0
