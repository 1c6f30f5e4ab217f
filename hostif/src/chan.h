/* SPDX-License-Identifier: MIT */
/* Byte-stream helpers shared by both sides (internal). */
#ifndef HOSTIF_CHAN_H
#define HOSTIF_CHAN_H

#include <stddef.h>
#include <stdint.h>

#include "mantle_hostif.h"

/* Writes all of buf within timeout_ms (-1: no limit). 0 or -HOSTIF_E_*. */
int hostif_chan_write(int fd, const void *buf, size_t len, int timeout_ms);
/*
 * Waits up to timeout_ms (-1: no limit) for input and reads what is there
 * into the decoder. 1 if bytes arrived, 0 on timeout, or -HOSTIF_E_*.
 */
int hostif_chan_fill(int fd, struct hostif_dec *d, int timeout_ms);
/* The same, but also returns 2 when only wake_fd (-1: none) is readable. */
int hostif_chan_fill_wake(int fd, int wake_fd, struct hostif_dec *d,
			  int timeout_ms);
uint64_t hostif_mono_ns(void);

#endif /* HOSTIF_CHAN_H */
