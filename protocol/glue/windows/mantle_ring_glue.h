/* SPDX-License-Identifier: MIT */
/*
 * Windows driver embedding glue for protocol/src/mantle_ring.c, for drivers
 * cross-built with mingw-w64 gcc: compiler builtins only, no headers, so the
 * ring builds -ffreestanding -nostdinc. __builtin_memcpy may become a call
 * to memcpy, which the kernel (ntoskrnl) exports.
 */
#ifndef MANTLE_RING_GLUE_H
#define MANTLE_RING_GLUE_H

#define MTL_GLUE_LOAD_ACQUIRE32(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define MTL_GLUE_STORE_RELEASE32(p, v) \
	__atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define MTL_GLUE_LOAD32(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define MTL_GLUE_STORE32(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define MTL_GLUE_MB() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define MTL_GLUE_COPY_IN(dst, shared_src, n) \
	__builtin_memcpy((dst), (shared_src), (n))
#define MTL_GLUE_COPY_OUT(shared_dst, src, n) \
	__builtin_memcpy((shared_dst), (src), (n))

#endif /* MANTLE_RING_GLUE_H */
