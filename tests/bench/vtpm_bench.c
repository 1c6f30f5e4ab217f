// SPDX-License-Identifier: MIT
/*
 * vtpm-bench (make bench-vtpm, issue 14 item 7): TPM command latency as a
 * process in the guest sees it, through tpm2-tss's ESAPI over a TCTI
 * (default the kernel's resource manager, device:/dev/tpmrm0). N timed
 * calls each of TPM2_GetRandom(32), TPM2_PCR_Extend (SHA-256, debug PCR
 * 16) and TPM2_Quote of SHA-256 PCRs 0-7 over a fresh nonce, with a
 * restricted signing primary created once for its quotes (ECC P-256
 * ECDSA-SHA256, then RSA-2048 RSASSA-SHA256 as the AK template
 * has), the only object loaded meanwhile. One line per operation:
 * "vtpm-bench: op=NAME n=N median_us=M p90_us=P min_us= max_us=", and
 * "vtpm-bench: mark=begin|end op=NAME" around its calls. The primaries'
 * creation is timed once each ("op=create_primary_* n=1").
 * A bench tool for test and bench guest images only, never the product.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tss2/tss2_esys.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

#define N_DEFAULT 100
#define N_MAX 100000
#define MAX_FAILS 3

static const char usage[] =
	"NAME\n"
	"    vtpm-bench - TPM2 command latency through tpm2-tss ESAPI\n"
	"SYNOPSIS\n"
	"    vtpm-bench [-n N] [-t TCTI] [--help]\n"
	"DESCRIPTION\n"
	"    Times N calls each (default 100) of TPM2_GetRandom(32),\n"
	"    TPM2_PCR_Extend (SHA-256, PCR 16) and TPM2_Quote (SHA-256 PCRs\n"
	"    0-7, ECC P-256 and RSA-2048 restricted signing primaries made\n"
	"    once) over TCTI (default device:/dev/tpmrm0) and prints the\n"
	"    median and 90th percentile in microseconds, one line each.\n"
	"EXIT STATUS\n"
	"    0 done, 1 a TPM call failed, 2 usage\n";

struct bench {
	ESYS_CONTEXT *esys;
	ESYS_TR key; /* the quoting key of the current operation, if any */
	uint32_t nonce;
};

typedef TSS2_RC (*op_fn)(struct bench *b);

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static TSS2_RC op_get_random(struct bench *b)
{
	TPM2B_DIGEST *out = NULL;
	TSS2_RC rc = Esys_GetRandom(b->esys, ESYS_TR_NONE, ESYS_TR_NONE,
				    ESYS_TR_NONE, 32, &out);

	if (rc == TSS2_RC_SUCCESS && out->size != 32)
		rc = TSS2_BASE_RC_MALFORMED_RESPONSE;
	Esys_Free(out);
	return rc;
}

static TSS2_RC op_pcr_extend(struct bench *b)
{
	TPML_DIGEST_VALUES d = { .count = 1 };

	d.digests[0].hashAlg = TPM2_ALG_SHA256;
	memset(d.digests[0].digest.sha256, 0xa5, TPM2_SHA256_DIGEST_SIZE);
	return Esys_PCR_Extend(b->esys, ESYS_TR_PCR16, ESYS_TR_PASSWORD,
			       ESYS_TR_NONE, ESYS_TR_NONE, &d);
}

static TSS2_RC op_quote(struct bench *b)
{
	TPM2B_DATA nonce = { .size = sizeof(b->nonce) };
	TPMT_SIG_SCHEME scheme = { .scheme = TPM2_ALG_NULL };
	TPML_PCR_SELECTION sel = { .count = 1 };
	TPM2B_ATTEST *quoted = NULL;
	TPMT_SIGNATURE *sig = NULL;
	TSS2_RC rc;

	b->nonce++;
	memcpy(nonce.buffer, &b->nonce, sizeof(b->nonce));
	sel.pcrSelections[0].hash = TPM2_ALG_SHA256;
	sel.pcrSelections[0].sizeofSelect = 3;
	sel.pcrSelections[0].pcrSelect[0] = 0xff; /* PCRs 0-7 */
	rc = Esys_Quote(b->esys, b->key, ESYS_TR_PASSWORD, ESYS_TR_NONE,
			ESYS_TR_NONE, &nonce, &scheme, &sel, &quoted, &sig);
	Esys_Free(quoted);
	Esys_Free(sig);
	return rc;
}

/* A restricted signing key's template: ECC P-256 ECDSA-SHA256 or RSA-2048
 * RSASSA-SHA256, SHA-256 name, no symmetric part. */
static TPM2B_PUBLIC signing_template(int rsa)
{
	TPM2B_PUBLIC p = { 0 };
	TPMT_PUBLIC *t = &p.publicArea;

	t->nameAlg = TPM2_ALG_SHA256;
	t->objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
			      TPMA_OBJECT_SENSITIVEDATAORIGIN |
			      TPMA_OBJECT_USERWITHAUTH |
			      TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN_ENCRYPT;
	if (rsa) {
		t->type = TPM2_ALG_RSA;
		t->parameters.rsaDetail.symmetric.algorithm = TPM2_ALG_NULL;
		t->parameters.rsaDetail.scheme.scheme = TPM2_ALG_RSASSA;
		t->parameters.rsaDetail.scheme.details.rsassa.hashAlg =
			TPM2_ALG_SHA256;
		t->parameters.rsaDetail.keyBits = 2048;
	} else {
		t->type = TPM2_ALG_ECC;
		t->parameters.eccDetail.symmetric.algorithm = TPM2_ALG_NULL;
		t->parameters.eccDetail.scheme.scheme = TPM2_ALG_ECDSA;
		t->parameters.eccDetail.scheme.details.ecdsa.hashAlg =
			TPM2_ALG_SHA256;
		t->parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
		t->parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
	}
	return p;
}

static TSS2_RC create_primary(struct bench *b, int rsa, ESYS_TR *key)
{
	TPM2B_SENSITIVE_CREATE sens = { 0 };
	TPM2B_PUBLIC tmpl = signing_template(rsa);
	TPM2B_DATA outside = { 0 };
	TPML_PCR_SELECTION none = { 0 };
	TPM2B_PUBLIC *pub = NULL;
	TPM2B_CREATION_DATA *cd = NULL;
	TPM2B_DIGEST *ch = NULL;
	TPMT_TK_CREATION *tk = NULL;
	TSS2_RC rc;

	rc = Esys_CreatePrimary(b->esys, ESYS_TR_RH_OWNER, ESYS_TR_PASSWORD,
				ESYS_TR_NONE, ESYS_TR_NONE, &sens, &tmpl,
				&outside, &none, key, &pub, &cd, &ch, &tk);
	Esys_Free(pub);
	Esys_Free(cd);
	Esys_Free(ch);
	Esys_Free(tk);
	return rc;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* report: the line of one operation over its n successful calls; fails
 * calls failed and are left out of the figures. */
static void report(const char *name, double *us, unsigned int n,
		   unsigned int fails)
{
	unsigned int p90 = n * 9 / 10;

	qsort(us, n, sizeof(*us), cmp_double);
	if (p90 >= n)
		p90 = n - 1;
	printf("vtpm-bench: op=%s n=%u median_us=%.1f p90_us=%.1f min_us=%.1f max_us=%.1f fails=%u\n",
	       name, n, us[n / 2], us[p90], us[0], us[n - 1], fails);
	fflush(stdout);
}

static int failed(const char *what, TSS2_RC rc)
{
	fprintf(stderr, "vtpm-bench: %s: %s\n", what, Tss2_RC_Decode(rc));
	printf("vtpm-bench: FAILED %s: %s\n", what, Tss2_RC_Decode(rc));
	return 1;
}

enum key { KEY_NONE, KEY_ECC, KEY_RSA };

/* The guest's console line before and after each operation's calls: the
 * bench image samples the VM's KVM exit counters on it (tests/bench/
 * vtpm-init); the pause lets the sample land before the calls start. */
static void mark(const char *what, const char *name)
{
	const struct timespec pause = { 0, 300 * 1000 * 1000 };

	printf("vtpm-bench: mark=%s op=%s\n", what, name);
	fflush(stdout);
	nanosleep(&pause, NULL);
}

/* make_key: the operation's primary, its creation timed once. */
static int make_key(struct bench *b, enum key key)
{
	static const char *const names[] = {
		[KEY_ECC] = "create_primary_ecc_p256",
		[KEY_RSA] = "create_primary_rsa2048",
	};
	double t0 = now_us(), us;
	TSS2_RC rc = create_primary(b, key == KEY_RSA, &b->key);

	us = now_us() - t0;
	if (rc != TSS2_RC_SUCCESS)
		return failed(names[key], rc);
	report(names[key], &us, 1, 0);
	return 0;
}

/* run_op: N timed calls of one operation (with its key alone loaded, so
 * the resource manager swaps in one object per call), then its line. A
 * failed call (e.g. the guest kernel's command timeout) is said, counted
 * and left out; MAX_FAILS in a row end the operation as FAILED. */
static int run_op(struct bench *b, const char *name, op_fn fn, enum key key,
		  double *us, unsigned int n)
{
	unsigned int ok = 0, fails = 0, in_row = 0;
	int r = 0;

	if (key != KEY_NONE && make_key(b, key))
		return 1;
	mark("begin", name);
	for (unsigned int i = 0; i < n && in_row < MAX_FAILS; i++) {
		double t0 = now_us();
		TSS2_RC rc = fn(b);

		us[ok] = now_us() - t0;
		if (rc == TSS2_RC_SUCCESS) {
			ok++;
			in_row = 0;
			continue;
		}
		printf("vtpm-bench: call %u of %s: %s\n", i, name,
		       Tss2_RC_Decode(rc));
		fails++;
		in_row++;
	}
	mark("end", name);
	if (in_row >= MAX_FAILS || ok == 0)
		r = failed(name, TSS2_BASE_RC_GENERAL_FAILURE);
	else
		report(name, us, ok, fails);
	if (key != KEY_NONE) {
		Esys_FlushContext(b->esys, b->key);
		b->key = ESYS_TR_NONE;
	}
	return r;
}

static int run_all(struct bench *b, unsigned int n)
{
	static const struct {
		const char *name;
		op_fn fn;
		enum key key;
	} ops[] = {
		{ "get_random_32", op_get_random, KEY_NONE },
		{ "pcr_extend_sha256", op_pcr_extend, KEY_NONE },
		{ "quote_ecc_p256", op_quote, KEY_ECC },
		{ "quote_rsa2048", op_quote, KEY_RSA },
	};
	double *us = calloc(n, sizeof(*us));
	int r = 0;

	if (!us) {
		fprintf(stderr, "vtpm-bench: out of memory\n");
		return 1;
	}
	for (size_t i = 0; r == 0 && i < sizeof(ops) / sizeof(ops[0]); i++)
		r = run_op(b, ops[i].name, ops[i].fn, ops[i].key, us, n);
	free(us);
	return r;
}

static int parse_args(int argc, char **argv, unsigned int *n, const char **tcti)
{
	for (int i = 1; i < argc; i++) {
		char *end;

		if (!strcmp(argv[i], "--help")) {
			fputs(usage, stdout);
			exit(0);
		} else if (!strcmp(argv[i], "-t") && i + 1 < argc) {
			*tcti = argv[++i];
		} else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			unsigned long v = strtoul(argv[++i], &end, 10);

			if (*end || v == 0 || v > N_MAX)
				return -1;
			*n = (unsigned int)v;
		} else {
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bench b = { .key = ESYS_TR_NONE };
	const char *conf = "device:/dev/tpmrm0";
	unsigned int n = N_DEFAULT;
	TSS2_TCTI_CONTEXT *tcti = NULL;
	TSS2_RC rc;
	int r;

	if (parse_args(argc, argv, &n, &conf) < 0) {
		fputs(usage, stderr);
		return 2;
	}
	rc = Tss2_TctiLdr_Initialize(conf, &tcti);
	if (rc != TSS2_RC_SUCCESS)
		return failed(conf, rc);
	rc = Esys_Initialize(&b.esys, tcti, NULL);
	if (rc != TSS2_RC_SUCCESS) {
		Tss2_TctiLdr_Finalize(&tcti);
		return failed("Esys_Initialize", rc);
	}
	r = run_all(&b, n);
	Esys_Finalize(&b.esys);
	Tss2_TctiLdr_Finalize(&tcti);
	return r;
}
