#!/bin/sh
# Fetch Debian's linux-source-6.12 at the same version as the fetched cloud
# kernel (build/kernel/version) and unpack it under OUT (for KUnit on UML).
# Idempotent: a completed unpack (OUT/.stamp) is a no-op.
set -eu
kdir=${1:-build/kernel}
out=${2:-build/kunit/src}
[ -f "$out/.stamp" ] && exit 0
ver=$(cat "$kdir/version")
echo "fetch-kernel-source: linux-source-6.12 $ver"
rm -rf "$out" "$out.debs"
mkdir -p "$out.debs"
(cd "$out.debs" && apt-get download -q -o APT::Sandbox::User=root "linux-source-6.12=$ver" >/dev/null)
mkdir -p "$out"
dpkg-deb --fsys-tarfile "$out.debs"/linux-source-6.12_*.deb |
	tar -xO --wildcards '*/linux-source-6.12.tar.xz' | xz -dc -T2 |
	tar -x -C "$out" --strip-components=1
rm -rf "$out.debs"
touch "$out/.stamp"
