// SPDX-License-Identifier: MIT
/* The bzImage setup header, checked before anything is loaded. */
#include "bzimage.h"
#include "errf.h"

#include "mantle_bytes.h"

int bzimage_parse(const uint8_t *img, size_t len, struct bzimage_info *out,
		  char *err, size_t errlen)
{
	unsigned int sects;
	uint32_t poff, plen;

	if (!img || len < BZ_HDR_MAX_END)
		return errf(err, errlen,
			    "not a bzImage: %zu bytes is too short for a "
			    "setup header",
			    len);
	if (get_le16(img + BZ_BOOT_FLAG) != 0xAA55 ||
	    get_le32(img + BZ_HEADER) != 0x53726448 /* "HdrS" */)
		return errf(err, errlen,
			    "not a bzImage: no boot flag/\"HdrS\" signature");
	out->version = get_le16(img + BZ_VERSION);
	if (out->version < BZ_MIN_VERSION)
		return errf(err, errlen,
			    "bzImage boot protocol %u.%02u is too old (need "
			    "2.12 or later)",
			    out->version >> 8, out->version & 0xFF);
	out->hdr_end = 0x202u + img[BZ_JUMP_LEN];
	if (out->hdr_end < BZ_HDR_MIN_END || out->hdr_end > BZ_HDR_MAX_END)
		return errf(err, errlen,
			    "not a bzImage: setup header ends at 0x%zx",
			    out->hdr_end);
	sects = img[BZ_SETUP_SECTS] ? img[BZ_SETUP_SECTS] : 4;
	out->setup_size = (size_t)(sects + 1) * 512;
	if (out->setup_size < out->hdr_end || out->setup_size >= len)
		return errf(err, errlen,
			    "not a bzImage: %u setup sectors leave no kernel "
			    "in %zu bytes",
			    sects, len);
	out->kernel_off = out->setup_size;
	out->kernel_size = len - out->setup_size;

	out->loadflags = img[BZ_LOADFLAGS];
	out->xloadflags = get_le16(img + BZ_XLOADFLAGS);
	if (!(out->loadflags & BZ_LOADED_HIGH))
		return errf(err, errlen,
			    "bzImage is not loaded high (a zImage?)");
	if (!(out->xloadflags & BZ_XLF_KERNEL_64))
		return errf(
			err, errlen,
			"bzImage has no 64-bit entry point (XLF_KERNEL_64)");

	out->relocatable = img[BZ_RELOCATABLE];
	out->initrd_addr_max = get_le32(img + BZ_INITRD_ADDR_MAX);
	out->kernel_alignment = get_le32(img + BZ_KERNEL_ALIGNMENT);
	out->cmdline_size = get_le32(img + BZ_CMDLINE_SIZE);
	out->pref_address = get_le64(img + BZ_PREF_ADDRESS);
	out->init_size = get_le32(img + BZ_INIT_SIZE);

	if (out->kernel_alignment < 4096 ||
	    (out->kernel_alignment & (out->kernel_alignment - 1)))
		return errf(err, errlen,
			    "bzImage kernel_alignment 0x%x is not a power of "
			    "two >= 4096",
			    out->kernel_alignment);
	if (out->pref_address < (1u << 20) || out->pref_address % 4096 ||
	    out->pref_address > (1ull << 32))
		return errf(err, errlen,
			    "bzImage pref_address 0x%llx is not usable",
			    (unsigned long long)out->pref_address);
	if (out->init_size < out->kernel_size)
		return errf(err, errlen,
			    "bzImage init_size %u is smaller than its %zu "
			    "kernel bytes",
			    out->init_size, out->kernel_size);
	if (out->initrd_addr_max < (1u << 20))
		return errf(err, errlen, "bzImage initrd_addr_max 0x%x",
			    out->initrd_addr_max);
	if (out->cmdline_size == 0)
		return errf(err, errlen, "bzImage cmdline_size is 0");
	poff = get_le32(img + BZ_PAYLOAD_OFFSET);
	plen = get_le32(img + BZ_PAYLOAD_LENGTH);
	if (poff > out->kernel_size || plen > out->kernel_size - poff)
		return errf(err, errlen,
			    "bzImage payload (0x%x+0x%x) lies outside the "
			    "kernel",
			    poff, plen);
	return 0;
}
