#!/bin/sh
# A guest reboot (ACPI reset register, `reboot -f`) boots the same payload
# again. The guest reboots every time, so mantle-paravisor stops after its 3
# reboots with exit 3, which mantle run reports as a paravisor error (3).
# Each boot starts the pv bus clean: its driver pack finds the host pipe
# again and a line makes the round trip through it (issue 12).
. tests/integration/lib.sh
. tests/integration/paravisor_common.sh
pv_require_boot

cat >"$TESTTMP/50-reboot" <<'EOT'
#!/bin/sh
n=$(cut -d' ' -f1 /proc/uptime)
exec 3<>/dev/mantle-pipe-rb && echo "boot-$n" >&3 && read -r back <&3 &&
	[ "$back" = "boot-$n" ] && echo "probe: pipe round trip ok"
exec 3>&-
echo "probe: rebooting"
reboot -f
EOT
guest_initrd_with "$TESTTMP/initrd" "$TESTTMP/50-reboot"
"$BUILD/test-tools/pipe-peer" "$TESTTMP/peer.sock" echo >"$TESTTMP/peer.log" &
peer=$!
trap 'kill $peer 2>/dev/null; rm -rf "$TESTTMP"' EXIT
pv_run r --kernel "$GUEST_K" --initrd "$TESTTMP/initrd" --cpus 1 --mem 128M \
	--cmdline "console=ttyS0 quiet" --pipe rb="$TESTTMP/peer.sock" --timeout 180
pv_show_log r
boots=$(count "mantle-guest: init started" "$TESTTMP/r.out")
# One line per reboot request, the refused 4th included.
reboots=$(tr -d '\r' <"$TESTTMP/r.log" | grep -cx "mantle-paravisor: guest reboot" || true)
[ "$boots" -eq 4 ] || fail "guest booted $boots times, expected 4 (1 + 3 reboots)"
[ "$reboots" -eq 4 ] || fail "paravisor logged $reboots reboot requests, expected 4"
grep -q "max-reboots" "$TESTTMP/r.log" || fail "no reboot-limit message in the log"
[ "$rc" -eq 3 ] || fail "mantle run exit $rc after the reboot limit, expected 3"
grep -q "too many reboots" "$TESTTMP/r.err" || fail "no clear message on stderr"
trips=$(count "probe: pipe round trip ok" "$TESTTMP/r.out")
[ "$trips" -eq 4 ] || fail "$trips of 4 boots moved a line through the pipe"
echo "reboot works: 4 boots, 3 reboots, then a clear stop; the pipe worked in every boot"
