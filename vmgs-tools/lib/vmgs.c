// SPDX-License-Identifier: MIT
/* Open, format and close a VMGS. */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "internal.h"

static struct vmgs *vmgs_alloc(struct vmgs_io *io, unsigned flags,
			       uint64_t capacity)
{
	struct vmgs *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->io = *io;
	v->flags = flags;
	v->capacity = capacity;
	v->cap_blocks = (uint32_t)(capacity / VMGS_BLOCK_SIZE);
	v->key_slot = -1;
	return v;
}

enum vmgs_err vmgs_open(struct vmgs_io *io, unsigned flags, struct vmgs **out)
{
	uint8_t tbl[VMGS_TABLE_BYTES];
	struct vmgs_probe p;
	struct vmgs *v;
	unsigned a, b;
	enum vmgs_err e;

	if (!out)
		return VMGS_E_INVAL;
	*out = NULL;
	e = vmgs_probe(io, flags, &p);
	if (e)
		return e;
	if (p.active < 0)
		return p.select_err;
	v = vmgs_alloc(io, flags, p.capacity);
	if (!v)
		return VMGS_E_NOMEM;
	v->hdr = p.hdr[p.active];
	v->active = p.active;
	if (v->hdr.file_table_offset >= v->cap_blocks) {
		e = VMGS_E_BAD_TABLE;
		goto fail;
	}
	e = vmgs_read_blocks(io, v->hdr.file_table_offset, tbl, sizeof(tbl));
	if (e)
		goto fail;
	vmgs_table_decode(tbl, v->ft);
	/* Entry 0 describes the table itself: trust the header for it. */
	memset(&v->ft[0], 0, sizeof(v->ft[0]));
	v->ft[0].offset = v->hdr.file_table_offset;
	v->ft[0].alloc = 1;
	v->ft[0].valid = VMGS_TABLE_BYTES;
	for (unsigned i = 1; i < VMGS_FILE_COUNT; i++) {
		e = vmgs_entry_check(&v->ft[i], v->cap_blocks);
		if (e)
			goto fail;
	}
	e = vmgs_table_overlap(v->ft, &a, &b);
	if (e)
		goto fail;
	*out = v;
	return VMGS_OK;
fail:
	free(v);
	return e;
}

static const uint8_t zero_table[VMGS_TABLE_BYTES];

/* An empty table with an all-zero plaintext EFT placeholder (§1.7). */
static enum vmgs_err commit_empty(struct vmgs *v)
{
	struct vmgs_txn *t = malloc(sizeof(*t));
	enum vmgs_err e;

	if (!t)
		return VMGS_E_NOMEM;
	e = vmgs_txn_begin(v, t);
	if (!e) {
		/* Keep only the new table's own entry from begin. */
		memset(&t->ft[1], 0, sizeof(t->ft) - sizeof(t->ft[0]));
		memset(t->eft, 0, sizeof(t->eft));
		vmgs_wipe(t->mk, sizeof(t->mk));
		t->unlocked = false;
		t->key_slot = -1;
		t->hdr.encryption_algorithm = VMGS_ENC_NONE;
		t->hdr.markers = 0;
		memset(t->hdr.keys, 0, sizeof(t->hdr.keys));
		e = vmgs_txn_put(v, t, VMGS_FID_EXTENDED_FILE_TABLE, zero_table,
				 sizeof(zero_table), false);
	}
	if (!e)
		e = vmgs_txn_commit(v, t);
	else
		vmgs_txn_abort(t);
	free(t);
	return e;
}

/*
 * Reformat a valid VMGS of the same capacity as one more atomic update, so
 * a crash leaves the old contents or the empty new ones, never a mix.
 */
static enum vmgs_err reformat(struct vmgs_io *io, uint64_t capacity,
			      unsigned flags, struct vmgs **out)
{
	struct vmgs *v;
	enum vmgs_err e;

	e = vmgs_open(io, (flags & VMGS_OPEN_RAW) | VMGS_OPEN_WRITE, &v);
	if (e)
		return e;
	if (v->capacity != capacity) {
		vmgs_release(v);
		return VMGS_E_FILE_SIZE;
	}
	e = commit_empty(v);
	if (e) {
		vmgs_release(v);
		return e;
	}
	v->flags = flags;
	*out = v;
	return VMGS_OK;
}

enum vmgs_err vmgs_format(struct vmgs_io *io, uint64_t capacity, unsigned flags,
			  struct vmgs **out)
{
	uint64_t need = capacity;
	struct vmgs *v;
	uint8_t *sec;
	enum vmgs_err e;

	if (!io || !io->ops || !out)
		return VMGS_E_INVAL;
	*out = NULL;
	if (!(flags & VMGS_OPEN_RAW))
		need += VMGS_VHD_FOOTER_SIZE;
	if (capacity % 512 || capacity < VMGS_MIN_CAPACITY ||
	    capacity > VMGS_MAX_FILE_BYTES || io->size < need ||
	    (io->sector_size != 512 && io->sector_size != 4096))
		return VMGS_E_FILE_SIZE;
	e = reformat(io, capacity, flags, out);
	if (e != VMGS_E_EMPTY && e != VMGS_E_BAD_HEADER &&
	    e != VMGS_E_BAD_SEQUENCE && e != VMGS_E_BAD_TABLE &&
	    e != VMGS_E_OVERLAP && e != VMGS_E_NO_FOOTER &&
	    e != VMGS_E_BAD_FOOTER && e != VMGS_E_FILE_SIZE &&
	    e != VMGS_E_V1_FORMAT)
		return e; /* done, or an I/O or memory failure */
	/* Nothing usable there: a fresh container and VMGS. */
	if (!(flags & VMGS_OPEN_RAW)) {
		uint8_t foot[VMGS_VHD_FOOTER_SIZE];

		e = vhd_footer_build(capacity, foot);
		if (e)
			return e;
		if (io->ops->write(io->ctx, io->size - sizeof(foot), foot,
				   sizeof(foot)) != 0)
			return VMGS_E_IO;
	}
	v = vmgs_alloc(io, flags | VMGS_OPEN_WRITE, capacity);
	sec = calloc(1, io->sector_size);
	if (!v || !sec) {
		e = VMGS_E_NOMEM;
		goto fail;
	}
	/* Both header slots cleared and hardened before any table write. */
	if (io->ops->write(io->ctx, 0, sec, io->sector_size) ||
	    io->ops->write(io->ctx, io->sector_size, sec, io->sector_size) ||
	    io->ops->flush(io->ctx)) {
		e = VMGS_E_IO;
		goto fail;
	}
	/* Start from "slot 1 active, sequence 0": header 1 gets sequence 1. */
	v->active = 1;
	e = commit_empty(v);
	if (e)
		goto fail;
	v->flags = flags;
	free(sec);
	*out = v;
	return VMGS_OK;
fail:
	free(sec);
	if (v)
		vmgs_release(v);
	return e;
}

void vmgs_release(struct vmgs *v)
{
	vmgs_wipe(v->mk, sizeof(v->mk));
	vmgs_wipe(v->eft, sizeof(v->eft));
	if (v->bounce) {
		vmgs_wipe(v->bounce, VMGS_CHUNK);
		free(v->bounce);
	}
	free(v);
}

uint8_t *vmgs_bounce(struct vmgs *v)
{
	if (!v->bounce)
		v->bounce = malloc(VMGS_CHUNK);
	return v->bounce;
}

void vmgs_close(struct vmgs *v)
{
	if (!v)
		return;
	vmgs_io_close(&v->io);
	vmgs_release(v);
}

uint64_t vmgs_capacity(const struct vmgs *v)
{
	return v->capacity;
}

bool vmgs_is_encrypted(const struct vmgs *v)
{
	return v->hdr.encryption_algorithm == VMGS_ENC_AES_GCM;
}

bool vmgs_is_unlocked(const struct vmgs *v)
{
	return v->unlocked;
}
