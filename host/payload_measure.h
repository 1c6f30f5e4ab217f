/* SPDX-License-Identifier: MIT */
/* The guest payload events (MEASUREMENT.md level 2), computed offline. */
#ifndef MANTLE_HOST_PAYLOAD_MEASURE_H
#define MANTLE_HOST_PAYLOAD_MEASURE_H

#include <stdint.h>

#include "acpi.h"
#include "measure.h"

/* The devices mantle-paravisor describes in its DSDT (paravisor/vmm),
 * with the vTPM's (--tpm crb, the default) or without (--tpm none). */
#define PAYLOAD_ACPI_DEVICES(tpm_crb) acpi_machine_devices(tpm_crb)

/*
 * The events mantle-paravisor logs for this payload, in its load order:
 * kernel, initrd (size 0 without one), command line, ACPI tables built by
 * paravisor/vmm/acpi.c for cpus and mem_bytes, the e820 table built by
 * paravisor/vmm/e820.c for mem_bytes. 0 or -1 with a message.
 */
int payload_measure(const char *kernel, const char *initrd, const char *cmdline,
		    unsigned int cpus, uint64_t mem_bytes, int tpm_crb,
		    struct measure_log *log);

#endif
