// SPDX-License-Identifier: MIT
/* libFuzzer target: the hostile-mode SPEC parser (a CLI argument). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hostif_hostile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hostif_hostile h;
	char err[160];
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (hostif_hostile_parse(s, &h, err, sizeof(err)) == 0) {
		for (int i = 0; i < HOSTIF_FAULT_COUNT; i++)
			if (h.ppm[i] > HOSTIF_PPM)
				abort();
		if (h.storm > HOSTIF_STORM_MAX)
			abort();
		for (int i = 0; i < 16; i++)
			(void)hostif_hostile_roll(&h,
						  (enum hostif_fault)(i % 8));
	} else if (!memchr(err, '\0', sizeof(err)) || !err[0]) {
		abort();
	}
	free(s);
	return 0;
}
