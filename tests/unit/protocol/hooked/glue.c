// SPDX-License-Identifier: MIT
/* Logging, hookable shared-memory primitives for the hostile-peer tests. */
#include <string.h>

#include "mantle_ring_glue.h"

void (*hk_hook)(enum hk_kind kind, const void *addr, size_t n);
struct hk_read hk_log[HK_LOG_MAX];
size_t hk_log_len;

void hk_log_reset(void)
{
	hk_log_len = 0;
}

static void log_read(const void *addr, size_t n)
{
	if (hk_log_len < HK_LOG_MAX) {
		hk_log[hk_log_len].addr = addr;
		hk_log[hk_log_len].n = n;
	}
	hk_log_len++;
}

unsigned int hk_load32(const void *p, int acquire)
{
	if (hk_hook)
		hk_hook(HK_LOAD, p, 4);
	log_read(p, 4);
	return __atomic_load_n((const unsigned int *)p,
			       acquire ? __ATOMIC_ACQUIRE : __ATOMIC_RELAXED);
}

void hk_store32(void *p, unsigned int v, int release)
{
	if (hk_hook)
		hk_hook(HK_STORE, p, 4);
	__atomic_store_n((unsigned int *)p, v,
			 release ? __ATOMIC_RELEASE : __ATOMIC_RELAXED);
}

void hk_mb(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void hk_copy_in(void *dst, const void *shared_src, size_t n)
{
	if (hk_hook)
		hk_hook(HK_COPY_IN, shared_src, n);
	log_read(shared_src, n);
	memcpy(dst, shared_src, n);
}

void hk_copy_out(void *shared_dst, const void *src, size_t n)
{
	if (hk_hook)
		hk_hook(HK_COPY_OUT, shared_dst, n);
	memcpy(shared_dst, src, n);
}
