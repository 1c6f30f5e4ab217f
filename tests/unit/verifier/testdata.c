// SPDX-License-Identifier: MIT
/* Sample lookup with a loud skip when ../shared/testdata is absent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "mv_util.h"
#include "testdata.h"

const char *mvt_path(const char *rel)
{
	static char path[4096];
	const char *root = getenv("MANTLE_TESTDATA");

	if (!root)
		root = "../shared/testdata";
	snprintf(path, sizeof(path), "%s/attestation/%s", root, rel);
	if (access(path, R_OK)) {
		printf("SKIP: sample %s not found (shared testdata missing)\n",
		       path);
		skip();
	}
	return path;
}

void mvt_load(const char *rel, uint8_t **buf, size_t *len)
{
	const char *p = mvt_path(rel);

	if (mv_read_file(p, buf, len))
		fail_msg("cannot read %s", p);
	mv_maybe_unhex(*buf, len);
}
