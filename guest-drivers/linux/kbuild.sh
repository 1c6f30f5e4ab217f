#!/bin/sh
# Build Mantle's guest modules out of tree against the fetched Debian kernel
# headers. Sources are copied into OUTDIR first (nothing is written in the
# tree); the modules are stripped of debug info and copied to PACK_DIR (the
# guest image's driver pack) and TEST_PACK_DIR (test-only modules: a second
# build of mantle_bus.ko with test entry points, and mantle_bus_hostile.ko).
# usage: kbuild.sh KERNEL_HEADERS_DIR OUTDIR PACK_DIR TEST_PACK_DIR
set -eu
kdir=$1
out=$2
pack=$3
testpack=$4
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
[ -f "$kdir/Makefile" ] || { echo "kbuild: no kernel headers in $kdir (run make kernel)" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out/protocol" "$pack" "$testpack"
cp "$here/Kbuild" "$out/"
cp -r "$here/include" "$here/bus" "$here/pipe" "$here/notify" "$here/test" "$out/"
cp -r "$top/protocol/include" "$top/protocol/src" "$out/protocol/"
mkdir -p "$out/protocol/glue"
cp -r "$top/protocol/glue/linux" "$out/protocol/glue/"
abs=$(cd "$out" && pwd)
# Debian's per-flavour headers Makefile includes the common tree by its
# absolute /usr/src path; it is unpacked beside, so point make at that copy
# (as protocol/kbuild-check.sh does).
kreal=$(readlink -f "$kdir")
mk=$kreal/Makefile
inc=$(sed -n 's/^include //p' "$mk" | head -n 1)
if [ -n "$inc" ] && [ ! -f "$inc" ]; then
	mk=$(dirname "$kreal")/$(basename "$(dirname "$inc")")/Makefile
fi
# kbuild_pass DIR [VAR=VALUE]: the modules of Kbuild in DIR (a copy of $out).
kbuild_pass() {
	_d=$(cd "$1" && pwd)
	shift
	make -s -C "$kreal" -f "$mk" M="$_d" "$@" modules >"$_d/build.log" 2>&1 || {
		cat "$_d/build.log" >&2
		echo "kbuild: FAILED" >&2
		exit 1
	}
}
# The test pack is a second build from the same sources: mantle_bus.ko with
# its test entry points (MANTLE_BUS_TEST_HOOKS) and the hostile module.
rm -rf "$out-test"
cp -r "$out" "$out-test"
kbuild_pass "$out"
kbuild_pass "$out-test" MANTLE_TEST_HOOKS=1
for m in mantle_bus mantle_pipe mantle_notify; do
	strip --strip-debug -o "$pack/$m.ko" "$abs/$m.ko"
done
for m in mantle_bus mantle_bus_hostile; do
	strip --strip-debug -o "$testpack/$m.ko" "$out-test/$m.ko"
done
echo "kbuild: mantle_bus.ko mantle_pipe.ko mantle_notify.ko -> $pack;" \
	"mantle_bus.ko with test entry points, mantle_bus_hostile.ko -> $testpack"
