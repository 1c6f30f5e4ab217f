#!/bin/sh
# Install every Debian package that building, testing, benchmarking and the
# demo need. Idempotent: prints what it installs, and is a quick no-op when
# everything is present. Run as root (or with sudo available).
set -eu
PKGS="
build-essential
clang
llvm
libclang-rt-14-dev
pkg-config
libcmocka-dev
libssl-dev
libjansson-dev
zlib1g-dev
libseccomp-dev
libtpms-dev
qemu-system-x86
busybox-static
cpio
xz-utils
zstd
kmod
clang-format
gcc-mingw-w64-x86-64
bc
flex
bison
libelf-dev
python3
openssl
dwarves
tpm2-tools
libtss2-tcti-device0
libtss2-dev
swtpm
"
missing=
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$st" = "install ok installed" ] || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "deps: all $(echo $PKGS | wc -w) packages present"
	exit 0
fi
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends $missing
