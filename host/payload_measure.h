/* SPDX-License-Identifier: MIT */
/* The guest payload events (MEASUREMENT.md level 2), computed offline. */
#ifndef MANTLE_HOST_PAYLOAD_MEASURE_H
#define MANTLE_HOST_PAYLOAD_MEASURE_H

#include <stdint.h>

#include "acpi.h"
#include "measure.h"
#include "opts.h"

/* The devices mantle-paravisor describes in its DSDT (paravisor/vmm),
 * with the vTPM's interface (--tpm crb, the default, or tis) or without
 * (--tpm none). */
static inline uint32_t payload_acpi_devices(enum mantle_tpm tpm)
{
	static const uint32_t dev[MANTLE_TPM_KINDS] = {
		[MANTLE_TPM_CRB] = ACPI_DEV_TPM_CRB,
		[MANTLE_TPM_TIS] = ACPI_DEV_TPM_TIS,
		[MANTLE_TPM_NONE] = 0,
	};

	return acpi_machine_devices(tpm < MANTLE_TPM_KINDS ? dev[tpm] : 0);
}
#define PAYLOAD_ACPI_DEVICES(tpm) payload_acpi_devices(tpm)

/*
 * The events mantle-paravisor logs for this payload, in its load order:
 * kernel, initrd (size 0 without one), command line, ACPI tables built by
 * paravisor/vmm/acpi.c for cpus and mem_bytes, the e820 table built by
 * paravisor/vmm/e820.c for mem_bytes. 0 or -1 with a message.
 */
int payload_measure(const char *kernel, const char *initrd, const char *cmdline,
		    unsigned int cpus, uint64_t mem_bytes, enum mantle_tpm tpm,
		    struct measure_log *log);

#endif
