/* SPDX-License-Identifier: MIT */
/* The session state and frame numbering both sides share (internal). */
#ifndef HOSTIF_SESSION_H
#define HOSTIF_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "mantle_hostif.h"

/* The session state both ends keep (SPEC.md §4, §5, §7). */
struct hostif_session {
	int negotiated; /* frames carry major.minor; before, 1.0 */
	uint8_t major, minor;
	uint64_t features; /* the AND of both sides' sets */
	uint64_t tx_seq, rx_seq; /* last sent; highest accepted */
};

/*
 * Encodes the session's next frame into out (header version as above, the
 * next seq). Returns its size, or 0 as hostif_frame_encode does.
 */
size_t hostif_session_encode(struct hostif_session *ss, uint8_t *out,
			     size_t cap, uint16_t type, uint32_t req_id,
			     const void *p1, size_t n1, const void *p2,
			     size_t n2);
/* A configured version range: min_major 0 means 1.0 .. 1.1; the features
 * offered are the wanted ones this library knows. */
void hostif_range_default(struct hostif_hello *range, uint64_t features);

#endif /* HOSTIF_SESSION_H */
