// SPDX-License-Identifier: MIT
/* mantle-verify tdx-quote */
#include "cli.h"
#include "tdx_verify.h"

#include <stdlib.h>

int cmd_tdx(int argc, char **argv)
{
	const char *quote = NULL, *root = NULL, *coll = NULL, *at = NULL;
	struct cli_opt opts[] = { { "quote", &quote, 1 },
				  { "root", &root, 1 },
				  { "collateral", &coll, 0 },
				  { "at", &at, 0 },
				  { NULL, NULL, 0 } };
	struct mv_result r;
	uint8_t *buf = NULL;
	size_t len;
	int64_t t;

	if (cli_parse("tdx-quote", argc, argv, opts))
		return MV_BADINPUT;
	if (mv_result_init(&r, "tdx-quote"))
		return MV_BADINPUT;
	if (cli_time(&r, at, &t) || cli_load(&r, "quote", quote, &buf, &len))
		goto out;
	tdx_verify_file_quote(&r, buf, len, root, coll, t);
out:
	free(buf);
	return cli_finish(&r);
}
