/* SPDX-License-Identifier: MIT */
/* AES-256-GCM (12-byte nonce, 16-byte tag, no AAD) and randomness. */
#ifndef VMGS_CRYPTO_H
#define VMGS_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmgs/vmgs.h"
#include "wire.h"

enum vmgs_err vmgs_random(void *buf, size_t len);
enum vmgs_err vmgs_gcm_encrypt(const uint8_t key[VMGS_KEY_SIZE],
			       const uint8_t nonce[VMGS_NONCE_SIZE],
			       const uint8_t *in, uint8_t *out, uint64_t len,
			       uint8_t tag[VMGS_TAG_SIZE]);
/* VMGS_E_AUTH if the tag does not match; out is then wiped. */
enum vmgs_err vmgs_gcm_decrypt(const uint8_t key[VMGS_KEY_SIZE],
			       const uint8_t nonce[VMGS_NONCE_SIZE],
			       const uint8_t *in, uint8_t *out, uint64_t len,
			       const uint8_t tag[VMGS_TAG_SIZE]);
/* Streaming form, for files processed in chunks. */
typedef struct evp_cipher_ctx_st vmgs_gcm;
enum vmgs_err vmgs_gcm_begin(vmgs_gcm **g, const uint8_t key[VMGS_KEY_SIZE],
			     const uint8_t nonce[VMGS_NONCE_SIZE], bool enc);
enum vmgs_err vmgs_gcm_update(vmgs_gcm *g, const uint8_t *in, uint8_t *out,
			      size_t len, bool enc);
enum vmgs_err vmgs_gcm_end_encrypt(vmgs_gcm *g, uint8_t tag[VMGS_TAG_SIZE]);
/* VMGS_E_AUTH if the tag does not match. */
enum vmgs_err vmgs_gcm_end_decrypt(vmgs_gcm *g,
				   const uint8_t tag[VMGS_TAG_SIZE]);
void vmgs_gcm_free(vmgs_gcm *g);
/* Fresh random key and nonce for one encryption (never reused). */
enum vmgs_err vmgs_fresh_key_nonce(uint8_t key[VMGS_KEY_SIZE],
				   uint8_t nonce[VMGS_NONCE_SIZE]);
void vmgs_wipe(void *p, size_t len);

#endif
