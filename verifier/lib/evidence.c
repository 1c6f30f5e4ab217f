// SPDX-License-Identifier: MIT
/*
 * Evidence bundle verification: read the bundle, run the per-format
 * authenticity checks, check the root against the policy's trusted roots
 * and bind the nonce; then hand the verified result to appraisal.c, which
 * appraises each claim into the EAR.
 */
#include "evidence.h"
#include "appraisal.h"
#include "eventlog.h"
#include "hcl_report.h"
#include "mv_jose.h"
#include "mv_util.h"
#include "mv_x509.h"
#include "snp_verify.h"
#include "tdx_verify.h"
#include "tpm_attest.h"
#include "tpm_verify.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Binary member: hex string; NULL when absent. -1 on malformed. */
static int get_hex(const json_t *o, const char *key, uint8_t **buf, size_t *len)
{
	const char *s = json_string_value(json_object_get(o, key));
	size_t n;

	*buf = NULL;
	*len = 0;
	if (!json_object_get(o, key))
		return 0;
	if (!s || strlen(s) % 2 || strlen(s) / 2 > MV_MAX_FILE)
		return -1;
	n = strlen(s) / 2;
	*buf = malloc(n ? n : 1);
	if (!*buf || mv_unhex(s, *buf, n) != (long)n) {
		free(*buf);
		*buf = NULL;
		return -1;
	}
	*len = n;
	return 1;
}

static STACK_OF(X509) * pem_certs(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	STACK_OF(X509) *sk = NULL;

	if (!s || mv_certs_load((const uint8_t *)s, strlen(s), &sk) < 1)
		return NULL;
	return sk;
}

struct ctx {
	const struct mv_policy *pol;
	struct mv_result *r;
	struct appraisal a;
	int64_t t;
	json_t *claims; /* HCLA runtime claims */
	uint8_t rd[64];
	int have_rd;
	const char *platform;
};

static void root_policy(struct ctx *c, const X509 *root)
{
	if (!root) {
		mv_ap(&c->a, "root", TIER_CONTRA, "hardware", 96,
		      "no root certificate");
	} else if (mv_policy_root_trusted(c->pol, root)) {
		mv_ap(&c->a, "root", TIER_AFFIRMING, NULL, 0,
		      "root trusted by the policy");
	} else {
		mv_fail(c->r, MV_FAIL, "root is not trusted by the policy");
		mv_ap(&c->a, "root", TIER_CONTRA, "hardware", 96,
		      "root is not among the policy's trusted roots");
	}
}

static int do_snp(struct ctx *c, const json_t *snp, const uint8_t *rep,
		  size_t len)
{
	STACK_OF(X509) *vcek = pem_certs(snp, "vcek");
	STACK_OF(X509) *ca = pem_certs(snp, "ca");
	struct snp_trust trust = { 0 };

	if (!vcek) {
		mv_fail(c->r, MV_BADINPUT, "evidence: snp.vcek missing");
		sk_X509_pop_free(ca, X509_free);
		return -1;
	}
	c->platform = "sev-snp";
	if (snp_trust_load(&trust, vcek, ca ? ca : vcek, c->t, c->r) !=
	    MV_BADINPUT)
		snp_verify_report(&trust, rep, len, c->r);
	root_policy(c, trust.root);
	if (len == SNP_REPORT_SIZE) {
		memcpy(c->rd, rep + SNP_REPORT_DATA, 64);
		c->have_rd = 1;
	}
	snp_trust_free(&trust);
	sk_X509_pop_free(vcek, X509_free);
	sk_X509_pop_free(ca, X509_free);
	return 0;
}

static int do_tdx(struct ctx *c, const uint8_t *q, size_t len)
{
	STACK_OF(X509) *pck = NULL;
	struct tdx_quote tq;
	X509 *root = NULL;
	char err[160];
	int i;

	c->platform = "tdx";
	if (tdx_quote_parse(q, len, &tq, err, sizeof(err)) == MV_OK &&
	    mv_certs_load(tq.pck_chain, tq.pck_chain_len, &pck) > 0) {
		for (i = 0; i < sk_X509_num(pck); i++) {
			X509 *x = sk_X509_value(pck, i);

			if (!X509_NAME_cmp(X509_get_subject_name(x),
					   X509_get_issuer_name(x)))
				root = x;
		}
	}
	root_policy(c, root);
	if (root)
		tdx_verify_quote(c->r, q, len, root, NULL, c->t);
	else
		mv_fail(c->r, MV_FAIL, "TDX quote carries no PCK root");
	if (c->r->status == MV_OK) {
		memcpy(c->rd, tq.body + TDB_REPORTDATA, 64);
		c->have_rd = 1;
	}
	sk_X509_pop_free(pck, X509_free);
	return 0;
}

static int do_hcl(struct ctx *c, const json_t *ev, const uint8_t *buf,
		  size_t len)
{
	const json_t *snp = json_object_get(ev, "snp");
	uint8_t *q;
	size_t qlen;
	struct hcl_report h;
	char err[160];
	int rc;

	rc = hcl_report_parse(buf, len, &h, err, sizeof(err));
	if (rc) {
		mv_fail(c->r, rc, "hcl.report: %s", err);
		return rc == MV_BADINPUT ? -1 : 0;
	}
	if (h.report_type == HCL_TYPE_SNP) {
		if (!snp) {
			mv_fail(c->r, MV_BADINPUT,
				"evidence: an SNP HCLA report needs snp.vcek");
			return -1;
		}
		if (do_snp(c, snp, h.hw, HCL_HW_SIZE))
			return -1;
		hcl_check_binding(&h, h.hw + SNP_REPORT_DATA, c->r);
	} else {
		if (get_hex(json_object_get(ev, "tdx"), "quote", &q, &qlen) <
		    1) {
			mv_fail(c->r, MV_BADINPUT,
				"evidence: a TDX HCLA report needs tdx.quote");
			return -1;
		}
		do_tdx(c, q, qlen);
		tdx_match_tdreport(c->r, q, qlen, h.hw);
		hcl_check_binding(&h, h.hw + TDREPORT_REPORTDATA, c->r);
		free(q);
	}
	c->platform = h.report_type == HCL_TYPE_SNP ? "sev-snp-hcl" : "tdx-hcl";
	/* REPORT_DATA is the claims hash; the nonce goes elsewhere. */
	c->have_rd = 0;
	c->claims = hcl_claims(&h, c->r);
	if (c->claims) {
		const char *ud = json_string_value(
			json_object_get(c->claims, "user-data"));

		if (ud && mv_unhex(ud, c->rd, 64) == 64)
			c->have_rd = 1;
	}
	return 0;
}

static EVP_PKEY *tpm_ak(struct ctx *c, const json_t *tpm, int *bound)
{
	const char *ak = json_string_value(json_object_get(tpm, "ak"));
	EVP_PKEY *key = NULL;
	BIO *bio;

	*bound = 0;
	if (!ak || !strcmp(ak, "HCLAkPub")) {
		json_t *jwk = c->claims ?
				      hcl_claims_key(c->claims, "HCLAkPub") :
				      NULL;

		key = jwk ? mv_jwk_to_pkey(jwk) : NULL;
		*bound = key != NULL;
		return key;
	}
	bio = BIO_new_mem_buf(ak, (int)strlen(ak));
	key = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	ERR_clear_error();
	return key;
}

/* Returns the PCR bank (owned by the caller) or NULL. */
static uint8_t *do_tpm(struct ctx *c, const json_t *tpm, const uint8_t *nonce,
		       size_t nlen)
{
	uint8_t *att = NULL, *sig = NULL, *pcrs = NULL;
	size_t alen, slen, plen;
	EVP_PKEY *ak;
	int bound;

	if (get_hex(tpm, "attest", &att, &alen) < 1 ||
	    get_hex(tpm, "signature", &sig, &slen) < 1 ||
	    get_hex(tpm, "pcrs", &pcrs, &plen) < 0 ||
	    (pcrs && plen != TPM_PCR_BANK_SIZE)) {
		mv_fail(c->r, MV_BADINPUT,
			"evidence: tpm needs hex attest, signature and a "
			"768-byte pcrs bank");
		goto out;
	}
	ak = tpm_ak(c, tpm, &bound);
	if (!ak) {
		mv_fail(c->r, MV_FAIL, "TPM attestation key unavailable");
		goto out;
	}
	if (bound)
		mv_ap(&c->a, "attestation-key", TIER_AFFIRMING, NULL, 0,
		      "AK is HCLAkPub, bound to the hardware report");
	else
		mv_ap(&c->a, "attestation-key", TIER_WARNING,
		      "instance-identity", 32,
		      "AK given as PEM: not bound to hardware evidence");
	tpm_quote_verify(att, alen, sig, slen, ak, pcrs, nonce, nlen, c->r);
	EVP_PKEY_free(ak);
out:
	free(att);
	free(sig);
	if (c->r->status != MV_OK) {
		free(pcrs);
		return NULL;
	}
	return pcrs;
}

static void do_eventlog(struct ctx *c, const uint8_t *log, size_t len,
			uint8_t *pcrs)
{
	struct evlog *ev = calloc(1, sizeof(*ev));
	const struct evlog_bank *b;
	char err[160];
	int n, bad = 0;

	if (!ev)
		return;
	if (evlog_replay(log, len, ev, err, sizeof(err))) {
		mv_fail(c->r, MV_FAIL, "eventlog: %s", err);
		goto out;
	}
	json_object_set_new(c->r->root, "eventlog", evlog_json(ev));
	b = evlog_bank(ev, TPM_ALG_SHA256);
	if (!pcrs || !b) {
		mv_fail(c->r, MV_FAIL,
			"eventlog needs quoted SHA-256 PCRs to compare with");
		goto out;
	}
	for (n = 0; n < EVLOG_PCRS; n++)
		if ((ev->touched & (1u << n)) &&
		    CRYPTO_memcmp(b->pcr[n], pcrs + 32 * n, 32))
			bad = 1;
	if (bad)
		mv_fail(c->r, MV_FAIL,
			"event log replay differs from the "
			"quoted PCRs");
	else
		mv_pass(c->r, "event log replays to the quoted PCRs");
out:
	free(ev);
}

static void bind_nonce(struct ctx *c, const uint8_t *nonce, size_t nlen,
		       int have_tpm)
{
	uint8_t padded[64] = { 0 };

	if (!nonce) {
		mv_ap(&c->a, "nonce",
		      c->pol->require_nonce ? TIER_CONTRA : TIER_WARNING,
		      "instance-identity", c->pol->require_nonce ? 96 : 32,
		      "no nonce: freshness not established");
		return;
	}
	if (have_tpm) /* checked by tpm_quote_verify as extraData */
		return;
	memcpy(padded, nonce, nlen);
	if (!c->have_rd) {
		mv_fail(c->r, MV_FAIL,
			"nothing in the evidence binds the nonce");
	} else if (CRYPTO_memcmp(padded, c->rd, 64)) {
		mv_fail(c->r, MV_FAIL, "%s does not equal the nonce",
			c->claims ? "claims user-data" : "REPORT_DATA");
	} else {
		mv_pass(c->r, "nonce bound in %s",
			c->claims ? "claims user-data" : "REPORT_DATA");
	}
}

int mv_evidence_appraise(const uint8_t *bundle, size_t len,
			 const struct mv_policy *pol, int64_t t,
			 struct mv_result *r, json_t **ear, enum mv_tier *tier)
{
	struct ctx c = { .pol = pol, .r = r, .t = t, .a.pol = pol };
	uint8_t *hw = NULL, *nonce = NULL, *pcrs = NULL, *log = NULL;
	size_t hwlen, nlen = 0, loglen;
	const json_t *snp, *tdx, *hcl, *tpm;
	json_error_t jerr;
	json_t *ev;
	int rc = MV_BADINPUT;

	*ear = NULL;
	c.a.claims = json_object();
	c.a.tv = json_object();
	ev = json_loadb((const char *)bundle, len, JSON_REJECT_DUPLICATES,
			&jerr);
	if (!ev || json_integer_value(json_object_get(
			   ev, "mantle_evidence_version")) != 1) {
		mv_fail(r, MV_BADINPUT, "not a Mantle evidence bundle v1%s%s",
			ev ? "" : ": ", ev ? "" : jerr.text);
		goto out;
	}
	snp = json_object_get(ev, "snp");
	tdx = json_object_get(ev, "tdx");
	hcl = json_object_get(ev, "hcl");
	tpm = json_object_get(ev, "tpm");
	if (get_hex(ev, "nonce", &nonce, &nlen) < 0 || nlen > 64 ||
	    get_hex(ev, "eventlog", &log, &loglen) < 0) {
		mv_fail(r, MV_BADINPUT, "evidence: nonce/eventlog not hex");
		goto out;
	}
	if (hcl) {
		if (get_hex(hcl, "report", &hw, &hwlen) < 1 ||
		    do_hcl(&c, ev, hw, hwlen))
			goto bad;
	} else if (snp && get_hex(snp, "report", &hw, &hwlen) == 1) {
		if (do_snp(&c, snp, hw, hwlen))
			goto bad;
	} else if (tdx && get_hex(tdx, "quote", &hw, &hwlen) == 1) {
		do_tdx(&c, hw, hwlen);
	} else {
		mv_fail(r, MV_BADINPUT,
			"evidence: needs hcl.report, snp.report or tdx.quote");
		goto out;
	}
	if (r->status == MV_BADINPUT)
		goto out;
	if (tpm)
		pcrs = do_tpm(&c, tpm, nonce, nlen);
	if (r->status == MV_BADINPUT)
		goto out;
	if (log)
		do_eventlog(&c, log, loglen, pcrs);
	bind_nonce(&c, nonce, nlen, tpm != NULL);
	if (r->status == MV_OK) {
		mv_ap(&c.a, "authenticity", TIER_AFFIRMING, "instance-identity",
		      2, "signatures, chains and bindings verified");
		mv_ap(&c.a, "hardware", TIER_AFFIRMING, "hardware", 2,
		      "endorsed by a root the policy trusts");
		mv_appraise_claims(&c.a, r->root, pcrs, c.platform);
	} else {
		mv_ap(&c.a, "authenticity", TIER_CONTRA, "instance-identity",
		      96, "evidence failed verification (see reasons)");
		mv_ap(&c.a, "hardware", TIER_CONTRA, "hardware", 96,
		      "not verified");
	}
	*ear = mv_ear_claims(&c.a, c.platform, nonce, nlen,
			     (int64_t)time(NULL));
	*tier = c.a.worst;
	rc = MV_OK;
	goto out;
bad:
	if (r->status != MV_BADINPUT)
		mv_fail(r, MV_BADINPUT, "evidence bundle is incomplete");
out:
	json_decref(c.claims);
	json_decref(c.a.claims);
	json_decref(c.a.tv);
	json_decref(ev);
	free(hw);
	free(nonce);
	free(pcrs);
	free(log);
	return rc;
}
