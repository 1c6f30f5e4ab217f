// SPDX-License-Identifier: MIT
/* libFuzzer: TDX quote parsing, PCK chain and SGX extension decoding. */
#include <stddef.h>
#include <stdint.h>

#include "mv_x509.h"
#include "tdx_pck.h"
#include "tdx_quote.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	STACK_OF(X509) *sk = NULL;
	struct tdx_pck_ext ext;
	struct tdx_quote q;
	char err[160];
	int i;

	if (tdx_quote_parse(data, size, &q, err, sizeof(err)))
		return 0;
	json_decref(tdx_quote_json(&q));
	if (q.pck_chain &&
	    mv_certs_load(q.pck_chain, q.pck_chain_len, &sk) > 0) {
		for (i = 0; i < sk_X509_num(sk); i++)
			tdx_pck_ext_parse(sk_X509_value(sk, i), &ext);
		sk_X509_pop_free(sk, X509_free);
	}
	return 0;
}
