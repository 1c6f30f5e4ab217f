/* SPDX-License-Identifier: MIT */
/*
 * The narrow interface to the untrusted host: the only channels by which
 * mantle-paravisor receives or sends anything outside the guest. On the
 * `nested` platform they are the read-only payload disk and the guest
 * console port (virtio devices of the paravisor VM).
 */
#ifndef MANTLE_VMM_HOST_H
#define MANTLE_VMM_HOST_H

#include <stddef.h>
#include <stdint.h>

struct host;

/* console_path NULL: the console goes to stdout. */
struct host *host_open(const char *payload_path, const char *console_path,
		       char *err, size_t errlen);
void host_close(struct host *h);

uint64_t host_payload_size(const struct host *h);
/* Read exactly len bytes at off; 0 or -1 (short disk, I/O error). */
int host_payload_read(struct host *h, uint64_t off, void *buf, size_t len);

/* Guest console output; errors (host gone) are dropped and counted. */
void host_console_write(struct host *h, const void *buf, size_t len);
uint64_t host_console_dropped(const struct host *h);

#endif
