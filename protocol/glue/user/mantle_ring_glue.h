/* SPDX-License-Identifier: MIT */
/*
 * User-space embedding glue for protocol/src/mantle_ring.c: compiler atomic
 * builtins on the plain wire fields (C11 <stdatomic.h> needs _Atomic objects,
 * which wire structures cannot be), a C11 sequentially consistent fence, and
 * memcpy. Put this directory on the include path when compiling the ring.
 */
#ifndef MANTLE_RING_GLUE_H
#define MANTLE_RING_GLUE_H

#include <stdatomic.h>
#include <string.h>

#define MTL_GLUE_LOAD_ACQUIRE32(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define MTL_GLUE_STORE_RELEASE32(p, v) \
	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define MTL_GLUE_LOAD32(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define MTL_GLUE_STORE32(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define MTL_GLUE_MB() atomic_thread_fence(memory_order_seq_cst)
#define MTL_GLUE_COPY_IN(dst, shared_src, n) memcpy((dst), (shared_src), (n))
#define MTL_GLUE_COPY_OUT(shared_dst, src, n) memcpy((shared_dst), (src), (n))

#endif /* MANTLE_RING_GLUE_H */
