/* SPDX-License-Identifier: MIT */
/*
 * The guest payload disk header (paravisor/PAYLOAD.md, version 1): the one
 * definition of the bytes `mantle` writes (host/payload.c) and
 * mantle-paravisor reads (paravisor/vmm/payload.c, which validates them as
 * hostile input). It owns the layout, its limits and the coding of its
 * fields; the host plans the disk and the paravisor decides what it accepts.
 */
#ifndef MANTLE_PAYLOAD_H
#define MANTLE_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mantle_bytes.h"

#define PAYLOAD_MAGIC "MNTLPAY1"
#define PAYLOAD_MAGIC_LEN 8
#define PAYLOAD_VERSION 1u
#define PAYLOAD_HDR_SIZE 4096u
#define PAYLOAD_ALIGN 4096u /* of every piece, and of the disk's size */
#define PAYLOAD_MAX_CPUS 8u
#define PAYLOAD_MIN_MEM (64ull << 20)
#define PAYLOAD_MEM_ALIGN (2ull << 20)
#define PAYLOAD_MAX_CMDLINE 4095u /* bytes, without a NUL */
/*
 * flags. Bit 0: --vmgs-reprovision, the operator asks that a VMGS the
 * paravisor would refuse be replaced by a new one (its state lost). Not
 * measured, on purpose: a host can always destroy the VMGS, it can never
 * choose its key (paravisor/vmgs/VMGS-KEY.md).
 */
#define PAYLOAD_F_VMGS_REPROVISION 0x1u
#define PAYLOAD_FLAGS_KNOWN PAYLOAD_F_VMGS_REPROVISION

/*
 * The header as it lies on the disk, every integer little-endian. It names
 * the offsets (PAYLOAD_OFF); the bytes are only ever read and written
 * through payload_hdr_decode() and payload_hdr_encode().
 */
struct payload_hdr {
	char magic[PAYLOAD_MAGIC_LEN];
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

#define PAYLOAD_OFF(field) offsetof(struct payload_hdr, field)

/* PAYLOAD.md's table, field by field. */
_Static_assert(sizeof(struct payload_hdr) == PAYLOAD_HDR_SIZE, "size");
_Static_assert(sizeof(PAYLOAD_MAGIC) - 1 == PAYLOAD_MAGIC_LEN, "magic");
_Static_assert(PAYLOAD_OFF(magic) == 0, "magic");
_Static_assert(PAYLOAD_OFF(version) == 8, "version");
_Static_assert(PAYLOAD_OFF(header_size) == 12, "header_size");
_Static_assert(PAYLOAD_OFF(flags) == 16, "flags");
_Static_assert(PAYLOAD_OFF(cpus) == 20, "cpus");
_Static_assert(PAYLOAD_OFF(mem_bytes) == 24, "mem_bytes");
_Static_assert(PAYLOAD_OFF(kernel_off) == 32, "kernel_off");
_Static_assert(PAYLOAD_OFF(kernel_size) == 40, "kernel_size");
_Static_assert(PAYLOAD_OFF(initrd_off) == 48, "initrd_off");
_Static_assert(PAYLOAD_OFF(initrd_size) == 56, "initrd_size");
_Static_assert(PAYLOAD_OFF(cmdline_off) == 64, "cmdline_off");
_Static_assert(PAYLOAD_OFF(cmdline_size) == 72, "cmdline_size");
_Static_assert(PAYLOAD_OFF(reserved) == 80, "reserved");

/* One piece of the disk; (0, 0) for an absent initrd or command line. */
struct payload_piece {
	uint64_t off;
	uint64_t size;
};

/* The header's fields in host byte order, unchecked. */
struct payload_fields {
	uint32_t version;
	uint32_t header_size;
	uint32_t flags;
	uint32_t cpus;
	uint64_t mem_bytes;
	struct payload_piece kernel;
	struct payload_piece initrd;
	struct payload_piece cmdline;
};

/* The fields of version 1 for the given values: what a writer sends. */
static inline struct payload_fields payload_fields_v1(uint32_t cpus,
						      uint64_t mem_bytes)
{
	struct payload_fields f = { .version = PAYLOAD_VERSION,
				    .header_size = PAYLOAD_HDR_SIZE,
				    .cpus = cpus,
				    .mem_bytes = mem_bytes };

	return f;
}

/* hdr[PAYLOAD_HDR_SIZE]: the magic, f, and zeros in every reserved byte. */
static inline void payload_hdr_encode(const struct payload_fields *f,
				      uint8_t *hdr)
{
	memset(hdr, 0, PAYLOAD_HDR_SIZE);
	memcpy(hdr + PAYLOAD_OFF(magic), PAYLOAD_MAGIC, PAYLOAD_MAGIC_LEN);
	put_le32(hdr + PAYLOAD_OFF(version), f->version);
	put_le32(hdr + PAYLOAD_OFF(header_size), f->header_size);
	put_le32(hdr + PAYLOAD_OFF(flags), f->flags);
	put_le32(hdr + PAYLOAD_OFF(cpus), f->cpus);
	put_le64(hdr + PAYLOAD_OFF(mem_bytes), f->mem_bytes);
	put_le64(hdr + PAYLOAD_OFF(kernel_off), f->kernel.off);
	put_le64(hdr + PAYLOAD_OFF(kernel_size), f->kernel.size);
	put_le64(hdr + PAYLOAD_OFF(initrd_off), f->initrd.off);
	put_le64(hdr + PAYLOAD_OFF(initrd_size), f->initrd.size);
	put_le64(hdr + PAYLOAD_OFF(cmdline_off), f->cmdline.off);
	put_le64(hdr + PAYLOAD_OFF(cmdline_size), f->cmdline.size);
}

/* The fields of hdr[PAYLOAD_HDR_SIZE], as they are: the magic and the
 * reserved bytes are the reader's to check. */
static inline void payload_hdr_decode(const uint8_t *hdr,
				      struct payload_fields *f)
{
	f->version = get_le32(hdr + PAYLOAD_OFF(version));
	f->header_size = get_le32(hdr + PAYLOAD_OFF(header_size));
	f->flags = get_le32(hdr + PAYLOAD_OFF(flags));
	f->cpus = get_le32(hdr + PAYLOAD_OFF(cpus));
	f->mem_bytes = get_le64(hdr + PAYLOAD_OFF(mem_bytes));
	f->kernel.off = get_le64(hdr + PAYLOAD_OFF(kernel_off));
	f->kernel.size = get_le64(hdr + PAYLOAD_OFF(kernel_size));
	f->initrd.off = get_le64(hdr + PAYLOAD_OFF(initrd_off));
	f->initrd.size = get_le64(hdr + PAYLOAD_OFF(initrd_size));
	f->cmdline.off = get_le64(hdr + PAYLOAD_OFF(cmdline_off));
	f->cmdline.size = get_le64(hdr + PAYLOAD_OFF(cmdline_size));
}

#endif /* MANTLE_PAYLOAD_H */
