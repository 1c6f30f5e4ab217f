/* SPDX-License-Identifier: MIT */
/*
 * Test glue for protocol/src/mantle_ring.c: every shared-memory access goes
 * through glue.c, which logs it and may call a hook first, so a test can act
 * as a hostile peer between two accesses of the ring code.
 */
#ifndef MANTLE_RING_GLUE_H
#define MANTLE_RING_GLUE_H

#include <stddef.h>

enum hk_kind { HK_LOAD, HK_STORE, HK_COPY_IN, HK_COPY_OUT };

unsigned int hk_load32(const void *p, int acquire);
void hk_store32(void *p, unsigned int v, int release);
void hk_mb(void);
void hk_copy_in(void *dst, const void *shared_src, size_t n);
void hk_copy_out(void *shared_dst, const void *src, size_t n);

/* Called before each shared access; NULL for none. */
extern void (*hk_hook)(enum hk_kind kind, const void *addr, size_t n);

/* Log of shared-memory reads (loads and copy-ins) since hk_log_reset(). */
struct hk_read {
	const unsigned char *addr;
	size_t n;
};
#define HK_LOG_MAX 4096
extern struct hk_read hk_log[HK_LOG_MAX];
extern size_t hk_log_len;
void hk_log_reset(void);

#define MTL_GLUE_LOAD_ACQUIRE32(p) hk_load32((p), 1)
#define MTL_GLUE_STORE_RELEASE32(p, v) hk_store32((p), (v), 1)
#define MTL_GLUE_LOAD32(p) hk_load32((p), 0)
#define MTL_GLUE_STORE32(p, v) hk_store32((p), (v), 0)
#define MTL_GLUE_MB() hk_mb()
#define MTL_GLUE_COPY_IN(dst, shared_src, n) \
	hk_copy_in((dst), (shared_src), (n))
#define MTL_GLUE_COPY_OUT(shared_dst, src, n) \
	hk_copy_out((shared_dst), (src), (n))

#endif /* MANTLE_RING_GLUE_H */
