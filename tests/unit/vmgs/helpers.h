/* SPDX-License-Identifier: MIT */
/* Shared fixtures for the libvmgs unit tests. */
#ifndef VMGS_TEST_HELPERS_H
#define VMGS_TEST_HELPERS_H

#include <stdint.h>

#include "vmgs/vmgs.h"

#define TEST_CAP (256u * 1024) /* small VMGS: 64 blocks */

/* Formats an in-memory VMGS (with footer) and returns the handle. */
struct vmgs *t_new(uint64_t capacity);
/* Copy of the whole image behind an in-memory handle. */
uint8_t *t_image(struct vmgs *v, uint64_t *len);
/* Opens a copy of img; returns the error and the handle through *out. */
enum vmgs_err t_open(const uint8_t *img, uint64_t len, unsigned flags,
		     struct vmgs **out);
/* Pointer to table entry `id` of the active table inside an image. */
uint8_t *t_entry(uint8_t *img, unsigned id);
/* Recomputes the CRC of header slot `slot` (0/1) after an edit. */
void t_fix_crc(uint8_t *img, unsigned slot);
void t_key(uint8_t key[VMGS_KEY_SIZE], uint8_t fill);

#endif
