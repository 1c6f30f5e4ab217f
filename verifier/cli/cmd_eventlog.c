// SPDX-License-Identifier: MIT
/* mantle-verify eventlog */
#include "cli.h"
#include "eventlog.h"
#include "tpm_attest.h"

#include <openssl/crypto.h>
#include <stdlib.h>

int cmd_eventlog(int argc, char **argv)
{
	const char *logf = NULL, *pcrs = NULL;
	struct cli_opt opts[] = { { "log", &logf, 1 },
				  { "pcrs", &pcrs, 0 },
				  { NULL, NULL, 0 } };
	uint8_t *buf = NULL, *pbuf = NULL;
	size_t len, plen;
	struct mv_result r;
	struct evlog *log = NULL;
	const struct evlog_bank *b;
	char err[160];
	int rc, n, bad = 0;

	if (cli_parse("eventlog", argc, argv, opts))
		return MV_BADINPUT;
	if (mv_result_init(&r, "eventlog"))
		return MV_BADINPUT;
	log = calloc(1, sizeof(*log));
	if (!log || cli_load(&r, "log", logf, &buf, &len))
		goto out;
	if (pcrs) {
		if (cli_load(&r, "pcrs", pcrs, &pbuf, &plen))
			goto out;
		if (plen != 24 * 32) {
			mv_fail(&r, MV_BADINPUT,
				"--pcrs must be 24 x 32 bytes, got %zu", plen);
			goto out;
		}
	}
	rc = evlog_replay(buf, len, log, err, sizeof(err));
	if (rc) {
		mv_fail(&r, rc, "%s", err);
		goto out;
	}
	json_object_set_new(r.root, "log", evlog_json(log));
	mv_pass(&r, "log parsed and replayed (%lu events)", log->events);
	if (!pcrs)
		goto out;
	b = evlog_bank(log, TPM_ALG_SHA256);
	if (!b) {
		mv_fail(&r, MV_FAIL, "log has no SHA-256 bank to compare");
		goto out;
	}
	for (n = 0; n < EVLOG_PCRS; n++) {
		if (!(log->touched & (1u << n)))
			continue;
		if (CRYPTO_memcmp(b->pcr[n], pbuf + 32 * n, 32)) {
			mv_fail(&r, MV_FAIL,
				"PCR %d: replayed value differs from --pcrs",
				n);
			bad = 1;
		}
	}
	if (!bad)
		mv_pass(&r, "replayed SHA-256 PCRs match --pcrs");
out:
	free(log);
	free(buf);
	free(pbuf);
	return cli_finish(&r);
}
