#!/bin/sh
# Run Mantle's KUnit suites on UML with Debian's linux-source-6.12 (the same
# version as the fetched cloud kernel). Our test sources and the protocol
# headers are copied into drivers/mantle_kunit/ of a build-only copy of the
# tree; nothing is written to the source folders. Records one result line per
# KUnit test case in RESULTS.
# usage: run-kunit.sh RESULTS
set -eu
results=$1
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
src=$top/build/kunit/src
uml=$top/build/kunit/uml
log=$(dirname "$results")/logs/kunit/kunit.log
mkdir -p "$(dirname "$log")"

"$top/scripts/fetch-kernel-source.sh" "$top/build/kernel" "$src"

dst=$src/drivers/mantle_kunit
rm -rf "$dst"
mkdir -p "$dst/protocol"
cp "$here"/*.c "$here"/Kconfig "$here"/Makefile "$here/.kunitconfig" "$dst/"
cp -r "$top/protocol/include" "$top/protocol/src" "$top/protocol/glue" "$dst/protocol/"
# The guest modules' pure parts (their KUnit suites are here too).
mkdir -p "$dst/bus" "$dst/pipe" "$dst/include"
cp "$here/../bus/bus_msg.c" "$here/../bus/bus_msg.h" "$dst/bus/"
cp "$here/../pipe/pipe_msg.c" "$here/../pipe/pipe_msg.h" "$dst/pipe/"
cp "$here/../include/mantle_bus.h" "$dst/include/"
grep -q mantle_kunit "$src/drivers/Kconfig" ||
	sed -i '$ i source "drivers/mantle_kunit/Kconfig"' "$src/drivers/Kconfig"
grep -q mantle_kunit "$src/drivers/Makefile" ||
	echo 'obj-$(CONFIG_MANTLE_KUNIT_TEST) += mantle_kunit/' >>"$src/drivers/Makefile"

echo "kunit: building UML kernel and running suites (log: $log)"
set +e
(cd "$src" && python3 tools/testing/kunit/kunit.py run \
	--kunitconfig=drivers/mantle_kunit/.kunitconfig \
	--build_dir="$uml" --jobs="$(nproc)" --timeout=300) >"$log" 2>&1
rc=$?
set -e
# kunit.py prints "[PASSED] name" / "[FAILED] name" / "[SKIPPED] name" per case
# (suites too; a suite line is followed by its summary, so count cases only:
# cases are indented under their suite).
sed -n 's/^\[[0-9:]*\] *\[PASSED\] \(.*\)$/PASS kunit:\1/p' "$log" >"$log.res"
sed -n 's/^\[[0-9:]*\] *\[FAILED\] \(.*\)$/FAIL kunit:\1/p' "$log" >>"$log.res"
sed -n 's/^\[[0-9:]*\] *\[SKIPPED\] \(.*\)$/SKIP kunit:\1 SKIP: skipped by KUnit/p' "$log" >>"$log.res"
cat "$log.res" >>"$results"
grep -E 'Testing complete|Ran [0-9]+ tests' "$log" | tail -n 2 || true
if [ $rc -ne 0 ] || ! [ -s "$log.res" ]; then
	echo "FAIL kunit:run (kunit.py exit $rc)" >>"$results"
	tail -n 40 "$log"
fi
exit 0
