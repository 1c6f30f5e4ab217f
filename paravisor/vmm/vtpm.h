/* SPDX-License-Identifier: MIT */
/*
 * The vTPM of one boot, whatever interface the guest drives: the engine
 * (tpm_lib.h, libtpms in this process) powered on with the state kept
 * across boots, started with TPM2_Startup(CLEAR) as platform firmware
 * does, then given to the interface device (tpm_crb.h or tpm_tis.h). Each
 * interface's plug in machine_devs.c calls vtpm_power_on() and its unplug
 * vtpm_power_off(): a guest reboot is a TPM reset, as on a physical
 * machine.
 *
 * Every step the paravisor itself takes with the TPM before the guest
 * runs is in vtpm_power_on(), so that CRB and TIS get the same TPM, in
 * this order:
 *  1. start: TPM_Init, TPM2_Startup(CLEAR), the PCR banks of the event log
 *     (SHA-256 and SHA-384) allocated and no other (vtpm_measure.c; a
 *     TPM that had others is reallocated and restarted once);
 *  2. measured boot: the level-2 events extended into their PCRs and the
 *     TCG event log written to the area the TPM2 table's LAML/LASA name
 *     (vtpm_measure.c, paravisor/MEASUREMENT.md "Level 2 in the TPM");
 *  3. keys: the EK and the AK created from the seeds, checked, the AK
 *     persisted at 0x81000003 (vtpm_keys.c, paravisor/vmm/README.md);
 *  4. lock: the platform hierarchy disabled until the next TPM reset, so
 *     the guest never holds platform authorization (last).
 */
#ifndef MANTLE_VMM_VTPM_H
#define MANTLE_VMM_VTPM_H

#include <stddef.h>
#include <stdint.h>

#include "tpm_cmd.h"

struct machine;

/*
 * The EK and AK of the running boot, for attestation (issue 16's runtime
 * claims). Only keys the paravisor created itself from the seeds with
 * their template checked are here; have_* is 0 otherwise, and nothing must
 * be reported for a key whose have_* is 0.
 */
struct vtpm_keys {
	int have_ek; /* ek: this boot's EK public (the EK is flushed) */
	int have_ak; /* ak: this boot's AK public */
	int ak_persisted; /* TPM_AK_HANDLE holds exactly ak */
	struct tpm_pub ek, ak;
	/* Since mantle-paravisor started (all boots): */
	uint64_t ak_substitutes; /* other keys found and evicted there */
	uint64_t ak_unpersisted; /* boots the AK could not be persisted */
};

/* Powers the engine on for this boot, buffers of max_buf bytes, and takes
 * the paravisor's steps above. 0, or -1 (logged: the guest then has no
 * TPM). */
int vtpm_power_on(struct machine *m, size_t max_buf);
/* Powers it off; commands and refused accesses of the interface go into
 * the log line. */
void vtpm_power_off(struct machine *m, const char *iface,
		    unsigned long long commands, unsigned long long refused);

/* vtpm_measure.c: step 1's banks (0 as wanted, 1 reallocated: restart the
 * TPM, -1 failed) and step 2 (0 or -1). */
int vtpm_banks(const struct tpm_io *io);
int vtpm_measure(struct machine *m, const struct tpm_io *io);
/* vtpm_keys.c: step 3, into k; never fails the boot (what it could not do
 * is logged and left out of k). */
void vtpm_keys_provision(struct vtpm_keys *k, const struct tpm_io *io);
/* The EK and AK templates, and whether a public area the TPM returned has
 * exactly a template's type, algorithms, attributes, policy and
 * parameters (unique aside) and a 2048-bit modulus. */
const TPM2B_PUBLIC *vtpm_ek_template(void);
const TPM2B_PUBLIC *vtpm_ak_template(void);
int vtpm_pub_matches(const struct tpm_pub *got, const TPM2B_PUBLIC *tmpl);

#endif
