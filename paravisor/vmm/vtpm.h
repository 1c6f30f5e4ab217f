/* SPDX-License-Identifier: MIT */
/*
 * The vTPM of one boot, whatever interface the guest drives: the engine
 * (tpm_lib.h, libtpms in this process) powered on with the state kept
 * across boots, started with TPM2_Startup(CLEAR) as platform firmware
 * does, then given to the interface device (tpm_crb.h; tis next). Each
 * interface's plug in machine_devs.c calls vtpm_power_on() and its unplug
 * vtpm_power_off(): a guest reboot is a TPM reset, as on a physical
 * machine.
 *
 * Every step the paravisor itself takes with the TPM before the guest
 * runs (its keys, its measurements) belongs in vtpm_power_on(), so that
 * CRB and TIS get the same TPM.
 */
#ifndef MANTLE_VMM_VTPM_H
#define MANTLE_VMM_VTPM_H

#include <stddef.h>

struct machine;

/* Powers the engine on for this boot, buffers of max_buf bytes. 0, or -1
 * (logged: the guest then has no TPM). */
int vtpm_power_on(struct machine *m, size_t max_buf);
/* Powers it off; commands and refused accesses of the interface go into
 * the log line. */
void vtpm_power_off(struct machine *m, const char *iface,
		    unsigned long long commands, unsigned long long refused);

#endif
