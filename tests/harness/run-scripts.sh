#!/bin/sh
# Run test scripts (integration tests, KUnit) and record one line each in
# RESULTS. Exit 0 passes; exit 77 is a skip and the script's last line that
# starts with "SKIP:" is the reason; anything else fails. Output goes to a log;
# a failure prints its tail. Each script gets TEST_TIMEOUT seconds (default 600).
# usage: run-scripts.sh RESULTS KIND SCRIPT...
set -u
results=$1
kind=$2
shift 2
logdir=$(dirname "$results")/logs/$kind
mkdir -p "$logdir"
for t in "$@"; do
	name=$(basename "$t" .sh)
	log=$logdir/$name.log
	start=$(date +%s)
	timeout --foreground -k 10 "${TEST_TIMEOUT:-600}" "$t" >"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	case $rc in
	0)
		echo "PASS $kind:$name" >>"$results"
		echo "$kind: $name: ok (${secs}s)"
		;;
	77)
		why=$(grep '^SKIP:' "$log" | tail -n 1)
		[ -n "$why" ] || why="SKIP: (no reason given)"
		echo "SKIP $kind:$name $why" >>"$results"
		echo "$kind: $name: $why"
		;;
	*)
		echo "FAIL $kind:$name" >>"$results"
		[ $rc -eq 124 ] && echo "$kind: $name: TIMED OUT after ${secs}s"
		echo "$kind: $name: FAILED (exit $rc, ${secs}s); log $log"
		tail -n 40 "$log" | sed 's/^/    /'
		;;
	esac
done
exit 0
