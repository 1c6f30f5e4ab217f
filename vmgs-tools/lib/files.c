// SPDX-License-Identifier: MIT
/* Reading, writing, deleting and moving files by id. */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "internal.h"

/* Ids 0 (file table) and 63 (extended file table) are not user files. */
static bool user_id(unsigned id)
{
	return id > VMGS_FID_FILE_TABLE && id < VMGS_FID_EXTENDED_FILE_TABLE;
}

static bool file_encrypted(const struct vmgs *v, unsigned id)
{
	/* Once unlocked, only the authenticated EFT decides. */
	if (v->unlocked)
		return v->eft[id].attributes & VMGS_ATTR_ENCRYPTED;
	return v->ft[id].attributes & VMGS_ATTR_ENCRYPTED;
}

enum vmgs_err vmgs_stat(const struct vmgs *v, unsigned id,
			struct vmgs_file_info *info)
{
	const struct vmgs_entry *e;

	if (!v || !info || id >= VMGS_FILE_COUNT)
		return VMGS_E_BAD_FILE_ID;
	e = &v->ft[id];
	memset(info, 0, sizeof(*info));
	info->id = id;
	info->allocated = e->alloc != 0;
	info->block_offset = e->offset;
	info->alloc_blocks = e->alloc;
	info->valid_bytes = e->valid;
	info->attributes = v->unlocked && id != VMGS_FID_EXTENDED_FILE_TABLE ?
				   v->eft[id].attributes :
				   e->attributes;
	info->encrypted = id == VMGS_FID_EXTENDED_FILE_TABLE ?
				  vmgs_is_encrypted(v) :
				  file_encrypted(v, id);
	return info->allocated ? VMGS_OK : VMGS_E_NOT_FOUND;
}

void vmgs_list(const struct vmgs *v,
	       struct vmgs_file_info info[VMGS_FILE_COUNT])
{
	for (unsigned i = 0; i < VMGS_FILE_COUNT; i++)
		vmgs_stat(v, i, &info[i]);
}

/*
 * Reads (and decrypts) in chunks so each is decrypted while in cache. The
 * bytes are first copied into buf, so what is decrypted and authenticated
 * is what the caller gets even if the storage changes meanwhile; only an
 * io that maps private, stable memory is decrypted from directly.
 */
static enum vmgs_err read_chunks(struct vmgs *v, unsigned id, bool enc,
				 uint8_t *buf)
{
	const struct vmgs_entry *e = &v->ft[id];
	struct vmgs_io *io = &v->io;
	uint64_t base = (uint64_t)e->offset * VMGS_BLOCK_SIZE, off = 0;
	uint64_t whole = e->valid - e->valid % io->sector_size;
	uint64_t span = (e->valid + io->sector_size - 1) / io->sector_size *
			io->sector_size;
	const uint8_t *mapped =
		io->ops->map ? io->ops->map(io->ctx, base, (size_t)span) : NULL;
	vmgs_gcm *g = NULL;
	enum vmgs_err err = VMGS_OK;

	if (enc) {
		err = vmgs_gcm_begin(&g, v->eft[id].key, e->nonce, false);
		if (err)
			return err;
	}
	if (mapped) {
		if (g)
			err = vmgs_gcm_update(g, mapped, buf, (size_t)e->valid,
					      false);
		else
			memcpy(buf, mapped, (size_t)e->valid);
		off = e->valid;
	}
	while (!err && off < e->valid) {
		uint64_t n = e->valid - off < VMGS_CHUNK ? e->valid - off :
							   VMGS_CHUNK;

		if (off + n > whole) {
			/* Last partial sector through the bounce buffer. */
			uint8_t *bounce = vmgs_bounce(v);

			if (off < whole)
				n = whole - off;
			else if (!bounce)
				err = VMGS_E_NOMEM;
			else if (io->ops->read(io->ctx, base + off, bounce,
					       io->sector_size))
				err = VMGS_E_IO;
			else
				memcpy(buf + off, bounce, (size_t)n);
		}
		if (!err && off < whole &&
		    io->ops->read(io->ctx, base + off, buf + off, (size_t)n))
			err = VMGS_E_IO;
		if (!err && g)
			err = vmgs_gcm_update(g, buf + off, buf + off,
					      (size_t)n, false);
		if (err)
			break;
		off += n;
	}
	if (!err && g)
		err = vmgs_gcm_end_decrypt(g, e->tag);
	vmgs_gcm_free(g);
	if (err && e->valid)
		vmgs_wipe(buf, (size_t)e->valid); /* never hand out forgeries */
	return err;
}

enum vmgs_err vmgs_read_into(struct vmgs *v, unsigned id, unsigned flags,
			     uint8_t *buf, uint64_t cap, uint64_t *len)
{
	const struct vmgs_entry *e;
	bool enc;

	if (!v || !len || (!buf && cap))
		return VMGS_E_INVAL;
	*len = 0;
	if (!user_id(id))
		return VMGS_E_BAD_FILE_ID;
	e = &v->ft[id];
	if (!e->alloc)
		return VMGS_E_NOT_FOUND;
	enc = file_encrypted(v, id) && !(flags & VMGS_READ_RAW);
	if (enc && !v->unlocked)
		return VMGS_E_LOCKED;
	if (e->valid > cap)
		return VMGS_E_TOO_BIG;
	*len = e->valid;
	return e->valid ? read_chunks(v, id, enc, buf) : VMGS_OK;
}

enum vmgs_err vmgs_read(struct vmgs *v, unsigned id, unsigned flags,
			uint8_t **data, uint64_t *len)
{
	struct vmgs_file_info fi;
	uint8_t *buf;
	enum vmgs_err err;

	if (!v || !data || !len)
		return VMGS_E_INVAL;
	*data = NULL;
	*len = 0;
	if (!user_id(id))
		return VMGS_E_BAD_FILE_ID;
	err = vmgs_stat(v, id, &fi);
	if (err)
		return err;
	/* valid <= alloc * 4096 <= capacity: bounded by the file itself. */
	buf = malloc(fi.valid_bytes ? (size_t)fi.valid_bytes : 1);
	if (!buf)
		return VMGS_E_NOMEM;
	err = vmgs_read_into(v, id, flags, buf, fi.valid_bytes, len);
	if (err) {
		free(buf);
		*len = 0;
		return err;
	}
	*data = buf;
	return VMGS_OK;
}

/*
 * A table edit is one transaction: txn_start() allocates and begins it (and
 * cleans up if begin fails); txn_end() commits it when err is 0, else aborts
 * it, frees it and returns err.
 */
static enum vmgs_err txn_start(struct vmgs *v, struct vmgs_txn **out)
{
	struct vmgs_txn *t = malloc(sizeof(*t));
	enum vmgs_err err;

	if (!t)
		return VMGS_E_NOMEM;
	err = vmgs_txn_begin(v, t);
	if (err) {
		vmgs_txn_abort(t);
		free(t);
		return err;
	}
	*out = t;
	return VMGS_OK;
}

static enum vmgs_err txn_end(struct vmgs *v, struct vmgs_txn *t,
			     enum vmgs_err err)
{
	if (!err)
		err = vmgs_txn_commit(v, t);
	else
		vmgs_txn_abort(t);
	free(t);
	return err;
}

enum vmgs_err vmgs_write(struct vmgs *v, unsigned id, const void *data,
			 uint64_t len, unsigned flags)
{
	struct vmgs_txn *t;
	enum vmgs_err err;
	bool enc = flags & VMGS_WRITE_ENCRYPT;

	if (!v || (!data && len))
		return VMGS_E_INVAL;
	if (!user_id(id))
		return VMGS_E_BAD_FILE_ID;
	if (v->poisoned)
		return VMGS_E_POISONED;
	if (len > v->capacity)
		return VMGS_E_TOO_BIG;
	if (v->ft[id].alloc && v->ft[id].valid &&
	    !(flags & VMGS_WRITE_OVERWRITE))
		return VMGS_E_EXISTS;
	if (enc && !vmgs_is_encrypted(v))
		return VMGS_E_NOT_ENCRYPTED;
	if (enc && !v->unlocked)
		return VMGS_E_LOCKED;
	err = txn_start(v, &t);
	if (err)
		return err;
	return txn_end(v, t, vmgs_txn_put(v, t, id, data, len, enc));
}

enum vmgs_err vmgs_delete(struct vmgs *v, unsigned id)
{
	struct vmgs_txn *t;
	enum vmgs_err err;

	if (!v)
		return VMGS_E_INVAL;
	if (!user_id(id))
		return VMGS_E_BAD_FILE_ID;
	if (!v->ft[id].alloc)
		return VMGS_E_NOT_FOUND;
	err = txn_start(v, &t);
	if (err)
		return err;
	memset(&t->ft[id], 0, sizeof(t->ft[id]));
	if (t->unlocked) {
		memset(&t->eft[id], 0, sizeof(t->eft[id]));
		t->rewrite_eft = true;
	}
	return txn_end(v, t, VMGS_OK);
}

enum vmgs_err vmgs_move(struct vmgs *v, unsigned src, unsigned dst,
			bool overwrite)
{
	struct vmgs_txn *t;
	enum vmgs_err err;

	if (!v)
		return VMGS_E_INVAL;
	if (!user_id(src) || !user_id(dst) || src == dst)
		return VMGS_E_BAD_FILE_ID;
	if (!v->ft[src].alloc)
		return VMGS_E_NOT_FOUND;
	if (v->ft[dst].alloc && v->ft[dst].valid && !overwrite)
		return VMGS_E_EXISTS;
	/* The per-file key moves with the entry: that needs the EFT. */
	if (vmgs_is_encrypted(v) && !v->unlocked)
		return VMGS_E_LOCKED;
	err = txn_start(v, &t);
	if (err)
		return err;
	/* Only the tables change; the data blocks stay where they are. */
	t->ft[dst] = t->ft[src];
	memset(&t->ft[src], 0, sizeof(t->ft[src]));
	if (t->unlocked) {
		t->eft[dst] = t->eft[src];
		memset(&t->eft[src], 0, sizeof(t->eft[src]));
		t->rewrite_eft = true;
	}
	return txn_end(v, t, VMGS_OK);
}
