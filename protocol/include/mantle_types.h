/* SPDX-License-Identifier: MIT */
/*
 * Mantle protocol: fixed-width types shared by every wire header.
 *
 * The protocol headers include nothing but their siblings, so they cannot use
 * <stdint.h> (absent in the Linux kernel build) or <linux/types.h> (absent in
 * user space and on Windows). The compiler's own predefined type macros work
 * in all three (gcc, clang, mingw-w64 gcc).
 *
 * Every wire field is little-endian. All supported targets (x86-64 guests and
 * paravisor) are little-endian, which the assert below pins down, so wire
 * fields are plain integers; the mtl_leNN names mark them as wire fields.
 */
#ifndef MANTLE_TYPES_H
#define MANTLE_TYPES_H

typedef __UINT8_TYPE__ mtl_u8;
typedef __UINT16_TYPE__ mtl_u16;
typedef __UINT32_TYPE__ mtl_u32;
typedef __UINT64_TYPE__ mtl_u64;
typedef __INT32_TYPE__ mtl_s32;
typedef __SIZE_TYPE__ mtl_size;

typedef mtl_u16 mtl_le16;
typedef mtl_u32 mtl_le32;
typedef mtl_u64 mtl_le64;

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "Mantle wire structures are little-endian");
_Static_assert(sizeof(mtl_u8) == 1, "u8");
_Static_assert(sizeof(mtl_u16) == 2, "u16");
_Static_assert(sizeof(mtl_u32) == 4, "u32");
_Static_assert(sizeof(mtl_u64) == 8, "u64");

/* Offset of a member, without <stddef.h>. */
#define MTL_OFFSETOF(type, member) __builtin_offsetof(type, member)

/* Compile-time check of a wire structure's size. */
#define MTL_ASSERT_SIZE(type, size) \
	_Static_assert(sizeof(type) == (size), #type " size")
/* Compile-time check of a wire field's offset. */
#define MTL_ASSERT_OFFSET(type, member, off)                \
	_Static_assert(MTL_OFFSETOF(type, member) == (off), \
		       #type "." #member " offset")

#endif /* MANTLE_TYPES_H */
