/* SPDX-License-Identifier: MIT */
/*
 * The one byte-order and read-cursor helper of every user-space side (host,
 * paravisor, hostif, verifier, vmgs-tools, guest tools). Wire and file bytes
 * are never cast to structures or integers: fields are loaded and stored
 * through these helpers, which need no alignment and work on any host byte
 * order. Kernel and freestanding code use protocol/include/mantle_types.h.
 *
 * The cursor walks a buffer the caller does not trust: every read is checked
 * against the bytes left, and the first overrun sticks (later reads return
 * zeros or NULL), so a parser reads a whole record and checks cur_ok() once,
 * as tpm2-tss's unmarshalling and SQLite's varint readers do.
 */
#ifndef MANTLE_BYTES_H
#define MANTLE_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* --- loads and stores ---------------------------------------------------- */

static inline uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (unsigned int)p[1] << 8);
}

static inline uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)((unsigned int)p[0] << 8 | p[1]);
}

static inline uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static inline uint64_t get_be64(const uint8_t *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

static inline void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}

static inline void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, (uint16_t)(v >> 16));
	put_be16(p + 2, (uint16_t)v);
}

static inline void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

/* --- the bounds-checked read cursor -------------------------------------- */

struct cursor {
	const uint8_t *buf;
	size_t len;
	size_t off; /* bytes consumed; never more than len */
	int err; /* sticky: set by the first read past the end */
};

static inline struct cursor cur_init(const void *buf, size_t len)
{
	struct cursor c = { (const uint8_t *)buf, len, 0, 0 };

	return c;
}

/* n bytes at the cursor, advancing past them; NULL (and the sticky error)
 * when fewer than n are left or an earlier read failed. */
static inline const uint8_t *cur_take(struct cursor *c, size_t n)
{
	const uint8_t *p;

	if (c->err || n > c->len - c->off) {
		c->err = 1;
		return NULL;
	}
	p = c->buf + c->off;
	c->off += n;
	return p;
}

static inline int cur_ok(const struct cursor *c)
{
	return !c->err;
}

static inline size_t cur_left(const struct cursor *c)
{
	return c->err ? 0 : c->len - c->off;
}

static inline void cur_skip(struct cursor *c, size_t n)
{
	(void)cur_take(c, n);
}

/* Copies n bytes out (zeros on error, so dst is never left half-filled). */
static inline void cur_copy(struct cursor *c, void *dst, size_t n)
{
	const uint8_t *p = cur_take(c, n);

	if (p)
		memcpy(dst, p, n);
	else
		memset(dst, 0, n);
}

/* Marks the cursor failed, for a value that is in bounds but invalid. */
static inline void cur_fail(struct cursor *c)
{
	c->err = 1;
}

static inline uint8_t cur_u8(struct cursor *c)
{
	const uint8_t *p = cur_take(c, 1);

	return p ? p[0] : 0;
}

#define MANTLE_CUR_GET(name, type, n)                   \
	static inline type cur_##name(struct cursor *c) \
	{                                               \
		const uint8_t *p = cur_take(c, n);      \
		return p ? get_##name(p) : 0;           \
	}
MANTLE_CUR_GET(le16, uint16_t, 2)
MANTLE_CUR_GET(le32, uint32_t, 4)
MANTLE_CUR_GET(le64, uint64_t, 8)
MANTLE_CUR_GET(be16, uint16_t, 2)
MANTLE_CUR_GET(be32, uint32_t, 4)
MANTLE_CUR_GET(be64, uint64_t, 8)
#undef MANTLE_CUR_GET

#endif /* MANTLE_BYTES_H */
