// SPDX-License-Identifier: MIT
/*
 * Measured boot by the paravisor (vtpm.h steps 1 and 2): the PCR banks the
 * event log carries, the level-2 events extended into the vTPM's PCRs, and
 * the same events as a TCG crypto-agile event log in guest memory, where
 * the ACPI TPM2 table's LAML/LASA point (paravisor/MEASUREMENT.md, "Level 2
 * in the TPM"). tcg_log.c walks the events for both, so the log replays to
 * the PCRs the TPM holds.
 */
#include "vtpm.h"
#include "acpi.h"
#include "log.h"
#include "machine.h"
#include "tcg_log.h"

#include <string.h>

/* The banks of the event log (tcg_log.h's Spec ID event), all 24 PCRs
 * each; every other bank the TPM implements is deallocated, so that no
 * allocated bank is missing from the log (libtpms allocates SHA-1,
 * SHA-256, SHA-384 and SHA-512 in a new TPM). */
static int bank_wanted(uint16_t hash)
{
	return hash == TPM2_ALG_SHA256 || hash == TPM2_ALG_SHA384;
}

#define PCR_SELECT_BYTES 3 /* PCRs 0-23 */

static int bank_as_wanted(const TPMS_PCR_SELECTION *s)
{
	uint8_t want = bank_wanted(s->hash) ? 0xFF : 0;

	for (unsigned int i = 0; i < s->sizeofSelect; i++)
		if (s->pcrSelect[i] != (i < PCR_SELECT_BYTES ? want : 0))
			return 0;
	return s->sizeofSelect >= PCR_SELECT_BYTES || !want;
}

/* Counts the wanted banks present and whether all are as wanted. */
static int banks_as_wanted(const TPML_PCR_SELECTION *cur)
{
	unsigned int wanted = 0;

	for (unsigned int i = 0; i < cur->count; i++) {
		if (!bank_as_wanted(&cur->pcrSelections[i]))
			return 0;
		wanted += bank_wanted(cur->pcrSelections[i].hash) != 0;
	}
	return wanted == 2;
}

int vtpm_banks(const struct tpm_io *io)
{
	TPML_PCR_SELECTION cur, sel = { 0 };
	uint32_t rc = tpm_cmd_pcr_banks(io, &cur);

	if (rc == 0 && banks_as_wanted(&cur))
		return 0;
	for (unsigned int i = 0; rc == 0 && i < cur.count; i++) {
		TPMS_PCR_SELECTION *s = &sel.pcrSelections[sel.count++];

		s->hash = cur.pcrSelections[i].hash;
		s->sizeofSelect = PCR_SELECT_BYTES;
		memset(s->pcrSelect, bank_wanted(s->hash) ? 0xFF : 0,
		       PCR_SELECT_BYTES);
	}
	if (rc == 0)
		rc = tpm_cmd_pcr_allocate(io, &sel);
	if (rc) {
		pv_log("vtpm: cannot allocate the PCR banks sha256 and sha384: "
		       "%s 0x%x",
		       tpm_cmd_strerror(rc), (unsigned int)rc);
		return -1;
	}
	pv_log("vtpm: PCR banks reallocated to sha256 and sha384 (the event "
	       "log's); restarting the TPM");
	return 1;
}

struct extend_ctx {
	const struct tpm_io *io;
	unsigned int count;
	uint32_t rc;
};

/* One event of the log as TPM2_PCR_Extend with both digests. */
static int extend_one(void *arg, uint32_t pcr, const uint8_t *sha256,
		      const uint8_t *sha384)
{
	struct extend_ctx *x = arg;
	TPML_DIGEST_VALUES d = { .count = 2 };

	d.digests[0].hashAlg = TPM2_ALG_SHA256;
	memcpy(d.digests[0].digest.sha256, sha256, MEASURE_SHA256_LEN);
	d.digests[1].hashAlg = TPM2_ALG_SHA384;
	memcpy(d.digests[1].digest.sha384, sha384, MEASURE_SHA384_LEN);
	x->rc = tpm_cmd_pcr_extend(x->io, pcr, &d);
	if (x->rc)
		return -1;
	x->count++;
	return 0;
}

/* The log into its reserved area, zero-padded to ACPI_TPM_LOG_LEN. */
static int write_log(struct machine *m, size_t *len)
{
	uint8_t *area = m->ram + ACPI_TPM_LOG_GPA;
	int rc;

	*len = 0;
	memset(area, 0, ACPI_TPM_LOG_LEN);
	rc = tcg_log_write(&m->mlog, area, ACPI_TPM_LOG_LEN, len);
	if (rc) {
		pv_log("vtpm: event log: %s", tcg_log_strerror(rc));
		return -1;
	}
	return 0;
}

int vtpm_measure(struct machine *m, const struct tpm_io *io)
{
	struct extend_ctx x = { io, 0, 0 };
	size_t len;
	int rc = tcg_log_extends(&m->mlog, extend_one, &x);

	if (rc) {
		pv_log("vtpm: PCR extend %u failed: %s 0x%x", x.count,
		       x.rc ? tpm_cmd_strerror(x.rc) : tcg_log_strerror(rc),
		       (unsigned int)(x.rc ? x.rc : (uint32_t)rc));
		return -1;
	}
	if (write_log(m, &len) < 0)
		return -1;
	pv_log("vtpm: measured boot: %u PCR extends (sha256, sha384), event "
	       "log %zu bytes at 0x%x (LAML %u)",
	       x.count, len, ACPI_TPM_LOG_GPA, ACPI_TPM_LOG_LEN);
	return 0;
}
