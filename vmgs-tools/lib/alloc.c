// SPDX-License-Identifier: MIT
/*
 * Best-fit block allocation (§1.7): the smallest free gap that fits wins,
 * ties go to the lowest offset; the tail after the last used range
 * competes under the same rule.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int cmp_range(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

enum vmgs_err vmgs_best_fit(const uint32_t (*used)[2], unsigned n,
			    uint32_t cap_blocks, uint32_t need, uint32_t *off)
{
	uint32_t r[VMGS_FILE_COUNT * 2 + 4][2];
	uint64_t pos = VMGS_MIN_FILE_BLOCK, best_len = UINT64_MAX;
	uint32_t best = 0;
	bool found = false;

	if (n > sizeof(r) / sizeof(r[0]) || need == 0)
		return VMGS_E_INVAL;
	if (n)
		memcpy(r, used, n * sizeof(r[0]));
	qsort(r, n, sizeof(r[0]), cmp_range);
	for (unsigned i = 0; i <= n; i++) {
		uint64_t start = i < n ? r[i][0] : cap_blocks;
		uint64_t end = i < n ? (uint64_t)r[i][0] + r[i][1] : cap_blocks;

		if (start < pos) {
			/* Ranges never overlap once the table is validated. */
			if (end > pos)
				return VMGS_E_OVERLAP;
			continue;
		}
		if (start - pos >= need && start - pos < best_len) {
			best_len = start - pos;
			best = (uint32_t)pos;
			found = true;
		}
		pos = end;
	}
	if (!found)
		return VMGS_E_NO_SPACE;
	*off = best;
	return VMGS_OK;
}
