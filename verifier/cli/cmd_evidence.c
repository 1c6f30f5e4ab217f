// SPDX-License-Identifier: MIT
/* mantle-verify evidence and pubkey: EAR results signed ES384. */
#include "cli.h"
#include "evidence.h"
#include "mv_jose.h"
#include "mv_sig.h"
#include "mv_util.h"

#include <stdio.h>
#include <stdlib.h>

int cmd_pubkey(int argc, char **argv)
{
	const char *keyf = NULL;
	struct cli_opt opts[] = { { "key", &keyf, 1 }, { NULL, NULL, 0 } };
	EVP_PKEY *key;
	json_t *jwk;

	if (cli_parse("pubkey", argc, argv, opts))
		return MV_BADINPUT;
	key = cli_load_pem_key(keyf, 1);
	jwk = key ? mv_pkey_to_jwk(key) : NULL;
	EVP_PKEY_free(key);
	if (!jwk) {
		fprintf(stderr,
			"mantle-verify pubkey: '%s' is not a PEM EC "
			"P-384 private key\n",
			keyf);
		return MV_BADINPUT;
	}
	json_dumpf(jwk, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(jwk);
	return MV_OK;
}

int cmd_evidence(int argc, char **argv)
{
	const char *evf = NULL, *polf = NULL, *keyf = NULL, *at = NULL,
		   *details = NULL;
	struct cli_opt opts[] = {
		{ "evidence", &evf, 1 },    { "policy", &polf, 1 },
		{ "key", &keyf, 1 },	    { "at", &at, 0 },
		{ "details", &details, 0 }, { NULL, NULL, 0 }
	};
	struct mv_policy pol = { 0 };
	struct mv_result r;
	enum mv_tier tier = TIER_CONTRA;
	uint8_t *ev = NULL, *pb = NULL;
	size_t evlen, plen;
	EVP_PKEY *key = NULL;
	json_t *ear = NULL;
	char err[160], *jwt = NULL;
	int64_t t;
	int rc = MV_BADINPUT;

	if (cli_parse("evidence", argc, argv, opts))
		return MV_BADINPUT;
	if (mv_result_init(&r, "evidence"))
		return MV_BADINPUT;
	if (cli_time(&r, at, &t))
		goto out;
	key = cli_load_pem_key(keyf, 1);
	if (!key || !mv_key_is_ec(key, NID_secp384r1)) {
		fprintf(stderr,
			"mantle-verify evidence: --key '%s' is not a "
			"PEM EC P-384 private key\n",
			keyf);
		goto out;
	}
	if (mv_read_file(polf, &pb, &plen) ||
	    mv_policy_load(pb, plen, &pol, err, sizeof(err))) {
		fprintf(stderr, "mantle-verify evidence: --policy '%s': %s\n",
			polf, pb ? err : "cannot read");
		goto out;
	}
	if (mv_read_file(evf, &ev, &evlen)) {
		fprintf(stderr, "mantle-verify evidence: cannot read '%s'\n",
			evf);
		goto out;
	}
	if (mv_evidence_appraise(ev, evlen, &pol, t, &r, &ear, &tier)) {
		fprintf(stderr, "mantle-verify evidence: %s\n",
			json_string_value(json_array_get(r.reasons, 0)));
		goto out;
	}
	jwt = mv_jwt_es384(ear, key);
	if (!jwt) {
		fprintf(stderr, "mantle-verify evidence: signing failed\n");
		goto out;
	}
	printf("%s\n", jwt);
	rc = tier == TIER_CONTRA ? MV_FAIL : MV_OK;
out:
	if (details) {
		FILE *f = fopen(details, "w");

		mv_result_finish(&r);
		json_object_set(r.root, "ear", ear ? ear : json_null());
		if (f) {
			json_dumpf(r.root, f, JSON_INDENT(2));
			fclose(f);
		}
	}
	mv_result_free(&r);
	json_decref(ear);
	free(jwt);
	EVP_PKEY_free(key);
	mv_policy_free(&pol);
	free(ev);
	free(pb);
	return rc;
}
