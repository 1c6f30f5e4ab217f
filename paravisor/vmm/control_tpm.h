/* SPDX-License-Identifier: MIT */
/*
 * The vTPM's state in the VMGS: file id 3 (TPM_NVRAM), libtpms's permanent
 * state ("permall", as tpm_lib.h stores it) and nothing else, written only
 * encrypted (VMGS_WRITE_ENCRYPT, under the VMGS key of VMGS-KEY.md) and
 * only on the control thread that owns the VMGS's I/O. File id 2
 * (TPM_PPI) is not used: this vTPM has no physical presence interface.
 *
 * The load runs on main()'s thread before control_start(); the saves on
 * the control thread, batched by tpm_save.h; the last one when the thread
 * stops (control_close). Apart from control.c so that unit tests drive it
 * on any struct vmgs.
 */
#ifndef MANTLE_VMM_CONTROL_TPM_H
#define MANTLE_VMM_CONTROL_TPM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tpm_lib.h"
#include "tpm_save.h"
#include "vmgs/vmgs.h"

/* Whole reads of file 3 before one that fails or does not authenticate is
 * believed (a host fault once is not damage): as the VMGS open. */
#define TPM_LOAD_TRIES 8
/* Writes tried at the paravisor's exit before pending state is given up. */
#define TPM_FLUSH_TRIES 2

enum tpm_load_result {
	TPM_LOAD_FRESH, /* no file 3: libtpms manufactures a new TPM */
	TPM_LOAD_FOUND, /* file 3 read, decrypted, accepted by libtpms */
	TPM_LOAD_UNREADABLE, /* every read failed (the channel) */
	TPM_LOAD_UNDECRYPTABLE, /* present, does not authenticate/decrypt */
	TPM_LOAD_PLAINTEXT, /* present but stored unencrypted */
	TPM_LOAD_REFUSED, /* decrypted, libtpms refuses it (or too large) */
	TPM_LOAD_RESULT_COUNT
};

/* Whether the TPM engine accepts a state: 0 or -1 (tpm_lib_check). */
typedef int (*tpm_state_check_fn)(struct tpm_nv *nv);

/*
 * Reads file 3 of v (unlocked) into nv (empty before) and has check accept
 * it. FRESH and FOUND are the ones to boot with; every other result leaves
 * nv empty and the file untouched. why: one line for the log.
 */
enum tpm_load_result control_tpm_load(struct vmgs *v, struct tpm_nv *nv,
				      tpm_state_check_fn check, char *why,
				      size_t whylen);
const char *control_tpm_load_name(enum tpm_load_result r);
/* The paravisor exit status of a result (mantle_pv_status.h), 0 to boot. */
int control_tpm_load_status(enum tpm_load_result r);

/* Connects nv's store hooks to s: each store is posted, a power-off urges. */
void control_tpm_hook(struct tpm_nv *nv, struct tpm_save *s);

/*
 * Control thread: writes the pending state to v if it is due (force: any
 * pending state). 1 written, 0 nothing to write, -1 the write failed (the
 * state stays pending for the next window; a poisoned handle is reloaded).
 */
int control_tpm_pump(struct vmgs *v, struct tpm_save *s, uint64_t now,
		     bool force);
/* At the end: whatever is pending, up to TPM_FLUSH_TRIES writes. 0 when
 * nothing is left unwritten, else -1 (logged loudly). */
int control_tpm_flush(struct vmgs *v, struct tpm_save *s, uint64_t now);
/* One line of counters for the log. */
void control_tpm_log(struct tpm_save *s, const char *when);

#endif
