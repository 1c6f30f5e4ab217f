#!/bin/sh
# Compile every protocol header alone, and the shared sources with the kernel
# glue, inside the Linux kernel build (an out-of-tree module, never loaded).
# Everything is copied into OUTDIR first so nothing is written in the tree.
# usage: kbuild-check.sh KERNEL_HEADERS_DIR OUTDIR
set -eu
kdir=$1
out=$2
[ -f "$kdir/Makefile" ] || { echo "kbuild-check: no kernel headers in $kdir (run make kernel)" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out/include" "$out/src" "$out/glue"
cp protocol/include/*.h "$out/include/"
cp protocol/src/*.c "$out/src/"
cp protocol/glue/linux/mantle_ring_glue.h "$out/glue/"
objs=
for h in protocol/include/*.h; do
	n=$(basename "$h" .h)
	printf '#include "include/%s.h"\n' "$n" >"$out/hc_$n.c"
	objs="$objs hc_$n.o"
done
cat >"$out/hc_main.c" <<'EOC'
#include <linux/module.h>
MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("Mantle protocol header check (never loaded)");
EOC
for s in protocol/src/*.c; do
	objs="$objs src/$(basename "$s" .c).o"
done
cat >"$out/Kbuild" <<EOK
obj-m := mantle_hdrcheck.o
mantle_hdrcheck-y := hc_main.o $objs
ccflags-y := -Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare \
	-Wno-missing-field-initializers -I\$(src)/glue
EOK
abs=$(cd "$out" && pwd)
# Debian's per-flavour headers Makefile includes the common tree by its
# absolute /usr/src path; we unpacked it beside, so point make at that copy.
kreal=$(readlink -f "$kdir")
mk=$kreal/Makefile
inc=$(sed -n 's/^include //p' "$mk" | head -n 1)
if [ -n "$inc" ] && [ ! -f "$inc" ]; then
	mk=$(dirname "$kreal")/$(basename "$(dirname "$inc")")/Makefile
fi
make -s -C "$kreal" -f "$mk" M="$abs" modules >"$out/build.log" 2>&1 || {
	cat "$out/build.log" >&2
	echo "kbuild-check: FAILED" >&2
	exit 1
}
echo "kbuild-check: $(ls protocol/include/*.h | wc -l) headers and $(ls protocol/src/*.c | wc -l) sources build in $(basename "$kdir") kernel tree: ok"
