// SPDX-License-Identifier: MIT
/* AES-256-GCM through OpenSSL EVP; randomness from RAND_bytes. */
#include "crypto.h"

#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>

/* EVP takes int lengths: feed large buffers in pieces. */
#define CHUNK (1u << 30)

enum vmgs_err vmgs_random(void *buf, size_t len)
{
	if (len > INT_MAX || RAND_bytes(buf, (int)len) != 1)
		return VMGS_E_CRYPTO;
	return VMGS_OK;
}

void vmgs_wipe(void *p, size_t len)
{
	OPENSSL_cleanse(p, len);
}

enum vmgs_err vmgs_fresh_key_nonce(uint8_t key[VMGS_KEY_SIZE],
				   uint8_t nonce[VMGS_NONCE_SIZE])
{
	enum vmgs_err e = vmgs_random(key, VMGS_KEY_SIZE);

	return e ? e : vmgs_random(nonce, VMGS_NONCE_SIZE);
}

static enum vmgs_err run(EVP_CIPHER_CTX *c, const uint8_t *in, uint8_t *out,
			 uint64_t len, int enc)
{
	while (len) {
		int n = len > CHUNK ? (int)CHUNK : (int)len;
		int outl = 0;
		int ok = enc ? EVP_EncryptUpdate(c, out, &outl, in, n) :
			       EVP_DecryptUpdate(c, out, &outl, in, n);

		if (ok != 1 || outl != n)
			return VMGS_E_CRYPTO;
		in += n;
		out += n;
		len -= (uint64_t)n;
	}
	return VMGS_OK;
}

enum vmgs_err vmgs_gcm_encrypt(const uint8_t key[VMGS_KEY_SIZE],
			       const uint8_t nonce[VMGS_NONCE_SIZE],
			       const uint8_t *in, uint8_t *out, uint64_t len,
			       uint8_t tag[VMGS_TAG_SIZE])
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	enum vmgs_err e = VMGS_E_CRYPTO;
	int outl = 0;

	if (!c)
		return VMGS_E_NOMEM;
	if (EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, VMGS_NONCE_SIZE,
				NULL) != 1 ||
	    EVP_EncryptInit_ex(c, NULL, NULL, key, nonce) != 1)
		goto out;
	e = run(c, in, out, len, 1);
	if (e)
		goto out;
	e = VMGS_E_CRYPTO;
	if (EVP_EncryptFinal_ex(c, out + len, &outl) != 1 || outl != 0 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, VMGS_TAG_SIZE, tag) !=
		    1)
		goto out;
	e = VMGS_OK;
out:
	EVP_CIPHER_CTX_free(c);
	return e;
}

enum vmgs_err vmgs_gcm_decrypt(const uint8_t key[VMGS_KEY_SIZE],
			       const uint8_t nonce[VMGS_NONCE_SIZE],
			       const uint8_t *in, uint8_t *out, uint64_t len,
			       const uint8_t tag[VMGS_TAG_SIZE])
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t t[VMGS_TAG_SIZE];
	enum vmgs_err e = VMGS_E_CRYPTO;
	int outl = 0;

	if (!c)
		return VMGS_E_NOMEM;
	memcpy(t, tag, sizeof(t));
	if (EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, VMGS_NONCE_SIZE,
				NULL) != 1 ||
	    EVP_DecryptInit_ex(c, NULL, NULL, key, nonce) != 1)
		goto out;
	e = run(c, in, out, len, 0);
	if (e)
		goto out;
	if (EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, VMGS_TAG_SIZE, t) !=
	    1) {
		e = VMGS_E_CRYPTO;
		goto out;
	}
	e = EVP_DecryptFinal_ex(c, out + len, &outl) == 1 ? VMGS_OK :
							    VMGS_E_AUTH;
out:
	if (e && len)
		vmgs_wipe(out, (size_t)len);
	EVP_CIPHER_CTX_free(c);
	return e;
}

enum vmgs_err vmgs_gcm_begin(vmgs_gcm **g, const uint8_t key[VMGS_KEY_SIZE],
			     const uint8_t nonce[VMGS_NONCE_SIZE], bool enc)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();

	*g = NULL;
	if (!c)
		return VMGS_E_NOMEM;
	if (EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) !=
		    1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, VMGS_NONCE_SIZE,
				NULL) != 1 ||
	    EVP_CipherInit_ex(c, NULL, NULL, key, nonce, enc) != 1) {
		EVP_CIPHER_CTX_free(c);
		return VMGS_E_CRYPTO;
	}
	*g = c;
	return VMGS_OK;
}

enum vmgs_err vmgs_gcm_update(vmgs_gcm *g, const uint8_t *in, uint8_t *out,
			      size_t len, bool enc)
{
	return run(g, in, out, len, enc);
}

enum vmgs_err vmgs_gcm_end_encrypt(vmgs_gcm *g, uint8_t tag[VMGS_TAG_SIZE])
{
	uint8_t dummy[16];
	int outl = 0;

	if (EVP_EncryptFinal_ex(g, dummy, &outl) != 1 || outl != 0 ||
	    EVP_CIPHER_CTX_ctrl(g, EVP_CTRL_GCM_GET_TAG, VMGS_TAG_SIZE, tag) !=
		    1)
		return VMGS_E_CRYPTO;
	return VMGS_OK;
}

enum vmgs_err vmgs_gcm_end_decrypt(vmgs_gcm *g,
				   const uint8_t tag[VMGS_TAG_SIZE])
{
	uint8_t t[VMGS_TAG_SIZE], dummy[16];
	int outl = 0;

	memcpy(t, tag, sizeof(t));
	if (EVP_CIPHER_CTX_ctrl(g, EVP_CTRL_GCM_SET_TAG, VMGS_TAG_SIZE, t) != 1)
		return VMGS_E_CRYPTO;
	return EVP_DecryptFinal_ex(g, dummy, &outl) == 1 ? VMGS_OK :
							   VMGS_E_AUTH;
}

void vmgs_gcm_free(vmgs_gcm *g)
{
	EVP_CIPHER_CTX_free(g);
}
