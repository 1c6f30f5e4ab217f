// SPDX-License-Identifier: MIT
/* The vTPM of one boot (vtpm.h). */
#include "vtpm.h"
#include "log.h"
#include "machine.h"
#include "tpm_lib.h"

/* TPM_Init and TPM2_Startup(CLEAR) with the log's PCR banks: a TPM with
 * other banks is reallocated, then reset once for it to take effect. */
static int vtpm_start(struct machine *m, size_t max_buf,
		      const struct tpm_io *io)
{
	int banks = -1;

	for (int tries = 0; tries < 2; tries++) {
		if (tpm_lib_start(m->tpm_nv, max_buf) < 0)
			return -1;
		banks = tpm_lib_startup() < 0 ? -1 : vtpm_banks(io);
		if (banks == 0)
			return 0;
		tpm_lib_stop();
		if (banks < 0)
			return -1;
	}
	pv_log("vtpm: the PCR banks are still not the event log's after "
	       "reallocation");
	return -1;
}

/* Last: the guest never holds platform authorization (TPM2_Clear,
 * ChangeEPS, PCR_Allocate, eviction of any persistent key) until the next
 * TPM reset, which is a guest reboot and runs these steps again. */
static int vtpm_lock(const struct tpm_io *io)
{
	uint32_t rc = tpm_cmd_hierarchy_control(io, TPM2_RH_PLATFORM,
						TPM2_RH_PLATFORM, 0);

	if (rc) {
		pv_log("vtpm: cannot disable the platform hierarchy: %s 0x%x",
		       tpm_cmd_strerror(rc), (unsigned int)rc);
		return -1;
	}
	return 0;
}

int vtpm_power_on(struct machine *m, size_t max_buf)
{
	const struct tpm_io io = { tpm_lib_exec, NULL };
	uint64_t t0 = pv_uptime_ms();

	if (vtpm_start(m, max_buf, &io) < 0)
		goto fail;
	if (vtpm_measure(m, &io) < 0)
		goto stop;
	vtpm_keys_provision(&m->vtpm_keys, &io);
	if (vtpm_lock(&io) < 0)
		goto stop;
	pv_log("vtpm: powered on in %llu ms (platform hierarchy disabled)",
	       (unsigned long long)(pv_uptime_ms() - t0));
	return 0;
stop:
	tpm_lib_stop();
fail:
	pv_log("vtpm: cannot start the TPM; the guest has none");
	return -1;
}

void vtpm_power_off(struct machine *m, const char *iface,
		    unsigned long long commands, unsigned long long refused)
{
	struct tpm_nv *nv = m->tpm_nv;

	pv_log("vtpm: %llu commands, %llu refused accesses (%s), state %u "
	       "bytes (%s)",
	       commands, refused, iface, nv->len,
	       nv->urge ? "its VMGS save due now" : "in memory only, no VMGS");
	tpm_lib_stop();
	if (nv->urge)
		nv->urge(nv->stored_ctx);
}
