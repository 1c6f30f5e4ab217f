/* SPDX-License-Identifier: MIT */
/*
 * The guest payload disk header (paravisor/PAYLOAD.md, version 1), parsed as
 * hostile input: every field is validated before anything is read.
 */
#ifndef MANTLE_VMM_PAYLOAD_H
#define MANTLE_VMM_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

#define PAYLOAD_MAGIC "MNTLPAY1"
#define PAYLOAD_VERSION 1u
#define PAYLOAD_HDR_SIZE 4096u
#define PAYLOAD_ALIGN 4096u
#define PAYLOAD_MAX_CPUS 8u
#define PAYLOAD_MIN_MEM (64ull << 20)
#define PAYLOAD_MEM_ALIGN (2ull << 20)
#define PAYLOAD_MAX_CMDLINE 4095u
/* A bzImage is read into a private buffer first: bound it. */
#define PAYLOAD_MAX_KERNEL (256ull << 20)

/* On-disk layout (little-endian; the build asserts a little-endian host). */
struct payload_hdr {
	char magic[8];
	uint32_t version;
	uint32_t header_size;
	uint32_t flags;
	uint32_t cpus;
	uint64_t mem_bytes;
	uint64_t kernel_off;
	uint64_t kernel_size;
	uint64_t initrd_off;
	uint64_t initrd_size;
	uint64_t cmdline_off;
	uint64_t cmdline_size;
	uint8_t reserved[4016];
};

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "little-endian");
_Static_assert(sizeof(struct payload_hdr) == PAYLOAD_HDR_SIZE, "header size");
_Static_assert(offsetof(struct payload_hdr, cpus) == 20, "cpus");
_Static_assert(offsetof(struct payload_hdr, mem_bytes) == 24, "mem_bytes");
_Static_assert(offsetof(struct payload_hdr, kernel_off) == 32, "kernel_off");
_Static_assert(offsetof(struct payload_hdr, initrd_off) == 48, "initrd_off");
_Static_assert(offsetof(struct payload_hdr, cmdline_size) == 72, "cmdline");
_Static_assert(offsetof(struct payload_hdr, reserved) == 80, "reserved");

struct payload_piece {
	uint64_t off;
	uint64_t size;
};

struct payload_info {
	unsigned int cpus;
	uint64_t mem_bytes;
	struct payload_piece kernel;
	struct payload_piece initrd; /* size 0: none */
	struct payload_piece cmdline; /* size 0: empty */
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
