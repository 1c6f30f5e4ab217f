// SPDX-License-Identifier: MIT
/*
 * Evidence bundle appraisal: run the per-format authenticity checks, check
 * the root against the policy's trusted roots, bind the nonce, then appraise
 * each claim (measurement, TCB, debug, VMPL, PCRs) into an EAR
 * trustworthiness vector. Vector values follow the AR4SI tiers: 2
 * affirming, 32/33 warning, 96 contraindicated.
 */
#include "evidence.h"
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
#include <stdarg.h>
#include <string.h>
#include <time.h>

struct appraisal {
	json_t *claims; /* claim -> {status, detail} */
	json_t *tv; /* trustworthiness vector */
	enum mv_tier worst;
};

static const char *const tier_names[] = { "none", "affirming", "warning",
					  "contraindicated" };

static void ap(struct appraisal *a, const char *claim, enum mv_tier tier,
	       const char *tv_key, int tv_val, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static void ap(struct appraisal *a, const char *claim, enum mv_tier tier,
	       const char *tv_key, int tv_val, const char *fmt, ...)
{
	char detail[256];
	va_list va;
	json_t *old;

	va_start(va, fmt);
	vsnprintf(detail, sizeof(detail), fmt, va);
	va_end(va);
	json_object_set_new(a->claims, claim,
			    json_pack("{s:s, s:s}", "status", tier_names[tier],
				      "detail", detail));
	if (tier > a->worst)
		a->worst = tier;
	if (!tv_key)
		return;
	old = json_object_get(a->tv, tv_key);
	if (!old || json_integer_value(old) < tv_val)
		json_object_set_new(a->tv, tv_key, json_integer(tv_val));
}

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
	const uint8_t *report_data; /* bound to the nonce when no TPM */
	uint8_t rd[64];
	int have_rd;
	const char *platform;
};

static void root_policy(struct ctx *c, const X509 *root)
{
	if (!root) {
		ap(&c->a, "root", TIER_CONTRA, "hardware", 96,
		   "no root certificate");
	} else if (mv_policy_root_trusted(c->pol, root)) {
		ap(&c->a, "root", TIER_AFFIRMING, NULL, 0,
		   "root trusted by the policy");
	} else {
		mv_fail(c->r, MV_FAIL, "root is not trusted by the policy");
		ap(&c->a, "root", TIER_CONTRA, "hardware", 96,
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
		memcpy(c->rd, rep + 0x50, 64);
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
		hcl_check_binding(&h, h.hw + 0x50, c->r);
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
		ap(&c->a, "attestation-key", TIER_AFFIRMING, NULL, 0,
		   "AK is HCLAkPub, bound to the hardware report");
	else
		ap(&c->a, "attestation-key", TIER_WARNING, "instance-identity",
		   32, "AK given as PEM: not bound to hardware evidence");
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

/* Case-insensitive equality of two hex strings of the same length. */
static int strncasecmp_ascii(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'F' ? (char)(*a + 32) : *a;
		char y = *b >= 'A' && *b <= 'F' ? (char)(*b + 32) : *b;

		if (x != y)
			return 1;
	}
	return *a != *b;
}

static int in_hex_list(const json_t *list, const char *hex)
{
	const json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
	{
		const char *s = json_string_value(v);

		if (s && hex && strlen(s) == strlen(hex) &&
		    !strncasecmp_ascii(s, hex))
			return 1;
	}
	return 0;
}

/* The "debug" claim of SNP and TDX alike; what names the debug bit. */
static void appraise_debug(struct ctx *c, int debug, const char *forbidden)
{
	if (debug && !c->pol->allow_debug)
		ap(&c->a, "debug", TIER_CONTRA, "configuration", 96,
		   "%s; the policy forbids it", forbidden);
	else
		ap(&c->a, "debug", debug ? TIER_WARNING : TIER_AFFIRMING,
		   "configuration", debug ? 32 : 2, "debug %s",
		   debug ? "allowed (policy permits)" : "disabled");
}

static void appraise_snp(struct ctx *c, const json_t *rep)
{
	static const char *const comps[] = { "bootloader", "tee", "snp",
					     "microcode", "fmc" };
	const json_t *tcb = json_object_get(rep, "reported_tcb");
	const json_t *vmpl = json_object_get(rep, "vmpl");
	int debug = json_is_true(json_object_get(json_object_get(rep, "policy"),
						 "debug_allowed"));
	size_t i;
	int low = 0;

	appraise_debug(c, debug, "guest policy allows debugging");
	if (c->pol->allowed_vmpls) {
		int ok = 0;
		const json_t *v;

		json_array_foreach(c->pol->allowed_vmpls, i, v) ok |=
			json_integer_value(v) == json_integer_value(vmpl);
		ap(&c->a, "vmpl", ok ? TIER_AFFIRMING : TIER_CONTRA,
		   "configuration", ok ? 2 : 96, "VMPL %lld %s",
		   (long long)json_integer_value(vmpl),
		   ok ? "allowed" : "not allowed by the policy");
	}
	if (c->pol->min_tcb) {
		for (i = 0; i < sizeof(comps) / sizeof(comps[0]); i++) {
			const json_t *m =
				json_object_get(c->pol->min_tcb, comps[i]);
			const json_t *h = json_object_get(tcb, comps[i]);

			if (m && json_integer_value(h) < json_integer_value(m))
				low = 1;
		}
		ap(&c->a, "tcb", low ? TIER_CONTRA : TIER_AFFIRMING, "hardware",
		   low ? 96 : 2, "REPORTED_TCB %s the policy minimum",
		   low ? "is below" : "meets");
	}
	if (json_string_value(json_object_get(
		    json_object_get(rep, "current_tcb"), "raw")) &&
	    strcmp(json_string_value(json_object_get(
			   json_object_get(rep, "current_tcb"), "raw")),
		   json_string_value(json_object_get(
			   json_object_get(rep, "committed_tcb"), "raw"))))
		ap(&c->a, "firmware",
		   c->pol->allow_provisional_firmware ? TIER_AFFIRMING :
							TIER_WARNING,
		   "hardware", c->pol->allow_provisional_firmware ? 2 : 32,
		   "provisional firmware (CURRENT_TCB != COMMITTED_TCB)");
}

static void appraise_tdx(struct ctx *c, const json_t *body)
{
	int debug = json_is_true(json_object_get(body, "debug"));
	uint8_t have[16], min[16];
	int i, low = 0;

	appraise_debug(c, debug, "TD attributes allow debugging");
	if (c->pol->min_tee_tcb_svn &&
	    mv_unhex(json_string_value(c->pol->min_tee_tcb_svn), min, 16) ==
		    16 &&
	    mv_unhex(json_string_value(json_object_get(body, "tee_tcb_svn")),
		     have, 16) == 16) {
		for (i = 0; i < 16; i++)
			low |= have[i] < min[i];
		ap(&c->a, "tcb", low ? TIER_CONTRA : TIER_AFFIRMING, "hardware",
		   low ? 96 : 2, "TEE_TCB_SVN %s the policy minimum",
		   low ? "is below" : "meets");
	}
}

static void appraise(struct ctx *c, const uint8_t *pcrs)
{
	const json_t *rep = json_object_get(c->r->root, "report");
	const json_t *body =
		json_object_get(json_object_get(c->r->root, "quote"), "body");
	const char *meas = NULL;
	const char *key;
	json_t *v;

	if (rep) {
		meas = json_string_value(json_object_get(rep, "measurement"));
		appraise_snp(c, rep);
	} else if (body) {
		meas = json_string_value(json_object_get(body, "mrtd"));
		appraise_tdx(c, body);
	}
	if (c->pol->measurements) {
		int ok = in_hex_list(c->pol->measurements, meas);

		ap(&c->a, "measurement", ok ? TIER_AFFIRMING : TIER_CONTRA,
		   "executables", ok ? 2 : 96, "launch measurement %s",
		   ok ? "matches a reference value" :
			"matches no reference value");
	}
	if (c->pol->reference_pcrs) {
		int bad = 0;

		json_object_foreach(c->pol->reference_pcrs, key, v)
		{
			uint8_t want[32];
			int idx = atoi(key);

			if (!pcrs || idx < 0 || idx >= 24 ||
			    mv_unhex(json_string_value(v) ?
					     json_string_value(v) :
					     "",
				     want, 32) != 32 ||
			    memcmp(want, pcrs + 32 * idx, 32))
				bad = 1;
		}
		ap(&c->a, "pcrs", bad ? TIER_CONTRA : TIER_AFFIRMING,
		   "executables", bad ? 96 : 2, "PCR values %s",
		   bad ? "differ from the reference" : "match the reference");
	}
	if (json_is_true(json_object_get(c->r->root, "simulated")))
		ap(&c->a, "platform", TIER_WARNING, "runtime-opaque", 32,
		   "Mantle's simulated secure processor (no memory "
		   "encryption), trusted by the policy");
	else
		ap(&c->a, "platform", TIER_AFFIRMING, "runtime-opaque", 2,
		   "hardware-encrypted memory (%s)", c->platform);
}

static void bind_nonce(struct ctx *c, const uint8_t *nonce, size_t nlen,
		       int have_tpm)
{
	uint8_t padded[64] = { 0 };

	if (!nonce) {
		ap(&c->a, "nonce",
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

static json_t *ear_claims(struct ctx *c, const uint8_t *nonce, size_t nlen,
			  int64_t iat)
{
	json_t *sub, *ear;
	char policy_id[80];
	char *hex = mv_hex(c->pol->digest, 32);
	char *nb = nonce ? mv_b64url(nonce, nlen) : NULL;

	snprintf(policy_id, sizeof(policy_id), "policy:sha256:%s",
		 hex ? hex : "");
	sub = json_pack("{s:s, s:O, s:s, s:O}", "ear.status",
			tier_names[c->a.worst ? c->a.worst : TIER_WARNING],
			"ear.trustworthiness-vector", c->a.tv,
			"ear.appraisal-policy-id", policy_id,
			"mantle.appraisal", c->a.claims);
	ear = json_pack("{s:s, s:I, s:{s:s, s:s}, s:{s:o}}", "eat_profile",
			MV_EAR_PROFILE, "iat", (json_int_t)iat,
			"ear.verifier-id", "developer", "mantle", "build",
			"mantle-verify 1", "submods",
			c->platform ? c->platform : "unknown", sub);
	if (nb)
		json_object_set_new(ear, "eat_nonce", json_string(nb));
	free(hex);
	free(nb);
	return ear;
}

int mv_evidence_appraise(const uint8_t *bundle, size_t len,
			 const struct mv_policy *pol, int64_t t,
			 struct mv_result *r, json_t **ear, enum mv_tier *tier)
{
	struct ctx c = { .pol = pol, .r = r, .t = t };
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
		ap(&c.a, "authenticity", TIER_AFFIRMING, "instance-identity", 2,
		   "signatures, chains and bindings verified");
		ap(&c.a, "hardware", TIER_AFFIRMING, "hardware", 2,
		   "endorsed by a root the policy trusts");
		appraise(&c, pcrs);
	} else {
		ap(&c.a, "authenticity", TIER_CONTRA, "instance-identity", 96,
		   "evidence failed verification (see reasons)");
		ap(&c.a, "hardware", TIER_CONTRA, "hardware", 96,
		   "not verified");
	}
	*ear = ear_claims(&c, nonce, nlen, (int64_t)time(NULL));
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
