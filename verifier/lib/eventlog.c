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
	struct cursor c = cur_init(ev, size);
	uint32_t n, i;

	if (size < 29 || memcmp(ev, spec_id, sizeof(spec_id)))
		return 1; /* not crypto-agile: a SHA-1 log */
	/* signature[16], platformClass, spec version (3 bytes), uintnSize */
	cur_skip(&c, 24);
	n = cur_le32(&c);
	/* n (algorithm id, digest size) pairs, then vendorInfoSize */
	if (n == 0 || n > EVLOG_MAX_ALGS || cur_left(&c) < 4 * n + 1) {
		snprintf(err, errlen, "Spec ID event lists %u algorithms", n);
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct evlog_bank *b = &log->banks[i];

		b->alg = cur_le16(&c);
		b->size = cur_le16(&c);
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

/* One replay: the cursor over the log, the result, the reason on error. */
struct replay {
	struct cursor c;
	struct evlog *log;
	char *err;
	size_t errlen;
};

static int truncated(struct replay *r)
{
	snprintf(r->err, r->errlen, "event %lu is truncated", r->log->events);
	return MV_FAIL;
}

/*
 * The first record is a TCG_PCR_EVENT (SHA-1 format): pcrIndex, eventType,
 * digest[20], eventSize, event. A Spec ID event in it makes the log
 * crypto-agile; otherwise the whole log is SHA-1 and replay starts over
 * from this record.
 */
static int replay_first(struct replay *r, const uint8_t *buf, size_t len)
{
	const uint8_t *ev;
	uint32_t type, size;
	int rc;

	cur_skip(&r->c, 4);
	type = cur_le32(&r->c);
	cur_skip(&r->c, 20);
	size = cur_le32(&r->c);
	ev = cur_take(&r->c, size);
	if (!cur_ok(&r->c)) {
		snprintf(r->err, r->errlen, "not an event log (%zu bytes)",
			 len);
		return MV_BADINPUT;
	}
	rc = type == EV_NO_ACTION ?
		     parse_spec(ev, size, r->log, r->err, r->errlen) :
		     1;
	if (rc < 0)
		return MV_FAIL;
	if (rc > 0) {
		r->log->nalgs = 1;
		r->log->banks[0].alg = TPM_ALG_SHA1;
		r->log->banks[0].size = 20;
		r->log->banks[0].known = 1;
		r->c = cur_init(buf, len);
	}
	return 0;
}

/* SHA-1 format record after pcrIndex, eventType: digest[20], size, event. */
static int replay_sha1(struct replay *r, uint32_t pcr, uint32_t type)
{
	const uint8_t *digest = cur_take(&r->c, 20);
	uint32_t size = cur_le32(&r->c);

	if (!cur_ok(&r->c))
		return truncated(r);
	if (type != EV_NO_ACTION) {
		extend(&r->log->banks[0], pcr, digest);
		r->log->touched |= 1u << pcr;
	}
	if (!cur_take(&r->c, size))
		return truncated(r);
	return 0;
}

/* TPML_DIGEST_VALUES: a count, then (algorithm id, digest) per bank. */
static int replay_digests(struct replay *r, uint32_t pcr, uint32_t type)
{
	struct evlog *log = r->log;
	uint32_t count = cur_le32(&r->c), i, j;

	if (!cur_ok(&r->c))
		return truncated(r);
	if (count != log->nalgs) {
		snprintf(r->err, r->errlen,
			 "event %lu has %u digests, log has %u banks",
			 log->events, count, log->nalgs);
		return MV_FAIL;
	}
	for (i = 0; i < count; i++) {
		const uint8_t *digest;
		uint16_t alg = cur_le16(&r->c);

		if (!cur_ok(&r->c))
			return truncated(r);
		for (j = 0; j < log->nalgs; j++)
			if (log->banks[j].alg == alg)
				break;
		if (j == log->nalgs) {
			snprintf(r->err, r->errlen,
				 "event %lu uses undeclared alg 0x%04x",
				 log->events, alg);
			return MV_FAIL;
		}
		digest = cur_take(&r->c, log->banks[j].size);
		if (!digest)
			return truncated(r);
		if (type != EV_NO_ACTION && log->banks[j].known)
			extend(&log->banks[j], pcr, digest);
	}
	return 0;
}

/* Crypto-agile record after pcrIndex, eventType: digests, size, event. */
static int replay_agile(struct replay *r, uint32_t pcr, uint32_t type)
{
	const uint8_t *ev;
	uint32_t size;
	int rc = replay_digests(r, pcr, type);

	if (rc)
		return rc;
	size = cur_le32(&r->c);
	ev = cur_take(&r->c, size);
	if (!cur_ok(&r->c))
		return truncated(r);
	startup_locality(r->log, pcr, type, ev, size);
	if (type != EV_NO_ACTION)
		r->log->touched |= 1u << pcr;
	return 0;
}

int evlog_replay(const uint8_t *buf, size_t len, struct evlog *log, char *err,
		 size_t errlen)
{
	struct replay r = { cur_init(buf, len), log, err, errlen };
	uint32_t pcr, type;
	int rc;

	memset(log, 0, sizeof(*log));
	log->startup_locality = -1;
	rc = replay_first(&r, buf, len);
	while (!rc && cur_left(&r.c)) {
		/* Logs in fixed-size buffers end in 0x00 or 0xff padding. */
		if (cur_left(&r.c) < 8 ||
		    rest_is_padding(buf + r.c.off, cur_left(&r.c)))
			break;
		pcr = cur_le32(&r.c);
		type = cur_le32(&r.c);
		if (pcr >= EVLOG_PCRS) {
			snprintf(err, errlen, "event %lu extends PCR %u",
				 log->events, pcr);
			return MV_FAIL;
		}
		rc = log->crypto_agile ? replay_agile(&r, pcr, type) :
					 replay_sha1(&r, pcr, type);
		if (!rc)
			log->events++;
	}
	return rc;
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
