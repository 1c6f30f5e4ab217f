// SPDX-License-Identifier: MIT
/* SHA-256 fingerprints of the vendors' published root certificates. */
#include "mv_roots.h"
#include "mv_util.h"
#include "mv_x509.h"

#include <string.h>

static const struct {
	const char *name;
	const char *sha256;
} roots[] = {
	{ "AMD ARK-Milan",
	  "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd" },
	{ "AMD ARK-Genoa",
	  "4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1" },
	{ "AMD ARK-Turin",
	  "1f084161a44bb6d93778a904877d4819cafa5d05ef4193b2ded9dd9c73dd3f6a" },
	{ "Intel SGX Root CA",
	  "44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3" },
};

const char *mv_root_known(const X509 *x)
{
	uint8_t fp[32], want[32];
	size_t i;

	mv_x509_fingerprint(x, fp);
	for (i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		if (mv_unhex(roots[i].sha256, want, 32) == 32 &&
		    !memcmp(fp, want, 32))
			return roots[i].name;
	}
	return NULL;
}

void mv_root_describe(struct mv_result *r, const X509 *root)
{
	const char *known = mv_root_known(root);
	char org[128] = "";
	uint8_t fp[32];

	mv_x509_fingerprint(root, fp);
	mv_json_hex(r->root, "root_sha256", fp, 32);
	if (known) {
		json_object_set_new(r->root, "root", json_string(known));
		mv_pass(r, "root is the built-in hardware root %s", known);
		return;
	}
	X509_NAME_get_text_by_NID(X509_get_subject_name(root),
				  NID_organizationName, org, sizeof(org));
	json_object_set_new(r->root, "root", json_string("caller-supplied"));
	if (!strcmp(org, "Mantle")) {
		json_object_set_new(r->root, "simulated", json_true());
		mv_warn(r, "evidence comes from Mantle's simulated secure "
			   "processor (no hardware protection)");
	} else {
		mv_warn(r, "root is not a built-in hardware root; trusted "
			   "only because the caller supplied it");
	}
}
