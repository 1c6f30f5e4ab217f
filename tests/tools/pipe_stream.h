/* SPDX-License-Identifier: MIT */
/*
 * The test byte stream both ends of a pipe test agree on (pipe_probe in the
 * guest, pipe_peer on the host): splitmix64 from a seed, 8 bytes per step,
 * so any offset's byte is known without storing the stream and a lost,
 * repeated or reordered byte shows at its exact offset.
 */
#ifndef MANTLE_TESTS_PIPE_STREAM_H
#define MANTLE_TESTS_PIPE_STREAM_H

#include <stddef.h>
#include <stdint.h>

struct pipe_stream {
	uint64_t state;
	uint64_t word;
	unsigned int used; /* bytes of word already handed out: 0..8 */
};

static inline void pipe_stream_init(struct pipe_stream *s, uint64_t seed)
{
	s->state = seed;
	s->used = 8;
	s->word = 0;
}

static inline uint8_t pipe_stream_byte(struct pipe_stream *s)
{
	if (s->used == 8) {
		uint64_t z = (s->state += 0x9E3779B97F4A7C15ull);

		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
		z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
		s->word = z ^ (z >> 31);
		s->used = 0;
	}
	return (uint8_t)(s->word >> (8 * s->used++));
}

static inline void pipe_stream_fill(struct pipe_stream *s, uint8_t *buf,
				    size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = pipe_stream_byte(s);
}

/* The offset of the first byte of buf[0..n) that differs from the
 * stream, or n when all match. */
static inline size_t pipe_stream_check(struct pipe_stream *s,
				       const uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (buf[i] != pipe_stream_byte(s))
			return i;
	return n;
}

#endif
