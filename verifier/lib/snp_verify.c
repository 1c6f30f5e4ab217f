// SPDX-License-Identifier: MIT
/*
 * SEV-SNP authenticity checks: endorsement chain ARK -> AS(V)K -> VCEK/VLEK
 * (RSA-PSS SHA-384, salt 48), the report's ECDSA P-384 signature, REPORTED_TCB
 * and CHIP_ID against the certificate, and must-be-zero fields. Appraisal
 * facts (debug, VMPL, provisional firmware) only become warnings.
 */
#include "snp_verify.h"
#include "mv_roots.h"
#include "mv_sig.h"
#include "mv_util.h"
#include "mv_x509.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int self_signed(X509 *x)
{
	return !X509_NAME_cmp(X509_get_subject_name(x),
			      X509_get_issuer_name(x));
}

/* The certificate in sk (other than leaf) whose subject is leaf's issuer. */
static X509 *find_issuer(STACK_OF(X509) * sk, X509 *leaf, int want_root)
{
	int i;

	for (i = 0; sk && i < sk_X509_num(sk); i++) {
		X509 *x = sk_X509_value(sk, i);

		if (x == leaf || self_signed(x) != want_root)
			continue;
		if (!X509_NAME_cmp(X509_get_subject_name(x),
				   X509_get_issuer_name(leaf)))
			return x;
	}
	return NULL;
}

void snp_trust_free(struct snp_trust *t)
{
	X509_free(t->leaf);
	X509_free(t->issuer);
	X509_free(t->root);
	memset(t, 0, sizeof(*t));
}

static int check_pss(struct mv_result *r, X509 *const *c, int n)
{
	char cn[128];
	int i, bad = 0;

	for (i = 0; i < n; i++) {
		if (mv_x509_is_pss384(c[i]))
			continue;
		mv_x509_cn(c[i], cn, sizeof(cn));
		mv_fail(r, MV_FAIL,
			"certificate '%s' is not signed with RSA-PSS "
			"SHA-384/MGF1-SHA-384/salt 48",
			cn);
		bad = 1;
	}
	if (!bad)
		mv_pass(r, "chain signatures are RSA-PSS SHA-384, salt 48");
	return bad;
}

int snp_trust_load(struct snp_trust *t, STACK_OF(X509) * vcek,
		   STACK_OF(X509) * ca, int64_t at, struct mv_result *r)
{
	char cn[128], err[160];
	X509 *chain[3];

	memset(t, 0, sizeof(*t));
	if (!vcek || sk_X509_num(vcek) < 1 || !ca || sk_X509_num(ca) < 1) {
		mv_fail(r, MV_BADINPUT, "no certificate in --vcek or --ca");
		return MV_BADINPUT;
	}
	t->leaf = X509_dup(sk_X509_value(vcek, 0));
	mv_x509_cn(t->leaf, cn, sizeof(cn));
	t->is_vlek = !strcmp(cn, "SEV-VLEK");
	t->key = X509_get0_pubkey(t->leaf);
	if (!mv_key_is_ec(t->key, NID_secp384r1)) {
		mv_fail(r, MV_FAIL, "%s key is not ECDSA P-384", cn);
		t->key = NULL;
	}
	if (snp_vcek_ext_parse(t->leaf, &t->ext, err, sizeof(err))) {
		mv_fail(r, MV_FAIL, "%s extensions: %s", cn, err);
	} else {
		json_object_set_new(r->root, "endorsement_key",
				    snp_vcek_ext_json(&t->ext));
		t->product = snp_product_from_name(t->ext.product_name);
	}
	/* The root comes only from --ca; the AS(V)K from either file. */
	t->issuer = find_issuer(ca, t->leaf, 0);
	if (!t->issuer)
		t->issuer = find_issuer(vcek, t->leaf, 0);
	t->root = t->issuer ? find_issuer(ca, t->issuer, 1) : NULL;
	if (!t->issuer || !t->root) {
		char *subj = mv_x509_subject(t->leaf);

		json_array_append_new(
			r->certs, json_string(subj ? subj : "(no subject)"));
		free(subj);
		mv_fail(r, MV_FAIL,
			"no %s and ARK in --ca that issued the %s '%s'",
			t->is_vlek ? "ASVK" : "ASK",
			t->is_vlek ? "VLEK" : "VCEK", cn);
		t->root = NULL;
		t->issuer = NULL;
		return r->status;
	}
	X509_up_ref(t->issuer);
	X509_up_ref(t->root);
	chain[0] = t->leaf;
	chain[1] = t->issuer;
	chain[2] = t->root;
	if (!mv_chain_check(r, chain, 3, at, "AMD chain") &&
	    !check_pss(r, chain, 3) && t->key)
		t->chain_ok = 1;
	else
		mv_fail(r, MV_FAIL, "endorsement chain not trusted");
	mv_root_describe(r, t->root);
	return r->status;
}

static int check_signer(const struct snp_trust *t, const struct snp_report *rep,
			struct mv_result *r)
{
	if (rep->signing_key == 0 && t->is_vlek) {
		mv_fail(r, MV_FAIL,
			"report says VCEK but certificate is a VLEK");
		return -1;
	}
	if (rep->signing_key == 1 && !t->is_vlek) {
		mv_fail(r, MV_FAIL, "report says VLEK but certificate is not");
		return -1;
	}
	if (rep->signing_key > 1) {
		mv_fail(r, MV_FAIL, "report is not signed (SIGNING_KEY %u)",
			rep->signing_key);
		return -1;
	}
	if (rep->sig_algo != SNP_SIG_ALGO_ECDSA_P384_SHA384) {
		mv_fail(r, MV_FAIL, "unsupported SIGNATURE_ALGO %u",
			rep->sig_algo);
		return -1;
	}
	return 0;
}

static int check_chip_id(const struct snp_trust *t,
			 const struct snp_report *rep, struct mv_result *r)
{
	const uint8_t *chip = SNP_FIELD(rep, chip_id);

	if (t->is_vlek) {
		mv_pass(r, "VLEK: no chip binding");
		return 0;
	}
	if (mv_all_zero(chip, 64)) {
		mv_warn(r, "CHIP_ID is masked (all zero)");
		return 0;
	}
	if (!t->ext.hwid_len) {
		mv_fail(r, MV_FAIL, "VCEK has no hwID extension");
		return -1;
	}
	/* Turin hwIDs are the first 8 bytes of CHIP_ID; the rest is zero. */
	if (memcmp(chip, t->ext.hwid, t->ext.hwid_len) ||
	    !mv_all_zero(chip + t->ext.hwid_len, 64 - t->ext.hwid_len)) {
		mv_fail(r, MV_FAIL, "CHIP_ID does not match the VCEK hwID");
		return -1;
	}
	mv_pass(r, "CHIP_ID matches the VCEK hwID");
	return 0;
}

static int spl_eq(struct mv_result *r, const char *name, long cert,
		  unsigned int rep)
{
	if (cert == SNP_SPL_ABSENT)
		cert = 0;
	if (cert == (long)rep)
		return 0;
	mv_fail(r, MV_FAIL, "REPORTED_TCB %s %u != certificate %s %ld", name,
		rep, name, cert);
	return -1;
}

static int check_tcb(const struct snp_trust *t, const struct snp_report *rep,
		     enum snp_product p, struct mv_result *r)
{
	const long *spl = t->ext.spl;
	struct snp_tcb tcb, cur;
	int bad = 0, i;

	if (spl[SNP_SPL_BL] == SNP_SPL_ABSENT ||
	    spl[SNP_SPL_SNP] == SNP_SPL_ABSENT ||
	    spl[SNP_SPL_UCODE] == SNP_SPL_ABSENT) {
		mv_fail(r, MV_FAIL, "certificate lacks TCB extensions");
		return -1;
	}
	snp_tcb_decode(SNP_FIELD(rep, reported_tcb), p, &tcb);
	bad |= spl_eq(r, "bootloader", spl[SNP_SPL_BL], tcb.bl);
	bad |= spl_eq(r, "tee", spl[SNP_SPL_TEE], tcb.tee);
	bad |= spl_eq(r, "snp", spl[SNP_SPL_SNP], tcb.snp);
	bad |= spl_eq(r, "microcode", spl[SNP_SPL_UCODE], tcb.ucode);
	if (p == SNP_TURIN) {
		bad |= spl_eq(r, "fmc", spl[SNP_SPL_FMC], tcb.fmc);
		for (i = 4; i < 7; i++)
			bad |= spl_eq(r, "reserved", 0, tcb.raw[i]);
	} else {
		/* Bytes 2..5 are spl4..spl7 in the KDS naming. */
		for (i = 2; i < 6; i++)
			bad |= spl_eq(r, "reserved", spl[i + 2], tcb.raw[i]);
	}
	if (bad)
		return -1;
	mv_pass(r, "REPORTED_TCB matches the certificate TCB");
	snp_tcb_decode(SNP_FIELD(rep, current_tcb), p, &cur);
	if (cur.bl < tcb.bl || cur.tee < tcb.tee || cur.snp < tcb.snp ||
	    cur.ucode < tcb.ucode || cur.fmc < tcb.fmc)
		mv_warn(r, "CURRENT_TCB is below REPORTED_TCB");
	return 0;
}

static void appraisal_warnings(const struct snp_report *rep,
			       struct mv_result *r)
{
	if (rep->policy & SNP_POLICY_DEBUG)
		mv_warn(r, "guest policy allows debugging");
	if (rep->policy & SNP_POLICY_MIGRATE_MA)
		mv_warn(r, "guest policy allows a migration agent");
	if (rep->vmpl != 0)
		mv_warn(r, "report was requested at VMPL %u", rep->vmpl);
	if (memcmp(SNP_FIELD(rep, current_tcb), SNP_FIELD(rep, committed_tcb),
		   8))
		mv_warn(r,
			"provisional firmware: CURRENT_TCB != COMMITTED_TCB");
}

int snp_verify_report(const struct snp_trust *t, const uint8_t *buf, size_t len,
		      struct mv_result *r)
{
	struct snp_report rep;
	enum snp_product p;
	char err[160];
	json_t *o;
	int rc;

	rc = snp_report_parse(buf, len, &rep, err, sizeof(err));
	if (rc == MV_BADINPUT) {
		mv_fail(r, rc, "%s", err);
		return r->status;
	}
	p = snp_report_product(&rep);
	if (p == SNP_UNKNOWN)
		p = t->product;
	o = json_object();
	snp_report_to_json(&rep, p, o);
	json_object_set_new(r->root, "report", o);
	if (rc != MV_OK) {
		mv_fail(r, rc, "%s", err);
		return r->status;
	}
	if (snp_report_product(&rep) != SNP_UNKNOWN &&
	    t->product != SNP_UNKNOWN && snp_report_product(&rep) != t->product)
		mv_fail(r, MV_FAIL,
			"report CPUID says %s but the certificate is for %s",
			snp_product_name(snp_report_product(&rep)),
			snp_product_name(t->product));
	if (!t->chain_ok)
		mv_fail(r, MV_FAIL, "endorsement key is not trusted");
	snp_report_check_mbz(&rep, r);
	if (!check_signer(t, &rep, r) && t->key) {
		if (mv_ecdsa_verify_rs(t->key, EVP_sha384(), buf,
				       SNP_SIGNED_LEN, rep.sig_r, rep.sig_s,
				       48))
			mv_pass(r, "report signature (ECDSA P-384 SHA-384) "
				   "valid");
		else
			mv_fail(r, MV_FAIL,
				"report signature is not valid "
				"for the endorsement key");
	}
	check_chip_id(t, &rep, r);
	check_tcb(t, &rep, p, r);
	appraisal_warnings(&rep, r);
	return r->status;
}
