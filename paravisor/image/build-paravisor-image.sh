#!/bin/sh
# Build the paravisor VM image (L1): the Debian cloud kernel as vmlinuz, and an
# initramfs holding /init, busybox-static, the modules of modules.list
# (decompressed, dependency-ordered), the given mantle-paravisor binary (the
# same bytes) and exactly the shared libraries ldd lists for it. Reproducible.
# With EXTRA (the bench image only, never the product): also each listed
# absolute path at the same path: an ELF executable with its ldd libraries, a
# data file, or a directory.
# With PV_STATUS_SH set (the product and test images; make generates it from
# common/include/mantle_pv_status.h): that file as /etc/mantle/pv-status.sh,
# the exit statuses /init sources.
# usage: [PV_STATUS_SH=FILE] build-paravisor-image.sh OUT_DIR KERNEL_DIR PARAVISOR_BIN [INIT [EXTRA...]]
set -eu
out=$1
kdir=$2
pv=$3
here=$(dirname "$0")
init=${4:-$here/init}
[ $# -ge 4 ] && shift 4 || shift 3
step() { echo "paravisor-image: $*"; }
die() { echo "paravisor-image: $*" >&2; exit 1; }
. "$here/../../scripts/initramfs-stage.sh"

bb=/bin/busybox
[ -x $bb ] || die "$bb missing (make deps installs busybox-static)"
readelf -d $bb 2>&1 | grep -q 'no dynamic section' || die "$bb is not static"
[ -x "$pv" ] || die "$pv missing (build it: make $pv)"

# A private staging directory: two builds at once must not share one.
mkdir -p "$out"
stage=$(mktemp -d "$out/stage.XXXXXX")
trap 'rm -rf "$stage" "$stage.ldd" "$stage.vmlinuz" "$stage.cpio.gz"' EXIT
mkdir -p "$stage/bin" "$stage/proc" "$stage/sys" "$stage/dev" \
	"$stage/lib/modules" "$stage/etc/mantle"

stage_busybox $bb "$stage"

step "init"
install -m 0755 "$init" "$stage/init"
if [ -n "${PV_STATUS_SH:-}" ]; then
	install -m 0644 "$PV_STATUS_SH" "$stage/etc/mantle/pv-status.sh"
elif grep -q pv-status.sh "$init"; then
	die "$init sources pv-status.sh: set PV_STATUS_SH"
fi

# copy_elf FILE DEST: FILE to DEST with its ldd libraries (stage_elf).
copy_elf() {
	stage_elf "$stage" "$1" "$2"
}

step "mantle-paravisor ($(sha256sum "$pv" | cut -c1-16)...)"
copy_elf "$pv" /bin/mantle-paravisor

step "Debian modules from $(cat "$kdir/release")"
stage_modules "$kdir" "$here/modules.list" "$stage"

for x in "$@"; do
	if [ -d "$x" ]; then
		step "extra data $x/"
		mkdir -p "$stage$x"
		cp -rL "$x/." "$stage$x/"
	elif [ -x "$x" ] && readelf -d "$x" >/dev/null 2>&1; then
		step "extra executable $x"
		copy_elf "$x" "$x"
	else
		step "extra data $x"
		install -D -m 0644 "$(readlink -f "$x")" "$stage$x"
	fi
done

step "vmlinuz"
cp -L "$kdir/vmlinuz" "$stage.vmlinuz"
mv "$stage.vmlinuz" "$out/vmlinuz"

step "initramfs.cpio.gz"
"$here/../../scripts/mkcpio.sh" "$stage" "$stage.cpio.gz"
mv "$stage.cpio.gz" "$out/initramfs.cpio.gz"
step "done: $out/vmlinuz $out/initramfs.cpio.gz ($(stat -c %s "$out/initramfs.cpio.gz") bytes)"
