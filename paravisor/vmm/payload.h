/* SPDX-License-Identifier: MIT */
/*
 * The guest payload disk header (paravisor/PAYLOAD.md, version 1), parsed as
 * hostile input: every field is validated before anything is read.
 */
#ifndef MANTLE_VMM_PAYLOAD_H
#define MANTLE_VMM_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

/* The layout, its limits and struct payload_piece: the shared contract. */
#include "mantle_payload.h"

/* A bzImage is read into a private buffer first: bound it. */
#define PAYLOAD_MAX_KERNEL (256ull << 20)

struct payload_info {
	unsigned int cpus;
	uint64_t mem_bytes;
	struct payload_piece kernel;
	struct payload_piece initrd; /* size 0: none */
	struct payload_piece cmdline; /* size 0: empty */
	uint32_t flags; /* PAYLOAD_F_* (only known bits) */
};

/*
 * Validate the first len bytes of a disk of disk_size bytes. mem_max is the
 * largest guest RAM this paravisor accepts. Returns 0, or -1 with a message
 * in err (errlen bytes).
 */
int payload_parse(const void *hdr, size_t len, uint64_t disk_size,
		  uint64_t mem_max, struct payload_info *out, char *err,
		  size_t errlen);

#endif
