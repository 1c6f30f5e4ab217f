/* SPDX-License-Identifier: MIT */
/*
 * Test-only secret for the isolation proof (--test-secret, documented in
 * paravisor/vmm/README.md): 32 random bytes made at run time, held behind a
 * public 16-byte tag in a heap buffer and in copies on stacks, printed to
 * the log only when the paravisor exits, after the guest is gone.
 */
#ifndef MANTLE_VMM_SECRET_H
#define MANTLE_VMM_SECRET_H

#include <stddef.h>
#include <stdint.h>

#define SECRET_TAG "MANTLE-PV-SECRET"
#define SECRET_TAG_LEN 16
#define SECRET_LEN 32
#define SECRET_BLOCK (SECRET_TAG_LEN + SECRET_LEN)

/* Make the secret (tag + random bytes) in a new heap buffer; NULL on
 * failure with err set. */
uint8_t *secret_make(char *err, size_t errlen);

/* Log "test-secret: <hex of the random part>" and wipe the buffer. */
void secret_reveal_and_free(uint8_t *block);

#endif
