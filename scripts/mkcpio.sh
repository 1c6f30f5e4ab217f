#!/bin/sh
# Pack a directory into a reproducible gzip'd newc cpio archive (sorted names,
# fixed mtimes, root ownership). Used for the guest and paravisor initramfs and
# for the extra archives that tests append to add /etc/mantle/rc.d scripts.
# usage: mkcpio.sh DIR OUT.cpio.gz
set -eu
dir=$1
out=$2
tmp=$out.tmp
find "$dir" -exec touch -h -d @0 {} +
(cd "$dir" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -9n >"$tmp"
mv "$tmp" "$out"
