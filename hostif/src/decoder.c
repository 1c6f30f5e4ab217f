// SPDX-License-Identifier: MIT
/*
 * Stream decoder: frames are reassembled in the decoder's own buffer, so
 * every byte the peer sent is copied exactly once before any check reads
 * it, and nothing is read twice from memory the peer can change.
 */
#include <string.h>

#include "mantle_hostif.h"

void hostif_dec_init(struct hostif_dec *d)
{
	d->start = d->end = d->hold = 0;
	d->skipped = 0;
}

/* Releases the frame handed out last; its payload pointer dies here. */
static void release(struct hostif_dec *d)
{
	d->start += d->hold;
	d->hold = 0;
	if (d->start == d->end)
		d->start = d->end = 0;
}

uint8_t *hostif_dec_space(struct hostif_dec *d, size_t *space)
{
	release(d);
	if (d->start) {
		memmove(d->buf, d->buf + d->start, d->end - d->start);
		d->end -= d->start;
		d->start = 0;
	}
	*space = sizeof(d->buf) - d->end;
	return d->buf + d->end;
}

void hostif_dec_commit(struct hostif_dec *d, size_t n)
{
	if (n > sizeof(d->buf) - d->end)
		n = sizeof(d->buf) - d->end;
	d->end += n;
}

size_t hostif_dec_feed(struct hostif_dec *d, const void *data, size_t len)
{
	size_t space;
	uint8_t *p = hostif_dec_space(d, &space);

	if (len > space)
		len = space;
	memcpy(p, data, len);
	d->end += len;
	return len;
}

size_t hostif_dec_pending(const struct hostif_dec *d)
{
	return d->end - d->start - d->hold;
}

void hostif_dec_skip(struct hostif_dec *d)
{
	release(d);
	if (d->start < d->end) {
		d->start++;
		d->skipped++;
	}
}

/* Drops bytes up to the next possible magic; true if any were dropped. */
static int resync(struct hostif_dec *d)
{
	static const uint8_t m[4] = { HOSTIF_MAGIC & 0xff,
				      (HOSTIF_MAGIC >> 8) & 0xff,
				      (HOSTIF_MAGIC >> 16) & 0xff,
				      HOSTIF_MAGIC >> 24 };
	size_t i = d->start;

	for (; i < d->end; i++) {
		size_t n = d->end - i < 4 ? d->end - i : 4;

		if (!memcmp(d->buf + i, m, n))
			break;
	}
	d->skipped += i - d->start;
	if (i == d->start)
		return 0;
	d->start = i;
	return 1;
}

int hostif_dec_next(struct hostif_dec *d, struct hostif_frame *f)
{
	const uint8_t *b;
	uint32_t lo, hi;

	release(d);
	if (resync(d))
		return -HOSTIF_E_MAGIC;
	if (d->end - d->start < HOSTIF_HDR_SIZE)
		return 0;
	b = d->buf + d->start;
	hostif_hdr_decode(b, &f->h);
	/*
	 * The length is not trusted before the CRC, but it must fit the type
	 * (when the type is known) before we wait for that many bytes, so a
	 * damaged length costs one resync, not a stall.
	 */
	if (f->h.len > HOSTIF_MAX_PAYLOAD ||
	    (hostif_type_len_bounds(f->h.type, &lo, &hi) == 0 &&
	     (f->h.len < lo || f->h.len > hi))) {
		hostif_dec_skip(d);
		return -HOSTIF_E_LENGTH;
	}
	if (d->end - d->start < HOSTIF_HDR_SIZE + (size_t)f->h.len)
		return 0;
	if (hostif_crc(b, b + HOSTIF_HDR_SIZE, f->h.len) != f->h.crc) {
		hostif_dec_skip(d);
		return -HOSTIF_E_CRC;
	}
	/* A sound frame from here on: errors below skip it whole. */
	d->hold = HOSTIF_HDR_SIZE + f->h.len;
	f->payload = b + HOSTIF_HDR_SIZE;
	if (f->h.major != HOSTIF_VERSION_MAJOR)
		return -HOSTIF_E_VERSION;
	if (hostif_type_len_bounds(f->h.type, NULL, NULL))
		return -HOSTIF_E_TYPE;
	return 1;
}
