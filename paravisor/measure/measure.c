// SPDX-License-Identifier: MIT
/*
 * The two measurement levels of paravisor/MEASUREMENT.md, on OpenSSL's EVP
 * digests. Linked into both `mantle` (offline values) and mantle-paravisor
 * (values at load time), so both sides hash the same encoding.
 */
#include "measure.h"

#include "mantle_bytes.h"
#include "mantle_payload.h"

#include <string.h>

#include <openssl/evp.h>

_Static_assert(MEASURE_CMDLINE_MAX == PAYLOAD_MAX_CMDLINE,
	       "the measured command line is a payload command line");

/* Record / event header: le32 type, le64 length, then the data. */
#define MEASURE_HDR_LEN 12

/* out = H(prefix || data); prefix may be NULL. out must hold the md size. */
static int digest2(const EVP_MD *md, const void *prefix, size_t prefix_len,
		   const void *data, size_t len, uint8_t *out)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	if (!ctx)
		return -1;
	ok = EVP_DigestInit_ex(ctx, md, NULL) == 1;
	if (ok && prefix_len)
		ok = EVP_DigestUpdate(ctx, prefix, prefix_len) == 1;
	if (ok && len)
		ok = EVP_DigestUpdate(ctx, data, len) == 1;
	if (ok)
		ok = EVP_DigestFinal_ex(ctx, out, NULL) == 1;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

void measure_launch_init(struct measure_launch *m)
{
	memset(m->digest, 0, sizeof(m->digest));
}

int measure_launch_extend(struct measure_launch *m, uint32_t record_type,
			  const void *data, size_t len)
{
	uint8_t prefix[MEASURE_SHA384_LEN + MEASURE_HDR_LEN];
	uint8_t out[MEASURE_SHA384_LEN];

	if (record_type < MEASURE_LAUNCH_KERNEL ||
	    record_type > MEASURE_LAUNCH_CONFIG || (len && !data))
		return -1;
	/* D' = SHA-384(D || le32 type || le64 len || data) */
	memcpy(prefix, m->digest, MEASURE_SHA384_LEN);
	put_le32(prefix + MEASURE_SHA384_LEN, record_type);
	put_le64(prefix + MEASURE_SHA384_LEN + 4, (uint64_t)len);
	if (digest2(EVP_sha384(), prefix, sizeof(prefix), data, len, out))
		return -1;
	memcpy(m->digest, out, sizeof(out));
	return 0;
}

void measure_log_init(struct measure_log *log)
{
	memset(log, 0, sizeof(*log));
}

/* Each event type's name and the PCR it goes to (MEASUREMENT.md). */
static const struct {
	const char *name;
	uint32_t pcr;
} event_types[] = {
	[MEASURE_EV_KERNEL] = { "kernel", 4 },
	[MEASURE_EV_INITRD] = { "initrd", 9 },
	[MEASURE_EV_CMDLINE] = { "cmdline", 8 },
	[MEASURE_EV_ACPI] = { "acpi", 1 },
	/* platform configuration, as the ACPI tables */
	[MEASURE_EV_E820] = { "e820", 1 },
};

/* 0 for unknown types. */
static uint32_t event_pcr(uint32_t type)
{
	return type < sizeof(event_types) / sizeof(event_types[0]) ?
		       event_types[type].pcr :
		       0;
}

int measure_log_add(struct measure_log *log, uint32_t type, const void *data,
		    size_t len)
{
	struct measure_event *ev;

	if (log->count >= MEASURE_MAX_EVENTS || !event_pcr(type) ||
	    (len && !data) ||
	    (type == MEASURE_EV_CMDLINE && len > MEASURE_CMDLINE_MAX))
		return -1;
	ev = &log->ev[log->count];
	/* Plain digests of the bytes loaded, as a TCG event's digest field. */
	if (digest2(EVP_sha256(), NULL, 0, data, len, ev->sha256) ||
	    digest2(EVP_sha384(), NULL, 0, data, len, ev->sha384))
		return -1;
	if (type == MEASURE_EV_CMDLINE) {
		if (len)
			memcpy(log->cmdline, data, len);
		log->cmdline_len = (uint32_t)len;
	}
	ev->type = type;
	ev->pcr = event_pcr(type);
	ev->size = (uint64_t)len;
	log->count++;
	return 0;
}

const char *measure_event_name(uint32_t type)
{
	return event_pcr(type) ? event_types[type].name : "unknown";
}

static void print_hex(FILE *out, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		fprintf(out, "%02x", p[i]);
}

void measure_log_print(const struct measure_log *log, FILE *out)
{
	for (unsigned int i = 0; i < log->count && i < MEASURE_MAX_EVENTS;
	     i++) {
		const struct measure_event *ev = &log->ev[i];

		fprintf(out, "MEASURE event=%s pcr=%u size=%llu sha256=",
			measure_event_name(ev->type), (unsigned int)ev->pcr,
			(unsigned long long)ev->size);
		print_hex(out, ev->sha256, sizeof(ev->sha256));
		fputs(" sha384=", out);
		print_hex(out, ev->sha384, sizeof(ev->sha384));
		fputc('\n', out);
	}
	fflush(out);
}

void measure_launch_print(const struct measure_launch *m, FILE *out)
{
	fputs("MEASURE launch=", out);
	print_hex(out, m->digest, sizeof(m->digest));
	fputc('\n', out);
	fflush(out);
}
