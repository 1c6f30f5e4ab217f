// SPDX-License-Identifier: MIT
/*
 * The chip's certificates for the host (SPEC.md §2.4): the SNP extended
 * guest request's certificate table (GUID-keyed DER: VCEK, ASK, ARK; what
 * the paravisor learns its VCEK from) and the CA as PEM (ASK then ARK, as
 * AMD KDS serves cert_chain; what `mantle sim-ca` exports).
 */
#include "sp.h"

#include <stdio.h>
#include <string.h>

#include <openssl/pem.h>

#include "mantle_bytes.h"
#include "snp_certs.h" /* snp_guid_bytes: the paravisor's reader of this table */

long sp_certs_table(const struct sp_chip *c, uint8_t *out, size_t cap)
{
	const struct {
		const char *guid;
		X509 *x;
	} ent[] = {
		{ SNP_CERT_GUID_VCEK, c->vcek_cert },
		{ SNP_CERT_GUID_ASK, c->ask },
		{ SNP_CERT_GUID_ARK, c->ark },
	};
	const size_t n = sizeof(ent) / sizeof(ent[0]);
	size_t off = (n + 1) * SNP_CERT_ENTRY_SIZE;

	if (cap > SNP_CERT_TABLE_MAX)
		cap = SNP_CERT_TABLE_MAX;
	if (cap < off)
		return -1;
	memset(out, 0, off);
	for (size_t i = 0; i < n; i++) {
		uint8_t *e = out + i * SNP_CERT_ENTRY_SIZE;
		int len = i2d_X509(ent[i].x, NULL);
		uint8_t *p = out + off;

		if (len <= 0 || (size_t)len > cap - off ||
		    snp_guid_bytes(ent[i].guid, e) ||
		    i2d_X509(ent[i].x, &p) != len)
			return -1;
		put_le32(e + 16, (uint32_t)off);
		put_le32(e + 20, (uint32_t)len);
		off += (size_t)len;
	}
	return (long)off;
}

long sp_certs_ca_pem(const struct sp_chip *c, uint8_t *out, size_t cap)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long n = -1;

	if (b && PEM_write_bio_X509(b, c->ask) && PEM_write_bio_X509(b, c->ark))
		n = BIO_get_mem_data(b, &p);
	if (n < 0 || (size_t)n > cap)
		n = -1;
	else
		memcpy(out, p, (size_t)n);
	BIO_free(b);
	return n;
}
