#!/bin/sh
# Fetch the newest Debian 6.12 cloud kernel that apt offers: image, modules,
# headers and kbuild, all at one version, unpacked under build/kernel/.
# Idempotent: a completed fetch (build/kernel/.stamp) is a no-op. The version
# is chosen at fetch time and never committed; `make kernel-refresh` re-picks.
set -eu
out=${1:-build/kernel}
if [ -f "$out/.stamp" ]; then
	exit 0
fi
command -v apt-get >/dev/null || { echo "fetch-kernel: apt-get not found (Debian 12 required)" >&2; exit 1; }

pick() {
	apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-cloud-amd64-unsigned$' |
		awk '{print $1}' | sort -V | while read -r p; do
			# Only packages apt can actually fetch (a candidate version).
			c=$(apt-cache policy "$p" | awk '/Candidate:/ {print $2}')
			[ -n "$c" ] && [ "$c" != "(none)" ] && echo "$p"
		done | tail -n 1
}
pkg=$(pick)
if [ -z "$pkg" ]; then
	echo "fetch-kernel: no linux-image-6.12.*-cloud-amd64-unsigned in apt; running apt-get update" >&2
	apt-get update -qq
	pkg=$(pick)
fi
[ -n "$pkg" ] || { echo "fetch-kernel: apt offers no Debian 6.12 cloud kernel" >&2; exit 1; }
abi=${pkg#linux-image-}
abi=${abi%-unsigned}                      # 6.12.117+deb12-cloud-amd64
base=${abi%-cloud-amd64}                  # 6.12.117+deb12
ver=$(apt-cache policy "$pkg" | awk '/Candidate:/ {print $2}')
echo "fetch-kernel: $abi ($ver)"

rm -rf "$out"
mkdir -p "$out/debs" "$out/root"
(
	cd "$out/debs"
	apt-get download -q -o APT::Sandbox::User=root "$pkg=$ver" "linux-headers-$abi=$ver" \
		"linux-headers-$base-common=$ver" "linux-kbuild-$base=$ver" >/dev/null
)
for d in "$out"/debs/*.deb; do
	dpkg-deb -x "$d" "$out/root"
done
ln -sf "root/boot/vmlinuz-$abi" "$out/vmlinuz"
ln -sf "root/lib/modules/$abi" "$out/modules"
ln -sf "root/usr/src/linux-headers-$abi" "$out/headers"
echo "$abi" >"$out/release"
echo "$ver" >"$out/version"
rm -rf "$out/debs"
# Debian generates modules.dep at install time; we unpacked, so run depmod.
depmod -b "$out/root" "$abi"
touch "$out/.stamp"
