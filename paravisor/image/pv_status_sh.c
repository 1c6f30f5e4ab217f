// SPDX-License-Identifier: MIT
/*
 * Build-time tool (never in an image): prints the paravisor statuses of
 * common/include/mantle_pv_status.h as shell assignments, one a line
 * ("PV_EXIT_INIT=125"). The image carries them as /etc/mantle/pv-status.sh,
 * which /init sources, so /init never retypes a status number.
 */
#include <stdio.h>

#include "mantle_pv_status.h"

int main(void)
{
	size_t n;
	const struct pv_status_entry *t = pv_status_table(&n);

	printf("# PV_EXIT_* of common/include/mantle_pv_status.h, generated "
	       "by paravisor/image/pv_status_sh.c\n");
	for (size_t i = 0; i < n; i++)
		printf("%s=%d\n", t[i].id, t[i].value);
	return fflush(stdout) || ferror(stdout) ? 1 : 0;
}
