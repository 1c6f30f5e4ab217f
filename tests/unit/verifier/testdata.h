/* SPDX-License-Identifier: MIT */
/* Locating the shared attestation samples for the verifier unit tests. */
#ifndef MV_TESTDATA_H
#define MV_TESTDATA_H

#include <stddef.h>
#include <stdint.h>

/*
 * Reads <testdata>/attestation/<rel>, where <testdata> is $MANTLE_TESTDATA or
 * ../shared/testdata from the repository root (the tests' working
 * directory). When the samples are missing, prints "SKIP: ..." and skips
 * the calling test through cmocka; returns only on success.
 */
void mvt_load(const char *rel, uint8_t **buf, size_t *len);

/* Full path of a sample (static buffer), skipping the test if absent. */
const char *mvt_path(const char *rel);

#endif
