#!/bin/sh
# mantle measure offline: values are stable, and each input changes them:
# the paravisor VM image files and --mem change the launch measurement; the
# guest kernel, initrd, command line and --cpus change their payload events;
# --mem also changes the guest memory map event (e820), and only that one.
. tests/integration/lib.sh
. tests/integration/paravisor_common.sh
pv_require
[ -f "$PVIMG/initramfs.cpio.gz" ] || fail "paravisor image missing (make paravisor-image)"

m() { "$MANTLE" measure "$@" || fail "mantle measure $* failed"; }
base="--paravisor-image $PVIMG --kernel $GUEST_K --initrd $GUEST_I --cmdline console=ttyS0 --cpus 2 --mem 256M"
# shellcheck disable=SC2086
m $base >"$TESTTMP/base"
cat "$TESTTMP/base"
[ "$(grep -c '^MEASURE launch=[0-9a-f]\{96\}$' "$TESTTMP/base")" -eq 1 ] || fail "no launch line"
[ "$(grep -c '^MEASURE event=' "$TESTTMP/base")" -eq 5 ] || fail "expected 5 events"
# The 256M memory map: the MEASUREMENT.md test vector.
grep -q '^MEASURE event=e820 pcr=1 size=80 sha256=78b73ffc29a0159c23e86108848a2876fefae5048f589485729ebdc0d733d2c0 ' \
	"$TESTTMP/base" || fail "the e820 event is not the MEASUREMENT.md vector"
# shellcheck disable=SC2086
m $base >"$TESTTMP/again"
diff "$TESTTMP/base" "$TESTTMP/again" || fail "measurements are not stable"

# changed NAME FIELD ARGS...: the line starting with FIELD differs from base.
changed() {
	_name=$1 _field=$2
	shift 2
	m "$@" >"$TESTTMP/$_name"
	a=$(grep "^MEASURE $_field" "$TESTTMP/base")
	b=$(grep "^MEASURE $_field" "$TESTTMP/$_name")
	[ -n "$b" ] && [ "$a" != "$b" ] || fail "$_name does not change the $_field measurement"
	echo "$_name changes $_field"
}
cp "$GUEST_K" "$TESTTMP/k2" && printf x >>"$TESTTMP/k2"
cp "$GUEST_I" "$TESTTMP/i2" && printf x >>"$TESTTMP/i2"
mkdir "$TESTTMP/pv1" "$TESTTMP/pv2"
cp "$PVIMG/vmlinuz" "$PVIMG/initramfs.cpio.gz" "$TESTTMP/pv1/"
cp "$PVIMG/vmlinuz" "$PVIMG/initramfs.cpio.gz" "$TESTTMP/pv2/"
printf x >>"$TESTTMP/pv1/vmlinuz"
printf x >>"$TESTTMP/pv2/initramfs.cpio.gz"
p="--paravisor-image $PVIMG"
g="--kernel $GUEST_K --initrd $GUEST_I"
# shellcheck disable=SC2086
{
	changed guest-kernel event=kernel $p --kernel "$TESTTMP/k2" --initrd "$GUEST_I" --cmdline console=ttyS0 --cpus 2 --mem 256M
	changed guest-initrd event=initrd $p --kernel "$GUEST_K" --initrd "$TESTTMP/i2" --cmdline console=ttyS0 --cpus 2 --mem 256M
	changed guest-cmdline event=cmdline $p $g --cmdline "console=ttyS0 x" --cpus 2 --mem 256M
	changed guest-cpus event=acpi $p $g --cmdline console=ttyS0 --cpus 3 --mem 256M
	changed guest-mem launch $p $g --cmdline console=ttyS0 --cpus 2 --mem 258M
	changed guest-mem-map event=e820 $p $g --cmdline console=ttyS0 --cpus 2 --mem 258M
	changed pv-kernel launch --paravisor-image "$TESTTMP/pv1" $g --cmdline console=ttyS0 --cpus 2 --mem 256M
	changed pv-initrd launch --paravisor-image "$TESTTMP/pv2" $g --cmdline console=ttyS0 --cpus 2 --mem 256M
}
# --mem leaves the kernel, initrd, command line and ACPI events alone, and
# --cpus leaves the memory map alone.
for e in kernel initrd cmdline acpi; do
	[ "$(grep "^MEASURE event=$e " "$TESTTMP/base")" = "$(grep "^MEASURE event=$e " "$TESTTMP/guest-mem-map")" ] ||
		fail "--mem changes the $e event"
done
[ "$(grep '^MEASURE event=e820 ' "$TESTTMP/base")" = "$(grep '^MEASURE event=e820 ' "$TESTTMP/guest-cpus")" ] ||
	fail "--cpus changes the e820 event"
# No initrd is measured as an empty one.
m --kernel "$GUEST_K" --cmdline console=ttyS0 | grep -q "^MEASURE event=initrd pcr=9 size=0 sha256=e3b0c442" ||
	fail "an absent initrd is not measured as empty"
# Unreadable inputs are clear errors.
"$MANTLE" measure --kernel /nonexistent 2>"$TESTTMP/err" && fail "missing kernel accepted"
grep -q "/nonexistent" "$TESTTMP/err" || fail "no clear message for a missing kernel"
echo "measurements are stable and change with every input"

# --pcrs / --event-log (MEASUREMENT.md "Level 2 in the TPM"): the event lines
# are unchanged; 10 PCRs (0-9) in each bank; the log replays, in the
# verifier's replay and in tpm2_eventlog, to exactly the printed values.
m --kernel "$GUEST_K" --initrd "$GUEST_I" --cmdline console=ttyS0 --cpus 2 --mem 256M \
	--pcrs --event-log "$TESTTMP/ev.bin" >"$TESTTMP/pcrs"
grep '^MEASURE event=' "$TESTTMP/base" >"$TESTTMP/base.events"
grep '^MEASURE event=' "$TESTTMP/pcrs" | diff "$TESTTMP/base.events" - ||
	fail "--pcrs changes the event lines"
grep '^PCR ' "$TESTTMP/pcrs" >"$TESTTMP/want-pcrs"
[ "$(grep -c '^PCR sha256:[0-9]=[0-9a-f]\{64\}$' "$TESTTMP/want-pcrs")" -eq 10 ] &&
	[ "$(grep -c '^PCR sha384:[0-9]=[0-9a-f]\{96\}$' "$TESTTMP/want-pcrs")" -eq 10 ] ||
	fail "--pcrs: expected PCRs 0-9 in both banks"
"$BUILD/bin/mantle-verify" eventlog --log "$TESTTMP/ev.bin" >"$TESTTMP/mv.json" ||
	fail "mantle-verify eventlog refuses the log"
python3 -c '
import json, sys
pcrs = json.load(open(sys.argv[1]))["log"]["pcrs"]
for bank in ("sha256", "sha384"):
    for n, v in sorted(pcrs[bank].items(), key=lambda kv: int(kv[0])):
        print("PCR %s:%s=%s" % (bank, n, v))
' "$TESTTMP/mv.json" | diff "$TESTTMP/want-pcrs" - ||
	fail "mantle-verify replays other PCRs than mantle measure --pcrs"
if command -v tpm2_eventlog >/dev/null; then
	tpm2_eventlog "$TESTTMP/ev.bin" >"$TESTTMP/ev.yaml" 2>/dev/null ||
		fail "tpm2_eventlog refuses the log"
	awk '/^  sha(256|384):$/ { bank = substr($1, 1, 6) }
		/^    [0-9]+ +: 0x/ { print "PCR " bank ":" $1 "=" tolower(substr($3, 3)) }' \
		"$TESTTMP/ev.yaml" | diff "$TESTTMP/want-pcrs" - ||
		fail "tpm2_eventlog replays other PCRs than mantle measure --pcrs"
	echo "tpm2_eventlog replays the log to mantle measure --pcrs"
fi
"$MANTLE" measure --paravisor-image "$PVIMG" --pcrs 2>/dev/null && fail "--pcrs without --kernel accepted"
echo "the event log replays to mantle measure --pcrs (mantle-verify)"

# The image holds the very same mantle-paravisor and exactly its ldd libraries.
mkdir "$TESTTMP/img"
(cd "$TESTTMP/img" && zcat "$OLDPWD/$PVIMG/initramfs.cpio.gz" | cpio -id --quiet) ||
	fail "cannot unpack the paravisor image"
cmp "$TESTTMP/img/bin/mantle-paravisor" "$BUILD/bin/mantle-paravisor" ||
	fail "the image's mantle-paravisor differs from $BUILD/bin/mantle-paravisor"
ldd "$BUILD/bin/mantle-paravisor" |
	awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort >"$TESTTMP/want"
(cd "$TESTTMP/img" && find lib lib64 -type f -name '*.so*' | sed 's|^|/|' | sort) >"$TESTTMP/have"
diff "$TESTTMP/want" "$TESTTMP/have" || fail "the image's libraries are not exactly ldd's list"
[ -x "$TESTTMP/img/init" ] && [ -x "$TESTTMP/img/bin/busybox" ] || fail "no /init or busybox"
! find "$TESTTMP/img" -name 'qemu*' ! -name '*.ko' | grep -q . || fail "QEMU found in the product image"
echo "image: same mantle-paravisor bytes, exactly $(wc -l <"$TESTTMP/want") libraries"
