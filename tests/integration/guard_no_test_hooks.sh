#!/bin/sh
# Issue 10 item 4: the trusted binary carries no test hooks. The test-only
# options (--test-forbidden-syscall, --test-secret) are compiled into the test
# build only ($BUILD/test/bin/mantle-paravisor, image $BUILD/test/paravisor):
# the product mantle-paravisor, and the product image that carries it, have
# neither the options nor their code, and refuse them. No boot.
. tests/integration/lib.sh
. tests/integration/paravisor_common.sh
PV=$BUILD/bin/mantle-paravisor
PVTEST=$BUILD/test/bin/mantle-paravisor
[ -x "$PV" ] && [ -x "$PVTEST" ] || fail "mantle-paravisor or its test build missing (make all)"
[ -f "$PVIMG/initramfs.cpio.gz" ] || fail "paravisor image missing (make paravisor-image)"

# hooks FILE: how many strings of the test hooks FILE holds.
hooks() {
	strings "$1" | grep -cE 'test-secret|test-forbidden|MANTLE-PV-SECRET|forbidden openat' || true
}
# The search finds them where they are, so that its zero below means something.
[ "$(hooks "$PVTEST")" -ge 4 ] || fail "the test build lacks its hooks: the check is blind"
n=$(hooks "$PV")
[ "$n" -eq 0 ] || fail "$PV carries $n test-hook strings"
for opt in --test-secret --test-forbidden-syscall; do
	rc=0
	"$PV" "$opt" --payload /dev/null >"$TESTTMP/out" 2>&1 || rc=$?
	[ "$rc" -eq 1 ] && grep -q "usage:" "$TESTTMP/out" ||
		fail "$PV $opt: exit $rc, expected a usage error"
done

mkdir -p "$TESTTMP/img"
(cd "$TESTTMP/img" && zcat "$OLDPWD/$PVIMG/initramfs.cpio.gz" | cpio -id --quiet) ||
	fail "cannot unpack the paravisor image"
cmp -s "$TESTTMP/img/bin/mantle-paravisor" "$PV" ||
	fail "the product image's mantle-paravisor is not $PV"
! grep -q -- "--test-" "$TESTTMP/img/init" || fail "the product image's /init passes a test option"

# The guest's driver pack likewise: its mantle_bus.ko exports no test entry
# point (mantle_bus_test_*, mantle_channel_test_*); the test pack's build has
# them, and the product guest image carries the driver pack's.
ko_hooks() {
	strings "$1" | grep -cE 'mantle_(bus|channel)_test_' || true
}
[ "$(ko_hooks build/guest-test-pack/mantle_bus.ko)" -ge 4 ] ||
	fail "the test pack's mantle_bus.ko lacks its entry points: the check is blind"
n=$(ko_hooks build/guest-pack/mantle_bus.ko)
[ "$n" -eq 0 ] || fail "the driver pack's mantle_bus.ko carries $n test entry-point strings"
mkdir -p "$TESTTMP/guest"
(cd "$TESTTMP/guest" && zcat "$OLDPWD/$BUILD/guest/initramfs.cpio.gz" | cpio -id --quiet) ||
	fail "cannot unpack the guest image"
cmp -s "$TESTTMP/guest/lib/mantle/mantle_bus.ko" build/guest-pack/mantle_bus.ko ||
	fail "the guest image's mantle_bus.ko is not the driver pack's"
[ ! -e "$TESTTMP/guest/lib/mantle/mantle_bus_hostile.ko" ] ||
	fail "the guest image carries the hostile test module"
echo "PASS: no test hooks in $PV, the product image or the guest driver pack; the test builds have them"
