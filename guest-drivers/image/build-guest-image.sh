#!/bin/sh
# Build the guest initramfs: busybox-static with all its applets, /init, the
# Debian modules in modules.list (decompressed, dependency-ordered) and the
# Mantle driver pack (*.ko in PACK_DIR, if any). Output is reproducible.
# usage: build-guest-image.sh OUT_DIR KERNEL_DIR [PACK_DIR [EXTRA_BIN_DIR]]
set -eu
out=$1
kdir=$2
pack=${3:-}
extra=${4:-}
here=$(dirname "$0")
step() { echo "guest-image: $*"; }

bb=/bin/busybox
[ -x $bb ] || { echo "guest-image: $bb missing (apt-get install busybox-static)" >&2; exit 1; }
readelf -d $bb 2>&1 | grep -q 'no dynamic section' ||
	{ echo "guest-image: $bb is not static (install busybox-static)" >&2; exit 1; }

stage=$out/root
rm -rf "$stage"
mkdir -p "$stage"/bin "$stage"/sbin "$stage"/proc "$stage"/sys "$stage"/dev \
	"$stage"/tmp "$stage"/lib/modules "$stage"/lib/mantle "$stage"/etc/mantle/rc.d \
	"$stage"/usr/bin "$stage"/run

step "busybox ($($bb 2>&1 | head -n 1 | cut -d' ' -f2))"
cp $bb "$stage/bin/busybox"
for a in $($bb --list); do
	[ "$a" = busybox ] || ln -s busybox "$stage/bin/$a"
done

step "init"
install -m 0755 "$here/init" "$stage/init"

step "Debian modules from $(cat "$kdir/release")"
mdir=$kdir/modules
: >"$stage/etc/mantle/modules"
order=
add_mod() { # $1: path relative to $mdir, add deps first
	case " $order " in *" $1 "*) return ;; esac
	deps=$(awk -F': *' -v m="$1" '$1 == m { print $2 }' "$mdir/modules.dep")
	for d in $deps; do add_mod "$d"; done
	order="$order $1"
}
for name in $(grep -v '^#' "$here/modules.list"); do
	path=$(grep -E "(^|/)$name\.ko\.xz:" "$mdir/modules.dep" | cut -d: -f1 | head -n 1)
	if [ -z "$path" ]; then
		grep -qw "$name" "$mdir/modules.builtin" 2>/dev/null && continue
		echo "guest-image: module $name not found in $mdir" >&2
		exit 1
	fi
	add_mod "$path"
done
for p in $order; do
	b=$(basename "$p" .xz)
	xz -dc "$mdir/$p" >"$stage/lib/modules/$b"
	echo "$b" >>"$stage/etc/mantle/modules"
done

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

step "vmlinuz"
cp -L "$kdir/vmlinuz" "$out/vmlinuz.tmp"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"

step "initramfs.cpio.gz"
"$here/../../scripts/mkcpio.sh" "$stage" "$out/initramfs.cpio.gz"
step "done: $out/vmlinuz $out/initramfs.cpio.gz ($(stat -c %s "$out/initramfs.cpio.gz") bytes)"
