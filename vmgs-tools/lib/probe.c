// SPDX-License-Identifier: MIT
/* Container (VHD footer) and header probing, table validation. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

bool vmgs_all_zero(const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i])
			return false;
	return true;
}

enum vmgs_err vmgs_read_blocks(struct vmgs_io *io, uint32_t block, void *buf,
			       uint64_t len)
{
	uint64_t off = (uint64_t)block * VMGS_BLOCK_SIZE;
	uint64_t whole = len - len % io->sector_size;
	uint8_t *tail;

	if (off > io->size || len > io->size - off)
		return VMGS_E_BAD_TABLE;
	if (whole && io->ops->read(io->ctx, off, buf, (size_t)whole) != 0)
		return VMGS_E_IO;
	if (whole == len)
		return VMGS_OK;
	/* The last partial sector goes through a bounce buffer. */
	if (off + whole + io->sector_size > io->size)
		return VMGS_E_BAD_TABLE;
	tail = malloc(io->sector_size);
	if (!tail)
		return VMGS_E_NOMEM;
	if (io->ops->read(io->ctx, off + whole, tail, io->sector_size) != 0) {
		free(tail);
		return VMGS_E_IO;
	}
	memcpy((uint8_t *)buf + whole, tail, (size_t)(len - whole));
	free(tail);
	return VMGS_OK;
}

enum vmgs_err vmgs_probe(struct vmgs_io *io, unsigned flags,
			 struct vmgs_probe *p)
{
	uint8_t sec[2][4096];
	uint32_t ss;
	enum vmgs_err e;

	memset(p, 0, sizeof(*p));
	p->active = -1;
	if (!io || !io->ops)
		return VMGS_E_INVAL;
	ss = io->sector_size;
	if (ss != 512 && ss != 4096)
		return VMGS_E_INVAL;
	if (io->size == 0)
		return VMGS_E_EMPTY;
	if (io->size < 512 || io->size % 512 ||
	    io->size > VMGS_MAX_FILE_BYTES + VMGS_VHD_FOOTER_SIZE)
		return VMGS_E_FILE_SIZE;
	if (flags & VMGS_OPEN_RAW) {
		p->capacity = io->size;
	} else {
		uint8_t foot[VMGS_VHD_FOOTER_SIZE];

		if (io->ops->read(io->ctx, io->size - sizeof(foot), foot,
				  sizeof(foot)) != 0)
			return VMGS_E_IO;
		e = vhd_footer_validate(foot, io->size, &p->capacity);
		if (e)
			return e;
	}
	if (p->capacity < VMGS_MIN_CAPACITY || p->capacity < 2ull * ss)
		return VMGS_E_FILE_SIZE;
	if (io->ops->read(io->ctx, 0, sec[0], ss) != 0 ||
	    io->ops->read(io->ctx, ss, sec[1], ss) != 0)
		return VMGS_E_IO;
	if (ss == 512 && memcmp(sec[1], "EFI PART", 8) == 0)
		return VMGS_E_V1_FORMAT;
	for (int i = 0; i < 2; i++) {
		memcpy(p->raw[i], sec[i], VMGS_HEADER_SIZE);
		p->present[i] = !vmgs_all_zero(sec[i], ss);
		vmgs_header_decode(p->raw[i], &p->hdr[i]);
		p->status[i] = vmgs_header_validate(p->raw[i]);
	}
	if (!p->present[0] && !p->present[1])
		return VMGS_E_EMPTY;
	p->active = vmgs_header_select(&p->hdr[0], p->status[0], &p->hdr[1],
				       p->status[1], &p->select_err);
	return VMGS_OK;
}

enum vmgs_err vmgs_entry_check(const struct vmgs_entry *e, uint32_t cap_blocks)
{
	if (!e->alloc)
		return VMGS_OK;
	if (e->offset < VMGS_MIN_FILE_BLOCK || e->offset >= cap_blocks ||
	    (uint64_t)e->offset + e->alloc > cap_blocks ||
	    e->valid > (uint64_t)e->alloc * VMGS_BLOCK_SIZE)
		return VMGS_E_BAD_TABLE;
	return VMGS_OK;
}

enum vmgs_err vmgs_table_overlap(const struct vmgs_entry t[VMGS_FILE_COUNT],
				 unsigned *a, unsigned *b)
{
	/* 64 entries: the quadratic scan is cheaper than sorting. */
	for (unsigned i = 0; i < VMGS_FILE_COUNT; i++) {
		if (!t[i].alloc)
			continue;
		for (unsigned j = i + 1; j < VMGS_FILE_COUNT; j++) {
			uint64_t ie = (uint64_t)t[i].offset + t[i].alloc;
			uint64_t je = (uint64_t)t[j].offset + t[j].alloc;

			if (!t[j].alloc)
				continue;
			if (t[i].offset < je && t[j].offset < ie) {
				*a = i;
				*b = j;
				return VMGS_E_OVERLAP;
			}
		}
	}
	return VMGS_OK;
}

enum vmgs_err vmgs_read_headers(struct vmgs_io *io, unsigned flags,
				struct vmgs_headers *out)
{
	struct vmgs_probe p;
	enum vmgs_err e;

	memset(out, 0, sizeof(*out));
	out->active = -1;
	e = vmgs_probe(io, flags, &p);
	if (e && e != VMGS_E_EMPTY)
		return out->status = e;
	for (int i = 0; i < 2; i++) {
		struct vmgs_header_info *h = &out->h[i];
		const struct vmgs_header *s = &p.hdr[i];

		h->present = p.present[i];
		h->status = p.present[i] ? p.status[i] : VMGS_E_EMPTY;
		h->signature = s->signature;
		h->version = s->version;
		h->checksum = s->checksum;
		h->computed_checksum = vmgs_header_crc(p.raw[i]);
		h->sequence = s->sequence;
		h->header_size = s->header_size;
		h->file_table_offset = s->file_table_offset;
		h->file_table_size = s->file_table_size;
		h->encryption_algorithm = s->encryption_algorithm;
		h->markers = s->markers;
		for (int k = 0; k < 2; k++)
			h->key_slot_used[k] = !vmgs_all_zero(s->keys[k].wrapped,
							     VMGS_KEY_SIZE);
	}
	if (e == VMGS_E_EMPTY)
		return out->status = e;
	out->active = p.active;
	return out->status = p.select_err;
}
