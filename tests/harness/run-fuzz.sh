#!/bin/sh
# Run each libFuzzer target for FUZZ_SECONDS (default 15) over its committed
# seed corpus (tests/fuzz/corpus/NAME, read-only here) plus a scratch corpus
# under build/. A crash, leak or sanitizer report fails the target.
# usage: run-fuzz.sh RESULTS TARGET...
set -u
results=$1
shift
secs=${FUZZ_SECONDS:-15}
logdir=$(dirname "$results")/logs/fuzz
mkdir -p "$logdir"
for t in "$@"; do
	name=$(basename "$t")
	seeds=tests/fuzz/corpus/$name
	work=$(dirname "$t")/work/$name
	mkdir -p "$work"
	if [ ! -d "$seeds" ]; then
		echo "FAIL fuzz:$name" >>"$results"
		echo "fuzz: $name: FAILED: no committed corpus at $seeds"
		continue
	fi
	log=$logdir/$name.log
	"$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$work/" "$work" "$seeds" >"$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -n 1)
		echo "PASS fuzz:$name" >>"$results"
		echo "fuzz: $name: ok (${secs}s, ${runs:-? runs})"
	else
		echo "FAIL fuzz:$name" >>"$results"
		echo "fuzz: $name: FAILED (exit $rc); log $log; artifacts in $work"
		tail -n 40 "$log" | sed 's/^/    /'
	fi
done
exit 0
