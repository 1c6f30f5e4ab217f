// SPDX-License-Identifier: MIT
/* Parser of the payload disk header (paravisor/PAYLOAD.md). */
#include "payload.h"

#include "errf.h"

#include <string.h>

/* A piece: aligned, after the header, inside the disk; (0,0) if optional. */
static int check_piece(const char *name, const struct payload_piece *p,
		       int optional, uint64_t disk_size, char *err,
		       size_t errlen)
{
	if (p->size == 0) {
		if (!optional)
			return errf(err, errlen, "payload: %s is empty", name);
		if (p->off != 0)
			return errf(err, errlen,
				    "payload: %s has size 0 but offset %llu",
				    name, (unsigned long long)p->off);
		return 0;
	}
	if (p->off % PAYLOAD_ALIGN)
		return errf(err, errlen,
			    "payload: %s offset %llu not a multiple of 4096",
			    name, (unsigned long long)p->off);
	if (p->off < PAYLOAD_HDR_SIZE)
		return errf(err, errlen, "payload: %s overlaps the header",
			    name);
	if (p->off > disk_size || p->size > disk_size - p->off)
		return errf(err, errlen,
			    "payload: %s (offset %llu, %llu bytes) lies beyond "
			    "the disk (%llu bytes)",
			    name, (unsigned long long)p->off,
			    (unsigned long long)p->size,
			    (unsigned long long)disk_size);
	return 0;
}

static int overlap(const struct payload_piece *a, const struct payload_piece *b)
{
	if (a->size == 0 || b->size == 0)
		return 0;
	/* Both lie inside the disk, so off + size cannot overflow. */
	return a->off < b->off + b->size && b->off < a->off + a->size;
}

/* Magic, version, header size, flags and the reserved bytes. */
static int check_format(const uint8_t *hdr, const struct payload_fields *h,
			char *err, size_t errlen)
{
	const uint8_t *rsv = hdr + PAYLOAD_OFF(reserved);

	if (memcmp(hdr + PAYLOAD_OFF(magic), PAYLOAD_MAGIC,
		   PAYLOAD_MAGIC_LEN) != 0)
		return errf(err, errlen,
			    "payload: bad magic (not a Mantle payload disk)");
	if (h->version != PAYLOAD_VERSION)
		return errf(err, errlen, "payload: unsupported version %u",
			    h->version);
	if (h->header_size != PAYLOAD_HDR_SIZE)
		return errf(err, errlen, "payload: header_size %u, want 4096",
			    h->header_size);
	if (h->flags & ~PAYLOAD_FLAGS_KNOWN)
		return errf(err, errlen, "payload: unknown flags 0x%x",
			    h->flags & ~PAYLOAD_FLAGS_KNOWN);
	for (size_t i = 0; i < PAYLOAD_HDR_SIZE - PAYLOAD_OFF(reserved); i++)
		if (rsv[i])
			return errf(err, errlen,
				    "payload: reserved byte %zu is not zero",
				    PAYLOAD_OFF(reserved) + i);
	return 0;
}

/* vCPUs and guest memory. */
static int check_machine(const struct payload_fields *h, uint64_t mem_max,
			 char *err, size_t errlen)
{
	if (h->cpus < 1 || h->cpus > PAYLOAD_MAX_CPUS)
		return errf(err, errlen, "payload: cpus %u outside 1..%u",
			    h->cpus, PAYLOAD_MAX_CPUS);
	if (h->mem_bytes < PAYLOAD_MIN_MEM || h->mem_bytes % PAYLOAD_MEM_ALIGN)
		return errf(err, errlen,
			    "payload: mem_bytes %llu is not a multiple of 2 "
			    "MiB of at least 64 MiB",
			    (unsigned long long)h->mem_bytes);
	if (h->mem_bytes > mem_max)
		return errf(err, errlen,
			    "payload: guest memory %llu MiB exceeds this "
			    "paravisor's limit of %llu MiB",
			    (unsigned long long)(h->mem_bytes >> 20),
			    (unsigned long long)(mem_max >> 20));
	return 0;
}

int payload_parse(const void *hdr, size_t len, uint64_t disk_size,
		  uint64_t mem_max, struct payload_info *out, char *err,
		  size_t errlen)
{
	struct payload_fields h;

	if (len < PAYLOAD_HDR_SIZE || disk_size < PAYLOAD_HDR_SIZE)
		return errf(err, errlen,
			    "payload: disk too small for its 4096-byte header");
	payload_hdr_decode(hdr, &h);
	if (check_format(hdr, &h, err, errlen) ||
	    check_machine(&h, mem_max, err, errlen))
		return -1;

	out->cpus = h.cpus;
	out->mem_bytes = h.mem_bytes;
	out->kernel = h.kernel;
	out->initrd = h.initrd;
	out->cmdline = h.cmdline;
	out->flags = h.flags;

	if (check_piece("kernel", &out->kernel, 0, disk_size, err, errlen) ||
	    check_piece("initrd", &out->initrd, 1, disk_size, err, errlen) ||
	    check_piece("cmdline", &out->cmdline, 1, disk_size, err, errlen))
		return -1;
	if (out->kernel.size > PAYLOAD_MAX_KERNEL ||
	    out->kernel.size > out->mem_bytes)
		return errf(err, errlen,
			    "payload: kernel of %llu bytes is too large (max "
			    "%llu MiB and guest memory)",
			    (unsigned long long)out->kernel.size,
			    (unsigned long long)(PAYLOAD_MAX_KERNEL >> 20));
	if (out->initrd.size > out->mem_bytes)
		return errf(err, errlen,
			    "initrd too large for guest memory: %llu bytes, "
			    "guest RAM %llu MiB",
			    (unsigned long long)out->initrd.size,
			    (unsigned long long)(out->mem_bytes >> 20));
	if (out->cmdline.size > PAYLOAD_MAX_CMDLINE)
		return errf(err, errlen,
			    "payload: command line of %llu bytes (max %u)",
			    (unsigned long long)out->cmdline.size,
			    PAYLOAD_MAX_CMDLINE);
	if (overlap(&out->kernel, &out->initrd) ||
	    overlap(&out->kernel, &out->cmdline) ||
	    overlap(&out->initrd, &out->cmdline))
		return errf(err, errlen, "payload: pieces overlap");
	return 0;
}
