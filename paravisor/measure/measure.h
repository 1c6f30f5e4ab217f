/* SPDX-License-Identifier: MIT */
/*
 * Measurement of what Mantle loads, shared by the host launcher (`mantle
 * measure`, which computes the values offline) and mantle-paravisor (which
 * computes them as it loads the guest). Both must produce identical bytes, so
 * the encoding lives here once; paravisor/MEASUREMENT.md is its specification.
 *
 * Two levels, as on hardware:
 *  - the launch measurement (SHA-384 extend chain over typed, length-prefixed
 *    records) covers the paravisor VM image and its configuration;
 *  - the guest payload event list: one event per piece the paravisor loads into
 *    the guest (kernel, initrd, command line, ACPI tables, e820 memory map),
 *    with SHA-256 and
 *    SHA-384 digests, which the vTPM work turns into PCR extends and a TCG log.
 */
#ifndef MANTLE_MEASURE_H
#define MANTLE_MEASURE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MEASURE_SHA384_LEN 48
#define MEASURE_SHA256_LEN 32
#define MEASURE_MAX_EVENTS 32
/* The longest command line (PAYLOAD_MAX_CMDLINE), kept for the TCG log. */
#define MEASURE_CMDLINE_MAX 4095

/* Record types of the launch measurement (level 1). */
enum measure_launch_record {
	MEASURE_LAUNCH_KERNEL = 1,
	MEASURE_LAUNCH_INITRD = 2,
	MEASURE_LAUNCH_CMDLINE = 3,
	MEASURE_LAUNCH_CONFIG = 4,
};

/* Event types of the guest payload event list (level 2). */
enum measure_event_type {
	MEASURE_EV_KERNEL = 1,
	MEASURE_EV_INITRD = 2,
	MEASURE_EV_CMDLINE = 3,
	MEASURE_EV_ACPI = 4,
	MEASURE_EV_E820 = 5, /* the guest memory map, boot_params.e820_table */
};

struct measure_launch {
	uint8_t digest[MEASURE_SHA384_LEN];
};

struct measure_event {
	uint32_t type; /* enum measure_event_type */
	uint32_t pcr; /* PCR the vTPM will extend */
	uint64_t size; /* bytes measured */
	uint8_t sha256[MEASURE_SHA256_LEN];
	uint8_t sha384[MEASURE_SHA384_LEN];
};

struct measure_log {
	unsigned int count;
	struct measure_event ev[MEASURE_MAX_EVENTS];
	/* The bytes of the (last) cmdline event: the TCG log shows them. */
	uint32_t cmdline_len;
	uint8_t cmdline[MEASURE_CMDLINE_MAX];
};

/* Level 1: start the chain (all-zero digest), then extend one record each. */
void measure_launch_init(struct measure_launch *m);
int measure_launch_extend(struct measure_launch *m, uint32_t record_type,
			  const void *data, size_t len);

/* Level 2: append one event with both digests of data. 0 or -1 (log full,
 * a command line longer than MEASURE_CMDLINE_MAX, or crypto failure). */
void measure_log_init(struct measure_log *log);
int measure_log_add(struct measure_log *log, uint32_t type, const void *data,
		    size_t len);

/* Print one line per event, the format both sides use so that a test can
 * compare them: "MEASURE event=<name> pcr=<n> size=<n> sha256=<hex> sha384=<hex>" */
void measure_log_print(const struct measure_log *log, FILE *out);
/* "MEASURE launch=<hex>" */
void measure_launch_print(const struct measure_launch *m, FILE *out);

const char *measure_event_name(uint32_t type);

#endif
