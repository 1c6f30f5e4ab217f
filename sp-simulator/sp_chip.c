// SPDX-License-Identifier: MIT
/*
 * One simulated chip, the contents of one state directory (SPEC.md §3):
 *   root-secret        64 random bytes; every derived key comes from it
 *   ark-key.pem ark.pem ask-key.pem ask.pem
 *                      the chip's own ARK and ASK (RSA-4096), made once;
 *                      ask.pem is written last and marks the chain complete
 *   vcek-<tcb>.pem     the VCEK certificate for a TCB (its key is derived)
 * Everything is made on first use under the directory's lock, and checked
 * on every later use: a chain that does not fit together is refused.
 */
#include "sp.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>
#include <openssl/rand.h>

#include "sp_platform.h"

#define SP_RSA_BITS 4096
#define SP_PEM_MAX (64u * 1024u)

static const char *const chain_files[] = { "ark-key.pem", "ark.pem",
					   "ask-key.pem", "ask.pem" };

static int load_root(struct sp_chip *c, const char *dir)
{
	uint8_t *buf;
	size_t len;
	int r = sp_state_read(dir, "root-secret", SP_ROOT_SECRET_LEN, &buf,
			      &len);

	if (r < 0)
		return -1;
	if (r == 0) {
		if (len != SP_ROOT_SECRET_LEN) {
			sp_log("%s/root-secret is %zu bytes, not %u: refusing "
			       "a damaged chip",
			       dir, len, SP_ROOT_SECRET_LEN);
			OPENSSL_clear_free(buf, len);
			return -1;
		}
		memcpy(c->root, buf, SP_ROOT_SECRET_LEN);
		OPENSSL_clear_free(buf, len);
		return 0;
	}
	for (size_t i = 0; i < sizeof(chain_files) / sizeof(chain_files[0]);
	     i++) {
		if (sp_state_exists(dir, chain_files[i])) {
			sp_log("%s has %s but no root-secret: refusing a "
			       "damaged chip (remove the directory to start "
			       "a new one)",
			       dir, chain_files[i]);
			return -1;
		}
	}
	if (RAND_priv_bytes(c->root, SP_ROOT_SECRET_LEN) != 1 ||
	    sp_state_write(dir, "root-secret", c->root, SP_ROOT_SECRET_LEN))
		return -1;
	sp_log("new simulated chip: root secret written to %s/root-secret",
	       dir);
	return 0;
}

static int write_pem(const char *dir, const char *name, EVP_PKEY *key, X509 *x)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long n;
	int ok = b && (key ? PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0,
						      NULL, NULL) :
			     PEM_write_bio_X509(b, x));

	n = ok ? BIO_get_mem_data(b, &p) : 0;
	ok = ok && n > 0 && !sp_state_write(dir, name, p, (size_t)n);
	BIO_free(b);
	return ok ? 0 : -1;
}

/* Reads one PEM key (want_key) or certificate from dir/name. */
static void *read_pem(const char *dir, const char *name, int want_key)
{
	uint8_t *buf;
	size_t len;
	void *obj = NULL;
	BIO *b;

	if (sp_state_read(dir, name, SP_PEM_MAX, &buf, &len)) {
		sp_log("%s/%s is missing or unreadable", dir, name);
		return NULL;
	}
	b = BIO_new_mem_buf(buf, (int)len);
	if (b)
		obj = want_key ? (void *)PEM_read_bio_PrivateKey(b, NULL, NULL,
								 NULL) :
				 (void *)PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	OPENSSL_clear_free(buf, len);
	if (!obj)
		sp_log_ssl(name);
	return obj;
}

/* Makes ARK and ASK with fresh RSA-4096 keys; ask.pem last. */
static int make_chain(const char *dir)
{
	EVP_PKEY *ark_key =
		EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)SP_RSA_BITS);
	EVP_PKEY *ask_key =
		EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)SP_RSA_BITS);
	X509 *ark = NULL, *ask = NULL;
	int rc = -1;

	sp_log("generating the simulated ARK and ASK (RSA-%d) in %s",
	       SP_RSA_BITS, dir);
	if (ark_key && ask_key)
		ark = sp_x509_make(SP_CERT_ARK, ark_key, NULL, ark_key, 0,
				   NULL);
	if (ark)
		ask = sp_x509_make(SP_CERT_ASK, ask_key, ark, ark_key, 0, NULL);
	if (ask && !write_pem(dir, "ark-key.pem", ark_key, NULL) &&
	    !write_pem(dir, "ark.pem", NULL, ark) &&
	    !write_pem(dir, "ask-key.pem", ask_key, NULL) &&
	    !write_pem(dir, "ask.pem", NULL, ask))
		rc = 0;
	if (rc)
		sp_log_ssl("cannot make the certificate chain");
	X509_free(ask);
	X509_free(ark);
	EVP_PKEY_free(ask_key);
	EVP_PKEY_free(ark_key);
	return rc;
}

/* The chain must fit together: ASK signed by ARK, ARK by itself. */
static int load_chain(struct sp_chip *c, const char *dir)
{
	if (!sp_state_exists(dir, "ask.pem") && make_chain(dir))
		return -1;
	c->ark = read_pem(dir, "ark.pem", 0);
	c->ask = read_pem(dir, "ask.pem", 0);
	if (!c->ark || !c->ask)
		return -1;
	if (X509_verify(c->ark, X509_get0_pubkey(c->ark)) != 1 ||
	    X509_verify(c->ask, X509_get0_pubkey(c->ark)) != 1) {
		sp_log("%s: ark.pem and ask.pem do not form a chain: refusing "
		       "a damaged chip",
		       dir);
		return -1;
	}
	return 0;
}

/* The VCEK certificate for c->tcb: made once with the ASK's key, then
 * checked against the derived key at every start. */
static int load_vcek(struct sp_chip *c, const char *dir)
{
	char name[64];
	EVP_PKEY *ask_key;

	snprintf(name, sizeof(name), "vcek-%016" PRIx64 ".pem", c->tcb);
	c->vcek = sp_kdf_vcek(c->root, c->tcb);
	if (!c->vcek) {
		sp_log_ssl("cannot derive the VCEK");
		return -1;
	}
	if (!sp_state_exists(dir, name)) {
		ask_key = read_pem(dir, "ask-key.pem", 1);
		if (!ask_key || !sp_x509_key_matches(c->ask, ask_key)) {
			sp_log("%s/ask-key.pem does not match ask.pem", dir);
			EVP_PKEY_free(ask_key);
			return -1;
		}
		c->vcek_cert = sp_x509_make(SP_CERT_VCEK, c->vcek, c->ask,
					    ask_key, c->tcb, c->chip_id);
		EVP_PKEY_free(ask_key);
		if (!c->vcek_cert || write_pem(dir, name, NULL, c->vcek_cert))
			return -1;
		return 0;
	}
	c->vcek_cert = read_pem(dir, name, 0);
	if (!c->vcek_cert || !sp_x509_key_matches(c->vcek_cert, c->vcek) ||
	    X509_verify(c->vcek_cert, X509_get0_pubkey(c->ask)) != 1) {
		sp_log("%s/%s is not this chip's VCEK under its ASK: refusing "
		       "a damaged chip",
		       dir, name);
		return -1;
	}
	return 0;
}

int sp_chip_open(struct sp_chip *c, const char *dir)
{
	int lock, rc = -1;

	memset(c, 0, sizeof(*c));
	c->tcb = SP_TCB;
	lock = sp_state_lock(dir);
	if (lock < 0)
		return -1;
	if (!load_root(c, dir) && !sp_kdf_chip_id(c->root, c->chip_id) &&
	    !load_chain(c, dir) && !load_vcek(c, dir))
		rc = 0;
	sp_state_unlock(lock);
	if (rc)
		sp_chip_close(c);
	return rc;
}

void sp_chip_close(struct sp_chip *c)
{
	EVP_PKEY_free(c->vcek);
	X509_free(c->ark);
	X509_free(c->ask);
	X509_free(c->vcek_cert);
	OPENSSL_cleanse(c, sizeof(*c));
}
