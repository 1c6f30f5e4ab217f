#!/bin/sh
# Print the one summary line of a test run from RESULTS and exit non-zero if
# anything failed (or nothing ran at all). Skips are listed with their reasons
# before the summary line, which is always the last line printed.
set -u
results=$1
[ -f "$results" ] || : >"$results"
pass=$(grep -c '^PASS ' "$results")
fail=$(grep -c '^FAIL ' "$results")
skip=$(grep -c '^SKIP ' "$results")
if [ "$fail" -gt 0 ]; then
	echo "Failed:"
	grep '^FAIL ' "$results" | sed 's/^FAIL /  /'
fi
if [ "$skip" -gt 0 ]; then
	echo "Skipped:"
	grep '^SKIP ' "$results" | sed 's/^SKIP /  /'
fi
if [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ]; then
	fail=1
	echo "FAIL: no test ran"
fi
if [ "$skip" -gt 0 ]; then
	line="$pass passed, $fail failed, $skip skipped"
else
	line="$pass passed, $fail failed"
fi
if [ "$fail" -eq 0 ]; then
	echo "$line"
	exit 0
fi
echo "$line"
# make would print "*** [check] Error 1" after our summary line, and the
# summary must be the last line. When our parent is make, end it with SIGPIPE
# (make has no handler for it, and shells report nothing for it), so the run
# still exits non-zero (141) with the summary last.
if [ "${SUMMARY_KILL_MAKE:-0}" = 1 ] &&
	[ "$(cat /proc/$PPID/comm 2>/dev/null)" = make ]; then
	kill -PIPE $PPID
fi
exit 1
