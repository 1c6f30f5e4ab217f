/* SPDX-License-Identifier: MIT */
/* Little-endian stores for the launcher's records (no alignment needed). */
#ifndef MANTLE_HOST_LE_H
#define MANTLE_HOST_LE_H

#include <stdint.h>

static inline void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

#endif
