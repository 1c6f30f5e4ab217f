#!/bin/sh
# Issue 5 item 6, the isolation proof: the guest cannot read the paravisor.
# mantle-paravisor runs with the test-only --test-secret: 32 random bytes made
# at run time behind the public tag "MANTLE-PV-SECRET", in its heap and on its
# stack. In the guest, mantle-memscan reads all guest RAM through /proc/kcore
# and counts the tag (given masked, so that it is nowhere in the guest) and a
# canary it planted itself. The paravisor reveals the secret in the host log
# only at exit, after the scan. The canary must be found, the tag and the
# secret must not. The paravisor's KVM memory slots (its log) must be guest
# RAM only: one slot per RAM range, nothing of its own binary or heap.
. tests/integration/lib.sh
. tests/integration/paravisor_common.sh
. tests/integration/guard_common.sh
pv_require_boot

MEM_MB=160
# masked HEX MASK: HEX xor MASK (same length).
masked() {
	_i=0
	while [ $_i -lt ${#1} ]; do
		_t=$(printf '%s' "$1" | cut -c$((_i + 1))-$((_i + 2)))
		_m=$(printf '%s' "$2" | cut -c$((_i + 1))-$((_i + 2)))
		printf '%02x' $((0x$_t ^ 0x$_m))
		_i=$((_i + 2))
	done
}
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
# Pattern 1: the tag in front of the secret (SECRET_TAG in secret.h).
TAG=$(hex "MANTLE-PV-SECRET")
mask=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
[ ${#mask} -eq 32 ] || fail "no random mask"
xored=$(masked "$TAG" "$mask")
# Pattern 2: 32 bytes of the paravisor's own binary (its --help text), which
# would be in guest RAM if the binary were mapped there (the test build runs
# here: guard_image).
BIN=$(hex "Mantle's paravisor VMM: runs the")
grep -q "Mantle's paravisor VMM: runs the" "$BUILD/test/bin/mantle-paravisor" ||
	fail "the binary pattern is not in mantle-paravisor"
mask2=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
xored2=$(masked "$BIN" "$mask2")

cat >"$TESTTMP/10-memscan" <<EOT
#!/bin/sh
echo "probe: memtotal_kb=\$(awk '/^MemTotal:/ { print \$2 }' /proc/meminfo)"
mantle-memscan --pattern-xor $xored --mask $mask --pattern-xor $xored2 --mask $mask2
echo "probe: memscan exit \$?"
EOT
guest_initrd_with "$TESTTMP/initrd" "$TESTTMP/10-memscan"
zcat "$TESTTMP/initrd" | grep -aq -e "MANTLE-PV-SECRET" -e "Mantle's paravisor VMM" &&
	fail "a pattern is in the guest image itself"
guard_image "$TESTTMP/pv" --test-secret
pv_run iso --paravisor-image "$TESTTMP/pv" --kernel "$GUEST_K" \
	--initrd "$TESTTMP/initrd" --mem ${MEM_MB}M --timeout 300
pv_show_log iso | grep -v "^MEASURE"
out=$TESTTMP/iso.out
# The paravisor VM console ends its lines with CRLF.
log=$TESTTMP/iso.log.txt
tr -d '\r' <"$TESTTMP/iso.log" >"$log"
[ "$rc" -eq 0 ] || { pv_show_log iso; fail "mantle run exit $rc, expected 0"; }
grep -q "mantle-guest: rc.d done" "$out" || fail "the guest did not finish rc.d"
grep -q "guard: no-new-privileges set; seccomp allowlist installed" "$log" ||
	fail "the guest ran without the privilege drop"

# The scan covered the guest's RAM and saw the guest's own memory.
kb=$(sed -n 's/^probe: memtotal_kb=\([0-9]*\)$/\1/p' "$out")
scanned=$(sed -n 's/^memscan: scanned \([0-9]*\) bytes.*/\1/p' "$out")
[ -n "$kb" ] && [ -n "$scanned" ] || fail "no MemTotal or no scan result"
[ "$scanned" -ge $((kb * 1024)) ] ||
	fail "scanned $scanned bytes, less than MemTotal ($kb kB)"
canary=$(sed -n 's/^memscan: canary: found \([0-9]*\)$/\1/p' "$out")
[ -n "$canary" ] && [ "$canary" -ge 1 ] ||
	fail "the guest's own canary was not found: the scan proves nothing"
grep -qx "memscan: pattern 1: found 0" "$out" ||
	fail "the paravisor's secret tag was found in guest RAM"
grep -qx "memscan: pattern 2: found 0" "$out" ||
	fail "bytes of the paravisor's binary were found in guest RAM"
grep -qx "probe: memscan exit 0" "$out" || fail "mantle-memscan did not exit 0"

# Revealed only now, at the paravisor's exit.
grep -q "test-secret: held in paravisor memory" "$log" ||
	fail "the paravisor did not make its secret"
secret=$(sed -n 's/.*mantle-paravisor: test-secret: \([0-9a-f]\{64\}\)$/\1/p' "$log")
[ -n "$secret" ] || fail "the paravisor did not reveal its secret at exit"
rev=$(grep -n "mantle-paravisor: test-secret: [0-9a-f]\{64\}$" "$log" | cut -d: -f1)
last=$(grep -n "mantle-paravisor: exits:" "$log" | tail -n 1 | cut -d: -f1)
[ "$rev" -gt "$last" ] || fail "the secret was revealed before the guest ended"
! grep -qi "$secret" "$out" "$TESTTMP/iso.raw" ||
	fail "the secret appears in the guest's output"

# The guest's physical memory map: its RAM, and of the paravisor's own
# memory only the vTPM's CRB buffer page (the default --tpm crb;
# tpm_crb.h), which holds nothing but the guest's TPM commands and their
# responses.
slots=$(count "mantle-paravisor: memslot " "$log")
[ "$slots" -eq 2 ] || fail "$slots memory slots for a ${MEM_MB}M guest, expected 2"
grep -q "mantle-paravisor: memslot 0: gpa 0x0 size $(printf '0x%x' $((MEM_MB << 20))) host guest-ram+0x0\$" "$log" ||
	fail "memory slot 0 is not exactly the guest's RAM"
grep -q "mantle-paravisor: memslot 2: gpa 0xfed45000 size 0x1000 host tpm-crb-buffer\$" "$log" ||
	fail "the second memory slot is not exactly the CRB buffer page"
echo "PASS: canary found ($canary), secret and paravisor binary not found in $scanned bytes of guest RAM; memslots = guest RAM + the CRB buffer page"
