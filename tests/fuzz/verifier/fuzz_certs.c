// SPDX-License-Identifier: MIT
/* libFuzzer: certificate bundles and the AMD/Intel extension decoders. */
#include <stddef.h>
#include <stdint.h>

#include "mv_x509.h"
#include "snp_vcek.h"
#include "tdx_pck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	STACK_OF(X509) *sk = NULL;
	struct snp_vcek_ext e;
	struct tdx_pck_ext p;
	char err[160];
	int i;

	if (mv_certs_load(data, size, &sk) < 1)
		return 0;
	for (i = 0; i < sk_X509_num(sk); i++) {
		X509 *x = sk_X509_value(sk, i);

		if (!snp_vcek_ext_parse(x, &e, err, sizeof(err)))
			json_decref(snp_vcek_ext_json(&e));
		tdx_pck_ext_parse(x, &p);
		mv_x509_is_pss384(x);
	}
	sk_X509_pop_free(sk, X509_free);
	return 0;
}
