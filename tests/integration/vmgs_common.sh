# Helpers for the vmgs_*.sh and hostile_*.sh integration tests (sourced after
# lib.sh and paravisor_common.sh): the control channel and the VMGS service.
VMGSTOOL=$BUILD/bin/vmgstool

vmgs_require() {
	pv_require_boot
	[ -x "$VMGSTOOL" ] || fail "$VMGSTOOL missing (make all)"
}

# A guest probe whose console lines must arrive intact whatever the host
# does to the control channel.
probe_initrd() {
	cat >"$TESTTMP/20-probe" <<'EOT'
#!/bin/sh
i=0
while [ $i -lt 20 ]; do
	echo "probe: line $i of the guest console abcdefghijklmnopqrstuvwxyz"
	i=$((i + 1))
done
echo "probe: done"
EOT
	guest_initrd_with "$TESTTMP/initrd" "$TESTTMP/20-probe"
}

# Also pass --cmdline "$GUEST_CMDLINE" (word splitting would cut it).
GUEST_CMDLINE="console=ttyS0 quiet"
GUEST_ARGS() {
	echo --kernel "$GUEST_K" --initrd "$TESTTMP/initrd" --cpus 1 \
		--mem 256M --timeout 300
}

# console_intact NAME: each of the probe's 20 lines once, and its end
# marker. (The guest kernel may print in the middle of a line: the line's
# own text must still be whole.)
console_intact() {
	_i=0
	while [ $_i -lt 20 ]; do
		[ "$(grep -c "^probe: line $_i of the guest console abcdefghijklmnopqrstuvwxyz" "$TESTTMP/$1.out")" -eq 1 ] ||
			fail "$1: the guest console lost or garbled probe line $_i"
		_i=$((_i + 1))
	done
	grep -qx "probe: done" "$TESTTMP/$1.out" || fail "$1: no probe end marker"
	grep -q "mantle-guest: rc.d done" "$TESTTMP/$1.out" || fail "$1: guest did not finish rc.d"
}

# vmgs_ok FILE: vmgstool's full offline check finds it intact.
vmgs_ok() {
	"$VMGSTOOL" check -f "$1" || fail "vmgstool check: $1 is not intact"
}

# counter NAME KEY: the paravisor's last "hostif:" counter KEY in NAME.log.
counter() {
	grep -a 'mantle-paravisor: hostif: ' "$TESTTMP/$1.log" | tail -n 1 |
		tr ' ' '\n' | sed -n "s/^$2=\([0-9]*\)$/\1/p"
}

# injected NAME FAULT: what the hostile host says it injected.
injected() {
	grep -a '^mantle: hostile injected:' "$TESTTMP/$1.log" | tail -n 1 |
		tr ' ' '\n' | sed -n "s/^$2=\([0-9]*\)$/\1/p"
}
