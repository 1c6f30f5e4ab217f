// SPDX-License-Identifier: MIT
#include "secret.h"
#include "errf.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

_Static_assert(sizeof(SECRET_TAG) - 1 == SECRET_TAG_LEN, "tag length");

uint8_t *secret_make(char *err, size_t errlen)
{
	uint8_t *b = malloc(SECRET_BLOCK);

	if (!b) {
		errf(err, errlen, "test secret: out of memory");
		return NULL;
	}
	memcpy(b, SECRET_TAG, SECRET_TAG_LEN);
	if (getrandom(b + SECRET_TAG_LEN, SECRET_LEN, 0) != SECRET_LEN) {
		errf(err, errlen, "test secret: getrandom: %s",
		     strerror(errno));
		free(b);
		return NULL;
	}
	return b;
}

void secret_reveal_and_free(uint8_t *b)
{
	char hex[2 * SECRET_LEN + 1];

	for (size_t i = 0; i < SECRET_LEN; i++) {
		hex[2 * i] = "0123456789abcdef"[b[SECRET_TAG_LEN + i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[b[SECRET_TAG_LEN + i] & 15];
	}
	hex[2 * SECRET_LEN] = 0;
	pv_log("test-secret: %s", hex);
	explicit_bzero(b, SECRET_BLOCK);
	free(b);
}
