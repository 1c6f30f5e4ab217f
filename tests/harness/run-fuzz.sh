#!/bin/sh
# Run each libFuzzer target for FUZZ_SECONDS (default 15) over its committed
# seed corpus (tests/fuzz/corpus/NAME, read-only here) plus a scratch corpus
# under build/. A crash, leak or sanitizer report fails the target.
# FUZZ_JOBS targets run at once (default: the number of CPUs): each fuzzer is
# one single-threaded process, so on 2 cores two of them take the wall time
# of one, and each still gets its full FUZZ_SECONDS.
# usage: run-fuzz.sh RESULTS TARGET...
set -u
results=$1
shift
secs=${FUZZ_SECONDS:-15}
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
logdir=$(dirname "$results")/logs/fuzz
mkdir -p "$logdir"

# run_one TARGET: runs it; its result line and report go to $logdir/NAME.res
# and .out, which the batch loop below prints in order.
run_one() {
	t=$1
	name=$(basename "$t")
	seeds=tests/fuzz/corpus/$name
	work=$(dirname "$t")/work/$name
	res=$logdir/$name.res
	out=$logdir/$name.out
	mkdir -p "$work"
	if [ ! -d "$seeds" ]; then
		echo "FAIL fuzz:$name" >"$res"
		echo "fuzz: $name: FAILED: no committed corpus at $seeds" >"$out"
		return
	fi
	log=$logdir/$name.log
	"$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$work/" "$work" "$seeds" >"$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -n 1)
		echo "PASS fuzz:$name" >"$res"
		echo "fuzz: $name: ok (${secs}s, ${runs:-? runs})" >"$out"
	else
		echo "FAIL fuzz:$name" >"$res"
		{
			echo "fuzz: $name: FAILED (exit $rc); log $log; artifacts in $work"
			tail -n 40 "$log" | sed 's/^/    /'
		} >"$out"
	fi
}

# report TARGET...: the results of a finished batch, in order. A target
# whose run left no result (killed) is a failure too.
report() {
	for t in "$@"; do
		name=$(basename "$t")
		if [ -s "$logdir/$name.res" ]; then
			cat "$logdir/$name.res" >>"$results"
			cat "$logdir/$name.out"
		else
			echo "FAIL fuzz:$name" >>"$results"
			echo "fuzz: $name: FAILED: no result (the run was killed?)"
		fi
	done
}

while [ $# -gt 0 ]; do
	batch=
	n=0
	while [ $# -gt 0 ] && [ $n -lt "$jobs" ]; do
		rm -f "$logdir/$(basename "$1").res" "$logdir/$(basename "$1").out"
		run_one "$1" &
		batch="$batch $1"
		n=$((n + 1))
		shift
	done
	wait
	# shellcheck disable=SC2086 # target paths hold no spaces
	report $batch
done
exit 0
