/* SPDX-License-Identifier: MIT */
/*
 * The x86 Linux boot protocol's setup header (Documentation/arch/x86/boot.rst),
 * parsed from a bzImage as hostile input.
 */
#ifndef MANTLE_VMM_BZIMAGE_H
#define MANTLE_VMM_BZIMAGE_H

#include <stddef.h>
#include <stdint.h>

/* Offsets in the image (and in boot_params, which embeds the header). */
#define BZ_HDR_START 0x1F1
#define BZ_SETUP_SECTS 0x1F1
#define BZ_BOOT_FLAG 0x1FE
#define BZ_JUMP_LEN 0x201 /* header ends at 0x202 + this byte */
#define BZ_HEADER 0x202
#define BZ_VERSION 0x206
#define BZ_TYPE_OF_LOADER 0x210
#define BZ_LOADFLAGS 0x211
#define BZ_RAMDISK_IMAGE 0x218
#define BZ_RAMDISK_SIZE 0x21C
#define BZ_HEAP_END_PTR 0x224
#define BZ_CMD_LINE_PTR 0x228
#define BZ_INITRD_ADDR_MAX 0x22C
#define BZ_KERNEL_ALIGNMENT 0x230
#define BZ_RELOCATABLE 0x234
#define BZ_XLOADFLAGS 0x236
#define BZ_CMDLINE_SIZE 0x238
#define BZ_PAYLOAD_OFFSET 0x248
#define BZ_PAYLOAD_LENGTH 0x24C
#define BZ_PREF_ADDRESS 0x258
#define BZ_INIT_SIZE 0x260
#define BZ_HDR_MIN_END 0x264 /* through init_size (protocol 2.10) */
#define BZ_HDR_MAX_END 0x280 /* room the zero page gives the header */

#define BZ_MIN_VERSION 0x020C /* xloadflags */
#define BZ_LOADED_HIGH 0x01
#define BZ_CAN_USE_HEAP 0x80
#define BZ_XLF_KERNEL_64 0x01

struct bzimage_info {
	uint16_t version;
	uint8_t loadflags;
	uint16_t xloadflags;
	uint8_t relocatable;
	size_t hdr_end; /* end of the setup header in the image */
	size_t setup_size; /* boot sector + setup, (setup_sects + 1) * 512 */
	size_t kernel_off; /* protected-mode kernel: image offset and size */
	size_t kernel_size;
	uint32_t initrd_addr_max;
	uint32_t kernel_alignment;
	uint32_t cmdline_size; /* longest command line, without NUL */
	uint64_t pref_address;
	uint32_t init_size; /* memory the kernel needs from its load address */
};

/* Returns 0, or -1 with a message in err that says why it is not a usable
 * bzImage. */
int bzimage_parse(const uint8_t *img, size_t len, struct bzimage_info *out,
		  char *err, size_t errlen);

#endif
