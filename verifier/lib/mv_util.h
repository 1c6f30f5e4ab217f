/* SPDX-License-Identifier: MIT */
/*
 * File, hex, time and zero-check helpers shared by the evidence parsers.
 * Byte order and bounds-checked reads: common/include/mantle_bytes.h.
 */
#ifndef MV_UTIL_H
#define MV_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Largest input file the verifier reads: evidence is at most a few MiB. */
#define MV_MAX_FILE (16u << 20)

/* Reads a whole file (at most MV_MAX_FILE bytes). Returns 0 or -1 with errno. */
int mv_read_file(const char *path, uint8_t **data, size_t *len);

/*
 * If buf is entirely hex digits (surrounding whitespace allowed, even count),
 * decodes it in place and shrinks *len. Returns 1 if decoded, 0 if left as is.
 */
int mv_maybe_unhex(uint8_t *buf, size_t *len);

/* Decodes exactly one hex string; returns bytes written or -1. */
long mv_unhex(const char *hex, uint8_t *out, size_t max);

/* Lowercase hex of len bytes into a new string (caller frees). */
char *mv_hex(const uint8_t *p, size_t len);

/* 1 when all len bytes are zero. */
int mv_all_zero(const uint8_t *p, size_t len);

/* Parses RFC 3339 UTC/offset time ("2025-06-01T00:00:00Z"); 0 or -1. */
int mv_parse_time(const char *s, int64_t *out);

#endif
