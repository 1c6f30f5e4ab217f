#!/bin/sh
# clang-format over the given files: `check` reports files that differ from the
# style (.clang-format at the root; guest-drivers/linux has the kernel style),
# `fix` rewrites them in place.
set -eu
mode=$1
shift
[ $# -gt 0 ] || { echo "format: no files"; exit 0; }
bad=0
for f in "$@"; do
	if [ "$mode" = fix ]; then
		clang-format -i "$f"
	elif ! clang-format "$f" | cmp -s - "$f"; then
		echo "format: $f differs from clang-format style"
		bad=1
	fi
done
[ "$mode" = fix ] || [ $bad -ne 0 ] || echo "format: $# files clean"
exit $bad
