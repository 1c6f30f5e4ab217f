/* SPDX-License-Identifier: MIT */
/* Byte access to the VMGS data part (host side, internal). */
#ifndef HOSTIF_STORE_H
#define HOSTIF_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "hostif_server.h"

/* off/len in bytes; -1 if outside the data part or on an I/O error. */
int hostif_store_read(struct hostif_store *st, uint64_t off, void *buf,
		      size_t len);
int hostif_store_write(struct hostif_store *st, uint64_t off, const void *buf,
		       size_t len);
int hostif_store_flush(struct hostif_store *st);

#endif /* HOSTIF_STORE_H */
