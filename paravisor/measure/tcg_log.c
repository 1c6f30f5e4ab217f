// SPDX-License-Identifier: MIT
/*
 * TCG PC Client crypto-agile event log of the level-2 payload events, and the
 * PCR values it replays to (tcg_log.h, paravisor/MEASUREMENT.md "Level 2 in
 * the TPM"). Pure code: no TPM, no KVM. The log and the PCR values come from
 * one event walk, tcg_event_at(), so they cannot disagree.
 */
#include "tcg_log.h"

#include "mantle_bytes.h"

#include <string.h>

#include <openssl/evp.h>

_Static_assert(sizeof(TCG_SPEC_ID_SIGNATURE) == 16, "signature[16]");
_Static_assert(TCG_SPEC_ID_EVENT_LEN ==
		       16 + 4 + 1 + 1 + 1 + 1 + 4 + 2 * (2 + 2) + 1,
	       "TCG_EfiSpecIdEvent with 2 algorithms, no vendor info");
_Static_assert(TCG_HEADER_EVENT_LEN == 4 + 4 + 20 + 4 + TCG_SPEC_ID_EVENT_LEN,
	       "TCG_PCClientPCREvent holding the Spec ID event");
_Static_assert(TCG_EVENT2_FIXED_LEN == 4 + 4 + 4 + (2 + MEASURE_SHA256_LEN) +
					       (2 + MEASURE_SHA384_LEN) + 4,
	       "TCG_PCR_EVENT2 with two digests, without event data");

/*
 * TCG event type and event data of each measure.h event type. The event data
 * is the text, then for the command line its bytes, then a NUL: the command
 * line event reads "kernel_cmdline: <command line>", the convention GRUB
 * uses in PCR 8 and tpm2_eventlog checks against the digest.
 */
static const struct {
	uint32_t tcg_type;
	const char *text;
} tcg_map[] = {
	[MEASURE_EV_KERNEL] = { TCG_EV_IPL, "mantle: guest kernel (bzImage)" },
	[MEASURE_EV_INITRD] = { TCG_EV_IPL, "mantle: guest initrd" },
	[MEASURE_EV_CMDLINE] = { TCG_EV_IPL, TCG_CMDLINE_PREFIX },
	[MEASURE_EV_ACPI] = { TCG_EV_PLATFORM_CONFIG_FLAGS,
			      "mantle: guest ACPI tables" },
	[MEASURE_EV_E820] = { TCG_EV_PLATFORM_CONFIG_FLAGS,
			      "mantle: guest e820 memory map" },
};

static const uint8_t separator_data[TCG_SEPARATOR_DATA_LEN];

static const char *const err_names[] = {
	[TCG_LOG_OK] = "ok",
	[TCG_LOG_ERR_SPACE] = "event log does not fit in the buffer",
	[TCG_LOG_ERR_EVENT] = "event of an unknown type",
	[TCG_LOG_ERR_CRYPTO] = "digest failed",
};

const char *tcg_log_strerror(int err)
{
	if (err < 0 || (size_t)err >= sizeof(err_names) / sizeof(err_names[0]))
		return "unknown error";
	return err_names[err];
}

/* One TCG_PCR_EVENT2 to log and extend. */
struct tcg_event {
	uint32_t pcr;
	uint32_t type;
	uint8_t sha256[MEASURE_SHA256_LEN];
	uint8_t sha384[MEASURE_SHA384_LEN];
	/* event data: text (no NUL), body, then nul NUL bytes (0 or 1) */
	const char *text;
	const uint8_t *body;
	uint32_t body_len;
	uint32_t nul;
};

static unsigned int tcg_event_count(const struct measure_log *log)
{
	return log->count + TCG_SEPARATOR_PCRS;
}

static int separator_event(unsigned int pcr, struct tcg_event *ev)
{
	ev->pcr = pcr;
	ev->type = TCG_EV_SEPARATOR;
	ev->text = "";
	ev->body = separator_data;
	ev->body_len = sizeof(separator_data);
	ev->nul = 0;
	if (EVP_Digest(separator_data, sizeof(separator_data), ev->sha256, NULL,
		       EVP_sha256(), NULL) != 1 ||
	    EVP_Digest(separator_data, sizeof(separator_data), ev->sha384, NULL,
		       EVP_sha384(), NULL) != 1)
		return TCG_LOG_ERR_CRYPTO;
	return TCG_LOG_OK;
}

/* Event i: the payload events in order, then the PCR 0-7 separators. */
static int tcg_event_at(const struct measure_log *log, unsigned int i,
			struct tcg_event *ev)
{
	const struct measure_event *m;

	if (i >= log->count)
		return separator_event(i - log->count, ev);
	m = &log->ev[i];
	if (m->type >= sizeof(tcg_map) / sizeof(tcg_map[0]) ||
	    !tcg_map[m->type].text || m->pcr >= TCG_PCRS ||
	    log->cmdline_len > MEASURE_CMDLINE_MAX)
		return TCG_LOG_ERR_EVENT;
	ev->pcr = m->pcr;
	ev->type = tcg_map[m->type].tcg_type;
	memcpy(ev->sha256, m->sha256, sizeof(ev->sha256));
	memcpy(ev->sha384, m->sha384, sizeof(ev->sha384));
	ev->text = tcg_map[m->type].text;
	ev->body = m->type == MEASURE_EV_CMDLINE ? log->cmdline : NULL;
	ev->body_len = m->type == MEASURE_EV_CMDLINE ? log->cmdline_len : 0;
	ev->nul = 1;
	return TCG_LOG_OK;
}

static uint32_t data_len(const struct tcg_event *ev)
{
	return (uint32_t)strlen(ev->text) + ev->body_len + ev->nul;
}

static size_t event_len(const struct tcg_event *ev)
{
	return TCG_EVENT2_FIXED_LEN + data_len(ev);
}

/* Bytes of the whole log in *need; fails on an event it cannot log. */
static int log_len(const struct measure_log *log, size_t *need)
{
	struct tcg_event ev;
	int rc;

	*need = TCG_HEADER_EVENT_LEN;
	for (unsigned int i = 0; i < tcg_event_count(log); i++) {
		rc = tcg_event_at(log, i, &ev);
		if (rc)
			return rc;
		*need += event_len(&ev);
	}
	return TCG_LOG_OK;
}

size_t tcg_log_size(const struct measure_log *log)
{
	size_t n;

	return log_len(log, &n) ? 0 : n;
}

static void put_header(uint8_t *p)
{
	uint8_t *spec = p + 32;

	memset(p, 0, TCG_HEADER_EVENT_LEN);
	put_le32(p, 0); /* pcrIndex */
	put_le32(p + 4, TCG_EV_NO_ACTION);
	/* p + 8: digest[20], zero */
	put_le32(p + 28, TCG_SPEC_ID_EVENT_LEN);
	memcpy(spec, TCG_SPEC_ID_SIGNATURE, 16);
	put_le32(spec + 16, 0); /* platformClass: client */
	spec[20] = 0; /* specVersionMinor */
	spec[21] = 2; /* specVersionMajor */
	spec[22] = 0; /* specErrata */
	spec[23] = 2; /* uintnSize: UINT64 */
	put_le32(spec + 24, 2); /* numberOfAlgorithms */
	put_le16(spec + 28, TCG_ALG_SHA256);
	put_le16(spec + 30, MEASURE_SHA256_LEN);
	put_le16(spec + 32, TCG_ALG_SHA384);
	put_le16(spec + 34, MEASURE_SHA384_LEN);
	spec[36] = 0; /* vendorInfoSize */
}

static void put_event(uint8_t *p, const struct tcg_event *ev)
{
	size_t text = strlen(ev->text);
	uint8_t *data = p + TCG_EVENT2_FIXED_LEN;

	put_le32(p, ev->pcr);
	put_le32(p + 4, ev->type);
	put_le32(p + 8, 2); /* TPML_DIGEST_VALUES.count */
	put_le16(p + 12, TCG_ALG_SHA256);
	memcpy(p + 14, ev->sha256, MEASURE_SHA256_LEN);
	put_le16(p + 46, TCG_ALG_SHA384);
	memcpy(p + 48, ev->sha384, MEASURE_SHA384_LEN);
	put_le32(p + 96, data_len(ev));
	memcpy(data, ev->text, text);
	if (ev->body_len)
		memcpy(data + text, ev->body, ev->body_len);
	if (ev->nul)
		data[text + ev->body_len] = 0;
}

int tcg_log_write(const struct measure_log *log, uint8_t *buf, size_t len,
		  size_t *off)
{
	size_t need, at;
	struct tcg_event ev;
	int rc = log_len(log, &need);

	if (rc)
		return rc;
	if (*off > len || need > len - *off)
		return TCG_LOG_ERR_SPACE;
	at = *off;
	put_header(buf + at);
	at += TCG_HEADER_EVENT_LEN;
	for (unsigned int i = 0; i < tcg_event_count(log); i++) {
		rc = tcg_event_at(log, i, &ev);
		if (rc)
			return rc;
		put_event(buf + at, &ev);
		at += event_len(&ev);
	}
	*off = at;
	return TCG_LOG_OK;
}

/* pcr = H(pcr || digest), as TPM2_PCR_Extend does in each bank. */
static int extend(const EVP_MD *md, uint8_t *pcr, const uint8_t *digest,
		  size_t len)
{
	uint8_t both[2 * MEASURE_SHA384_LEN];

	memcpy(both, pcr, len);
	memcpy(both + len, digest, len);
	return EVP_Digest(both, 2 * len, pcr, NULL, md, NULL) == 1 ?
		       TCG_LOG_OK :
		       TCG_LOG_ERR_CRYPTO;
}

int tcg_log_extends(const struct measure_log *log, tcg_extend_fn *fn, void *ctx)
{
	struct tcg_event ev;
	int rc;

	for (unsigned int i = 0; i < tcg_event_count(log); i++) {
		rc = tcg_event_at(log, i, &ev);
		if (rc)
			return rc;
		rc = fn(ctx, ev.pcr, ev.sha256, ev.sha384);
		if (rc)
			return rc;
	}
	return TCG_LOG_OK;
}

/* The extends of tcg_log_extends(), done in software. */
static int extend_both(void *ctx, uint32_t pcr, const uint8_t *sha256,
		       const uint8_t *sha384)
{
	struct tcg_pcrs *out = ctx;
	int rc = extend(EVP_sha256(), out->sha256[pcr], sha256,
			MEASURE_SHA256_LEN);

	return rc ? rc :
		    extend(EVP_sha384(), out->sha384[pcr], sha384,
			   MEASURE_SHA384_LEN);
}

int tcg_log_pcrs(const struct measure_log *log, struct tcg_pcrs *out)
{
	memset(out, 0, sizeof(*out));
	return tcg_log_extends(log, extend_both, out);
}

uint32_t tcg_log_pcr_mask(const struct measure_log *log)
{
	uint32_t mask = 0;
	struct tcg_event ev;

	for (unsigned int i = 0; i < tcg_event_count(log); i++)
		if (tcg_event_at(log, i, &ev) == TCG_LOG_OK)
			mask |= 1u << ev.pcr;
	return mask;
}

static void print_bank(FILE *out, const char *bank, unsigned int pcr,
		       const uint8_t *v, size_t len)
{
	fprintf(out, "PCR %s:%u=", bank, pcr);
	for (size_t i = 0; i < len; i++)
		fprintf(out, "%02x", v[i]);
	fputc('\n', out);
}

void tcg_pcrs_print(const struct tcg_pcrs *p, const struct measure_log *log,
		    FILE *out)
{
	uint32_t mask = tcg_log_pcr_mask(log);
	unsigned int n;

	for (n = 0; n < TCG_PCRS; n++)
		if (mask & (1u << n))
			print_bank(out, "sha256", n, p->sha256[n],
				   MEASURE_SHA256_LEN);
	for (n = 0; n < TCG_PCRS; n++)
		if (mask & (1u << n))
			print_bank(out, "sha384", n, p->sha384[n],
				   MEASURE_SHA384_LEN);
	fflush(out);
}
