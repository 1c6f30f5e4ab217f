// SPDX-License-Identifier: MIT
/*
 * Event-log replay: PCR = H(PCR || digest) per bank from zero, skipping
 * EV_NO_ACTION, except that a "StartupLocality" EV_NO_ACTION event in PCR 0
 * sets PCR 0's initial value to the locality in its last byte.
 */
#include "eventlog.h"
#include "mv_result.h"
#include "mantle_bytes.h"
#include "mv_util.h"
#include "tpm_attest.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

static const char spec_id[] = "Spec ID Event03";
static const char locality_sig[] = "StartupLocality";

static void extend(struct evlog_bank *b, uint32_t pcr, const uint8_t *digest)
{
	unsigned int n;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx)
		return;
	EVP_DigestInit_ex(ctx, tpm_alg_md(b->alg), NULL);
	EVP_DigestUpdate(ctx, b->pcr[pcr], b->size);
	EVP_DigestUpdate(ctx, digest, b->size);
	EVP_DigestFinal_ex(ctx, b->pcr[pcr], &n);
	EVP_MD_CTX_free(ctx);
}

/* Parses the TCG_EfiSpecIDEvent that opens a crypto-agile log. */
static int parse_spec(const uint8_t *ev, uint32_t size, struct evlog *log,
		      char *err, size_t errlen)
{
	uint32_t n, i;

	if (size < 29 || memcmp(ev, spec_id, sizeof(spec_id)))
		return 1; /* not crypto-agile: a SHA-1 log */
	n = get_le32(ev + 24);
	if (n == 0 || n > EVLOG_MAX_ALGS || size < 28 + 4 * n + 1) {
		snprintf(err, errlen, "Spec ID event lists %u algorithms", n);
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct evlog_bank *b = &log->banks[i];

		b->alg = get_le16(ev + 28 + 4 * i);
		b->size = get_le16(ev + 30 + 4 * i);
		if (b->size == 0 || b->size > 64) {
			snprintf(err, errlen, "digest size %u for alg 0x%04x",
				 b->size, b->alg);
			return -1;
		}
		b->known =
			tpm_alg_md(b->alg) && tpm_alg_size(b->alg) == b->size;
	}
	log->nalgs = n;
	log->crypto_agile = 1;
	return 0;
}

static int rest_is_padding(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (p[i] != p[0])
			return 0;
	return p[0] == 0 || p[0] == 0xff;
}

static void startup_locality(struct evlog *log, uint32_t pcr, uint32_t type,
			     const uint8_t *ev, uint32_t size)
{
	unsigned int i;

	if (type != EV_NO_ACTION || pcr != 0 || size < 17 ||
	    memcmp(ev, locality_sig, sizeof(locality_sig)))
		return;
	log->startup_locality = ev[16];
	for (i = 0; i < log->nalgs; i++) {
		memset(log->banks[i].pcr[0], 0, 64);
		log->banks[i].pcr[0][log->banks[i].size - 1] = ev[16];
	}
}

int evlog_replay(const uint8_t *buf, size_t len, struct evlog *log, char *err,
		 size_t errlen)
{
	size_t off, need;
	uint32_t pcr, type, size, count, i, j;
	int rc;

	memset(log, 0, sizeof(*log));
	log->startup_locality = -1;
	/* First record: TCG_PCR_EVENT, SHA-1 format. */
	if (len < 32 || get_le32(buf + 28) > len - 32) {
		snprintf(err, errlen, "not an event log (%zu bytes)", len);
		return MV_BADINPUT;
	}
	size = get_le32(buf + 28);
	rc = get_le32(buf + 4) == EV_NO_ACTION ?
		     parse_spec(buf + 32, size, log, err, errlen) :
		     1;
	if (rc < 0)
		return MV_FAIL;
	if (rc > 0) {
		/* SHA-1 log: every record is a TCG_PCR_EVENT. */
		log->nalgs = 1;
		log->banks[0].alg = TPM_ALG_SHA1;
		log->banks[0].size = 20;
		log->banks[0].known = 1;
		off = 0;
	} else {
		off = 32 + size;
	}
	while (off < len) {
		if (len - off < 8 || rest_is_padding(buf + off, len - off))
			break;
		pcr = get_le32(buf + off);
		type = get_le32(buf + off + 4);
		off += 8;
		if (pcr >= EVLOG_PCRS) {
			snprintf(err, errlen, "event %lu extends PCR %u",
				 log->events, pcr);
			return MV_FAIL;
		}
		if (!log->crypto_agile) {
			if (len - off < 24)
				goto trunc;
			if (type != EV_NO_ACTION) {
				extend(&log->banks[0], pcr, buf + off);
				log->touched |= 1u << pcr;
			}
			size = get_le32(buf + off + 20);
			off += 24;
			if (size > len - off)
				goto trunc;
			off += size;
			log->events++;
			continue;
		}
		if (len - off < 4)
			goto trunc;
		count = get_le32(buf + off);
		off += 4;
		if (count != log->nalgs) {
			snprintf(err, errlen,
				 "event %lu has %u digests, log has %u banks",
				 log->events, count, log->nalgs);
			return MV_FAIL;
		}
		need = off;
		for (i = 0; i < count; i++) {
			uint16_t alg;

			if (len - need < 2)
				goto trunc;
			alg = get_le16(buf + need);
			for (j = 0; j < log->nalgs; j++)
				if (log->banks[j].alg == alg)
					break;
			if (j == log->nalgs) {
				snprintf(err, errlen,
					 "event %lu uses undeclared alg 0x%04x",
					 log->events, alg);
				return MV_FAIL;
			}
			need += 2;
			if (len - need < log->banks[j].size)
				goto trunc;
			if (type != EV_NO_ACTION && log->banks[j].known)
				extend(&log->banks[j], pcr, buf + need);
			need += log->banks[j].size;
		}
		off = need;
		if (len - off < 4)
			goto trunc;
		size = get_le32(buf + off);
		off += 4;
		if (size > len - off)
			goto trunc;
		startup_locality(log, pcr, type, buf + off, size);
		if (type != EV_NO_ACTION)
			log->touched |= 1u << pcr;
		off += size;
		log->events++;
	}
	return 0;
trunc:
	snprintf(err, errlen, "event %lu is truncated", log->events);
	return MV_FAIL;
}

const struct evlog_bank *evlog_bank(const struct evlog *log, uint16_t alg)
{
	unsigned int i;

	for (i = 0; i < log->nalgs; i++)
		if (log->banks[i].alg == alg && log->banks[i].known)
			return &log->banks[i];
	return NULL;
}

json_t *evlog_json(const struct evlog *log)
{
	json_t *o = json_object(), *banks = json_object();
	unsigned int i, n;
	char key[8];

	json_object_set_new(
		o, "format",
		json_string(log->crypto_agile ? "crypto-agile" : "sha1"));
	json_object_set_new(o, "events", json_integer((json_int_t)log->events));
	if (log->startup_locality >= 0)
		json_object_set_new(o, "startup_locality",
				    json_integer(log->startup_locality));
	for (i = 0; i < log->nalgs; i++) {
		const struct evlog_bank *b = &log->banks[i];
		const char *name = tpm_alg_name(b->alg);
		json_t *bank;

		if (!b->known || !name)
			continue;
		bank = json_object();
		for (n = 0; n < EVLOG_PCRS; n++) {
			if (!(log->touched & (1u << n)))
				continue;
			snprintf(key, sizeof(key), "%u", n);
			mv_json_hex(bank, key, b->pcr[n], b->size);
		}
		json_object_set_new(banks, name, bank);
	}
	json_object_set_new(o, "pcrs", banks);
	return o;
}
