#!/bin/sh
# make bench-sp (issue 13): the simulated secure processor's own rates
# (tests/bench/sp_bench.c: report signing and key derivation against raw
# OpenSSL P-384 ECDSA and AES-256-GCM of 4 KiB, same run). The paravisor's
# MSG_REPORT_REQ/MSG_KEY_REQ round trip through the host relay is added
# here by its own part (it needs a booted VM).
set -eu
BUILD=${BUILD:-build}
"$BUILD/bench/sp_bench"
