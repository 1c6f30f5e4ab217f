// SPDX-License-Identifier: MIT
/* Encoding of the VMGS v3 structures and the VHD footer. */
#include "wire.h"

#include <stddef.h>
#include <string.h>
#include <zlib.h>

#include "mantle_bytes.h"
#include "crypto.h"

/* Wire offsets (§1.3, §1.4 of the format facts). */
enum {
	H_SIG = 0,
	H_VERSION = 8,
	H_CRC = 12,
	H_SEQ = 16,
	H_SIZE = 20,
	H_FT_OFF = 24,
	H_FT_SIZE = 28,
	H_ALG = 32,
	H_MARKERS = 34,
	H_KEYS = 36,
	H_RES = 164,
	K_NONCE = 0,
	K_RES = 12,
	K_TAG = 16,
	K_KEY = 32,
	K_SIZE = 64,
	E_OFF = 0,
	E_ALLOC = 4,
	E_VALID = 8,
	E_NONCE = 16,
	E_TAG = 28,
	E_ATTR = 44,
	E_RES = 48,
	X_ATTR = 0,
	X_KEY = 4,
	X_RES = 36,
};

_Static_assert(H_KEYS + 2 * K_SIZE == H_RES, "header key slots");
_Static_assert(H_RES + 4 == VMGS_HEADER_SIZE, "header is 168 bytes");
_Static_assert(K_KEY + VMGS_KEY_SIZE == K_SIZE, "key slot is 64 bytes");
_Static_assert(E_RES + 16 == VMGS_ENTRY_SIZE, "entry is 64 bytes");
_Static_assert(X_RES + 28 == VMGS_ENTRY_SIZE, "ext entry is 64 bytes");
_Static_assert(VMGS_TABLE_BYTES == VMGS_BLOCK_SIZE, "table is one block");
_Static_assert(sizeof(((struct vmgs_entry *)0)->reserved) == 16, "res");
_Static_assert(sizeof(((struct vmgs_ext_entry *)0)->reserved) == 28, "res");

static void slot_decode(const uint8_t *b, struct vmgs_key_slot *k)
{
	memcpy(k->nonce, b + K_NONCE, VMGS_NONCE_SIZE);
	k->reserved = get_le32(b + K_RES);
	memcpy(k->tag, b + K_TAG, VMGS_TAG_SIZE);
	memcpy(k->wrapped, b + K_KEY, VMGS_KEY_SIZE);
}

static void slot_encode(const struct vmgs_key_slot *k, uint8_t *b)
{
	memcpy(b + K_NONCE, k->nonce, VMGS_NONCE_SIZE);
	put_le32(b + K_RES, k->reserved);
	memcpy(b + K_TAG, k->tag, VMGS_TAG_SIZE);
	memcpy(b + K_KEY, k->wrapped, VMGS_KEY_SIZE);
}

void vmgs_header_decode(const uint8_t b[VMGS_HEADER_SIZE],
			struct vmgs_header *h)
{
	h->signature = get_le64(b + H_SIG);
	h->version = get_le32(b + H_VERSION);
	h->checksum = get_le32(b + H_CRC);
	h->sequence = get_le32(b + H_SEQ);
	h->header_size = get_le32(b + H_SIZE);
	h->file_table_offset = get_le32(b + H_FT_OFF);
	h->file_table_size = get_le32(b + H_FT_SIZE);
	h->encryption_algorithm = get_le16(b + H_ALG);
	h->markers = get_le16(b + H_MARKERS);
	slot_decode(b + H_KEYS, &h->keys[0]);
	slot_decode(b + H_KEYS + K_SIZE, &h->keys[1]);
	h->reserved_1 = get_le32(b + H_RES);
}

void vmgs_header_encode(const struct vmgs_header *h,
			uint8_t b[VMGS_HEADER_SIZE])
{
	put_le64(b + H_SIG, h->signature);
	put_le32(b + H_VERSION, h->version);
	put_le32(b + H_CRC, h->checksum);
	put_le32(b + H_SEQ, h->sequence);
	put_le32(b + H_SIZE, h->header_size);
	put_le32(b + H_FT_OFF, h->file_table_offset);
	put_le32(b + H_FT_SIZE, h->file_table_size);
	put_le16(b + H_ALG, h->encryption_algorithm);
	put_le16(b + H_MARKERS, h->markers);
	slot_encode(&h->keys[0], b + H_KEYS);
	slot_encode(&h->keys[1], b + H_KEYS + K_SIZE);
	put_le32(b + H_RES, h->reserved_1);
}

uint32_t vmgs_header_crc(const uint8_t b[VMGS_HEADER_SIZE])
{
	uint8_t tmp[VMGS_HEADER_SIZE];

	memcpy(tmp, b, sizeof(tmp));
	put_le32(tmp + H_CRC, 0);
	return (uint32_t)crc32(0L, tmp, sizeof(tmp));
}

enum vmgs_err vmgs_header_validate(const uint8_t b[VMGS_HEADER_SIZE])
{
	struct vmgs_header h;

	vmgs_header_decode(b, &h);
	if (h.signature != VMGS_SIGNATURE || h.version != VMGS_VERSION_3 ||
	    h.header_size != VMGS_HEADER_SIZE ||
	    h.file_table_offset < VMGS_MIN_FILE_BLOCK ||
	    h.file_table_size != 1 || h.encryption_algorithm > VMGS_ENC_AES_GCM)
		return VMGS_E_BAD_HEADER;
	if (h.checksum != vmgs_header_crc(b))
		return VMGS_E_BAD_HEADER;
	return VMGS_OK;
}

int vmgs_header_select(const struct vmgs_header *h0, enum vmgs_err s0,
		       const struct vmgs_header *h1, enum vmgs_err s1,
		       enum vmgs_err *err)
{
	*err = VMGS_OK;
	if (s0 == VMGS_OK && s1 == VMGS_OK) {
		if (h0->sequence == (uint32_t)(h1->sequence + 1))
			return 0;
		if (h1->sequence == (uint32_t)(h0->sequence + 1))
			return 1;
		*err = VMGS_E_BAD_SEQUENCE;
		return -1;
	}
	if (s0 == VMGS_OK)
		return 0;
	if (s1 == VMGS_OK)
		return 1;
	*err = VMGS_E_BAD_HEADER;
	return -1;
}

void vmgs_table_decode(const uint8_t b[VMGS_TABLE_BYTES],
		       struct vmgs_entry t[VMGS_FILE_COUNT])
{
	for (unsigned i = 0; i < VMGS_FILE_COUNT; i++) {
		const uint8_t *e = b + i * VMGS_ENTRY_SIZE;

		t[i].offset = get_le32(e + E_OFF);
		t[i].alloc = get_le32(e + E_ALLOC);
		t[i].valid = get_le64(e + E_VALID);
		memcpy(t[i].nonce, e + E_NONCE, VMGS_NONCE_SIZE);
		memcpy(t[i].tag, e + E_TAG, VMGS_TAG_SIZE);
		t[i].attributes = get_le32(e + E_ATTR);
		memcpy(t[i].reserved, e + E_RES, sizeof(t[i].reserved));
	}
}

void vmgs_table_encode(const struct vmgs_entry t[VMGS_FILE_COUNT],
		       uint8_t b[VMGS_TABLE_BYTES])
{
	for (unsigned i = 0; i < VMGS_FILE_COUNT; i++) {
		uint8_t *e = b + i * VMGS_ENTRY_SIZE;

		put_le32(e + E_OFF, t[i].offset);
		put_le32(e + E_ALLOC, t[i].alloc);
		put_le64(e + E_VALID, t[i].valid);
		memcpy(e + E_NONCE, t[i].nonce, VMGS_NONCE_SIZE);
		memcpy(e + E_TAG, t[i].tag, VMGS_TAG_SIZE);
		put_le32(e + E_ATTR, t[i].attributes);
		memcpy(e + E_RES, t[i].reserved, sizeof(t[i].reserved));
	}
}

void vmgs_ext_table_decode(const uint8_t b[VMGS_TABLE_BYTES],
			   struct vmgs_ext_entry t[VMGS_FILE_COUNT])
{
	for (unsigned i = 0; i < VMGS_FILE_COUNT; i++) {
		const uint8_t *e = b + i * VMGS_ENTRY_SIZE;

		t[i].attributes = get_le32(e + X_ATTR);
		memcpy(t[i].key, e + X_KEY, VMGS_KEY_SIZE);
		memcpy(t[i].reserved, e + X_RES, sizeof(t[i].reserved));
	}
}

void vmgs_ext_table_encode(const struct vmgs_ext_entry t[VMGS_FILE_COUNT],
			   uint8_t b[VMGS_TABLE_BYTES])
{
	for (unsigned i = 0; i < VMGS_FILE_COUNT; i++) {
		uint8_t *e = b + i * VMGS_ENTRY_SIZE;

		put_le32(e + X_ATTR, t[i].attributes);
		memcpy(e + X_KEY, t[i].key, VMGS_KEY_SIZE);
		memcpy(e + X_RES, t[i].reserved, sizeof(t[i].reserved));
	}
}

/* VHD footer: big-endian fields (§1.1). */
enum {
	F_COOKIE = 0,
	F_FEATURES = 8,
	F_VERSION = 12,
	F_DATA_OFF = 16,
	F_TIME = 24,
	F_APP = 28,
	F_CVER = 32,
	F_OS = 36,
	F_ORIG = 40,
	F_CUR = 48,
	F_GEOM = 56,
	F_TYPE = 60,
	F_CSUM = 64,
	F_UID = 68,
	F_SAVED = 84,
	F_RES = 85,
};
_Static_assert(F_RES + 427 == VMGS_VHD_FOOTER_SIZE, "footer is 512 bytes");

void vhd_footer_decode(const uint8_t b[VMGS_VHD_FOOTER_SIZE],
		       struct vhd_footer *f)
{
	memcpy(f->cookie, b + F_COOKIE, 8);
	f->features = get_be32(b + F_FEATURES);
	f->version = get_be32(b + F_VERSION);
	f->data_offset = get_be64(b + F_DATA_OFF);
	f->time_stamp = get_be32(b + F_TIME);
	f->creator_app = get_be32(b + F_APP);
	f->creator_version = get_be32(b + F_CVER);
	f->creator_os = get_be32(b + F_OS);
	f->original_size = get_be64(b + F_ORIG);
	f->current_size = get_be64(b + F_CUR);
	f->geometry = get_be32(b + F_GEOM);
	f->disk_type = get_be32(b + F_TYPE);
	f->checksum = get_be32(b + F_CSUM);
	memcpy(f->unique_id, b + F_UID, 16);
	f->saved_state = b[F_SAVED];
}

uint32_t vhd_footer_checksum(const uint8_t b[VMGS_VHD_FOOTER_SIZE])
{
	uint32_t sum = 0;

	for (unsigned i = 0; i < VMGS_VHD_FOOTER_SIZE; i++)
		if (i < F_CSUM || i >= F_CSUM + 4)
			sum += b[i];
	return ~sum;
}

enum vmgs_err vhd_footer_build(uint64_t size, uint8_t b[VMGS_VHD_FOOTER_SIZE])
{
	memset(b, 0, VMGS_VHD_FOOTER_SIZE);
	memcpy(b + F_COOKIE, VHD_COOKIE, 8);
	put_be32(b + F_FEATURES, VHD_FEATURES);
	put_be32(b + F_VERSION, VHD_VERSION);
	put_be64(b + F_DATA_OFF, UINT64_MAX);
	put_be32(b + F_CVER, VHD_CREATOR_VERSION);
	put_be64(b + F_ORIG, size);
	put_be64(b + F_CUR, size);
	put_be32(b + F_TYPE, VHD_TYPE_FIXED);
	if (vmgs_random(b + F_UID, 16) != VMGS_OK)
		return VMGS_E_CRYPTO;
	put_be32(b + F_CSUM, vhd_footer_checksum(b));
	return VMGS_OK;
}

enum vmgs_err vhd_footer_validate(const uint8_t b[VMGS_VHD_FOOTER_SIZE],
				  uint64_t file_len, uint64_t *capacity)
{
	struct vhd_footer f;

	if (file_len < VMGS_VHD_FOOTER_SIZE)
		return VMGS_E_FILE_SIZE;
	vhd_footer_decode(b, &f);
	if (memcmp(f.cookie, VHD_COOKIE, 8) != 0)
		return VMGS_E_NO_FOOTER;
	if (f.checksum != vhd_footer_checksum(b) || f.version != VHD_VERSION ||
	    f.disk_type != VHD_TYPE_FIXED)
		return VMGS_E_BAD_FOOTER;
	if (f.current_size > file_len - VMGS_VHD_FOOTER_SIZE ||
	    f.current_size % 512 != 0)
		return VMGS_E_BAD_FOOTER;
	*capacity = f.current_size;
	return VMGS_OK;
}
