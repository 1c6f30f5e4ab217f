// SPDX-License-Identifier: MIT
/*
 * Full integrity check: container, both headers, the sequence rule, table
 * bounds and overlaps, key slots and (with the key) every GCM tag. Unlike
 * open it does not stop at the first problem.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "internal.h"

struct ctx {
	vmgs_check_cb cb;
	void *arg;
	struct vmgs_check_result *res;
};

__attribute__((format(printf, 5, 6))) static void
report(struct ctx *c, enum vmgs_check_kind kind, enum vmgs_err code,
       const char *where, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (kind == VMGS_CHECK_ERROR) {
		c->res->errors++;
		if (c->res->first_error == VMGS_OK)
			c->res->first_error = code;
	} else {
		c->res->warnings++;
	}
	if (c->cb)
		c->cb(c->arg, kind, code, where, msg);
}

/*
 * A broken header next to a valid one is what a torn header write leaves:
 * the file is consistent and the next update replaces it, so that is a
 * warning. Without any valid header it is an error.
 */
static void check_header(struct ctx *c, const struct vmgs_probe *p, int i)
{
	const struct vmgs_header *h = &p->hdr[i];
	const char *where = i ? "header 2" : "header 1";
	const enum vmgs_err bad = VMGS_E_BAD_HEADER;
	const enum vmgs_check_kind kind =
		p->active >= 0 ? VMGS_CHECK_WARNING : VMGS_CHECK_ERROR;

	if (!p->present[i])
		return; /* a fresh file has one empty slot */
	if (p->status[i] == VMGS_OK) {
		if (h->reserved_1 || h->markers & ~VMGS_MARKER_REPROVISIONED)
			report(c, VMGS_CHECK_WARNING, bad, where,
			       "reserved header bits are set");
		return;
	}
	if (h->signature != VMGS_SIGNATURE)
		report(c, kind, bad, where, "bad signature");
	else if (h->version != VMGS_VERSION_3)
		report(c, kind, bad, where, "unsupported version 0x%08x",
		       h->version);
	else if (h->header_size != VMGS_HEADER_SIZE)
		report(c, kind, bad, where, "header size %u, expected 168",
		       h->header_size);
	else if (h->file_table_offset < VMGS_MIN_FILE_BLOCK)
		report(c, kind, bad, where,
		       "file table offset %u is inside the header area",
		       h->file_table_offset);
	else if (h->file_table_size != 1)
		report(c, kind, bad, where,
		       "file table size %u blocks, expected 1",
		       h->file_table_size);
	else if (h->encryption_algorithm > VMGS_ENC_AES_GCM)
		report(c, kind, bad, where, "unknown encryption algorithm %u",
		       h->encryption_algorithm);
	else
		report(c, kind, bad, where,
		       "CRC-32 mismatch: stored 0x%08x, computed 0x%08x",
		       h->checksum, vmgs_header_crc(p->raw[i]));
}

static void check_entries(struct ctx *c, const struct vmgs_entry *ft,
			  uint32_t cap_blocks, uint32_t ft_off)
{
	char where[32];

	for (unsigned i = 0; i < VMGS_FILE_COUNT; i++) {
		const struct vmgs_entry *e = &ft[i];

		snprintf(where, sizeof(where), "file %u", i);
		if (!e->alloc) {
			if (e->offset || e->valid)
				report(c, VMGS_CHECK_WARNING, VMGS_E_BAD_TABLE,
				       where,
				       "unallocated entry has offset/size set");
			continue;
		}
		c->res->files_checked++;
		if (i == 0 && (e->offset != ft_off || e->alloc != 1))
			report(c, VMGS_CHECK_WARNING, VMGS_E_BAD_TABLE, where,
			       "entry 0 does not describe the file table "
			       "(block %u, header says %u)",
			       e->offset, ft_off);
		if (e->offset < VMGS_MIN_FILE_BLOCK)
			report(c, VMGS_CHECK_ERROR, VMGS_E_BAD_TABLE, where,
			       "offset %u is inside the header area",
			       e->offset);
		else if ((uint64_t)e->offset + e->alloc > cap_blocks)
			report(c, VMGS_CHECK_ERROR, VMGS_E_BAD_TABLE, where,
			       "blocks %u..%llu exceed the capacity of %u "
			       "blocks",
			       e->offset,
			       (unsigned long long)e->offset + e->alloc - 1,
			       cap_blocks);
		if (e->valid > (uint64_t)e->alloc * VMGS_BLOCK_SIZE)
			report(c, VMGS_CHECK_ERROR, VMGS_E_BAD_TABLE, where,
			       "%llu valid bytes exceed %u allocated blocks",
			       (unsigned long long)e->valid, e->alloc);
		if (e->attributes &
		    ~(uint32_t)(VMGS_ATTR_ENCRYPTED | VMGS_ATTR_AUTHENTICATED))
			report(c, VMGS_CHECK_WARNING, VMGS_E_BAD_TABLE, where,
			       "unknown attribute bits 0x%x", e->attributes);
	}
	for (unsigned i = 0; i < VMGS_FILE_COUNT; i++) {
		for (unsigned j = i + 1; j < VMGS_FILE_COUNT; j++) {
			uint64_t ie = (uint64_t)ft[i].offset + ft[i].alloc;
			uint64_t je = (uint64_t)ft[j].offset + ft[j].alloc;

			if (!ft[i].alloc || !ft[j].alloc)
				continue;
			if (ft[i].offset < je && ft[j].offset < ie) {
				snprintf(where, sizeof(where), "file %u", i);
				report(c, VMGS_CHECK_ERROR, VMGS_E_OVERLAP,
				       where, "blocks overlap file %u", j);
			}
		}
	}
}

static void check_crypto(struct ctx *c, struct vmgs *v, const uint8_t *key)
{
	char where[32];
	enum vmgs_err e;

	e = vmgs_unlock(v, key);
	if (e == VMGS_E_WRONG_KEY) {
		report(c, VMGS_CHECK_ERROR, e, "key slots",
		       "the given key opens neither key slot");
		return;
	}
	if (e) {
		report(c, VMGS_CHECK_ERROR, e, "file 63",
		       "extended file table does not open: %s",
		       vmgs_strerror(e));
		return;
	}
	c->res->tags_verified += 2; /* key slot and EFT */
	for (unsigned i = 1; i < VMGS_FID_EXTENDED_FILE_TABLE; i++) {
		uint8_t *data;
		uint64_t len;
		bool ft_enc = v->ft[i].attributes & VMGS_ATTR_ENCRYPTED;
		bool eft_enc = v->eft[i].attributes & VMGS_ATTR_ENCRYPTED;

		if (!v->ft[i].alloc)
			continue;
		snprintf(where, sizeof(where), "file %u", i);
		if (ft_enc != eft_enc && v->ft[i].attributes)
			report(c, VMGS_CHECK_WARNING, VMGS_E_BAD_TABLE, where,
			       "table says %sencrypted, EFT says %sencrypted",
			       ft_enc ? "" : "not ", eft_enc ? "" : "not ");
		if (!eft_enc)
			continue;
		e = vmgs_read(v, i, 0, &data, &len);
		if (e == VMGS_OK) {
			c->res->tags_verified++;
			vmgs_wipe(data, (size_t)len);
			free(data);
		} else {
			report(c, VMGS_CHECK_ERROR, e, where, "%s",
			       vmgs_strerror(e));
		}
	}
}

enum vmgs_err vmgs_check(struct vmgs_io *io, unsigned flags, const uint8_t *key,
			 vmgs_check_cb cb, void *arg,
			 struct vmgs_check_result *res)
{
	struct ctx c = { cb, arg, res };
	uint8_t tbl[VMGS_TABLE_BYTES];
	struct vmgs_entry ft[VMGS_FILE_COUNT];
	struct vmgs_probe p;
	const struct vmgs_header *h;
	struct vmgs *v = NULL;
	uint32_t cap_blocks;
	enum vmgs_err e;

	if (!io || !res)
		return VMGS_E_INVAL;
	memset(res, 0, sizeof(*res));
	res->active_header = -1;
	e = vmgs_probe(io, flags & VMGS_OPEN_RAW, &p);
	if (e) {
		report(&c, VMGS_CHECK_ERROR, e, "container", "%s",
		       vmgs_strerror(e));
		return res->first_error;
	}
	check_header(&c, &p, 0);
	check_header(&c, &p, 1);
	res->active_header = p.active;
	if (p.active < 0) {
		report(&c, VMGS_CHECK_ERROR, p.select_err, "headers", "%s",
		       p.select_err == VMGS_E_BAD_SEQUENCE ?
			       "sequences are not consecutive: no header "
			       "can be chosen" :
			       "no valid header");
		return res->first_error;
	}
	h = &p.hdr[p.active];
	cap_blocks = (uint32_t)(p.capacity / VMGS_BLOCK_SIZE);
	if (h->file_table_offset >= cap_blocks) {
		report(&c, VMGS_CHECK_ERROR, VMGS_E_BAD_TABLE, "file table",
		       "block %u is beyond the capacity of %u blocks",
		       h->file_table_offset, cap_blocks);
		return res->first_error;
	}
	e = vmgs_read_blocks(io, h->file_table_offset, tbl, sizeof(tbl));
	if (e) {
		report(&c, VMGS_CHECK_ERROR, e, "file table", "%s",
		       vmgs_strerror(e));
		return res->first_error;
	}
	vmgs_table_decode(tbl, ft);
	check_entries(&c, ft, cap_blocks, h->file_table_offset);
	if (h->encryption_algorithm == VMGS_ENC_AES_GCM) {
		const struct vmgs_entry *x = &ft[VMGS_FID_EXTENDED_FILE_TABLE];

		if (vmgs_all_zero(h->keys[0].wrapped, VMGS_KEY_SIZE) &&
		    vmgs_all_zero(h->keys[1].wrapped, VMGS_KEY_SIZE))
			report(&c, VMGS_CHECK_ERROR, VMGS_E_BAD_HEADER,
			       "key slots", "encrypted but both slots empty");
		if (!x->alloc || x->valid != VMGS_TABLE_BYTES)
			report(&c, VMGS_CHECK_ERROR, VMGS_E_BAD_TABLE,
			       "file 63",
			       "extended file table missing or wrong size");
	}
	if (res->errors)
		return res->first_error;
	if (h->encryption_algorithm != VMGS_ENC_AES_GCM) {
		if (key)
			report(&c, VMGS_CHECK_WARNING, VMGS_E_NOT_ENCRYPTED,
			       "key slots",
			       "a key was given but the VMGS is "
			       "not encrypted");
		return res->first_error;
	}
	if (!key) {
		report(&c, VMGS_CHECK_WARNING, VMGS_E_LOCKED, "tags",
		       "no key given: GCM tags not verified");
		return res->first_error;
	}
	e = vmgs_open(io, flags & VMGS_OPEN_RAW, &v);
	if (e) {
		report(&c, VMGS_CHECK_ERROR, e, "open", "%s", vmgs_strerror(e));
		return res->first_error;
	}
	check_crypto(&c, v, key);
	/* The io belongs to the caller: free the handle without closing it. */
	vmgs_release(v);
	return res->first_error;
}
