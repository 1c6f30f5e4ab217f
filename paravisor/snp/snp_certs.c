// SPDX-License-Identifier: MIT
/* The certificate table of the extended guest request (snp_certs.h). */
#include "snp_certs.h"

#include <string.h>

#include "mantle_bytes.h"
#include "mantle_hex.h"
#include "snp_abi.h"

int snp_guid_bytes(const char *text, uint8_t out[16])
{
	/* Where each byte of the written form goes (an involution). */
	static const uint8_t pos[16] = { 3, 2, 1,  0,  5,  4,  7,  6,
					 8, 9, 10, 11, 12, 13, 14, 15 };
	unsigned n = 0;

	if (strlen(text) != 36)
		return -1;
	for (const char *p = text; *p; p++) {
		int hi, lo;

		if (*p == '-')
			continue;
		hi = hex_nibble(p[0]);
		lo = hex_nibble(p[1]);
		if (hi < 0 || lo < 0 || n >= 16)
			return -1;
		out[pos[n++]] = (uint8_t)(hi << 4 | lo);
		p++;
	}
	return n == 16 ? 0 : -1;
}

size_t snp_cert_find(const uint8_t *table, size_t len, const char *guid,
		     size_t *off)
{
	static const uint8_t zero[SNP_CERT_ENTRY_SIZE];
	uint8_t want[16];

	if (snp_guid_bytes(guid, want))
		return 0;
	for (size_t e = 0; e + SNP_CERT_ENTRY_SIZE <= len;
	     e += SNP_CERT_ENTRY_SIZE) {
		const uint8_t *p = table + e;
		uint32_t o = get_le32(p + 16), n = get_le32(p + 20);

		if (!memcmp(p, zero, sizeof(zero)))
			return 0; /* the terminator */
		if (memcmp(p, want, 16))
			continue;
		if (!n || o > len || n > len - o)
			return 0; /* outside the table */
		*off = o;
		return n;
	}
	return 0; /* no terminator within the table */
}
