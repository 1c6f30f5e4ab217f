// SPDX-License-Identifier: MIT
/* The vTPM of one boot (vtpm.h). */
#include "vtpm.h"
#include "log.h"
#include "machine.h"
#include "tpm_lib.h"

int vtpm_power_on(struct machine *m, size_t max_buf)
{
	if (tpm_lib_start(m->tpm_nv, max_buf) < 0)
		goto fail;
	if (tpm_lib_startup() < 0) {
		tpm_lib_stop();
		goto fail;
	}
	return 0;
fail:
	pv_log("vtpm: cannot start the TPM; the guest has none");
	return -1;
}

void vtpm_power_off(struct machine *m, const char *iface,
		    unsigned long long commands, unsigned long long refused)
{
	pv_log("vtpm: %llu commands, %llu refused accesses (%s), state %u "
	       "bytes (in memory, not persisted)",
	       commands, refused, iface, m->tpm_nv->len);
	tpm_lib_stop();
}
