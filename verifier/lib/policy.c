// SPDX-License-Identifier: MIT
/* Appraisal policy: strict parsing, unknown members are errors. */
#include "policy.h"
#include "mv_roots.h"
#include "mv_util.h"
#include "mv_x509.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

static const char *const known[] = { "mantle_policy_version",
				     "trusted_roots",
				     "reference_measurements",
				     "min_tcb",
				     "min_tee_tcb_svn",
				     "allowed_vmpls",
				     "reference_pcrs",
				     "allow_debug",
				     "allow_provisional_firmware",
				     "require_nonce",
				     NULL };

static int all_hex(json_t *arr, size_t want)
{
	uint8_t buf[64];
	json_t *v;
	size_t i;

	json_array_foreach(arr, i, v)
	{
		const char *s = json_string_value(v);

		if (!s || mv_unhex(s, buf, sizeof(buf)) != (long)want)
			return 0;
	}
	return 1;
}

int mv_policy_load(const uint8_t *buf, size_t len, struct mv_policy *p,
		   char *err, size_t errlen)
{
	json_error_t jerr;
	const char *key, *const *k;
	unsigned int dlen;
	json_t *v;

	memset(p, 0, sizeof(*p));
	p->doc = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES,
			    &jerr);
	if (!p->doc || !json_is_object(p->doc)) {
		snprintf(err, errlen, "policy is not a JSON object: %s",
			 p->doc ? "wrong type" : jerr.text);
		goto fail;
	}
	EVP_Digest(buf, len, p->digest, &dlen, EVP_sha256(), NULL);
	json_object_foreach(p->doc, key, v)
	{
		for (k = known; *k && strcmp(*k, key); k++)
			;
		if (!*k) {
			snprintf(err, errlen, "policy: unknown member '%s'",
				 key);
			goto fail;
		}
	}
	if (json_integer_value(
		    json_object_get(p->doc, "mantle_policy_version")) != 1) {
		snprintf(err, errlen,
			 "policy: mantle_policy_version must be 1");
		goto fail;
	}
	p->trusted_roots = json_object_get(p->doc, "trusted_roots");
	if (!json_is_array(p->trusted_roots) ||
	    !json_array_size(p->trusted_roots)) {
		snprintf(err, errlen,
			 "policy: trusted_roots must be a "
			 "non-empty array");
		goto fail;
	}
	p->measurements = json_object_get(p->doc, "reference_measurements");
	if (p->measurements && (!json_is_array(p->measurements) ||
				!all_hex(p->measurements, 48))) {
		snprintf(err, errlen,
			 "policy: reference_measurements must be "
			 "48-byte hex strings");
		goto fail;
	}
	p->min_tcb = json_object_get(p->doc, "min_tcb");
	if (p->min_tcb && !json_is_object(p->min_tcb)) {
		snprintf(err, errlen, "policy: min_tcb must be an object");
		goto fail;
	}
	p->min_tee_tcb_svn = json_object_get(p->doc, "min_tee_tcb_svn");
	if (p->min_tee_tcb_svn) {
		json_t *one = json_pack("[O]", p->min_tee_tcb_svn);
		int ok = all_hex(one, 16);

		json_decref(one);
		if (!ok) {
			snprintf(err, errlen,
				 "policy: min_tee_tcb_svn must be "
				 "16-byte hex");
			goto fail;
		}
	}
	p->allowed_vmpls = json_object_get(p->doc, "allowed_vmpls");
	if (p->allowed_vmpls && !json_is_array(p->allowed_vmpls)) {
		snprintf(err, errlen, "policy: allowed_vmpls must be an array");
		goto fail;
	}
	p->reference_pcrs = json_object_get(p->doc, "reference_pcrs");
	if (p->reference_pcrs && !json_is_object(p->reference_pcrs)) {
		snprintf(err, errlen,
			 "policy: reference_pcrs must be an object");
		goto fail;
	}
	p->allow_debug = json_is_true(json_object_get(p->doc, "allow_debug"));
	p->allow_provisional_firmware = json_is_true(
		json_object_get(p->doc, "allow_provisional_firmware"));
	p->require_nonce =
		json_is_true(json_object_get(p->doc, "require_nonce"));
	return 0;
fail:
	mv_policy_free(p);
	return -1;
}

void mv_policy_free(struct mv_policy *p)
{
	json_decref(p->doc);
	memset(p, 0, sizeof(*p));
}

int mv_policy_root_trusted(const struct mv_policy *p, const X509 *root)
{
	const char *name = mv_root_known(root);
	uint8_t fp[32], want[32];
	json_t *v;
	size_t i;

	mv_x509_fingerprint(root, fp);
	json_array_foreach(p->trusted_roots, i, v)
	{
		const char *s = json_string_value(v);

		if (!s)
			continue;
		if (name && !strcmp(s, name))
			return 1;
		if (mv_unhex(s, want, 32) == 32 && !memcmp(want, fp, 32))
			return 1;
	}
	return 0;
}
