/* SPDX-License-Identifier: MIT */
/* The guest payload disk of paravisor/PAYLOAD.md (version 1), host side. */
#ifndef MANTLE_HOST_PAYLOAD_H
#define MANTLE_HOST_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

/* The header's layout and coding: the shared contract. */
#include "mantle_payload.h"

struct payload_layout {
	uint32_t cpus;
	uint64_t mem_bytes;
	uint64_t kernel_off, kernel_size;
	uint64_t initrd_off, initrd_size;
	uint64_t cmdline_off, cmdline_size;
	uint64_t disk_size; /* padded to PAYLOAD_ALIGN */
	uint32_t flags; /* PAYLOAD_F_*; payload_plan sets 0 */
};

/*
 * Place the pieces one after the other, each on a 4096-byte boundary after
 * the header (absent pieces get offset 0). -1 if a size is out of range.
 */
int payload_plan(struct payload_layout *l, uint32_t cpus, uint64_t mem_bytes,
		 uint64_t kernel_size, uint64_t initrd_size,
		 uint64_t cmdline_size);
/* Encode the header into hdr[PAYLOAD_HDR_SIZE]. */
void payload_encode_header(const struct payload_layout *l, uint8_t *hdr);

/*
 * Write the whole disk to path (created 0600, truncated): header, kernel and
 * initrd copied from their files, command line. Prints a clear message and
 * returns -1 on any error.
 */
int payload_write(const char *path, const char *kernel, const char *initrd,
		  const char *cmdline, uint32_t cpus, uint64_t mem_bytes,
		  uint32_t flags);

#endif
