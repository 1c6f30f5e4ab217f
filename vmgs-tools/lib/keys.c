// SPDX-License-Identifier: MIT
/*
 * Key hierarchy (§1.6): a datastore key (never stored) wraps the metadata
 * key in one of two header slots; the metadata key encrypts the extended
 * file table, which holds a random per-file key for every encrypted file.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "internal.h"

enum vmgs_err vmgs_wrap_key(const uint8_t dk[VMGS_KEY_SIZE],
			    const uint8_t mk[VMGS_KEY_SIZE],
			    struct vmgs_key_slot *slot)
{
	enum vmgs_err e;

	memset(slot, 0, sizeof(*slot));
	/* The datastore key is long-lived: a random nonce per wrap. */
	e = vmgs_random(slot->nonce, sizeof(slot->nonce));
	if (!e)
		e = vmgs_gcm_encrypt(dk, slot->nonce, mk, slot->wrapped,
				     VMGS_KEY_SIZE, slot->tag);
	return e;
}

enum vmgs_err vmgs_unlock(struct vmgs *v, const uint8_t key[VMGS_KEY_SIZE])
{
	const struct vmgs_entry *x = &v->ft[VMGS_FID_EXTENDED_FILE_TABLE];
	uint8_t mk[VMGS_KEY_SIZE], buf[VMGS_TABLE_BYTES];
	int slot = -1;
	enum vmgs_err e;

	if (!v || !key)
		return VMGS_E_INVAL;
	if (!vmgs_is_encrypted(v))
		return VMGS_E_NOT_ENCRYPTED;
	for (int i = 0; i < 2 && slot < 0; i++) {
		const struct vmgs_key_slot *s = &v->hdr.keys[i];

		if (vmgs_all_zero(s->wrapped, sizeof(s->wrapped)))
			continue;
		e = vmgs_gcm_decrypt(key, s->nonce, s->wrapped, mk,
				     VMGS_KEY_SIZE, s->tag);
		if (e == VMGS_OK)
			slot = i;
		else if (e != VMGS_E_AUTH)
			return e;
	}
	if (slot < 0)
		return VMGS_E_WRONG_KEY;
	/* Whatever key the slot yields is used, as the format requires. */
	if (!x->alloc || x->valid != VMGS_TABLE_BYTES) {
		e = VMGS_E_BAD_TABLE;
		goto out;
	}
	e = vmgs_read_blocks(&v->io, x->offset, buf, sizeof(buf));
	if (!e)
		e = vmgs_gcm_decrypt(mk, x->nonce, buf, buf, sizeof(buf),
				     x->tag);
	if (e)
		goto out;
	vmgs_ext_table_decode(buf, v->eft);
	memcpy(v->mk, mk, sizeof(mk));
	v->key_slot = slot;
	v->unlocked = true;
out:
	vmgs_wipe(mk, sizeof(mk));
	vmgs_wipe(buf, sizeof(buf));
	return e;
}

/* New metadata key wrapped into `slot`, other slot cleared, EFT resealed. */
static enum vmgs_err rekey(struct vmgs *v, const uint8_t dk[VMGS_KEY_SIZE],
			   int slot, bool first)
{
	struct vmgs_txn *t = malloc(sizeof(*t));
	enum vmgs_err e;

	if (!t)
		return VMGS_E_NOMEM;
	e = vmgs_txn_begin(v, t);
	if (e)
		goto abort;
	e = vmgs_random(t->mk, sizeof(t->mk));
	if (e)
		goto abort;
	if (first) {
		/* Existing files stay plaintext; record that in the EFT. */
		memset(t->eft, 0, sizeof(t->eft));
		for (unsigned i = 1; i < VMGS_FID_EXTENDED_FILE_TABLE; i++)
			t->eft[i].attributes = 0;
		t->hdr.encryption_algorithm = VMGS_ENC_AES_GCM;
	}
	memset(t->hdr.keys, 0, sizeof(t->hdr.keys));
	e = vmgs_wrap_key(dk, t->mk, &t->hdr.keys[slot]);
	if (e)
		goto abort;
	t->key_slot = slot;
	t->unlocked = true;
	t->rewrite_eft = true;
	e = vmgs_txn_commit(v, t);
	free(t);
	return e;
abort:
	vmgs_txn_abort(t);
	free(t);
	return e;
}

enum vmgs_err vmgs_add_first_key(struct vmgs *v,
				 const uint8_t key[VMGS_KEY_SIZE])
{
	if (!v || !key)
		return VMGS_E_INVAL;
	if (vmgs_is_encrypted(v))
		return VMGS_E_ENCRYPTED;
	return rekey(v, key, 0, true);
}

enum vmgs_err vmgs_roll_key(struct vmgs *v,
			    const uint8_t new_key[VMGS_KEY_SIZE])
{
	if (!v || !new_key)
		return VMGS_E_INVAL;
	if (!vmgs_is_encrypted(v))
		return VMGS_E_NOT_ENCRYPTED;
	if (!v->unlocked)
		return VMGS_E_LOCKED;
	/*
	 * One atomic update replaces both the wrapping and the metadata key,
	 * so no intermediate state with two live slots ever exists on disk.
	 */
	return rekey(v, new_key, 1 - v->key_slot, false);
}

/* The unlocked EFT of a freshly read table n, with v's metadata key. */
static enum vmgs_err reload_eft(const struct vmgs *v, struct vmgs *n)
{
	const struct vmgs_entry *x = &n->ft[VMGS_FID_EXTENDED_FILE_TABLE];
	uint8_t buf[VMGS_TABLE_BYTES];
	enum vmgs_err e;

	if (!x->alloc || x->valid != VMGS_TABLE_BYTES)
		return VMGS_E_BAD_TABLE;
	e = vmgs_read_blocks(&n->io, x->offset, buf, sizeof(buf));
	if (!e)
		e = vmgs_gcm_decrypt(v->mk, x->nonce, buf, buf, sizeof(buf),
				     x->tag);
	if (!e)
		vmgs_ext_table_decode(buf, n->eft);
	vmgs_wipe(buf, sizeof(buf));
	return e;
}

enum vmgs_err vmgs_reload(struct vmgs *v)
{
	struct vmgs *n;
	enum vmgs_err e;

	if (!v)
		return VMGS_E_INVAL;
	e = vmgs_open(&v->io, v->flags, &n);
	if (e)
		return e;
	if (v->unlocked)
		e = reload_eft(v, n);
	if (!e) {
		v->hdr = n->hdr;
		v->active = n->active;
		memcpy(v->ft, n->ft, sizeof(v->ft));
		if (v->unlocked)
			memcpy(v->eft, n->eft, sizeof(v->eft));
		v->poisoned = false;
	}
	vmgs_release(n); /* the io stays v's */
	return e;
}
