// SPDX-License-Identifier: MIT
/*
 * TDX quote authenticity: PCK chain to the pinned Intel root, QE report
 * signed by the PCK leaf, QE report data binding the attestation key, and
 * the attestation key's signature over header and body.
 */
#include "tdx_verify.h"
#include "mv_roots.h"
#include "mv_sig.h"
#include "mv_util.h"
#include "mv_x509.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

static X509 *find_subject(STACK_OF(X509) * sk, const X509_NAME *name)
{
	int i;

	for (i = 0; i < sk_X509_num(sk); i++)
		if (!X509_NAME_cmp(X509_get_subject_name(sk_X509_value(sk, i)),
				   name))
			return sk_X509_value(sk, i);
	return NULL;
}

static void check_binding(struct mv_result *r, const struct tdx_quote *q)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t dig[32];
	unsigned int n = 0;
	int ok;

	ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	     EVP_DigestUpdate(ctx, q->att_key, 64) == 1 &&
	     EVP_DigestUpdate(ctx, q->qe_auth, q->qe_auth_len) == 1 &&
	     EVP_DigestFinal_ex(ctx, dig, &n) == 1 && n == 32 &&
	     !CRYPTO_memcmp(dig, q->qe_report + SGX_REPORT_DATA, 32) &&
	     mv_all_zero(q->qe_report + SGX_REPORT_DATA + 32, 32);
	EVP_MD_CTX_free(ctx);
	if (ok)
		mv_pass(r, "QE report data = SHA-256(attestation key || QE "
			   "auth data)");
	else
		mv_fail(r, MV_FAIL,
			"QE report data does not bind the "
			"attestation key");
}

int tdx_verify_quote(struct mv_result *r, const uint8_t *buf, size_t len,
		     X509 *root, const char *collateral_dir, int64_t t)
{
	STACK_OF(X509) *pck = NULL;
	struct tdx_quote q;
	EVP_PKEY *akey;
	X509 *chain[3];
	char err[160];
	int rc;

	rc = tdx_quote_parse(buf, len, &q, err, sizeof(err));
	if (rc) {
		mv_fail(r, rc, "%s", err);
		return r->status;
	}
	json_object_set_new(r->root, "quote", tdx_quote_json(&q));
	if (q.body[TDB_TD_ATTR] & 1)
		mv_warn(r, "TD attributes allow debugging");
	/* The attestation key signs header || body. */
	akey = mv_ec_key_from_xy(NID_X9_62_prime256v1, q.att_key, 64);
	if (akey && mv_ecdsa_verify_rs(akey, EVP_sha256(), buf, q.signed_len,
				       q.sig, q.sig + 32, 32))
		mv_pass(r, "quote signature by the attestation key valid");
	else
		mv_fail(r, MV_FAIL,
			"quote signature by the attestation key "
			"is not valid");
	EVP_PKEY_free(akey);
	check_binding(r, &q);
	if (mv_certs_load(q.pck_chain, q.pck_chain_len, &pck) < 1) {
		mv_fail(r, MV_FAIL, "quote carries no PCK certificate chain");
		return r->status;
	}
	chain[0] = sk_X509_value(pck, 0);
	chain[1] = find_subject(pck, X509_get_issuer_name(chain[0]));
	chain[2] = root;
	if (!chain[1] || chain[1] == chain[0]) {
		mv_fail(r, MV_FAIL, "PCK chain lacks the PCK CA certificate");
		goto out;
	}
	if (!mv_key_is_ec(X509_get0_pubkey(chain[0]), NID_X9_62_prime256v1))
		mv_fail(r, MV_FAIL, "PCK leaf key is not ECDSA P-256");
	else if (mv_ecdsa_verify_rs(X509_get0_pubkey(chain[0]), EVP_sha256(),
				    q.qe_report, SGX_REPORT_SIZE, q.qe_sig,
				    q.qe_sig + 32, 32))
		mv_pass(r, "QE report signature by the PCK leaf valid");
	else
		mv_fail(r, MV_FAIL,
			"QE report signature by the PCK leaf is "
			"not valid");
	mv_chain_check(r, chain, 3, t, "PCK chain");
	mv_root_describe(r, root);
	if (collateral_dir)
		tdx_check_collateral(r, &q, chain[0], chain[1], root,
				     collateral_dir, t);
	else
		mv_warn(r, "no collateral: TCB status, QE identity and CRLs "
			   "not checked");
out:
	sk_X509_pop_free(pck, X509_free);
	return r->status;
}

int tdx_verify_file_quote(struct mv_result *r, const uint8_t *buf, size_t len,
			  const char *root_path, const char *collateral_dir,
			  int64_t t)
{
	STACK_OF(X509) *roots = NULL;

	if (mv_certs_load_file(root_path, &roots) < 1) {
		mv_fail(r, MV_BADINPUT, "--root '%s' holds no certificate",
			root_path);
		return r->status;
	}
	tdx_verify_quote(r, buf, len, sk_X509_value(roots, 0), collateral_dir,
			 t);
	sk_X509_pop_free(roots, X509_free);
	return r->status;
}

int tdx_match_tdreport(struct mv_result *r, const uint8_t *quote, size_t len,
		       const uint8_t *tdreport)
{
	const uint8_t *td = tdreport + TDREPORT_TDINFO;
	struct tdx_quote q;
	char err[160];

	if (tdx_quote_parse(quote, len, &q, err, sizeof(err)))
		return -1;
	/* TDINFO holds ATTRIBUTES..RTMR3 in the body's order from TD_ATTR. */
	if (memcmp(td, q.body + TDB_TD_ATTR, TDB_REPORTDATA - TDB_TD_ATTR) ||
	    memcmp(tdreport + TDREPORT_REPORTDATA, q.body + TDB_REPORTDATA,
		   64)) {
		mv_fail(r, MV_FAIL,
			"the quote was not made from this TDREPORT");
		return -1;
	}
	mv_pass(r, "quote body matches the TDREPORT (TD fields, REPORTDATA)");
	return 0;
}
