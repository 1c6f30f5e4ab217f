/* SPDX-License-Identifier: MIT */
/*
 * The extended guest request's certificate table (snp_abi.h): entries of
 * {GUID[16] mixed-endian, le32 offset, le32 length} ending with an all-zero
 * entry, offsets from the table's start. The host hands it over, so it is
 * hostile input: every entry is bounded by the table.
 */
#ifndef MANTLE_SNP_CERTS_H
#define MANTLE_SNP_CERTS_H

#include <stddef.h>
#include <stdint.h>

/* "63da758d-e664-..." into the table's 16 bytes (the first three groups
 * little-endian). 0, or -1 if text is not a GUID. */
int snp_guid_bytes(const char *text, uint8_t out[16]);

/* The length of the entry with GUID (SNP_CERT_GUID_*) in table[0, len),
 * with *off its offset; 0 if it is absent, if no terminator comes first,
 * or if the entry points outside the table. */
size_t snp_cert_find(const uint8_t *table, size_t len, const char *guid,
		     size_t *off);

#endif
