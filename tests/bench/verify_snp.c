// SPDX-License-Identifier: MIT
/*
 * make bench-verify: SEV-SNP report verifications per second on one core
 * with the endorsement chain cached, against OpenSSL's raw ECDSA P-384
 * verification rate over the same bytes with the same key, measured in the
 * same run. Prints BENCH lines; never asserts on timing.
 */
#define _POSIX_C_SOURCE 200809L
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mv_sig.h"
#include "mv_util.h"
#include "mv_x509.h"
#include "snp_verify.h"

#define SECONDS 2.0 /* per side */
#define ROUNDS 10

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *sample(const char *rel)
{
	static char path[4][4096];
	static int i;
	const char *root = getenv("MANTLE_TESTDATA");

	if (!root)
		root = "../shared/testdata";
	i = (i + 1) % 4;
	snprintf(path[i], sizeof(path[i]), "%s/attestation/%s", root, rel);
	return path[i];
}

int main(void)
{
	STACK_OF(X509) *vcek = NULL, *ca = NULL;
	struct snp_trust trust;
	struct snp_report rep;
	struct mv_result r;
	uint8_t *buf, *der = NULL;
	size_t len;
	char err[160];
	double t0, rate, snp_rate = 0, raw_rate = 0;
	unsigned long n;
	int round;
	int derlen, bad = 0;
	ECDSA_SIG *sig;
	EVP_MD_CTX *ctx;

	if (mv_read_file(sample("trustee/snp/test-report.bin"), &buf, &len) ||
	    mv_certs_load_file(sample("trustee/snp/test-vcek.der"), &vcek) <
		    1 ||
	    mv_certs_load_file(sample("go-sev-guest/ask_ark_milan.pem"), &ca) <
		    1) {
		fprintf(stderr, "bench-verify: samples missing under "
				"../shared/testdata (or $MANTLE_TESTDATA)\n");
		return 2;
	}
	mv_result_init(&r, "bench");
	if (snp_trust_load(&trust, vcek, ca, 1748736000, &r) != MV_OK) {
		fprintf(stderr, "bench-verify: chain does not verify\n");
		return 1;
	}
	mv_result_free(&r);

	/* Raw OpenSSL: EVP_DigestVerify of the same signed bytes. */
	snp_report_parse(buf, len, &rep, err, sizeof(err));
	sig = ECDSA_SIG_new();
	ECDSA_SIG_set0(sig, BN_bin2bn(rep.sig_r, 48, NULL),
		       BN_bin2bn(rep.sig_s, 48, NULL));
	derlen = i2d_ECDSA_SIG(sig, &der);
	ctx = EVP_MD_CTX_new();
	/*
	 * Interleaved rounds so that load from other processes hits both
	 * sides alike; each side reports its best round.
	 */
	for (round = 0; round < ROUNDS; round++) {
		t0 = now();
		for (n = 0; now() - t0 < SECONDS / ROUNDS; n++) {
			mv_result_init(&r, "snp-report");
			bad |= snp_verify_report(&trust, buf, len, &r) != MV_OK;
			mv_result_free(&r);
		}
		rate = (double)n / (now() - t0);
		snp_rate = rate > snp_rate ? rate : snp_rate;
		t0 = now();
		for (n = 0; now() - t0 < SECONDS / ROUNDS; n++) {
			EVP_DigestVerifyInit(ctx, NULL, EVP_sha384(), NULL,
					     trust.key);
			bad |= EVP_DigestVerify(ctx, der, (size_t)derlen, buf,
						SNP_SIGNED_LEN) != 1;
		}
		rate = (double)n / (now() - t0);
		raw_rate = rate > raw_rate ? rate : raw_rate;
	}
	if (bad) {
		fprintf(stderr, "bench-verify: a verification failed\n");
		return 1;
	}
	printf("BENCH name=snp_report_verify_per_core value=%.0f "
	       "unit=verifications/s ref=openssl_ecdsa_p384_verify:%.0f "
	       "ratio=%.3f\n",
	       snp_rate, raw_rate, snp_rate / raw_rate);
	EVP_MD_CTX_free(ctx);
	OPENSSL_free(der);
	ECDSA_SIG_free(sig);
	snp_trust_free(&trust);
	sk_X509_pop_free(vcek, X509_free);
	sk_X509_pop_free(ca, X509_free);
	free(buf);
	return 0;
}
