// SPDX-License-Identifier: MIT
/*
 * TPM2_Quote checks in tpm2_checkquote's order: signature over the raw
 * TPMS_ATTEST, extraData == nonce, PCR digest recomputed from the values.
 */
#include "tpm_verify.h"
#include "mv_sig.h"
#include "mv_util.h"
#include "tpm_attest.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

/* Left-pads a big-endian integer of len bytes into n bytes. */
static int pad(uint8_t *out, size_t n, const uint8_t *in, size_t len)
{
	while (len > n && *in == 0) {
		in++;
		len--;
	}
	if (len > n)
		return -1;
	memset(out, 0, n - len);
	memcpy(out + n - len, in, len);
	return 0;
}

/* Returns the hash used (for the PCR digest) or 0 on failure. */
static uint16_t check_signature(const uint8_t *attest, size_t alen,
				const uint8_t *sig, size_t slen, EVP_PKEY *ak,
				struct mv_result *r)
{
	struct tpm_signature ts;
	int type = EVP_PKEY_get_base_id(ak), ok = 0;
	uint16_t hash = TPM_ALG_SHA256;
	json_t *o = json_object();

	json_object_set_new(r->root, "signature", o);
	if (type != EVP_PKEY_RSA && type != EVP_PKEY_EC) {
		mv_fail(r, MV_FAIL, "AK is neither RSA nor EC");
		return 0;
	}
	if (!tpm_signature_parse(sig, slen, &ts)) {
		hash = ts.hash_alg;
		json_object_set_new(o, "format", json_string("TPMT_SIGNATURE"));
		json_object_set_new(o, "hash", json_string(tpm_alg_name(hash)));
		if (ts.sig_alg == TPM_ALG_ECDSA && type == EVP_PKEY_EC) {
			uint8_t rr[66], ss[66];
			size_t n = (size_t)(EVP_PKEY_get_bits(ak) + 7) / 8;

			json_object_set_new(o, "scheme", json_string("ecdsa"));
			ok = n <= 66 && !pad(rr, n, ts.sig, ts.sig_len) &&
			     !pad(ss, n, ts.s, ts.s_len) &&
			     mv_ecdsa_verify_rs(ak, tpm_alg_md(hash), attest,
						alen, rr, ss, n);
		} else if (ts.sig_alg != TPM_ALG_ECDSA &&
			   type == EVP_PKEY_RSA) {
			int pss = ts.sig_alg == TPM_ALG_RSAPSS;

			json_object_set_new(
				o, "scheme",
				json_string(pss ? "rsapss" : "rsassa"));
			ok = mv_sig_verify(ak, tpm_alg_md(hash), pss, attest,
					   alen, ts.sig, ts.sig_len);
		} else {
			mv_fail(r, MV_FAIL,
				"signature algorithm does not match the AK");
			return 0;
		}
	} else {
		/* A plain signature: PKCS#1 v1.5 or PSS, or DER ECDSA. */
		json_object_set_new(o, "format", json_string("plain"));
		json_object_set_new(o, "hash", json_string("sha256"));
		ok = mv_sig_verify(ak, EVP_sha256(), 0, attest, alen, sig,
				   slen);
		if (ok)
			json_object_set_new(o, "scheme",
					    json_string(type == EVP_PKEY_RSA ?
								"rsassa" :
								"ecdsa"));
		if (!ok && type == EVP_PKEY_RSA) {
			ok = mv_sig_verify(ak, EVP_sha256(), 1, attest, alen,
					   sig, slen);
			if (ok)
				json_object_set_new(o, "scheme",
						    json_string("rsapss"));
		}
	}
	if (!ok) {
		mv_fail(r, MV_FAIL, "quote signature is not valid for the AK");
		return 0;
	}
	mv_pass(r, "quote signature valid (%s)", tpm_alg_name(hash));
	return hash;
}

static void check_pcrs(const struct tpm_attest *a, uint16_t hash,
		       const uint8_t *pcrs, struct mv_result *r)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	json_t *o = json_object();
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char key[8];
	uint32_t i;
	int n, ok = 0;

	json_object_set_new(r->root, "pcrs", o);
	if (!ctx || EVP_DigestInit_ex(ctx, tpm_alg_md(hash), NULL) != 1)
		goto out;
	for (i = 0; i < a->nbanks; i++) {
		if (!a->banks[i].mask)
			continue;
		if (a->banks[i].hash_alg != TPM_ALG_SHA256) {
			mv_fail(r, MV_FAIL,
				"quote selects PCRs of bank 0x%04x; only the "
				"SHA-256 values were given",
				a->banks[i].hash_alg);
			goto out;
		}
		for (n = 0; n < TPM_PCRS; n++) {
			if (!(a->banks[i].mask & (1u << n)))
				continue;
			EVP_DigestUpdate(ctx, pcrs + 32 * n, 32);
			snprintf(key, sizeof(key), "%d", n);
			mv_json_hex(o, key, pcrs + 32 * n, 32);
		}
	}
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	ok = mdlen == a->digest_len && !CRYPTO_memcmp(md, a->digest, mdlen);
	if (ok)
		mv_pass(r, "PCR digest matches the given PCR values");
	else
		mv_fail(r, MV_FAIL, "PCR digest does not match the PCR values");
out:
	EVP_MD_CTX_free(ctx);
}

int tpm_quote_verify(const uint8_t *attest, size_t alen, const uint8_t *sig,
		     size_t slen, EVP_PKEY *ak, const uint8_t *pcrs,
		     const uint8_t *nonce, size_t nonce_len,
		     struct mv_result *r)
{
	struct tpm_attest a;
	char err[160];
	uint16_t hash;
	int rc;

	rc = tpm_attest_parse(attest, alen, &a, err, sizeof(err));
	if (rc) {
		mv_fail(r, rc, "%s", err);
		return r->status;
	}
	json_object_set_new(r->root, "quote", tpm_attest_json(&a));
	hash = check_signature(attest, alen, sig, slen, ak, r);
	if (!nonce) {
		mv_warn(r, "no --nonce: freshness not checked");
	} else if (nonce_len == a.extra_len &&
		   !CRYPTO_memcmp(nonce, a.extra, nonce_len)) {
		mv_pass(r, "extraData equals the nonce");
	} else {
		mv_fail(r, MV_FAIL, "extraData does not equal the nonce");
	}
	if (!pcrs)
		mv_warn(r, "no PCR values given: PCR digest not checked");
	else
		check_pcrs(&a, hash ? hash : TPM_ALG_SHA256, pcrs, r);
	return r->status;
}
