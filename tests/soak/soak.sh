#!/bin/sh
# make soak: N consecutive `mantle run` boots of a 2-vCPU guest (default 200,
# SOAK_N=N to change), each with a fresh random token on the guest command
# line that the guest must echo back. Stops at the first boot that does not
# reach the guest, exits non-zero, or shows a kernel Oops/BUG/panic or a
# "KVM internal error" at any level (guest console or the --log file, which
# holds the paravisor VM kernel's console). Prints the count and the boot time
# distribution. Not part of `make check`: 200 boots take about an hour here.
# The guest is the held-out soak image: the guest image plus one rc.d script
# (tests/soak/soak-rcd) that no other test uses.
set -u
BUILD=${BUILD:-build}
N=${SOAK_N:-200}
OUT=$BUILD/soak
# An outer bound only so that a hang cannot stall the soak forever; `mantle
# run` must stop on its own long before (its progress watchdog), and a boot
# that needs this bound fails the soak like any other.
OUTER=${SOAK_OUTER_TIMEOUT:-600}
mkdir -p "$OUT"
rm -f "$OUT"/boot-*.log "$OUT"/boot-*.out
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mantle-soak.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

mkdir -p "$TMP/ov/etc/mantle/rc.d"
install -m 0755 tests/soak/soak-rcd "$TMP/ov/etc/mantle/rc.d/50-soak"
scripts/mkcpio.sh "$TMP/ov" "$TMP/ov.cpio.gz" || exit 1
cat "$BUILD/guest/initramfs.cpio.gz" "$TMP/ov.cpio.gz" >"$TMP/initrd"

# Lines that mean some kernel (L1 or L2) or KVM went wrong. "panic=-1" and
# "hung_task_panic=", "panic_print=" are kernel parameters, not panics.
BAD='Oops|BUG|[Pp]anic([^=_]|$)|KVM internal error|[Cc]all [Tt]race'

# Guest watchdogs that only act once the guest is already stuck: a task
# blocked 30 s, a soft lockup or an RCU stall panics the guest with its
# stack on the console (pvpanic: mantle run exit 2), where a silent hang
# would only end at the outer bound and show nothing of where it waits.
WATCH="hung_task_timeout_secs=30 hung_task_panic=1 softlockup_panic=1 rcupdate.rcu_cpu_stall_timeout=30 panic_print=0x7f"

now() { date +%s.%N; }

# The boot-time distribution of the boots that passed.
summary() {
	[ -s "$TMP/repaired" ] &&
		echo "soak: the wake check repaired missed wake-ups in $(wc -l <"$TMP/repaired") boot(s): $(tr '\n' ' ' <"$TMP/repaired")"
	sort -n "$TMP/times" | awk -v n="$N" '
		{ t[NR] = $1 }
		END {
			if (!NR) { print "soak: no boot passed"; exit }
			med = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
			printf "soak: %d of %d boots ok; boot time (whole mantle run) min %.1f s, median %.1f s, max %.1f s\n", NR, n, t[1], med, t[NR]
		}'
}


i=0
: >"$TMP/times"
: >"$TMP/repaired"
while [ "$i" -lt "$N" ]; do
	i=$((i + 1))
	token=$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
	log=$OUT/boot-$i.log
	out=$OUT/boot-$i.out
	t0=$(now)
	timeout -k 10 "$OUTER" "$BUILD/bin/mantle" run --kernel "$BUILD/guest/vmlinuz" \
		--initrd "$TMP/initrd" --cmdline "console=ttyS0 quiet $WATCH mantle.soak=$token" \
		--cpus 2 --mem 256M --log "$log" </dev/null >"$out" 2>&1
	rc=$?
	t1=$(now)
	secs=$(echo "$t1 - $t0" | bc)
	why=
	if [ $rc -ne 0 ]; then
		why="mantle run exit $rc"
	elif ! tr -d '\r' <"$out" | grep -qx "mantle-soak: token $token"; then
		why="the guest did not echo its token"
	elif bad=$(cat "$out" "$log" | grep -aE "$BAD" | head -n 3) && [ -n "$bad" ]; then
		why="kernel or KVM error: $bad"
	fi
	if [ -n "$why" ]; then
		echo "soak: boot $i of $N FAILED after $secs s: $why"
		echo "soak: console $out, log $log; their tails:"
		tail -n 15 "$out" | sed 's/^/  console| /'
		tail -n 25 "$log" | sed 's/^/  log| /'
		echo "soak: $((i - 1)) of $N boots ok before the failure"
		summary
		exit 1
	fi
	echo "$secs" >>"$TMP/times"
	# The paravisor's wake check (paravisor/vmm/wake_check.h): how often
	# it found a vCPU that L1 KVM had left asleep with a wake-up due.
	if grep -aq 'wake check: KVM left' "$log"; then
		echo "soak: boot $i: the wake check repaired a missed wake-up:"
		grep -a 'wake check:' "$log" | head -n 3 | sed 's/^/  log| /'
		echo "$i" >>"$TMP/repaired"
	fi
	rm -f "$log" "$out"
	[ $((i % 10)) -eq 0 ] && echo "soak: $i of $N boots ok"
done
summary
