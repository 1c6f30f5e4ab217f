// SPDX-License-Identifier: MIT
/*
 * TDX collateral from Intel PCS (or a PCCS cache), as files in a directory:
 *   tcb_info.json + tcb_info_issuer_chain.pem
 *   qe_identity.json + qe_identity_issuer_chain.pem
 *   pckcrl (DER) + pck_crl_issuer_chain.pem, rootcrl.der
 * Signatures are over the exact bytes of the "tcbInfo"/"enclaveIdentity"
 * values. TCB level status is an appraisal fact: reported as a warning.
 */
#include "mv_jsonraw.h"
#include "mv_sig.h"
#include "mantle_bytes.h"
#include "mv_util.h"
#include "mv_x509.h"
#include "tdx_pck.h"
#include "tdx_verify.h"

#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int load(struct mv_result *r, const char *dir, const char *name,
		uint8_t **buf, size_t *len)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (mv_read_file(path, buf, len)) {
		mv_fail(r, MV_BADINPUT, "collateral: cannot read %s", path);
		return -1;
	}
	return 0;
}

/* The signer (first certificate) of an issuer chain, checked to root. */
static X509 *issuer_chain(struct mv_result *r, const char *dir,
			  const char *name, X509 *root, int64_t t,
			  STACK_OF(X509) * *sk)
{
	X509 *chain[2];
	uint8_t *buf;
	size_t len;
	int n;

	if (load(r, dir, name, &buf, &len))
		return NULL;
	n = mv_certs_load(buf, len, sk);
	free(buf);
	if (n < 1) {
		mv_fail(r, MV_BADINPUT, "collateral: %s holds no certificate",
			name);
		return NULL;
	}
	chain[0] = sk_X509_value(*sk, 0);
	chain[1] = root;
	if (mv_chain_check(r, chain, 2, t, name))
		return NULL;
	return chain[0];
}

static int in_window(struct mv_result *r, json_t *o, int64_t t,
		     const char *what)
{
	const char *issue = json_string_value(json_object_get(o, "issueDate"));
	const char *next = json_string_value(json_object_get(o, "nextUpdate"));
	int64_t a, b;

	if (!issue || !next || mv_parse_time(issue, &a) ||
	    mv_parse_time(next, &b)) {
		mv_fail(r, MV_FAIL, "%s: missing issueDate/nextUpdate", what);
		return -1;
	}
	if (t < a || t > b) {
		mv_fail(r, MV_FAIL, "%s: not valid at this time (%s..%s)", what,
			issue, next);
		return -1;
	}
	return 0;
}

/* Loads a signed PCS JSON document; returns the parsed body or NULL. */
static json_t *signed_json(struct mv_result *r, const char *dir,
			   const char *file, const char *chain_file,
			   const char *member, X509 *root, int64_t t)
{
	STACK_OF(X509) *sk = NULL;
	const char *raw;
	size_t rawlen, len;
	uint8_t *buf = NULL, sig[64];
	json_t *doc = NULL, *body = NULL;
	const char *hex;
	X509 *signer;

	signer = issuer_chain(r, dir, chain_file, root, t, &sk);
	if (!signer || load(r, dir, file, &buf, &len))
		goto out;
	doc = json_loadb((const char *)buf, len, 0, NULL);
	hex = json_string_value(json_object_get(doc, "signature"));
	if (!doc ||
	    mv_json_raw_member((const char *)buf, len, member, &raw, &rawlen) ||
	    !hex || mv_unhex(hex, sig, sizeof(sig)) != 64) {
		mv_fail(r, MV_FAIL, "collateral: %s is not a signed %s", file,
			member);
		goto out;
	}
	if (!mv_ecdsa_verify_rs(X509_get0_pubkey(signer), EVP_sha256(),
				(const uint8_t *)raw, rawlen, sig, sig + 32,
				32)) {
		mv_fail(r, MV_FAIL, "collateral: %s signature is not valid",
			member);
		goto out;
	}
	mv_pass(r, "collateral: %s signature valid", member);
	body = json_incref(json_object_get(doc, member));
	if (in_window(r, body, t, member)) {
		json_decref(body);
		body = NULL;
	}
out:
	json_decref(doc);
	free(buf);
	sk_X509_pop_free(sk, X509_free);
	return body;
}

static X509_CRL *load_crl(struct mv_result *r, const char *dir,
			  const char *name)
{
	const unsigned char *p;
	X509_CRL *crl;
	uint8_t *buf;
	size_t len;

	if (load(r, dir, name, &buf, &len))
		return NULL;
	mv_maybe_unhex(buf, &len);
	p = buf;
	crl = d2i_X509_CRL(NULL, &p, (long)len);
	free(buf);
	if (!crl)
		mv_fail(r, MV_BADINPUT, "collateral: %s is not a DER CRL",
			name);
	return crl;
}

/* CRL signed by issuer, current at t, and `subject` not revoked. */
static void check_crl(struct mv_result *r, X509_CRL *crl, X509 *issuer,
		      X509 *subject, int64_t t, const char *what)
{
	X509_REVOKED *rev = NULL;
	time_t tt = (time_t)t;

	if (X509_NAME_cmp(X509_CRL_get_issuer(crl),
			  X509_get_subject_name(issuer)) ||
	    X509_CRL_verify(crl, X509_get0_pubkey(issuer)) != 1) {
		mv_fail(r, MV_FAIL, "%s: CRL is not signed by its issuer",
			what);
		return;
	}
	if (X509_cmp_time(X509_CRL_get0_lastUpdate(crl), &tt) > 0 ||
	    !X509_CRL_get0_nextUpdate(crl) ||
	    X509_cmp_time(X509_CRL_get0_nextUpdate(crl), &tt) < 0) {
		mv_fail(r, MV_FAIL, "%s: CRL is not current", what);
		return;
	}
	if (X509_CRL_get0_by_cert(crl, &rev, subject) == 1) {
		mv_fail(r, MV_FAIL, "%s: certificate is revoked", what);
		return;
	}
	mv_pass(r, "%s: CRL valid, certificate not revoked", what);
}

static int hex_eq(const char *hex, const uint8_t *b, size_t n)
{
	uint8_t buf[64];

	return hex && n <= sizeof(buf) && mv_unhex(hex, buf, n) == (long)n &&
	       !memcmp(buf, b, n);
}

static int masked_eq(const char *val, const char *mask, const uint8_t *b,
		     size_t n)
{
	uint8_t v[16], m[16];
	size_t i;

	if (!val || !mask || n > 16 || mv_unhex(val, v, n) != (long)n ||
	    mv_unhex(mask, m, n) != (long)n)
		return 0;
	for (i = 0; i < n; i++)
		if ((b[i] & m[i]) != v[i])
			return 0;
	return 1;
}

static void check_qe_identity(struct mv_result *r, json_t *id,
			      const struct tdx_quote *q)
{
	const uint8_t *rep = q->qe_report;
	unsigned int isvsvn = get_le16(rep + SGX_REPORT_ISVSVN);
	uint8_t misc[4];
	json_t *lvl;
	size_t i;

	/* MISCSELECT is little-endian in the report, hex big-endian here. */
	put_be32(misc, get_le32(rep + SGX_REPORT_MISCSELECT));
	if (!hex_eq(json_string_value(json_object_get(id, "mrsigner")),
		    rep + SGX_REPORT_MRSIGNER, 32) ||
	    json_integer_value(json_object_get(id, "isvprodid")) !=
		    get_le16(rep + SGX_REPORT_ISVPRODID) ||
	    !masked_eq(json_string_value(json_object_get(id, "miscselect")),
		       json_string_value(json_object_get(id, "miscselectMask")),
		       misc, 4) ||
	    !masked_eq(json_string_value(json_object_get(id, "attributes")),
		       json_string_value(json_object_get(id, "attributesMask")),
		       rep + SGX_REPORT_ATTRIBUTES, 16)) {
		mv_fail(r, MV_FAIL, "QE report does not match the QE identity");
		return;
	}
	mv_pass(r, "QE report matches the QE identity");
	json_array_foreach(json_object_get(id, "tcbLevels"), i, lvl)
	{
		json_t *svn =
			json_object_get(json_object_get(lvl, "tcb"), "isvsvn");
		const char *st =
			json_string_value(json_object_get(lvl, "tcbStatus"));

		if (json_is_integer(svn) &&
		    (json_int_t)isvsvn >= json_integer_value(svn)) {
			json_object_set_new(r->root, "qe_tcb_status",
					    json_string(st ? st : "?"));
			if (!st || strcmp(st, "UpToDate"))
				mv_warn(r, "QE TCB status %s", st ? st : "?");
			return;
		}
	}
	mv_warn(r, "QE ISVSVN %u matches no QE identity TCB level", isvsvn);
}

static int comps_ge(json_t *comps, const uint8_t *have8, const int *have, int n)
{
	json_t *c;
	size_t i;

	if (json_array_size(comps) != (size_t)n)
		return 0;
	json_array_foreach(comps, i, c)
	{
		int v = have ? have[i] : have8[i];

		if (v < json_integer_value(json_object_get(c, "svn")))
			return 0;
	}
	return 1;
}

/* MRSIGNERSEAM and SEAMATTRIBUTES against a TDX module identity. */
static int check_module(struct mv_result *r, json_t *mod,
			const struct tdx_quote *q)
{
	uint8_t seam_attr[8];
	int k;

	for (k = 0; k < 8; k++) /* hex is big-endian, the field LE */
		seam_attr[k] = q->body[TDB_SEAM_ATTR + 7 - k];
	if (!hex_eq(json_string_value(json_object_get(mod, "mrsigner")),
		    q->body + TDB_MRSIGNERSEAM, 48) ||
	    !masked_eq(
		    json_string_value(json_object_get(mod, "attributes")),
		    json_string_value(json_object_get(mod, "attributesMask")),
		    seam_attr, 8)) {
		mv_fail(r, MV_FAIL,
			"TDX module (MRSIGNERSEAM, SEAMATTRIBUTES) "
			"does not match the TCB info");
		return -1;
	}
	mv_pass(r, "TDX module identity matches the TCB info");
	return 0;
}

/*
 * TCB info v3: a TDX module with major version TEE_TCB_SVN[1] > 0 is
 * described by tdxModuleIdentities["TDX_<major>"], whose levels rate its
 * minor SVN TEE_TCB_SVN[0].
 */
static int check_module_identity(struct mv_result *r, json_t *info,
				 const struct tdx_quote *q)
{
	const uint8_t *svn = q->body + TDB_TEE_TCB_SVN;
	json_t *ids = json_object_get(info, "tdxModuleIdentities"), *id, *lvl;
	char want[16];
	size_t i, j;

	if (!ids || svn[1] == 0) {
		json_t *mod = json_object_get(info, "tdxModule");

		return mod ? check_module(r, mod, q) : 0;
	}
	snprintf(want, sizeof(want), "TDX_%02X", svn[1]);
	json_array_foreach(ids, i, id)
	{
		const char *name = json_string_value(json_object_get(id, "id"));

		if (!name || strcmp(name, want))
			continue;
		if (check_module(r, id, q))
			return -1;
		json_array_foreach(json_object_get(id, "tcbLevels"), j, lvl)
		{
			json_t *isv = json_object_get(
				json_object_get(lvl, "tcb"), "isvsvn");
			const char *st = json_string_value(
				json_object_get(lvl, "tcbStatus"));

			if (!json_is_integer(isv) ||
			    json_integer_value(isv) > svn[0])
				continue;
			json_object_set_new(r->root, "tdx_module_tcb_status",
					    json_string(st ? st : "?"));
			if (!st || strcmp(st, "UpToDate"))
				mv_warn(r, "TDX module %s TCB status %s", want,
					st ? st : "?");
			return 0;
		}
		mv_warn(r, "TDX module %s SVN %u matches no TCB level", want,
			svn[0]);
		return 0;
	}
	mv_fail(r, MV_FAIL, "TCB info has no module identity %s", want);
	return -1;
}

void tdx_check_tcb_info(struct mv_result *r, json_t *info,
			const struct tdx_quote *q,
			const struct tdx_pck_ext *pck)
{
	const uint8_t *svn = q->body + TDB_TEE_TCB_SVN;
	json_t *lvl, *tcb;
	size_t i;

	if (!hex_eq(json_string_value(json_object_get(info, "fmspc")),
		    pck->fmspc, 6) ||
	    !hex_eq(json_string_value(json_object_get(info, "pceId")),
		    pck->pce_id, 2)) {
		mv_fail(r, MV_FAIL, "TCB info is for another FMSPC/PCE-ID");
		return;
	}
	mv_pass(r, "TCB info FMSPC and PCE-ID match the PCK certificate");
	if (check_module_identity(r, info, q))
		return;
	json_array_foreach(json_object_get(info, "tcbLevels"), i, lvl)
	{
		const char *st;
		json_t *tdx;

		tcb = json_object_get(lvl, "tcb");
		tdx = json_object_get(tcb, "tdxtcbcomponents");
		if (!comps_ge(json_object_get(tcb, "sgxtcbcomponents"), NULL,
			      pck->comp_svn, 16) ||
		    pck->pcesvn < json_integer_value(
					  json_object_get(tcb, "pcesvn")) ||
		    !comps_ge(tdx, svn, NULL, 16))
			continue;
		st = json_string_value(json_object_get(lvl, "tcbStatus"));
		json_object_set_new(r->root, "tcb_status",
				    json_string(st ? st : "?"));
		if (!st || strcmp(st, "UpToDate"))
			mv_warn(r, "platform TCB status %s", st ? st : "?");
		return;
	}
	json_object_set_new(r->root, "tcb_status", json_string("no match"));
	mv_warn(r, "no TCB level of the TCB info matches this platform");
}

int tdx_check_collateral(struct mv_result *r, const struct tdx_quote *q,
			 X509 *pck_leaf, X509 *pck_ca, X509 *root,
			 const char *dir, int64_t t)
{
	STACK_OF(X509) *crl_sk = NULL;
	struct tdx_pck_ext pck;
	json_t *info, *id;
	X509_CRL *crl;
	X509 *crl_signer;

	if (tdx_pck_ext_parse(pck_leaf, &pck)) {
		mv_fail(r, MV_FAIL,
			"PCK certificate has no valid SGX extension");
		return r->status;
	}
	mv_json_hex(r->root, "fmspc", pck.fmspc, 6);
	info = signed_json(r, dir, "tcb_info.json", "tcb_info_issuer_chain.pem",
			   "tcbInfo", root, t);
	if (info)
		tdx_check_tcb_info(r, info, q, &pck);
	json_decref(info);
	id = signed_json(r, dir, "qe_identity.json",
			 "qe_identity_issuer_chain.pem", "enclaveIdentity",
			 root, t);
	if (id)
		check_qe_identity(r, id, q);
	json_decref(id);
	crl_signer = issuer_chain(r, dir, "pck_crl_issuer_chain.pem", root, t,
				  &crl_sk);
	crl = load_crl(r, dir, "pckcrl");
	if (crl && crl_signer) {
		if (X509_NAME_cmp(X509_get_subject_name(crl_signer),
				  X509_get_subject_name(pck_ca)))
			mv_fail(r, MV_FAIL, "PCK CRL is from another CA");
		else
			check_crl(r, crl, pck_ca, pck_leaf, t, "PCK CRL");
	}
	X509_CRL_free(crl);
	crl = load_crl(r, dir, "rootcrl.der");
	if (crl)
		check_crl(r, crl, root, pck_ca, t, "root CA CRL");
	X509_CRL_free(crl);
	sk_X509_pop_free(crl_sk, X509_free);
	return r->status;
}
