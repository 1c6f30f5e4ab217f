# Helpers for the paravisor_*.sh integration tests (sourced after lib.sh).
# Each `mantle run` is a nested boot (QEMU TCG -> paravisor VM -> KVM guest)
# costing 15-25 s on 2 cores, so the tests combine checks per boot.
MANTLE=$BUILD/bin/mantle
PVIMG=$BUILD/paravisor
GUEST_K=$BUILD/guest/vmlinuz
GUEST_I=$BUILD/guest/initramfs.cpio.gz

pv_require() {
	[ -x "$MANTLE" ] || fail "$MANTLE missing (make all)"
	[ -f "$GUEST_K" ] && [ -f "$GUEST_I" ] || fail "guest image missing (make guest-image)"
}

pv_require_boot() {
	pv_require
	command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 missing (make deps)"
	[ -f "$PVIMG/initramfs.cpio.gz" ] || fail "paravisor image missing (make paravisor-image)"
}

# pv_run NAME [mantle run options]: run with stdout to $TESTTMP/NAME.out
# (CRs removed; the bytes as received in NAME.raw),
# stderr to NAME.err, log NAME.log; the exit code in $rc. Never fails itself.
pv_run() {
	_n=$1
	shift
	rc=0
	"$MANTLE" run --log "$TESTTMP/$_n.log" "$@" </dev/null \
		>"$TESTTMP/$_n.raw" 2>"$TESTTMP/$_n.err" || rc=$?
	# The guest's UART sends CRLF line ends.
	tr -d '\r' <"$TESTTMP/$_n.raw" >"$TESTTMP/$_n.out"
	echo "--- $_n: exit $rc; stdout:"
	cat "$TESTTMP/$_n.out"
	echo "--- $_n: stderr:"
	cat "$TESTTMP/$_n.err"
}

# pv_show_log NAME: the paravisor log, for the test's own log on failure.
pv_show_log() {
	echo "--- $1: paravisor log:"
	cat "$TESTTMP/$1.log"
}

# count PATTERN FILE: number of lines matching the fixed string.
count() {
	grep -cF -- "$1" "$2" || true
}
