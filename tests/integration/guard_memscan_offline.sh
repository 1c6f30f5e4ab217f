#!/bin/sh
# mantle-memscan (the isolation proof's in-guest scanner) on a hand-made
# kcore file, no boot: only RAM segments count (not vmalloc, whose physical
# address is -1, nor the kernel-text alias), hits across the tool's 1 MiB
# read chunks and at a segment's very end are found, physical addresses are
# reported, and the exit codes hold (2: canary not found, as here, since the
# tool's own heap is not in this file; 64: usage).
. tests/integration/lib.sh
TOOL=$BUILD/guest-tools/mantle-memscan
[ -x "$TOOL" ] || fail "$TOOL missing (make $TOOL)"

# le32 V: 4 bytes little-endian as printf octal escapes.
le32() {
	_v=$1
	for _i in 0 1 2 3; do
		printf '\\%03o' $(((_v >> (8 * _i)) & 255))
	done
}
# le64 HI LO: 8 bytes from two 32-bit halves.
le64() { le32 "$2"; le32 "$1"; }
# put FILE OFFSET ESCAPES: write bytes at OFFSET.
put() {
	# shellcheck disable=SC2059
	printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
MiB=1048576
K=$TESTTMP/kcore
DATA=4096
RAM=$((3 * MiB))
VMA=$((DATA + RAM))
TXT=$((VMA + 4096))
truncate -s $((TXT + 4096)) "$K"
# ELF64 header: ET_CORE, x86-64, 3 program headers at 64.
put "$K" 0 "\177ELF\002\001\001$(le32 0)$(le32 0)\000$(printf '\\%03o\\000' 4 62)$(le32 1)$(le64 0 0)$(le64 0 64)$(le64 0 0)$(le32 0)\100\000\070\000\003\000$(le32 0)\000\000"
# phdr TYPE FLAGS OFFSET VADDR_HI VADDR_LO PADDR_HI PADDR_LO SIZE
phdr() {
	printf '%s' "$(le32 "$1")$(le32 7)$(le64 0 "$2")$(le64 "$3" "$4")$(le64 "$5" "$6")$(le64 0 "$7")$(le64 0 "$7")$(le64 0 4096)"
}
put "$K" 64 "$(phdr 1 $DATA 0xffff8880 0 0 0 $RAM)"
put "$K" 120 "$(phdr 1 $VMA 0xffffc900 0 0xffffffff 0xffffffff 4096)"
put "$K" 176 "$(phdr 1 $TXT 0xffffffff 0x81000000 0 0x1000000 4096)"

# A 16-byte pattern and a mask; the tool gets pattern xor mask.
PAT='\063\061\064\061\065\071\062\066\065\063\065\070\071\067\071\063' # "3141592653589793"
mask=a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5
xored=$(printf '3141592653589793' | od -An -tx1 | tr -d ' \n' |
	sed 's/../& /g' | { read -r b || true; for x in $b; do printf '%02x' $((0x$x ^ 0xa5)); done; })
for off in 100 $((MiB - 5)) $((RAM - 16)); do
	put "$K" $((DATA + off)) "$PAT"
done
put "$K" $((VMA + 10)) "$PAT"
put "$K" $((TXT + 10)) "$PAT"

rc=0
"$TOOL" --kcore "$K" --pattern-xor "$xored" --mask "$mask" >"$TESTTMP/out" 2>&1 || rc=$?
cat "$TESTTMP/out"
[ "$rc" -eq 2 ] || fail "exit $rc, expected 2 (canary not in this file)"
grep -qx "memscan: scanned $RAM bytes of RAM in 1 segments of $K" "$TESTTMP/out" ||
	fail "not exactly the one RAM segment scanned"
grep -qx "memscan: pattern 1: found 3" "$TESTTMP/out" ||
	fail "expected 3 hits in RAM (start, across a chunk, at the end)"
grep -q "^memscan: pattern 1 hit at phys 0x$(printf '%x' $((MiB - 5))):" "$TESTTMP/out" ||
	fail "the hit across the chunk boundary is not reported at its address"
rc=0
"$TOOL" --pattern-xor "$xored" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 64 ] || fail "a pattern without its mask: exit $rc, expected 64"
rc=0
"$TOOL" --kcore /nonexistent >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 3 ] || fail "a missing kcore: exit $rc, expected 3"
echo "PASS: mantle-memscan counts RAM segments only, across chunks and at the end"
