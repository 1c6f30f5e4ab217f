// SPDX-License-Identifier: MIT
/* Minimal AML encoding (ACPI 6.x section 20.2). */
#include "aml.h"

#include "mantle_bytes.h"

#include <string.h>

void aml_init(struct aml *a, uint8_t *buf, size_t cap)
{
	a->buf = buf;
	a->len = 0;
	a->cap = cap;
	a->err = 0;
}

void aml_bytes(struct aml *a, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (a->err || n > a->cap - a->len) {
		a->err = 1;
		return;
	}
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

void aml_byte(struct aml *a, uint8_t b)
{
	aml_bytes(a, &b, 1);
}

/* The low n (at most 8) bytes of v, little-endian. */
static void aml_le(struct aml *a, uint64_t v, unsigned int n)
{
	uint8_t b[8];

	put_le64(b, v);
	aml_bytes(a, b, n);
}

void aml_integer(struct aml *a, uint64_t v)
{
	if (v == 0) {
		aml_byte(a, 0x00); /* ZeroOp */
	} else if (v == 1) {
		aml_byte(a, 0x01); /* OneOp */
	} else if (v <= 0xFF) {
		aml_byte(a, 0x0A);
		aml_le(a, v, 1);
	} else if (v <= 0xFFFF) {
		aml_byte(a, 0x0B);
		aml_le(a, v, 2);
	} else if (v <= 0xFFFFFFFFu) {
		aml_byte(a, 0x0C);
		aml_le(a, v, 4);
	} else {
		aml_byte(a, 0x0E);
		aml_le(a, v, 8);
	}
}

void aml_string(struct aml *a, const char *s)
{
	aml_byte(a, 0x0D); /* StringPrefix */
	aml_bytes(a, s, strlen(s) + 1); /* ASCII, NUL-terminated */
}

void aml_name(struct aml *a, const char *seg)
{
	aml_byte(a, 0x08); /* NameOp */
	aml_bytes(a, seg, strlen(seg));
}

/* PkgLength counts itself: 1 byte up to 63, else 2..4 bytes (lead byte holds
 * the count of following bytes in bits 6-7 and the low nibble). */
static void aml_pkglength(struct aml *a, size_t content)
{
	size_t total;

	if (content + 1 < 0x40) {
		aml_byte(a, (uint8_t)(content + 1));
		return;
	}
	for (unsigned int extra = 1; extra <= 3; extra++) {
		total = content + 1 + extra;
		if (total < ((size_t)1 << (4 + 8 * extra))) {
			aml_byte(a, (uint8_t)((extra << 6) | (total & 0xF)));
			aml_le(a, total >> 4, extra);
			return;
		}
	}
	a->err = 1;
}

void aml_package_op(struct aml *a, const uint8_t *op, size_t oplen,
		    const void *prefix, size_t prefix_len,
		    const struct aml *body)
{
	if (body->err) {
		a->err = 1;
		return;
	}
	aml_bytes(a, op, oplen);
	aml_pkglength(a, prefix_len + body->len);
	aml_bytes(a, prefix, prefix_len);
	aml_bytes(a, body->buf, body->len);
}

uint32_t aml_eisaid(const char id[7])
{
	uint32_t vendor = ((uint32_t)(id[0] - 0x40) << 10) |
			  ((uint32_t)(id[1] - 0x40) << 5) |
			  (uint32_t)(id[2] - 0x40);
	uint32_t product = 0;
	uint8_t b[4];

	for (int i = 3; i < 7; i++) {
		char c = id[i];
		uint32_t d = (c >= '0' && c <= '9') ? (uint32_t)(c - '0') :
						      (uint32_t)(c - 'A' + 10);
		product = (product << 4) | (d & 0xF);
	}
	/* Both 16-bit halves are stored big-endian, in an integer AML
	 * encodes little-endian. */
	put_be16(b, (uint16_t)vendor);
	put_be16(b + 2, (uint16_t)product);
	return get_le32(b);
}
