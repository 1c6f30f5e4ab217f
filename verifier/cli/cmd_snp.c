// SPDX-License-Identifier: MIT
/* mantle-verify snp-report */
#include "cli.h"
#include "mv_x509.h"
#include "snp_verify.h"

#include <stdlib.h>

int cmd_snp(int argc, char **argv)
{
	const char *report = NULL, *vcek = NULL, *ca = NULL, *at = NULL;
	struct cli_opt opts[] = { { "report", &report, 1 },
				  { "vcek", &vcek, 1 },
				  { "ca", &ca, 1 },
				  { "at", &at, 0 },
				  { NULL, NULL, 0 } };
	STACK_OF(X509) *vsk = NULL, *csk = NULL;
	struct snp_trust trust = { 0 };
	struct mv_result r;
	uint8_t *buf = NULL;
	size_t len;
	int64_t t;

	if (cli_parse("snp-report", argc, argv, opts))
		return MV_BADINPUT;
	if (mv_result_init(&r, "snp-report"))
		return MV_BADINPUT;
	if (cli_time(&r, at, &t) || cli_load(&r, "report", report, &buf, &len))
		goto out;
	if (mv_certs_load_file(vcek, &vsk) < 0) {
		mv_fail(&r, MV_BADINPUT, "--vcek '%s' holds no certificate",
			vcek);
		goto out;
	}
	if (mv_certs_load_file(ca, &csk) < 0) {
		mv_fail(&r, MV_BADINPUT, "--ca '%s' holds no certificate", ca);
		goto out;
	}
	if (snp_trust_load(&trust, vsk, csk, t, &r) == MV_BADINPUT)
		goto out;
	snp_verify_report(&trust, buf, len, &r);
out:
	snp_trust_free(&trust);
	sk_X509_pop_free(vsk, X509_free);
	sk_X509_pop_free(csk, X509_free);
	free(buf);
	return cli_finish(&r);
}
