// SPDX-License-Identifier: MIT
/* The session state and frame numbering both sides share (SPEC.md §4-§7). */
#include "session.h"

size_t hostif_session_encode(struct hostif_session *ss, uint8_t *out,
			     size_t cap, uint16_t type, uint32_t req_id,
			     const void *p1, size_t n1, const void *p2,
			     size_t n2)
{
	struct hostif_hdr h = {
		.type = type,
		.major = ss->negotiated ? ss->major : HOSTIF_VERSION_MAJOR,
		.minor = ss->negotiated ? ss->minor : 0,
		.seq = ++ss->tx_seq,
		.req_id = req_id,
	};

	return hostif_frame_encode(out, cap, &h, p1, n1, p2, n2);
}

void hostif_range_default(struct hostif_hello *range, uint64_t features)
{
	if (!range->min_major) {
		/* 1.0 .. this library's version: 1.0 peers still talk. */
		range->min_major = range->max_major = HOSTIF_VERSION_MAJOR;
		range->min_minor = 0;
		range->max_minor = HOSTIF_VERSION_MINOR;
	}
	range->features = features & HOSTIF_F_KNOWN;
}
