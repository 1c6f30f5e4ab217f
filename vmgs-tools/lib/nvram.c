// SPDX-License-Identifier: MIT
/* Parser and writer for the HCL-compatible UEFI variable store (§1.8). */
#include "vmgs/nvram.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mantle_bytes.h"

enum {
	R_TYPE = 0,
	R_LEN = 4,
	R_ATTR = 8,
	R_TIME = 12,
	R_VENDOR = 28,
	R_NAME_BYTES = 44,
	R_DATA_BYTES = 46,
	R_HDR = 48,
};
_Static_assert(R_DATA_BYTES + 2 == R_HDR, "record header is 48 bytes");

/* EFI_GLOBAL_VARIABLE 8BE4DF61-93CA-11D2-AA0D-00E098032B8C. */
const uint8_t vmgs_efi_global_guid[16] = { 0x61, 0xdf, 0xe4, 0x8b, 0xca, 0x93,
					   0xd2, 0x11, 0xaa, 0x0d, 0x00, 0xe0,
					   0x98, 0x03, 0x2b, 0x8c };

/* d719b2cb-3d3a-4596-a3bc-dad00e67656f */
const uint8_t vmgs_efi_imagesec_guid[16] = { 0xcb, 0xb2, 0x19, 0xd7, 0x3a, 0x3d,
					     0x96, 0x45, 0xa3, 0xbc, 0xda, 0xd0,
					     0x0e, 0x67, 0x65, 0x6f };
/* c1c41626-504c-4092-aca9-41f936934328 */
const uint8_t vmgs_efi_cert_sha256_guid[16] = { 0x26, 0x16, 0xc4, 0xc1,
						0x4c, 0x50, 0x92, 0x40,
						0xac, 0xa9, 0x41, 0xf9,
						0x36, 0x93, 0x43, 0x28 };
/* a5c059a1-94e4-4aa7-87b5-ab155c2bf072 */
const uint8_t vmgs_efi_cert_x509_guid[16] = { 0xa1, 0x59, 0xc0, 0xa5,
					      0xe4, 0x94, 0xa7, 0x4a,
					      0x87, 0xb5, 0xab, 0x15,
					      0x5c, 0x2b, 0xf0, 0x72 };

/* EFI_SIGNATURE_LIST: type GUID, list size, header size, signature size. */
enum { L_TYPE = 0, L_SIZE = 16, L_HDR = 20, L_SIGSIZE = 24, L_FIXED = 28 };

enum vmgs_err vmgs_siglist_walk(const uint8_t *data, size_t len,
				void (*cb)(void *arg, const struct vmgs_sig *s),
				void *arg)
{
	size_t pos = 0;

	while (pos < len) {
		const uint8_t *l = data + pos;
		uint32_t lsize, hsize, ssize;
		size_t body, off;

		if (len - pos < L_FIXED)
			return VMGS_E_BAD_NVRAM;
		lsize = get_le32(l + L_SIZE);
		hsize = get_le32(l + L_HDR);
		ssize = get_le32(l + L_SIGSIZE);
		/* Each signature is an owner GUID plus at least one byte. */
		if (lsize > len - pos || lsize < L_FIXED ||
		    hsize > lsize - L_FIXED || ssize <= 16)
			return VMGS_E_BAD_NVRAM;
		body = lsize - L_FIXED - hsize;
		if (body % ssize)
			return VMGS_E_BAD_NVRAM;
		for (off = 0; off < body; off += ssize) {
			const uint8_t *sig = l + L_FIXED + hsize + off;
			struct vmgs_sig s = { l + L_TYPE, sig, sig + 16,
					      ssize - 16 };

			if (cb)
				cb(arg, &s);
		}
		pos += lsize;
	}
	return VMGS_OK;
}

enum vmgs_err vmgs_nvram_parse(const uint8_t *blob, size_t len,
			       struct vmgs_nvram *out)
{
	size_t pos = 0, cap = 0;

	memset(out, 0, sizeof(*out));
	if (len > VMGS_NVRAM_MAX_BLOB || (!blob && len))
		return VMGS_E_BAD_NVRAM;
	out->blob = malloc(len ? len : 1);
	if (!out->blob)
		return VMGS_E_NOMEM;
	if (len)
		memcpy(out->blob, blob, len);
	while (pos < len) {
		const uint8_t *r = out->blob + pos;
		struct vmgs_nvram_var *v;
		uint32_t rlen;
		uint16_t nb, db;

		if (len - pos < R_HDR || get_le32(r + R_TYPE) != 0)
			goto bad;
		rlen = get_le32(r + R_LEN);
		nb = get_le16(r + R_NAME_BYTES);
		db = get_le16(r + R_DATA_BYTES);
		if (rlen > len - pos || rlen != (uint32_t)R_HDR + nb + db ||
		    nb < 2 || nb % 2 || nb > VMGS_NVRAM_MAX_NAME ||
		    db > VMGS_NVRAM_MAX_DATA)
			goto bad;
		if (r[R_HDR + nb - 2] || r[R_HDR + nb - 1])
			goto bad; /* name must end in a UTF-16 NUL */
		if (out->count == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			void *n = realloc(out->vars, ncap * sizeof(*v));

			if (!n) {
				vmgs_nvram_free(out);
				return VMGS_E_NOMEM;
			}
			out->vars = n;
			cap = ncap;
		}
		v = &out->vars[out->count++];
		v->attributes = get_le32(r + R_ATTR);
		memcpy(v->timestamp, r + R_TIME, 16);
		memcpy(v->vendor, r + R_VENDOR, 16);
		v->name = r + R_HDR;
		v->name_bytes = nb;
		v->data = r + R_HDR + nb;
		v->data_bytes = db;
		pos += rlen;
	}
	return VMGS_OK;
bad:
	vmgs_nvram_free(out);
	return VMGS_E_BAD_NVRAM;
}

enum vmgs_err vmgs_nvram_serialize(const struct vmgs_nvram *n, uint8_t **out,
				   size_t *len)
{
	size_t total = 0, pos = 0;
	uint8_t *b;

	for (size_t i = 0; i < n->count; i++)
		total += R_HDR + n->vars[i].name_bytes + n->vars[i].data_bytes;
	b = malloc(total ? total : 1);
	if (!b)
		return VMGS_E_NOMEM;
	for (size_t i = 0; i < n->count; i++) {
		const struct vmgs_nvram_var *v = &n->vars[i];
		uint8_t *r = b + pos;
		size_t rlen = R_HDR + v->name_bytes + v->data_bytes;

		put_le32(r + R_TYPE, 0);
		put_le32(r + R_LEN, (uint32_t)rlen);
		put_le32(r + R_ATTR, v->attributes);
		memcpy(r + R_TIME, v->timestamp, 16);
		memcpy(r + R_VENDOR, v->vendor, 16);
		put_le16(r + R_NAME_BYTES, (uint16_t)v->name_bytes);
		put_le16(r + R_DATA_BYTES, (uint16_t)v->data_bytes);
		memcpy(r + R_HDR, v->name, v->name_bytes);
		if (v->data_bytes)
			memcpy(r + R_HDR + v->name_bytes, v->data,
			       v->data_bytes);
		pos += rlen;
	}
	*out = b;
	*len = total;
	return VMGS_OK;
}

void vmgs_nvram_name(const struct vmgs_nvram_var *v, char *buf, size_t size)
{
	size_t j = 0;

	for (size_t i = 0; i + 1 < v->name_bytes && j + 1 < size; i += 2) {
		uint16_t c = get_le16(v->name + i);

		if (!c)
			break;
		buf[j++] = c < 0x80 && isprint(c) ? (char)c : '?';
	}
	if (size)
		buf[j] = 0;
}

long vmgs_nvram_find(const struct vmgs_nvram *n, const uint8_t vendor[16],
		     const char *name)
{
	size_t nl = strlen(name);

	for (size_t i = 0; i < n->count; i++) {
		const struct vmgs_nvram_var *v = &n->vars[i];
		bool same = v->name_bytes == 2 * (nl + 1) &&
			    memcmp(v->vendor, vendor, 16) == 0;

		for (size_t k = 0; same && k < nl; k++)
			same = get_le16(v->name + 2 * k) == (uint8_t)name[k];
		if (same)
			return (long)i;
	}
	return -1;
}

void vmgs_nvram_remove(struct vmgs_nvram *n, size_t idx)
{
	if (idx >= n->count)
		return;
	memmove(&n->vars[idx], &n->vars[idx + 1],
		(n->count - idx - 1) * sizeof(n->vars[0]));
	n->count--;
}

void vmgs_nvram_free(struct vmgs_nvram *n)
{
	free(n->blob);
	free(n->vars);
	memset(n, 0, sizeof(*n));
}

void vmgs_guid_format(const uint8_t g[16], char out[37])
{
	snprintf(out, 37, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 get_le32(g), get_le16(g + 4), get_le16(g + 6), g[8], g[9],
		 g[10], g[11], g[12], g[13], g[14], g[15]);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

enum vmgs_err vmgs_guid_parse(const char *s, uint8_t g[16])
{
	uint8_t b[16];
	unsigned n = 0;

	if (!s || strlen(s) != 36)
		return VMGS_E_INVAL;
	for (unsigned i = 0; i < 36;) {
		int hi, lo;

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i++] != '-')
				return VMGS_E_INVAL;
			continue;
		}
		hi = hexval(s[i]);
		lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return VMGS_E_INVAL;
		b[n++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	/* Text order is big-endian; the first three fields are stored LE. */
	g[0] = b[3];
	g[1] = b[2];
	g[2] = b[1];
	g[3] = b[0];
	g[4] = b[5];
	g[5] = b[4];
	g[6] = b[7];
	g[7] = b[6];
	memcpy(g + 8, b + 8, 8);
	return VMGS_OK;
}
