// SPDX-License-Identifier: MIT
/*
 * The atomic update protocol (§1.3): new data, a new file table and (when
 * unlocked) a new extended file table go to blocks no entry of the current
 * table references; everything is flushed; then the other header slot gets
 * sequence+1 and is flushed too, so the next update may reuse this
 * update's predecessor blocks safely.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "internal.h"

static enum vmgs_err txn_alloc(struct vmgs *v, struct vmgs_txn *t,
			       uint32_t need, uint32_t *off)
{
	uint32_t used[VMGS_FILE_COUNT * 2 + 4][2];
	unsigned n = 0;
	enum vmgs_err e;

	/* Blocks of the committed table stay untouched until the header. */
	for (unsigned i = 0; i < VMGS_FILE_COUNT; i++) {
		if (!v->ft[i].alloc)
			continue;
		used[n][0] = v->ft[i].offset;
		used[n++][1] = v->ft[i].alloc;
	}
	for (unsigned i = 0; i < t->nalloc; i++) {
		used[n][0] = t->alloc[i].off;
		used[n++][1] = t->alloc[i].n;
	}
	e = vmgs_best_fit((const uint32_t(*)[2])used, n, v->cap_blocks, need,
			  off);
	if (e)
		return e;
	if (t->nalloc >= sizeof(t->alloc) / sizeof(t->alloc[0]))
		return VMGS_E_INVAL;
	t->alloc[t->nalloc].off = *off;
	t->alloc[t->nalloc++].n = need;
	return VMGS_OK;
}

static enum vmgs_err add_write(struct vmgs_txn *t, uint32_t block,
			       const uint8_t *data, uint64_t len, unsigned id,
			       bool encrypt)
{
	if (t->nw >= sizeof(t->w) / sizeof(t->w[0]))
		return VMGS_E_INVAL;
	t->w[t->nw].block = block;
	t->w[t->nw].data = data;
	t->w[t->nw].len = len;
	t->w[t->nw].id = id;
	t->w[t->nw++].encrypt = encrypt;
	return VMGS_OK;
}

enum vmgs_err vmgs_txn_begin(struct vmgs *v, struct vmgs_txn *t)
{
	uint32_t off;
	enum vmgs_err e;

	if (v->poisoned)
		return VMGS_E_POISONED;
	if (!(v->flags & VMGS_OPEN_WRITE))
		return VMGS_E_INVAL;
	memset(t, 0, sizeof(*t));
	t->hdr = v->hdr;
	memcpy(t->ft, v->ft, sizeof(t->ft));
	memcpy(t->eft, v->eft, sizeof(t->eft));
	memcpy(t->mk, v->mk, sizeof(t->mk));
	t->unlocked = v->unlocked;
	t->key_slot = v->key_slot;
	/* The file table is allocated first, as the reference does. */
	e = txn_alloc(v, t, 1, &off);
	if (e)
		return e;
	memset(&t->ft[0], 0, sizeof(t->ft[0]));
	t->ft[0].offset = off;
	t->ft[0].alloc = 1;
	t->ft[0].valid = VMGS_BLOCK_SIZE;
	return VMGS_OK;
}

void vmgs_txn_abort(struct vmgs_txn *t)
{
	t->nw = 0;
	vmgs_wipe(t->mk, sizeof(t->mk));
	vmgs_wipe(t->eft, sizeof(t->eft));
	vmgs_wipe(t->eft_buf, sizeof(t->eft_buf));
}

enum vmgs_err vmgs_txn_put(struct vmgs *v, struct vmgs_txn *t, unsigned id,
			   const uint8_t *data, uint64_t len, bool encrypt)
{
	uint64_t blocks = (len + VMGS_BLOCK_SIZE - 1) / VMGS_BLOCK_SIZE;
	struct vmgs_entry *e = &t->ft[id];
	uint32_t off;
	enum vmgs_err err;

	if (blocks == 0)
		blocks = 1;
	if (blocks > v->cap_blocks)
		return VMGS_E_TOO_BIG;
	err = txn_alloc(v, t, (uint32_t)blocks, &off);
	if (err)
		return err;
	memset(e, 0, sizeof(*e));
	e->offset = off;
	e->alloc = (uint32_t)blocks;
	e->valid = len;
	if (encrypt) {
		struct vmgs_ext_entry *x = &t->eft[id];

		if (!t->unlocked)
			return VMGS_E_LOCKED;
		/*
		 * A fresh random key per write: (key, nonce) never repeats.
		 * The data is encrypted while it is written, in commit.
		 */
		memset(x, 0, sizeof(*x));
		err = vmgs_fresh_key_nonce(x->key, e->nonce);
		if (err)
			return err;
		x->attributes = VMGS_ATTR_ENCRYPTED | VMGS_ATTR_AUTHENTICATED;
		e->attributes = x->attributes;
		t->rewrite_eft = true;
		return add_write(t, off, data, len, id, true);
	}
	if (t->unlocked && id != VMGS_FID_EXTENDED_FILE_TABLE) {
		memset(&t->eft[id], 0, sizeof(t->eft[id]));
		t->rewrite_eft = true;
	}
	return add_write(t, off, data, len, id, false);
}

/*
 * A private, stable mapping of a file's sectors: the data is encrypted (or
 * copied) straight into it and the tail of the last sector zeroed.
 */
static enum vmgs_err write_mapped(const struct vmgs_txn_write *w, vmgs_gcm *g,
				  uint8_t *p, uint64_t span)
{
	enum vmgs_err err = VMGS_OK;

	if (g)
		err = vmgs_gcm_update(g, w->data, p, (size_t)w->len, true);
	else if (w->len)
		memcpy(p, w->data, (size_t)w->len);
	memset(p + w->len, 0, (size_t)(span - w->len));
	return err;
}

/*
 * Writes one file at its block, zero-filling the tail of the last sector.
 * Unless the io maps its memory, encrypted files go through the bounce
 * buffer a chunk at a time, so the ciphertext is written while it is
 * still in cache.
 */
static enum vmgs_err write_file(struct vmgs *v, struct vmgs_txn *t,
				const struct vmgs_txn_write *w)
{
	struct vmgs_io *io = &v->io;
	uint64_t base = (uint64_t)w->block * VMGS_BLOCK_SIZE, off = 0;
	/* Sectors the file touches; an empty file still owns its first. */
	uint64_t span = w->len ? (w->len + io->sector_size - 1) /
					 io->sector_size * io->sector_size :
				 io->sector_size;
	uint8_t *mapped =
		io->ops->map ? io->ops->map(io->ctx, base, (size_t)span) : NULL;
	uint8_t *bounce = mapped ? NULL : vmgs_bounce(v);
	vmgs_gcm *g = NULL;
	enum vmgs_err err = VMGS_OK;

	if (!mapped && !bounce)
		return VMGS_E_NOMEM;
	if (w->encrypt) {
		err = vmgs_gcm_begin(&g, t->eft[w->id].key, t->ft[w->id].nonce,
				     true);
		if (err)
			return err;
	}
	if (mapped) {
		err = write_mapped(w, g, mapped, span);
		off = w->len;
	} else if (!g && w->len >= io->sector_size) {
		/* Plaintext: the whole sectors in one call. */
		off = w->len - w->len % io->sector_size;
		if (io->ops->write(io->ctx, base, w->data, (size_t)off))
			return VMGS_E_IO;
	}
	if (!mapped && !w->len) {
		/* An empty file still owns a block: zero its first sector. */
		memset(bounce, 0, io->sector_size);
		if (io->ops->write(io->ctx, base, bounce, io->sector_size))
			err = VMGS_E_IO;
	}
	while (!err && off < w->len) {
		uint64_t n =
			w->len - off < VMGS_CHUNK ? w->len - off : VMGS_CHUNK;
		/* Never past the last sector the data touches. */
		uint64_t padded = (n + io->sector_size - 1) / io->sector_size *
				  io->sector_size;

		if (g)
			err = vmgs_gcm_update(g, w->data + off, bounce,
					      (size_t)n, true);
		else
			memcpy(bounce, w->data + off, (size_t)n);
		if (err)
			break;
		memset(bounce + n, 0, (size_t)(padded - n));
		if (io->ops->write(io->ctx, base + off, bounce, (size_t)padded))
			err = VMGS_E_IO;
		off += n;
	}
	if (!err && g)
		err = vmgs_gcm_end_encrypt(g, t->ft[w->id].tag);
	vmgs_gcm_free(g);
	return err;
}

static enum vmgs_err seal_eft(struct vmgs *v, struct vmgs_txn *t)
{
	struct vmgs_entry *e = &t->ft[VMGS_FID_EXTENDED_FILE_TABLE];
	uint8_t ct[VMGS_TABLE_BYTES];
	uint32_t off;
	enum vmgs_err err;

	err = txn_alloc(v, t, 1, &off);
	if (err)
		return err;
	vmgs_ext_table_encode(t->eft, t->eft_buf);
	memset(e, 0, sizeof(*e));
	e->offset = off;
	e->alloc = 1;
	e->valid = VMGS_TABLE_BYTES;
	e->attributes = VMGS_ATTR_ENCRYPTED | VMGS_ATTR_AUTHENTICATED;
	/*
	 * The metadata key lives long, so its nonces are random 96-bit
	 * values, fresh on every EFT write.
	 */
	err = vmgs_random(e->nonce, sizeof(e->nonce));
	if (!err)
		err = vmgs_gcm_encrypt(t->mk, e->nonce, t->eft_buf, ct,
				       VMGS_TABLE_BYTES, e->tag);
	vmgs_wipe(t->eft_buf, sizeof(t->eft_buf));
	if (!err && v->io.ops->write(v->io.ctx, (uint64_t)off * VMGS_BLOCK_SIZE,
				     ct, sizeof(ct)))
		err = VMGS_E_IO;
	return err;
}

static enum vmgs_err write_header(struct vmgs *v, const struct vmgs_header *h,
				  int slot)
{
	uint8_t *sec = calloc(1, v->io.sector_size);
	int rc;

	if (!sec)
		return VMGS_E_NOMEM;
	vmgs_header_encode(h, sec);
	rc = v->io.ops->write(v->io.ctx, (uint64_t)slot * v->io.sector_size,
			      sec, v->io.sector_size);
	free(sec);
	return rc ? VMGS_E_IO : VMGS_OK;
}

enum vmgs_err vmgs_txn_commit(struct vmgs *v, struct vmgs_txn *t)
{
	struct vmgs_header h;
	int slot = 1 - v->active;
	enum vmgs_err err = VMGS_OK;

	/* Data first: encrypting it produces the tags the tables record. */
	for (unsigned i = 0; i < t->nw; i++) {
		err = write_file(v, t, &t->w[i]);
		if (err)
			goto out;
	}
	if (t->rewrite_eft) {
		err = t->unlocked ? seal_eft(v, t) : VMGS_E_LOCKED;
		if (err)
			goto out;
	}
	vmgs_table_encode(t->ft, t->ft_buf);
	if (v->io.ops->write(v->io.ctx,
			     (uint64_t)t->ft[0].offset * VMGS_BLOCK_SIZE,
			     t->ft_buf, VMGS_TABLE_BYTES)) {
		err = VMGS_E_IO;
		goto out;
	}
	/* Data must be durable before a header points at it. */
	if (v->io.ops->flush(v->io.ctx) != 0) {
		err = VMGS_E_IO;
		goto out;
	}
	h = t->hdr;
	h.signature = VMGS_SIGNATURE;
	h.version = VMGS_VERSION_3;
	h.header_size = VMGS_HEADER_SIZE;
	h.file_table_offset = t->ft[0].offset;
	h.file_table_size = 1;
	h.sequence = v->hdr.sequence + 1;
	h.checksum = 0;
	{
		uint8_t b[VMGS_HEADER_SIZE];

		vmgs_header_encode(&h, b);
		h.checksum = vmgs_header_crc(b);
	}
	err = write_header(v, &h, slot);
	if (!err && v->io.ops->flush(v->io.ctx) != 0)
		err = VMGS_E_IO;
	if (err)
		goto out;
	v->hdr = h;
	v->active = slot;
	memcpy(v->ft, t->ft, sizeof(v->ft));
	memcpy(v->eft, t->eft, sizeof(v->eft));
	memcpy(v->mk, t->mk, sizeof(v->mk));
	v->unlocked = t->unlocked;
	v->key_slot = t->key_slot;
out:
	if (err == VMGS_E_IO)
		v->poisoned = true;
	vmgs_txn_abort(t);
	return err;
}
