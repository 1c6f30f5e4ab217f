#!/bin/sh
# Issue 5 item 5: mantle-paravisor drops its privileges once the first boot is
# set up (inherited fds closed, no-new-privileges, seccomp allowlist). With
# the test-only --test-forbidden-syscall it then tries openat: the kernel
# kills it with SIGSYS, and mantle run says so clearly. (The drop itself is on
# in every boot: the other paravisor_*.sh tests, reboots included, run under
# the filter.)
. tests/integration/lib.sh
. tests/integration/paravisor_common.sh
. tests/integration/guard_common.sh
pv_require_boot

guard_image "$TESTTMP/pv" --test-forbidden-syscall
pv_run forbid --paravisor-image "$TESTTMP/pv" --kernel "$GUEST_K" \
	--initrd "$GUEST_I" --mem 128M --timeout 180
pv_show_log forbid
log=$TESTTMP/forbid.log
grep -q "guard: open fds:" "$log" || fail "the paravisor did not log the fds it kept"
grep -q "guard: no-new-privileges set; seccomp allowlist installed" "$log" ||
	fail "the paravisor did not log the privilege drop"
grep -q "guard: test: trying a forbidden system call (openat)" "$log" ||
	fail "the forbidden system call was not attempted"
! grep -q "forbidden openat came back" "$log" ||
	fail "the forbidden system call was allowed"
grep -q "mantle-pvinit: mantle-paravisor exit 159" "$log" ||
	fail "mantle-paravisor did not die of SIGSYS (128 + 31)"
[ "$rc" -eq 3 ] || fail "mantle run exit $rc, expected 3 (paravisor error)"
grep -q "killed by SIGSYS" "$TESTTMP/forbid.err" ||
	fail "mantle run does not say that the paravisor was killed by SIGSYS"
! grep -q "mantle-guest: init started" "$TESTTMP/forbid.out" ||
	fail "the guest ran although the paravisor was killed before its vCPUs started"
echo "PASS: a forbidden system call after the drop kills mantle-paravisor (SIGSYS), reported by mantle run"
