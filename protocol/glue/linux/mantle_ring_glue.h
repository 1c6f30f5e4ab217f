/* SPDX-License-Identifier: MIT */
/*
 * Linux kernel embedding glue for protocol/src/mantle_ring.c: the kernel's
 * own SMP barriers and once-accessors, and its memcpy.
 */
#ifndef MANTLE_RING_GLUE_H
#define MANTLE_RING_GLUE_H

#include <linux/compiler.h>
#include <linux/string.h>
#include <asm/barrier.h>

#define MTL_GLUE_LOAD_ACQUIRE32(p) smp_load_acquire(p)
#define MTL_GLUE_STORE_RELEASE32(p, v) smp_store_release((p), (v))
#define MTL_GLUE_LOAD32(p) READ_ONCE(*(p))
#define MTL_GLUE_STORE32(p, v) WRITE_ONCE(*(p), (v))
#define MTL_GLUE_MB() smp_mb()
#define MTL_GLUE_COPY_IN(dst, shared_src, n) memcpy((dst), (shared_src), (n))
#define MTL_GLUE_COPY_OUT(shared_dst, src, n) memcpy((shared_dst), (src), (n))

#endif /* MANTLE_RING_GLUE_H */
