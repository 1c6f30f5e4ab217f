// SPDX-License-Identifier: MIT
/* TPMS_ATTEST and TPMT_SIGNATURE parsing with bounds on every field. */
#include "tpm_attest.h"
#include "mv_result.h"
#include "mv_util.h"

#include <stdio.h>
#include <string.h>

struct cursor {
	const uint8_t *p;
	size_t left;
	int bad;
};

static const uint8_t *take(struct cursor *c, size_t n)
{
	const uint8_t *p = c->p;

	if (c->bad || n > c->left) {
		c->bad = 1;
		return NULL;
	}
	c->p += n;
	c->left -= n;
	return p;
}

static uint64_t get(struct cursor *c, size_t n)
{
	const uint8_t *p = take(c, n);
	uint64_t v = 0;
	size_t i;

	for (i = 0; p && i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static const uint8_t *tpm2b(struct cursor *c, uint16_t *len, size_t max)
{
	*len = (uint16_t)get(c, 2);
	if (*len > max)
		c->bad = 1;
	return take(c, *len);
}

int tpm_attest_parse(const uint8_t *buf, size_t len, struct tpm_attest *a,
		     char *err, size_t errlen)
{
	struct cursor c = { buf, len, 0 };
	uint32_t i;

	memset(a, 0, sizeof(*a));
	a->magic = (uint32_t)get(&c, 4);
	a->type = (uint16_t)get(&c, 2);
	if (c.bad) {
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
	a->clock = get(&c, 8);
	a->reset_count = (uint32_t)get(&c, 4);
	a->restart_count = (uint32_t)get(&c, 4);
	a->safe = (uint8_t)get(&c, 1);
	a->firmware = get(&c, 8);
	a->nbanks = (uint32_t)get(&c, 4);
	if (!c.bad && a->nbanks > TPM_MAX_BANKS) {
		snprintf(err, errlen, "PCR selection has %u banks", a->nbanks);
		return MV_FAIL;
	}
	for (i = 0; !c.bad && i < a->nbanks; i++) {
		uint8_t n;
		const uint8_t *sel;

		a->banks[i].hash_alg = (uint16_t)get(&c, 2);
		n = (uint8_t)get(&c, 1);
		sel = take(&c, n);
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
	if (c.bad) {
		snprintf(err, errlen,
			 "TPMS_ATTEST truncated or field too long");
		return MV_BADINPUT;
	}
	if (c.left) {
		snprintf(err, errlen, "%zu trailing bytes after TPMS_ATTEST",
			 c.left);
		return MV_BADINPUT;
	}
	return 0;
}

const char *tpm_alg_name(uint16_t alg)
{
	switch (alg) {
	case TPM_ALG_SHA1:
		return "sha1";
	case TPM_ALG_SHA256:
		return "sha256";
	case TPM_ALG_SHA384:
		return "sha384";
	case TPM_ALG_SHA512:
		return "sha512";
	default:
		return NULL;
	}
}

size_t tpm_alg_size(uint16_t alg)
{
	switch (alg) {
	case TPM_ALG_SHA1:
		return 20;
	case TPM_ALG_SHA256:
		return 32;
	case TPM_ALG_SHA384:
		return 48;
	case TPM_ALG_SHA512:
		return 64;
	default:
		return 0;
	}
}

const EVP_MD *tpm_alg_md(uint16_t alg)
{
	switch (alg) {
	case TPM_ALG_SHA1:
		return EVP_sha1();
	case TPM_ALG_SHA256:
		return EVP_sha256();
	case TPM_ALG_SHA384:
		return EVP_sha384();
	case TPM_ALG_SHA512:
		return EVP_sha512();
	default:
		return NULL;
	}
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
	struct cursor c = { buf, len, 0 };
	uint16_t n;

	memset(s, 0, sizeof(*s));
	s->sig_alg = (uint16_t)get(&c, 2);
	s->hash_alg = (uint16_t)get(&c, 2);
	if (c.bad || !tpm_alg_size(s->hash_alg))
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
	if (c.bad || c.left) {
		memset(s, 0, sizeof(*s));
		return -1;
	}
	return 0;
}
