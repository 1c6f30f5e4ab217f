/* SPDX-License-Identifier: MIT */
/*
 * VMGS v3 on-disk structures. The structs below are the decoded, host-order
 * view; the *_decode/_encode functions convert to and from the fixed-width
 * little-endian bytes on disk (VHD footer: big-endian). Sizes and offsets
 * are pinned with static asserts in wire.c.
 */
#ifndef VMGS_WIRE_H
#define VMGS_WIRE_H

#include <stdint.h>

#include "vmgs/vmgs.h"

#define VMGS_SIGNATURE 0x5354525453455547ull /* "GUESTRTS" */
#define VMGS_VERSION_3 0x00030000u
#define VMGS_HEADER_SIZE 168u
#define VMGS_MIN_FILE_BLOCK 2u
#define VMGS_NONCE_SIZE 12
#define VMGS_TAG_SIZE 16
#define VMGS_ENTRY_SIZE 64u
#define VMGS_TABLE_BYTES (VMGS_FILE_COUNT * VMGS_ENTRY_SIZE)
#define VMGS_MARKER_REPROVISIONED 0x1u

#define VHD_COOKIE "conectix"
#define VHD_VERSION 0x00010000u
#define VHD_FEATURES 0x00000002u
#define VHD_CREATOR_VERSION 0x000A0000u
#define VHD_TYPE_FIXED 2u

/* Header key slot: the metadata key wrapped by one datastore key. */
struct vmgs_key_slot {
	uint8_t nonce[VMGS_NONCE_SIZE];
	uint32_t reserved;
	uint8_t tag[VMGS_TAG_SIZE];
	uint8_t wrapped[VMGS_KEY_SIZE];
};

struct vmgs_header {
	uint64_t signature;
	uint32_t version;
	uint32_t checksum;
	uint32_t sequence;
	uint32_t header_size;
	uint32_t file_table_offset;
	uint32_t file_table_size;
	uint16_t encryption_algorithm;
	uint16_t markers;
	struct vmgs_key_slot keys[2];
	uint32_t reserved_1;
};

struct vmgs_entry {
	uint32_t offset; /* blocks */
	uint32_t alloc; /* blocks; 0 = free entry */
	uint64_t valid; /* bytes */
	uint8_t nonce[VMGS_NONCE_SIZE];
	uint8_t tag[VMGS_TAG_SIZE];
	uint32_t attributes;
	uint8_t reserved[16];
};

struct vmgs_ext_entry {
	uint32_t attributes;
	uint8_t key[VMGS_KEY_SIZE];
	uint8_t reserved[28];
};

struct vhd_footer {
	uint8_t cookie[8];
	uint32_t features;
	uint32_t version;
	uint64_t data_offset;
	uint32_t time_stamp;
	uint32_t creator_app;
	uint32_t creator_version;
	uint32_t creator_os;
	uint64_t original_size;
	uint64_t current_size;
	uint32_t geometry;
	uint32_t disk_type;
	uint32_t checksum;
	uint8_t unique_id[16];
	uint8_t saved_state;
};

void vmgs_header_decode(const uint8_t b[VMGS_HEADER_SIZE],
			struct vmgs_header *h);
void vmgs_header_encode(const struct vmgs_header *h,
			uint8_t b[VMGS_HEADER_SIZE]);
uint32_t vmgs_header_crc(const uint8_t b[VMGS_HEADER_SIZE]);
/* Checks in the reference order; VMGS_OK or the reason it is invalid. */
enum vmgs_err vmgs_header_validate(const uint8_t b[VMGS_HEADER_SIZE]);
/*
 * Which header is active given each one's validity: 0, 1, or -1 with the
 * error in *err (sequence rule: the newer one is exactly other+1).
 */
int vmgs_header_select(const struct vmgs_header *h0, enum vmgs_err s0,
		       const struct vmgs_header *h1, enum vmgs_err s1,
		       enum vmgs_err *err);

void vmgs_table_decode(const uint8_t b[VMGS_TABLE_BYTES],
		       struct vmgs_entry t[VMGS_FILE_COUNT]);
void vmgs_table_encode(const struct vmgs_entry t[VMGS_FILE_COUNT],
		       uint8_t b[VMGS_TABLE_BYTES]);
void vmgs_ext_table_decode(const uint8_t b[VMGS_TABLE_BYTES],
			   struct vmgs_ext_entry t[VMGS_FILE_COUNT]);
void vmgs_ext_table_encode(const struct vmgs_ext_entry t[VMGS_FILE_COUNT],
			   uint8_t b[VMGS_TABLE_BYTES]);

void vhd_footer_decode(const uint8_t b[VMGS_VHD_FOOTER_SIZE],
		       struct vhd_footer *f);
/* Builds a footer for a fixed disk of `size` data bytes (random id). */
enum vmgs_err vhd_footer_build(uint64_t size, uint8_t b[VMGS_VHD_FOOTER_SIZE]);
uint32_t vhd_footer_checksum(const uint8_t b[VMGS_VHD_FOOTER_SIZE]);
/* Validates a footer read from the end of a file of file_len bytes. */
enum vmgs_err vhd_footer_validate(const uint8_t b[VMGS_VHD_FOOTER_SIZE],
				  uint64_t file_len, uint64_t *capacity);

#endif
