/* SPDX-License-Identifier: MIT */
/*
 * The vTPM's engine: a TPM 2.0 from libtpms, in the VMM process.
 *
 * Why in-process: libtpms is a library built to be embedded (swtpm and
 * QEMU's emulator embed it the same way); a TPM process of its own would
 * cost an IPC round trip per command plus its own seccomp policy, and the
 * CRB device already serializes commands under its lock. The price is
 * that libtpms's code runs inside mantle-paravisor's address space and
 * seccomp allowlist (guard.c): it needs no syscall beyond what the VMM
 * already allows at runtime (its state lives in memory, its randomness
 * comes from OpenSSL, which mantle-paravisor already uses), provided
 * glibc never trims a per-thread malloc arena (guard_one_arena()).
 *
 * libtpms keeps one TPM per process (global state), hence one tpm_lib.
 *
 * State: libtpms's permanent state (its "permall" blob) goes through the
 * NV callbacks into struct tpm_nv, a buffer in memory that outlives guest
 * reboots within one mantle-paravisor run. With a VMGS it is persisted
 * there, encrypted (file id 3, TPM_NVRAM; control_tpm.h): loaded into
 * tpm_nv before the first boot, and each store handed through the
 * `stored` hook to the control thread, which writes it after a batching
 * window (tpm_save.h). Without a VMGS it is lost when the paravisor exits.
 * Volatile and save state are not kept (a reboot is a TPM reset).
 */
#ifndef MANTLE_VMM_TPM_LIB_H
#define MANTLE_VMM_TPM_LIB_H

#include <stddef.h>
#include <stdint.h>

/* The TPM's NV state as libtpms last stored it (heap; NULL: none, a
 * fresh TPM is manufactured at the next start). */
struct tpm_nv {
	uint8_t *permall;
	uint32_t len;
	uint64_t stores; /* how many times libtpms stored it */
	/* Called after each store (NULL: none), on the thread that ran the
	 * command: must not block (the VMGS save is posted, tpm_save.h). */
	void (*stored)(void *ctx, const uint8_t *data, uint32_t len);
	void *stored_ctx;
	/* Called at each TPM power-off (NULL: none): what is stored should
	 * reach the VMGS now, not after the window. Same ctx. */
	void (*urge)(void *ctx);
};

/*
 * Powers the TPM on with nv's state (a fresh one when nv holds none):
 * libtpms's TPM_Init. The guest sends TPM2_Startup itself. The command
 * and response buffers are limited to max_buf bytes. 0, or -1 (logged).
 */
int tpm_lib_start(struct tpm_nv *nv, size_t max_buf);
/*
 * TPM2_Startup(SU_CLEAR), as platform firmware sends it before the OS
 * runs: the paravisor is the guest's firmware. Without it the guest kernel
 * finds the TPM uninitialized, logs a TPM error and starts it itself.
 * 0, or -1 (logged) if the TPM refused.
 */
int tpm_lib_startup(void);
/* Powers it off (nv keeps the state for the next start). */
void tpm_lib_stop(void);
/* One command at locality loc into rsp (cap bytes): the response length,
 * or 0 if libtpms failed or the response does not fit. Serialized by the
 * caller. */
size_t tpm_lib_exec(void *ctx, unsigned int loc, const uint8_t *cmd,
		    size_t cmd_len, uint8_t *rsp, size_t cap);
/*
 * Whether libtpms accepts nv's state as its permanent state (its own
 * checks, before any TPM runs on it): 0, or -1 if it refuses. Not while
 * the TPM is started.
 */
int tpm_lib_check(struct tpm_nv *nv);
/* Frees nv's buffer. */
void tpm_nv_clear(struct tpm_nv *nv);

#endif
