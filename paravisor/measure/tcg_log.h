/* SPDX-License-Identifier: MIT */
/*
 * The level-2 guest payload events (measure.h) as a TCG PC Client
 * crypto-agile event log, and the PCR values a TPM holds after extending the
 * same digests. One definition for `mantle measure` (offline values, --pcrs,
 * --event-log) and mantle-paravisor (the log it publishes through the ACPI
 * TPM2 table's LAML/LASA, the extends it sends to the vTPM). Normative text:
 * paravisor/MEASUREMENT.md, "Level 2 in the TPM".
 *
 * Layout (all integers little-endian):
 *  - header event, TCG_PCClientPCREvent (SHA-1 format): le32 pcrIndex 0,
 *    le32 eventType EV_NO_ACTION, digest[20] zero, le32 eventSize 37, then
 *    TCG_EfiSpecIdEvent: "Spec ID Event03\0", le32 platformClass 0,
 *    u8 specVersionMinor 0, u8 specVersionMajor 2, u8 specErrata 0,
 *    u8 uintnSize 2, le32 numberOfAlgorithms 2, {le16 algId, le16 size}
 *    SHA-256 (0x000B, 32) and SHA-384 (0x000C, 48), u8 vendorInfoSize 0;
 *  - one TCG_PCR_EVENT2 per event: le32 pcrIndex, le32 eventType,
 *    le32 digest count 2, le16 0x000B + 32 bytes, le16 0x000C + 48 bytes,
 *    le32 eventSize, event data.
 */
#ifndef MANTLE_TCG_LOG_H
#define MANTLE_TCG_LOG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "measure.h"

/* TCG PC Client event types used (TCG PC Client PFP, "Event Types"). */
#define TCG_EV_NO_ACTION 0x00000003u
#define TCG_EV_SEPARATOR 0x00000004u
#define TCG_EV_PLATFORM_CONFIG_FLAGS 0x0000000Au
#define TCG_EV_IPL 0x0000000Du

#define TCG_ALG_SHA256 0x000Bu
#define TCG_ALG_SHA384 0x000Cu

#define TCG_PCRS 24
/* PCRs 0-7 get an EV_SEPARATOR at the end of the log (pre-OS phase done). */
#define TCG_SEPARATOR_PCRS 8

/* Sizes of the fixed parts (asserted in tcg_log.c against the field lists). */
#define TCG_SPEC_ID_SIGNATURE "Spec ID Event03"
#define TCG_SPEC_ID_EVENT_LEN 37 /* 16 + 4 + 4 + 4 + 2 * 4 + 1 */
#define TCG_HEADER_EVENT_LEN 69 /* 4 + 4 + 20 + 4 + 37 */
/* TCG_PCR_EVENT2 without its event data: 4 + 4 + 4 + (2 + 32) + (2 + 48) + 4 */
#define TCG_EVENT2_FIXED_LEN 100
/* Event data of the cmdline event: this, the command line, a NUL. */
#define TCG_CMDLINE_PREFIX "kernel_cmdline: "
/* Event data of a separator: le32 0 (success). */
#define TCG_SEPARATOR_DATA_LEN 4

/* Named errors of this module. */
enum tcg_log_err {
	TCG_LOG_OK = 0,
	TCG_LOG_ERR_SPACE = 1, /* the output buffer is too small */
	TCG_LOG_ERR_EVENT = 2, /* an event type measure.h does not define */
	TCG_LOG_ERR_CRYPTO = 3, /* a digest failed */
};

const char *tcg_log_strerror(int err);

/* Expected PCR values: both banks, PCRs 0-23, each starting at zero. */
struct tcg_pcrs {
	uint8_t sha256[TCG_PCRS][MEASURE_SHA256_LEN];
	uint8_t sha384[TCG_PCRS][MEASURE_SHA384_LEN];
};

/* Bytes tcg_log_write() produces for log; 0 when it cannot be logged. */
size_t tcg_log_size(const struct measure_log *log);

/*
 * Appends the whole log at buf[*off]; *off advances past it. Writes nothing
 * and returns TCG_LOG_ERR_SPACE when it does not fit in len (or
 * TCG_LOG_ERR_EVENT / TCG_LOG_ERR_CRYPTO).
 */
int tcg_log_write(const struct measure_log *log, uint8_t *buf, size_t len,
		  size_t *off);

/*
 * One PCR extend: both digests into PCR pcr (< TCG_PCRS). 0, or a non-zero
 * error that stops the walk and is returned by tcg_log_extends().
 */
typedef int tcg_extend_fn(void *ctx, uint32_t pcr, const uint8_t *sha256,
			  const uint8_t *sha384);

/*
 * Calls fn for every event of the log, in log order (the payload events,
 * then the separators): what mantle-paravisor sends to the vTPM as
 * TPM2_PCR_Extend, and what tcg_log_pcrs() computes with.
 */
int tcg_log_extends(const struct measure_log *log, tcg_extend_fn *fn,
		    void *ctx);

/* The PCRs a TPM holds after extending every event of the log in order. */
int tcg_log_pcrs(const struct measure_log *log, struct tcg_pcrs *out);

/* "PCR sha256:<n>=<64 hex>" then "PCR sha384:<n>=<96 hex>", for the PCRs
 * the log extends, ascending. */
void tcg_pcrs_print(const struct tcg_pcrs *p, const struct measure_log *log,
		    FILE *out);

/* Bitmap of the PCRs the log extends (bit n = PCR n). */
uint32_t tcg_log_pcr_mask(const struct measure_log *log);

#endif
