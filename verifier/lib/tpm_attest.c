// SPDX-License-Identifier: MIT
/* TPMS_ATTEST and TPMT_SIGNATURE parsing with bounds on every field. */
#include "tpm_attest.h"
#include "mantle_bytes.h"
#include "mv_result.h"
#include "mv_util.h"

#include <stdio.h>
#include <string.h>

/* TPM structures are big-endian; a TPM2B is a 16-bit size, then the bytes. */
static const uint8_t *tpm2b(struct cursor *c, uint16_t *len, size_t max)
{
	*len = cur_be16(c);
	if (*len > max)
		cur_fail(c);
	return cur_take(c, *len);
}

int tpm_attest_parse(const uint8_t *buf, size_t len, struct tpm_attest *a,
		     char *err, size_t errlen)
{
	struct cursor c = cur_init(buf, len);
	uint32_t i;

	memset(a, 0, sizeof(*a));
	a->magic = cur_be32(&c);
	a->type = cur_be16(&c);
	if (!cur_ok(&c)) {
		snprintf(err, errlen, "TPMS_ATTEST truncated (%zu bytes)", len);
		return MV_BADINPUT;
	}
	if (a->magic != TPM_GENERATED_VALUE) {
		snprintf(err, errlen, "magic 0x%08x is not TPM_GENERATED_VALUE",
			 a->magic);
		return MV_FAIL;
	}
	if (a->type != TPM_ST_ATTEST_QUOTE) {
		snprintf(err, errlen, "attestation type 0x%04x is not a quote",
			 a->type);
		return MV_FAIL;
	}
	a->signer = tpm2b(&c, &a->signer_len, 2 + 64);
	a->extra = tpm2b(&c, &a->extra_len, 64);
	a->clock = cur_be64(&c);
	a->reset_count = cur_be32(&c);
	a->restart_count = cur_be32(&c);
	a->safe = cur_u8(&c);
	a->firmware = cur_be64(&c);
	a->nbanks = cur_be32(&c);
	if (cur_ok(&c) && a->nbanks > TPM_MAX_BANKS) {
		snprintf(err, errlen, "PCR selection has %u banks", a->nbanks);
		return MV_FAIL;
	}
	for (i = 0; cur_ok(&c) && i < a->nbanks; i++) {
		uint8_t n;
		const uint8_t *sel;

		a->banks[i].hash_alg = cur_be16(&c);
		n = cur_u8(&c);
		sel = cur_take(&c, n);
		if (!sel)
			break;
		if (n > 3 && !mv_all_zero(sel + 3, n - 3)) {
			snprintf(err, errlen, "PCR selection beyond PCR 23");
			return MV_FAIL;
		}
		a->banks[i].mask = (n > 0 ? sel[0] : 0) |
				   (n > 1 ? sel[1] << 8 : 0) |
				   (n > 2 ? (uint32_t)sel[2] << 16 : 0);
	}
	a->digest = tpm2b(&c, &a->digest_len, 64);
	if (!cur_ok(&c)) {
		snprintf(err, errlen,
			 "TPMS_ATTEST truncated or field too long");
		return MV_BADINPUT;
	}
	if (cur_left(&c)) {
		snprintf(err, errlen, "%zu trailing bytes after TPMS_ATTEST",
			 cur_left(&c));
		return MV_BADINPUT;
	}
	return 0;
}

/* The hash algorithms the verifier knows: one row each. */
static const struct tpm_hash {
	uint16_t alg;
	const char *name;
	size_t size;
	const EVP_MD *(*md)(void);
} tpm_hashes[] = {
	{ TPM_ALG_SHA1, "sha1", 20, EVP_sha1 },
	{ TPM_ALG_SHA256, "sha256", 32, EVP_sha256 },
	{ TPM_ALG_SHA384, "sha384", 48, EVP_sha384 },
	{ TPM_ALG_SHA512, "sha512", 64, EVP_sha512 },
};

static const struct tpm_hash *tpm_hash(uint16_t alg)
{
	size_t i;

	for (i = 0; i < sizeof(tpm_hashes) / sizeof(tpm_hashes[0]); i++)
		if (tpm_hashes[i].alg == alg)
			return &tpm_hashes[i];
	return NULL;
}

const char *tpm_alg_name(uint16_t alg)
{
	const struct tpm_hash *h = tpm_hash(alg);

	return h ? h->name : NULL;
}

size_t tpm_alg_size(uint16_t alg)
{
	const struct tpm_hash *h = tpm_hash(alg);

	return h ? h->size : 0;
}

const EVP_MD *tpm_alg_md(uint16_t alg)
{
	const struct tpm_hash *h = tpm_hash(alg);

	return h ? h->md() : NULL;
}

json_t *tpm_attest_json(const struct tpm_attest *a)
{
	json_t *o = json_object(), *sel = json_array(), *clk = json_object();
	char buf[32];
	uint32_t i;
	int n;

	snprintf(buf, sizeof(buf), "0x%08x", a->magic);
	json_object_set_new(o, "magic", json_string(buf));
	snprintf(buf, sizeof(buf), "0x%04x", a->type);
	json_object_set_new(o, "type", json_string(buf));
	mv_json_hex(o, "qualified_signer", a->signer, a->signer_len);
	mv_json_hex(o, "extra_data", a->extra, a->extra_len);
	json_object_set_new(clk, "clock", json_integer((json_int_t)a->clock));
	json_object_set_new(clk, "reset_count", json_integer(a->reset_count));
	json_object_set_new(clk, "restart_count",
			    json_integer(a->restart_count));
	json_object_set_new(clk, "safe", json_boolean(a->safe));
	json_object_set_new(o, "clock_info", clk);
	snprintf(buf, sizeof(buf), "0x%016llx",
		 (unsigned long long)a->firmware);
	json_object_set_new(o, "firmware_version", json_string(buf));
	for (i = 0; i < a->nbanks; i++) {
		json_t *b = json_object(), *pcrs = json_array();
		const char *name = tpm_alg_name(a->banks[i].hash_alg);

		if (name)
			json_object_set_new(b, "hash", json_string(name));
		else
			json_object_set_new(b, "hash",
					    json_integer(a->banks[i].hash_alg));
		for (n = 0; n < TPM_PCRS; n++)
			if (a->banks[i].mask & (1u << n))
				json_array_append_new(pcrs, json_integer(n));
		json_object_set_new(b, "pcrs", pcrs);
		json_array_append_new(sel, b);
	}
	json_object_set_new(o, "pcr_selection", sel);
	mv_json_hex(o, "pcr_digest", a->digest, a->digest_len);
	return o;
}

int tpm_signature_parse(const uint8_t *buf, size_t len, struct tpm_signature *s)
{
	struct cursor c = cur_init(buf, len);
	uint16_t n;

	memset(s, 0, sizeof(*s));
	s->sig_alg = cur_be16(&c);
	s->hash_alg = cur_be16(&c);
	if (!cur_ok(&c) || !tpm_alg_size(s->hash_alg))
		return -1;
	switch (s->sig_alg) {
	case TPM_ALG_RSASSA:
	case TPM_ALG_RSAPSS:
		s->sig = tpm2b(&c, &n, 1024);
		s->sig_len = n;
		break;
	case TPM_ALG_ECDSA:
		s->sig = tpm2b(&c, &n, 66);
		s->sig_len = n;
		s->s = tpm2b(&c, &n, 66);
		s->s_len = n;
		break;
	default:
		return -1;
	}
	if (!cur_ok(&c) || cur_left(&c)) {
		memset(s, 0, sizeof(*s));
		return -1;
	}
	return 0;
}
