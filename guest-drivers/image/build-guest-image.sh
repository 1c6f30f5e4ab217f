#!/bin/sh
# Build the guest initramfs: busybox-static with all its applets, /init, the
# Debian modules in modules.list (decompressed, dependency-ordered), the
# Mantle driver pack (*.ko in PACK_DIR, if any) and tpm2-tools (Debian's
# multicall /usr/bin/tpm2, its libraries, the device TCTI). Output is
# reproducible.
# usage: build-guest-image.sh OUT_DIR KERNEL_DIR [PACK_DIR [EXTRA_BIN_DIR]]
set -eu
out=$1
kdir=$2
pack=${3:-}
extra=${4:-}
here=$(dirname "$0")
step() { echo "guest-image: $*"; }
die() { echo "guest-image: $*" >&2; exit 1; }
. "$here/../../scripts/initramfs-stage.sh"

bb=/bin/busybox
[ -x $bb ] || { echo "guest-image: $bb missing (apt-get install busybox-static)" >&2; exit 1; }
readelf -d $bb 2>&1 | grep -q 'no dynamic section' ||
	{ echo "guest-image: $bb is not static (install busybox-static)" >&2; exit 1; }

stage=$out/root
rm -rf "$stage"
mkdir -p "$stage"/bin "$stage"/sbin "$stage"/proc "$stage"/sys "$stage"/dev \
	"$stage"/tmp "$stage"/lib/modules "$stage"/lib/mantle "$stage"/etc/mantle/rc.d \
	"$stage"/usr/bin "$stage"/run

stage_busybox $bb "$stage"

step "init"
install -m 0755 "$here/init" "$stage/init"

step "Debian modules from $(cat "$kdir/release")"
stage_modules "$kdir" "$here/modules.list" "$stage"

if [ -n "$pack" ] && [ -d "$pack" ]; then
	for k in "$pack"/*.ko; do
		[ -e "$k" ] || continue
		step "driver pack: $(basename "$k")"
		cp "$k" "$stage/lib/mantle/"
	done
fi
if [ -n "$extra" ] && [ -d "$extra" ]; then
	for b in "$extra"/*; do
		[ -e "$b" ] || continue
		step "tool: $(basename "$b")"
		cp "$b" "$stage/usr/bin/"
	done
fi

# tpm2-tools (issue 14): /usr/bin/tpm2 with the libraries ldd lists, one
# link per tpm2_* tool, and the device TCTI (/dev/tpmrm0, /dev/tpm0), which
# the TCTI loader opens with dlopen, so ldd does not list it.
tpm2=/usr/bin/tpm2
[ -x $tpm2 ] || die "$tpm2 missing (make deps installs tpm2-tools)"
step "tpm2-tools ($(dpkg-query -W -f='${Version}' tpm2-tools 2>/dev/null))"
stage_elf "$stage" $tpm2 $tpm2
tctildr=$(ldd $tpm2 | awk '$1 ~ /^libtss2-tctildr/ { print $3 }')
tcti=$(dirname "$tctildr")/libtss2-tcti-device.so.0
[ -e "$tcti" ] || die "$tcti missing (make deps installs libtss2-tcti-device0)"
step "  TCTI $tcti"
stage_elf "$stage" "$tcti" "$tcti"
for t in /usr/bin/tpm2_*; do
	[ "$(readlink "$t")" = tpm2 ] && ln -s tpm2 "$stage/usr/bin/${t##*/}"
done

step "vmlinuz"
cp -L "$kdir/vmlinuz" "$out/vmlinuz.tmp"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"

step "initramfs.cpio.gz"
"$here/../../scripts/mkcpio.sh" "$stage" "$out/initramfs.cpio.gz"
step "done: $out/vmlinuz $out/initramfs.cpio.gz ($(stat -c %s "$out/initramfs.cpio.gz") bytes)"
