/* SPDX-License-Identifier: MIT */
/*
 * A tiny AML (ACPI Machine Language) encoder: just the terms the DSDT needs.
 * Terms are built inside-out into caller buffers; any overflow sets err and
 * later calls do nothing, so a caller checks once at the end.
 */
#ifndef MANTLE_VMM_AML_H
#define MANTLE_VMM_AML_H

#include <stddef.h>
#include <stdint.h>

struct aml {
	uint8_t *buf;
	size_t len;
	size_t cap;
	int err;
};

void aml_init(struct aml *a, uint8_t *buf, size_t cap);
void aml_bytes(struct aml *a, const void *p, size_t n);
void aml_byte(struct aml *a, uint8_t b);
/* An integer with the shortest encoding (ZeroOp, OneOp, Byte..QWordPrefix). */
void aml_integer(struct aml *a, uint64_t v);
/* A string constant (StringPrefix, the bytes, NUL). */
void aml_string(struct aml *a, const char *s);
/* NameOp NameSeg: the caller then appends the object. */
void aml_name(struct aml *a, const char *seg);
/* op [ext] PkgLength <prefix> <body>: wraps body (already encoded). */
void aml_package_op(struct aml *a, const uint8_t *op, size_t oplen,
		    const void *prefix, size_t prefix_len,
		    const struct aml *body);
/* EISA id "PNP0501" as its 32-bit encoding. */
uint32_t aml_eisaid(const char id[7]);

#endif
