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

enum vmgs_err vmgs_read(struct vmgs *v, unsigned id, unsigned flags,
			uint8_t **data, uint64_t *len)
{
	const struct vmgs_entry *e;
	uint8_t *buf;
	enum vmgs_err err;
	bool enc;

	if (!v || !data || !len)
		return VMGS_E_INVAL;
	*data = NULL;
	*len = 0;
	if (!user_id(id))
		return VMGS_E_BAD_FILE_ID;
	e = &v->ft[id];
	if (!e->alloc)
		return VMGS_E_NOT_FOUND;
	enc = file_encrypted(v, id) && !(flags & VMGS_READ_RAW);
	if (enc && !v->unlocked)
		return VMGS_E_LOCKED;
	/* valid <= alloc * 4096 <= capacity: bounded by the file itself. */
	buf = malloc(e->valid ? (size_t)e->valid : 1);
	if (!buf)
		return VMGS_E_NOMEM;
	err = vmgs_read_blocks(&v->io, e->offset, buf, e->valid);
	if (!err && enc)
		err = vmgs_gcm_decrypt(v->eft[id].key, e->nonce, buf, buf,
				       e->valid, e->tag);
	if (err) {
		free(buf);
		return err;
	}
	*data = buf;
	*len = e->valid;
	return VMGS_OK;
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
	t = malloc(sizeof(*t));
	if (!t)
		return VMGS_E_NOMEM;
	err = vmgs_txn_begin(v, t);
	if (!err)
		err = vmgs_txn_put(v, t, id, data, len, enc);
	if (!err)
		err = vmgs_txn_commit(v, t);
	else
		vmgs_txn_abort(t);
	free(t);
	return err;
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
	t = malloc(sizeof(*t));
	if (!t)
		return VMGS_E_NOMEM;
	err = vmgs_txn_begin(v, t);
	if (!err) {
		memset(&t->ft[id], 0, sizeof(t->ft[id]));
		if (t->unlocked) {
			memset(&t->eft[id], 0, sizeof(t->eft[id]));
			t->rewrite_eft = true;
		}
		err = vmgs_txn_commit(v, t);
	} else {
		vmgs_txn_abort(t);
	}
	free(t);
	return err;
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
	t = malloc(sizeof(*t));
	if (!t)
		return VMGS_E_NOMEM;
	err = vmgs_txn_begin(v, t);
	if (!err) {
		/* Only the tables change; the data blocks stay where they are. */
		t->ft[dst] = t->ft[src];
		memset(&t->ft[src], 0, sizeof(t->ft[src]));
		if (t->unlocked) {
			t->eft[dst] = t->eft[src];
			memset(&t->eft[src], 0, sizeof(t->eft[src]));
			t->rewrite_eft = true;
		}
		err = vmgs_txn_commit(v, t);
	} else {
		vmgs_txn_abort(t);
	}
	free(t);
	return err;
}
