// SPDX-License-Identifier: MIT
/* mantle-verify tpm-quote */
#include "cli.h"
#include "mv_util.h"
#include "tpm_verify.h"

#include <stdlib.h>
#include <string.h>

int cmd_tpm(int argc, char **argv)
{
	const char *attest = NULL, *sig = NULL, *ak = NULL, *pcrs = NULL,
		   *nonce = NULL;
	struct cli_opt opts[] = {
		{ "attest", &attest, 1 }, { "sig", &sig, 1 },
		{ "ak", &ak, 1 },	  { "pcrs", &pcrs, 0 },
		{ "nonce", &nonce, 0 },	  { NULL, NULL, 0 }
	};
	uint8_t *abuf = NULL, *sbuf = NULL, *pbuf = NULL, nbuf[64];
	size_t alen, slen, plen;
	long nlen = 0;
	EVP_PKEY *key = NULL;
	struct mv_result r;

	if (cli_parse("tpm-quote", argc, argv, opts))
		return MV_BADINPUT;
	if (mv_result_init(&r, "tpm-quote"))
		return MV_BADINPUT;
	if (cli_load(&r, "attest", attest, &abuf, &alen) ||
	    cli_load(&r, "signature", sig, &sbuf, &slen))
		goto out;
	if (pcrs) {
		if (cli_load(&r, "pcrs", pcrs, &pbuf, &plen))
			goto out;
		if (plen != TPM_PCR_BANK_SIZE) {
			mv_fail(&r, MV_BADINPUT,
				"--pcrs must be 24 x 32 bytes, got %zu", plen);
			goto out;
		}
	}
	if (nonce && (nlen = mv_unhex(nonce, nbuf, sizeof(nbuf))) < 0) {
		mv_fail(&r, MV_BADINPUT, "--nonce is not hex of <= 64 bytes");
		goto out;
	}
	key = cli_load_pem_key(ak, 0);
	if (!key) {
		mv_fail(&r, MV_BADINPUT, "--ak '%s' is not a PEM public key",
			ak);
		goto out;
	}
	tpm_quote_verify(abuf, alen, sbuf, slen, key, pbuf, nonce ? nbuf : NULL,
			 (size_t)nlen, &r);
out:
	EVP_PKEY_free(key);
	free(abuf);
	free(sbuf);
	free(pbuf);
	return cli_finish(&r);
}
