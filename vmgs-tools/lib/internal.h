/* SPDX-License-Identifier: MIT */
/* libvmgs internals shared by the library's source files. */
#ifndef VMGS_INTERNAL_H
#define VMGS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "vmgs/vmgs.h"
#include "wire.h"

struct vmgs {
	struct vmgs_io io;
	uint64_t capacity; /* VMGS bytes (the VHD footer excluded) */
	uint32_t cap_blocks; /* whole blocks inside capacity */
	unsigned flags;
	struct vmgs_header hdr; /* active header */
	int active; /* header slot it came from */
	struct vmgs_entry ft[VMGS_FILE_COUNT];
	bool unlocked;
	int key_slot;
	uint8_t mk[VMGS_KEY_SIZE]; /* metadata key (EFT key) once unlocked */
	struct vmgs_ext_entry eft[VMGS_FILE_COUNT];
	bool poisoned;
	uint8_t *bounce; /* VMGS_CHUNK bytes for sector tails and ciphertext */
};

/* Files are encrypted and moved in chunks of this size (cache-friendly). */
#define VMGS_CHUNK (64u * 1024)

/* Frees a handle without closing its io. */
void vmgs_release(struct vmgs *v);
uint8_t *vmgs_bounce(struct vmgs *v);

/* What open learns before the table: container and both headers. */
struct vmgs_probe {
	uint64_t capacity;
	uint8_t raw[2][VMGS_HEADER_SIZE];
	struct vmgs_header hdr[2];
	enum vmgs_err status[2];
	bool present[2];
	int active;
	enum vmgs_err select_err;
};

/* Container checks and both headers; VMGS_OK even if no header is valid. */
enum vmgs_err vmgs_probe(struct vmgs_io *io, unsigned flags,
			 struct vmgs_probe *p);
/* Byte-exact, sector-aligned access to a block range. */
enum vmgs_err vmgs_read_blocks(struct vmgs_io *io, uint32_t block, void *buf,
			       uint64_t len);
/* Checks one entry against the capacity (§1.4 load-time rules). */
enum vmgs_err vmgs_entry_check(const struct vmgs_entry *e, uint32_t cap_blocks);
/* First pair of overlapping entries, or VMGS_OK. */
enum vmgs_err vmgs_table_overlap(const struct vmgs_entry t[VMGS_FILE_COUNT],
				 unsigned *a, unsigned *b);
bool vmgs_all_zero(const void *p, size_t len);

/* One atomic update: copy-on-write into free blocks, flush, header. */
struct vmgs_txn_write {
	uint32_t block;
	const uint8_t *data;
	uint64_t len;
	unsigned
		id; /* encrypted with eft[id].key, ft[id].nonce -> ft[id].tag */
	bool encrypt;
};

struct vmgs_txn {
	struct vmgs_header hdr;
	struct vmgs_entry ft[VMGS_FILE_COUNT];
	struct vmgs_ext_entry eft[VMGS_FILE_COUNT];
	uint8_t mk[VMGS_KEY_SIZE];
	bool unlocked;
	int key_slot;
	bool rewrite_eft;
	struct {
		uint32_t off, n;
	} alloc[VMGS_FILE_COUNT + 2];
	unsigned nalloc;
	struct vmgs_txn_write w[VMGS_FILE_COUNT + 2];
	unsigned nw;
	uint8_t ft_buf[VMGS_TABLE_BYTES];
	uint8_t eft_buf[VMGS_TABLE_BYTES];
};

enum vmgs_err vmgs_txn_begin(struct vmgs *v, struct vmgs_txn *t);
enum vmgs_err vmgs_txn_put(struct vmgs *v, struct vmgs_txn *t, unsigned id,
			   const uint8_t *data, uint64_t len, bool encrypt);
enum vmgs_err vmgs_txn_commit(struct vmgs *v, struct vmgs_txn *t);
void vmgs_txn_abort(struct vmgs_txn *t);
/* Best fit over `used` ranges (sorted internally), scanning from block 2. */
enum vmgs_err vmgs_best_fit(const uint32_t (*used)[2], unsigned n,
			    uint32_t cap_blocks, uint32_t need, uint32_t *off);

enum vmgs_err vmgs_wrap_key(const uint8_t dk[VMGS_KEY_SIZE],
			    const uint8_t mk[VMGS_KEY_SIZE],
			    struct vmgs_key_slot *slot);

#endif
