/* SPDX-License-Identifier: MIT */
/*
 * Locating a member's value in JSON text without re-serialising it: Intel
 * signs the exact bytes of the "tcbInfo"/"enclaveIdentity" values.
 */
#ifndef MV_JSONRAW_H
#define MV_JSONRAW_H

#include <stddef.h>

/*
 * Finds key among the members of the top-level object in text. On success
 * sets start and len to the value's bytes and returns 0; -1 if absent or the
 * text is not a well-nested JSON object.
 */
int mv_json_raw_member(const char *text, size_t n, const char *key,
		       const char **start, size_t *len);

#endif
